/**
 * Crash injection for the capsule store and forwarder inside npm test: LIGHTVIBES_CAPSULE_RESTARTS
 * (default 6) SIGKILLed children running the 24 h store-and-forward network on one SQLite file.
 * The full run is `npm run crash:capsule -- --restarts 100 --capsules 1000`; see
 * test/crash/capsule-harness.ts for what is checked.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCapsuleCrash } from './crash/capsule-harness.ts';

test('SIGKILL at random points: no acknowledged capsule lost, none delivered twice', async () => {
  const restarts = Number(process.env.LIGHTVIBES_CAPSULE_RESTARTS ?? 6);
  const report = await runCapsuleCrash({ restarts, capsules: 40, seed: 4, maxKillMs: 1200 });
  assert.equal(report.failures, []);
  assert.is(report.restarts, restarts);
  assert.ok(report.acked > 0, JSON.stringify(report));
  assert.is(report.final.created, 40);
  assert.is(report.final.inFlight, 0);
  assert.is(report.final.delivered + report.final.expired, 40);
});

test.run();
