/**
 * `npm run capsule -- [--capsules 1000] [--seed 1] [--hours 24] [--lifetime-h 8] [--rate 2000] [--sqlite <file>] [--json]`:
 * the 24 h store-and-forward run of sim/capsule-dtn.ts — delivery ratio, mean and p95 latency.
 * With --sqlite the network persists to that file (WAL, full sync); otherwise to memory.
 */
import { MemoryStorage } from '../hal/sim/storage.ts';
import { SqliteStorage } from '../hal/node/sqlite-storage.ts';
import { DtnNetwork } from './capsule-dtn.ts';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`"${name}" expected a positive number, got ${JSON.stringify(process.argv[i + 1])}`);
    process.exit(2);
  }
  return v;
}
const capsules = Math.floor(arg('--capsules', 1000));
const seed = Math.floor(arg('--seed', 1));
const hours = arg('--hours', 24);
const si = process.argv.indexOf('--sqlite');
const storage = si >= 0 ? new SqliteStorage(process.argv[si + 1]!) : new MemoryStorage();
const started = performance.now();
const net = new DtnNetwork(storage, { seed, capsules, hours, lifetimeMs: arg('--lifetime-h', 8) * 3_600_000, rateBytesPerS: arg('--rate', 2000) });
net.run();
const r = net.report();
const seconds = (performance.now() - started) / 1000;
if (process.argv.includes('--json')) console.log(JSON.stringify({ ...r, seconds }));
else {
  console.log(`capsule store-and-forward: ${hours} h contact plan (${r.contacts} contacts, 6 nodes), ${r.created} capsules (256-bit key each), seed ${seed}`);
  console.log(`  delivered ${r.delivered} (ratio ${r.deliveryRatio.toFixed(4)}), expired ${r.expired}, in custody ${r.inFlight}`);
  console.log(`  latency mean ${(r.meanLatencyS / 60).toFixed(1)} min, p95 ${(r.p95LatencyS / 60).toFixed(1)} min; ${r.transfers} custody transfers, ${r.refused} refused; ${seconds.toFixed(1)} s wall`);
}
if (storage instanceof SqliteStorage) storage.close();
