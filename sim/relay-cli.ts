/**
 * `npm run relay -- [--runs 100] [--hops 5] [--key-bits 256]`: seeded trusted-node relay chains
 * (seed 002, K1 ⊕ K2 hop by hop): how many runs end with identical keys at both ends.
 */
import { ChaCha20Drbg } from '../hal/sim/drbg.ts';
import { bytesToHex } from '../src/bytes.ts';
import { RelayNetwork } from './relay-network.ts';

function arg(name: string, dflt: number, max: number): number {
  const i = process.argv.indexOf(name);
  const v = i < 0 ? dflt : Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v < 1 || v > max) {
    console.error(`"${name}" expected an integer in [1, ${max}]`);
    process.exit(2);
  }
  return v;
}
const runs = arg('--runs', 100, 1_000_000);
const hops = arg('--hops', 5, 9);
const bits = arg('--key-bits', 256, 512);
if (bits % 8 || bits < 128) {
  console.error('"--key-bits" expected a multiple of 8 in [128, 512]');
  process.exit(2);
}
const ids = Array.from({ length: hops + 1 }, (_, i) => (i === 0 ? 'site-a' : i === hops ? 'site-b' : `relay-${i}`));
let same = 0;
const started = performance.now();
for (let seed = 1; seed <= runs; seed++) {
  const r = new ChaCha20Drbg(seed, 'relay-cli').randomBytes(16);
  const net = new RelayNetwork({
    seed,
    graph: { nodes: ids.map((id, i) => ({ id, trust: i === 0 || i === hops ? 1 : 0.95 + (r[i]! % 5) / 100 })), links: ids.slice(1).map((b, i) => ({ a: ids[i]!, b, keyRateBps: 1000 + 100 * r[i]! })) },
  });
  const o = net.relay('site-a', 'site-b', bits / 8);
  if (o.route.hops === hops && bytesToHex(o.originKey) === bytesToHex(o.destinationKey)) same++;
  o.originKey.fill(0);
  o.destinationKey.fill(0);
}
console.log(`trusted-node relay: ${hops}-hop chain, ${bits}-bit keys: identical end-to-end keys in ${same} of ${runs} seeded runs (${((performance.now() - started) / runs).toFixed(2)} ms per run)`);
process.exit(same === runs ? 0 : 1);
