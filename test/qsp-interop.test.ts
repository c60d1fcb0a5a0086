/**
 * Node ↔ XS interop (sim/qsp-interop.ts, sim/qsp-live.ts): a short replay run, then the live run —
 * lvxs as a child process talking QSP with Node over its stdin/stdout — with handshake + 1,000
 * frames + 10 rekeys + close, XS as server and as client, byte-identical to the replay run.
 * `npm run qsp -- interop [--live]` runs the same at full size from the command line.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CloseReason } from '../src/qsp/close.ts';
import { FrameType } from '../src/qsp/frame.ts';
import { runInterop } from '../sim/qsp-interop.ts';
import { runLive } from '../sim/qsp-live.ts';

test('interop: XS plays the server, then the client, against Node — identical datagrams', () => {
  const report = runInterop({ seed: 4, frames: 40, rekeys: 3, payloadBytes: 48 });
  for (const s of report.sides) {
    assert.ok(s.equal, `${s.role}: XS ${JSON.stringify(s.xs)} vs Node ${JSON.stringify(s.node)}`);
    assert.is(s.xs.epoch, 4);
    assert.is(s.xs.delivered, 20);
  }
  assert.ok(report.ok);
});

for (const xsRole of ['server', 'client'] as const)
  test(`live: XS ${xsRole} ↔ Node over stdin/stdout, handshake + 1,000 frames + 10 rekeys + close, transcripts = the replay run`, async () => {
    const r = await runLive({ seed: 3, frames: 1000, rekeys: 10, payloadBytes: 64 }, xsRole);
    assert.is(r.datagrams, 3 + 1000 + 2 * 10 + 1, 'handshake 3 + data + INIT/ACK per rekey + CLOSE');
    assert.is(r.wireDigest, r.replay.wireDigest, 'the wire Node saw is the replay run’s');
    assert.is(r.xs.outputDigest, r.replay.xs.outputDigest, 'XS sent what the replay run’s side sent');
    assert.is(r.node.outputDigest, r.replay.node.outputDigest);
    assert.is(r.xs.epoch, 11);
    assert.is(r.xs.delivered, 500);
    assert.is(r.node.delivered, 500);
    assert.is(r.xs.closeReason, CloseReason.NORMAL);
    assert.ok(r.ok);
  });

test('live: a datagram forged on the pipe is caught on XS — typed close, the run no longer matches', async () => {
  // Node's first APP_DATA frame to the XS server gets one ciphertext bit flipped
  let flipped = false;
  const tamper = (d: Uint8Array) => {
    if (!flipped && d[0] === FrameType.APP_DATA) {
      d[d.length - 1]! ^= 1;
      flipped = true;
    }
    return d;
  };
  const r = await runLive({ seed: 5, frames: 6, rekeys: 0, payloadBytes: 16 }, 'server', { tamper });
  assert.ok(flipped);
  assert.is(r.xs.closeReason, CloseReason.AEAD_DECRYPT_FAILED);
  assert.is(r.node.peerCloseReason, CloseReason.AEAD_DECRYPT_FAILED);
  assert.is(r.xs.delivered, 0);
  assert.not.ok(r.ok);
});

test.run();
