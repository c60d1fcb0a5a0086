/** `npm run crash -- --trials 500`: the full crash-injection run; prints the report, exits 1 on any failure. */
import { runCrashTrials } from './harness.ts';

const i = process.argv.indexOf('--trials');
const trials = i >= 0 ? Number(process.argv[i + 1]) : 500;
if (!Number.isSafeInteger(trials) || trials < 1) {
  console.error('"--trials" expected a positive integer');
  process.exit(2);
}
const j = process.argv.indexOf('--lanes');
const report = await runCrashTrials({ trials, lanes: j >= 0 ? Number(process.argv[j + 1]) : 2, log: (l) => console.log(l) });
console.log(JSON.stringify(report, null, 1));
console.log(`crash injection: ${report.trials} SIGKILL trials in ${report.series} series, ${report.acked} keys acknowledged, ${report.served + report.finalTaken} served, `
  + `${report.etsiDelivered} ETSI deliveries, ${report.consumedUnacknowledged} consumed with the reply lost; `
  + `${report.failures.length === 0 ? 'no key served twice, no acknowledged key lost, every evidence chain verifies' : `${report.failures.length} FAILURE(S)`}`);
process.exit(report.failures.length ? 1 : 0);
