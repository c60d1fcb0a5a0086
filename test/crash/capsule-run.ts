/** `npm run crash:capsule -- --restarts 100 --capsules 1000`: the full capsule crash-injection run; exits 1 on any failure. */
import { runCapsuleCrash } from './capsule-harness.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isSafeInteger(v) || v < 1) {
    console.error(`"${name}" expected a positive integer`);
    process.exit(2);
  }
  return v;
};
const report = await runCapsuleCrash({ restarts: arg('--restarts', 100), capsules: arg('--capsules', 1000), seed: arg('--seed', 3), maxKillMs: arg('--max-kill-ms', 1500), log: (l) => console.log(l) });
const f = report.final;
console.log(JSON.stringify(report, null, 1));
console.log(`capsule crash injection: ${report.restarts} SIGKILL restarts, ${report.acked} capsules acknowledged, ${f.delivered} delivered `
  + `(ratio ${f.deliveryRatio.toFixed(3)}, mean latency ${(f.meanLatencyS / 60).toFixed(1)} min), ${f.expired} expired, ${f.inFlight} still in custody; `
  + `${report.failures.length === 0 ? 'no acknowledged capsule lost, none delivered twice' : `${report.failures.length} FAILURE(S)`}`);
process.exit(report.failures.length ? 1 : 0);
