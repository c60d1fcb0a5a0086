/**
 * Crash injection inside npm test: LIGHTVIBES_CRASH_TRIALS (default 60) SIGKILLed children; the
 * full run is `npm run crash -- --trials 500`. See test/crash/harness.ts for what is checked.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCrashTrials } from './crash/harness.ts';

test('SIGKILL at random points: no key served twice, no acknowledged key lost, evidence verifies', async () => {
  const trials = Number(process.env.LIGHTVIBES_CRASH_TRIALS ?? 60);
  const report = await runCrashTrials({ trials, lanes: 2 });
  assert.equal(report.failures, []);
  assert.is(report.trials, trials);
  assert.ok(report.acked > 0 && report.served + report.finalTaken > 0, JSON.stringify(report));
});

test.run();
