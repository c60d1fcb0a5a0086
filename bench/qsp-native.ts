/**
 * The native backend's rekey and data-plane figures, as deployed: bench/qsp.ts bundles this file
 * with esbuild (one ESM file, like a production build) and runs it with plain node, because under
 * tsx every cross-module call in src/qsp goes through an export getter that costs ~10 % of a
 * rekey round. Prints `BENCH {json}`. argv: rekey loops, runs.
 */
import { nativeCrypto } from '../hal/node/crypto-native.ts';
import { benchRekey, benchThroughput } from './qsp-core.ts';

const now = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const [loops = 50000, runs = 3] = process.argv.slice(2).map(Number);
const crypto = nativeCrypto();
const rekey = [];
for (let r = 0; r < runs; r++) rekey.push(benchRekey(now, crypto, loops, 2000, false));
const best = rekey.reduce((a, b) => (b.rekeysPerSec > a.rekeysPerSec ? b : a));
console.log(`BENCH ${JSON.stringify({
  rekey: best,
  rekeyRuns: rekey.map((r) => Math.round(r.rekeysPerSec)),
  rekeyQkd: benchRekey(now, crypto, loops / 5, 500, true),
  t1k: benchThroughput(now, crypto, 1024, 20000),
  t64k: benchThroughput(now, crypto, 65536, 400),
})}`);
