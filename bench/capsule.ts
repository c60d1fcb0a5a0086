/**
 * `npm run bench:capsule [-- --no-xs]`: key capsule figures (issue 8) — size of a capsule carrying a
 * 256-bit key (1..3 recipients; target: one 8 KiB BPv7 payload), seal and open time on Node (noble,
 * process CPU time, median) and on XS (lvxs, noble, host monotonic clock, one run after none warm).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { benchCapsule } from '../sim/capsule-bench-core.ts';
import { bundleForXs, ROOT, runOnXs, taggedLines } from '../test/xs/harness.ts';

const now = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const f = (x: number, d = 1) => x.toFixed(d);
const node = benchCapsule(now, 15, 3);
console.log('Key capsule v1 (ML-DSA-65 signed, X25519 + ML-KEM-768 → HKDF-SHA256 → AES-256-GCM, deterministic CBOR), 256-bit key');
for (const [k, v] of Object.entries(node.sizes)) console.log(`  size, ${k.padEnd(12)} ${v} B  (${v <= 8192 ? 'fits' : 'does NOT fit'} one 8 KiB bundle payload)`);
console.log(`  node noble  seal ${f(node.seal.medianMs, 2)} ms  open ${f(node.open.medianMs, 2)} ms  (median of ${node.seal.runs}; min ${f(node.seal.minMs, 2)} / ${f(node.open.minMs, 2)})`);
if (!process.argv.includes('--no-xs')) {
  const bundle = bundleForXs(join(ROOT, 'sim', 'capsule-bench.xs.ts'), 'bench-capsule');
  const run = runOnXs(bundle, ['1'], 600_000);
  rmSync(bundle);
  if (run.status !== 0) throw new Error(`lvxs failed: ${run.stderr}`);
  const xs = taggedLines(run.stdout, 'BENCH')[0];
  console.log(`  xs   noble  seal ${f(xs.seal.medianMs, 0)} ms  open ${f(xs.open.medianMs, 0)} ms  (one run; sizes on XS equal: ${JSON.stringify(xs.sizes) === JSON.stringify(node.sizes)})`);
  console.log(`  xs / node   seal ${f(xs.seal.medianMs / node.seal.medianMs, 0)}×  open ${f(xs.open.medianMs / node.open.medianMs, 0)}×`);
}
