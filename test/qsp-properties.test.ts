/**
 * Property tests (fast-check): any sequence of delivered frames — reordered, duplicated, dropped,
 * corrupted — either decrypts to exactly what was sent, in an order the replay window allows, or is
 * rejected; no plaintext is ever accepted twice.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DropReason } from '../src/qsp/session.ts';
import { QspState } from '../src/qsp/state-table.ts';
import { createQspPair, handshake } from '../sim/qsp-pair.ts';

const WINDOW = 64;

test('delivered frames decrypt to what was sent, within the window, never twice', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 150 }),
      fc.array(fc.record({ index: fc.nat(149), corrupt: fc.option(fc.nat(200), { freq: 5 }) }), { maxLength: 300 }),
      fc.boolean(),
      (n, schedule, fromServer) => {
        const pair = createQspPair({ seed: 21, server: { onBadDatagram: 'drop', replayWindow: WINDOW }, client: { onBadDatagram: 'drop', replayWindow: WINDOW } });
        handshake(pair);
        const [tx, rx] = fromServer ? [pair.server, pair.client] : [pair.client, pair.server];
        const frames = Array.from({ length: n }, (_, i) => tx.send(Uint8Array.of(i >> 8, i & 0xff, 0x5a))[0]!);
        const accepted = new Set<number>();
        let highest = -1;
        for (const { index, corrupt } of schedule) {
          if (index >= n) continue;
          let d = frames[index]!;
          if (corrupt !== null) {
            d = d.slice();
            d[corrupt % d.length]! ^= 1 + (corrupt % 255);
          }
          const r = rx.receive(d);
          assert.equal(r.out, [], 'no reply to data in drop mode');
          if (r.data) {
            assert.is(corrupt === null, true, 'a corrupted frame was accepted');
            const i = (r.data[0]! << 8) | r.data[1]!;
            assert.is(i, index, 'decrypted to another frame');
            assert.is(r.data[2], 0x5a);
            assert.not.ok(accepted.has(i), 'accepted twice');
            assert.ok(highest - i < WINDOW, 'accepted behind the window');
            accepted.add(i);
            highest = Math.max(highest, i);
          } else {
            assert.ok(r.dropped !== undefined, 'neither data nor a counted drop');
            if (corrupt === null) {
              // an intact frame is refused only as a duplicate or as too old
              assert.is(r.dropped, DropReason.REPLAY);
              assert.ok(accepted.has(index) || highest - index >= WINDOW);
            }
          }
        }
        assert.is(rx.state, QspState.ESTABLISHED);
      },
    ),
    { numRuns: 40, seed: 7 },
  );
});

test.run();
