/** Node ↔ XS interop (sim/qsp-interop.ts), a short run; `npm run qsp -- interop` runs 1,000 frames + 10 rekeys. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runInterop } from '../sim/qsp-interop.ts';

test('interop: XS plays the server, then the client, against Node — identical datagrams', () => {
  const report = runInterop({ seed: 4, frames: 40, rekeys: 3, payloadBytes: 48 });
  for (const s of report.sides) {
    assert.ok(s.equal, `${s.role}: XS ${JSON.stringify(s.xs)} vs Node ${JSON.stringify(s.node)}`);
    assert.is(s.xs.epoch, 4);
    assert.is(s.xs.delivered, 20);
  }
  assert.ok(report.ok);
});

test.run();
