/**
 * `npm run bench:amplify`: Toeplitz privacy amplification throughput.
 *   1. the native kernel on Node (Node-API), one core: input Mbit/s at n = 10^6, 10^7 and
 *      1.28·10^8 bits, compression ℓ/n = 0.125 and 0.5 (wall clock and the process's CPU time,
 *      which a busy shared machine disturbs less), against the best published CPU figure we know:
 *      ≈ 71 Mbit/s at 1.28·10^8 bits, compression 0.125 (Tang et al., Sci. Rep. 9, 15733, 2019);
 *   2. native / reference speed ratios on Node, and on XS (lvxs, through test/xs/harness.ts) at a
 *      block small enough for the interpreter.
 * BENCH_SIZES=1e6,1e7 and BENCH_XS_N=100000 narrow the run. Every result is checked: against the
 * reference or the word method where affordable, else 8 output bits against the definition.
 */
import { randomFillSync } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { nodeKernels } from '../hal/node/kernels.ts';
import { packedLength, toeplitzHash } from '../src/qkd/amplify.ts';
import { bundleForXs, ROOT, runOnXs, taggedLines } from '../test/xs/harness.ts';
import { measure } from './_measure.ts';

const TANG_2019_MBITS = 71;
const kernels = nodeKernels();
const sizes = (process.env.BENCH_SIZES ?? '1e6,1e7,1.28e8').split(',').map(Number);
const compressions = [0.125, 0.5];
const xsN = Number(process.env.BENCH_XS_N ?? 100_000);

function bits(count: number): Uint8Array {
  const out = new Uint8Array(packedLength(count));
  for (let i = 0; i < out.length; i += 65536) randomFillSync(out.subarray(i, i + 65536));
  if (count & 7) out[out.length - 1]! &= (0xff << (8 - (count & 7))) & 0xff;
  return out;
}

const equal = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

/** 32 bits of a packed string from bit `pos` on (zeros past the end). */
function word32(b: Uint8Array, pos: number): number {
  const i = pos >>> 3;
  const sh = pos & 7;
  const hi = ((b[i] ?? 0) << 24 | (b[i + 1] ?? 0) << 16 | (b[i + 2] ?? 0) << 8 | (b[i + 3] ?? 0)) >>> 0;
  return sh ? ((hi << sh) | ((b[i + 4] ?? 0) >>> (8 - sh))) >>> 0 : hi;
}

/** `samples` output bits recomputed from the definition, word by word: y_i = parity(reverse(x) & seed[i .. i+n)). */
function spotCheck(x: Uint8Array, n: number, s: Uint8Array, l: number, y: Uint8Array, samples: number): boolean {
  const rev = new Uint8Array(256).map((_, v) => { let r = 0; for (let b = 0; b < 8; b++) r |= ((v >>> b) & 1) << (7 - b); return r; });
  const r = new Uint8Array(x.length).map((_, i) => rev[x[x.length - 1 - i]!]!); // bit t + pad of r = x bit n−1−t
  const pad = 8 * x.length - n;
  for (let k = 0; k < samples; k++) {
    const i = Math.floor((k / samples) * l + (k * 7919) % Math.max(1, l / samples)) % l;
    let acc = 0;
    for (let t = 0; t < n; t += 32) {
      let w = word32(r, t + pad) & word32(s, i + t);
      if (n - t < 32) w &= ~(0xffffffff >>> (n - t));
      acc ^= w;
    }
    acc ^= acc >>> 16; acc ^= acc >>> 8; acc ^= acc >>> 4; acc ^= acc >>> 2; acc ^= acc >>> 1;
    if ((acc & 1) !== ((y[i >>> 3]! >>> (7 - (i & 7))) & 1)) return false;
  }
  return true;
}

console.log(`Toeplitz hash, native kernel on Node (${kernels.backend}), one core; input Mbit/s = n / time`);
console.log('       n   ℓ/n  method   wall ms (min)  cpu ms   Mbit/s wall  Mbit/s cpu   × Tang 2019 (71 Mbit/s)');
for (const n of sizes)
  for (const c of compressions) {
    const l = Math.round(n * c);
    const x = bits(n);
    const s = bits(n + l - 1);
    const runs = n >= 1e8 ? 3 : n >= 1e7 ? 5 : 9;
    let y: Uint8Array = new Uint8Array(0);
    let cpu = Infinity;
    const timing = measure(() => performance.now(), () => {
      const before = process.cpuUsage();
      y = kernels.toeplitzHash(x, n, s, l);
      const used = process.cpuUsage(before);
      cpu = Math.min(cpu, (used.user + used.system) / 1000);
    }, runs, 1);
    // checked: the FFT against the word method (the reference is too slow here) where that is affordable
    const checked = n * l <= 2e12
      ? (equal(y, kernels.toeplitzHashWith('words', x, n, s, l)) ? '= words method' : 'MISMATCH')
      : (spotCheck(x, n, s, l, y, 8) ? '8 bits = definition' : 'MISMATCH');
    if (checked === 'MISMATCH') process.exitCode = 1;
    const wall = n / timing.minMs / 1e3;
    const onCpu = n / cpu / 1e3;
    console.log(`${n.toExponential(2).padStart(9)}  ${c.toFixed(3)}  ${kernels.autoMethod(n, l).padEnd(6)} ${timing.minMs.toFixed(1).padStart(9)}  ${cpu.toFixed(1).padStart(9)}  ${wall.toFixed(1).padStart(10)}  ${onCpu.toFixed(1).padStart(10)}   ${(onCpu / TANG_2019_MBITS).toFixed(2)}× (cpu)  ${checked}`);
  }

console.log(`\nnative / reference speed ratios (time of the reference ÷ time of the native kernel)`);
for (const [n, c] of [[xsN, 0.125], [xsN, 0.5], [1e6, 0.125]] as const) {
  const l = Math.round(n * c);
  const x = bits(n);
  const s = bits(n + l - 1);
  let yn: Uint8Array = new Uint8Array(0);
  let yr: Uint8Array = new Uint8Array(0);
  const nat = measure(() => performance.now(), () => (yn = kernels.toeplitzHash(x, n, s, l)), 15, 2);
  const ref = measure(() => performance.now(), () => (yr = toeplitzHash(x, n, s, l)), n >= 1e6 ? 1 : 5, 1);
  if (!equal(yn, yr)) process.exitCode = 1;
  console.log(`  node  n=${n.toExponential(1)} ℓ/n=${c}: native ${nat.medianMs.toFixed(2)} ms, reference ${ref.medianMs.toFixed(1)} ms → ${(ref.medianMs / nat.medianMs).toFixed(0)}×  ${equal(yn, yr) ? 'equal' : 'DIFFERENT'}`);
}

const bundle = bundleForXs(join(ROOT, 'bench', 'amplify.xs.ts'), 'bench-amplify');
const run = runOnXs(bundle, [String(xsN), '0.125,0.5', '1']);
rmSync(bundle);
if (run.status !== 0) throw new Error(`lvxs failed: ${run.stderr}`);
for (const r of taggedLines(run.stdout, 'BENCH')) {
  if (!r.equal) process.exitCode = 1;
  console.log(`  xs    n=${r.n.toExponential(1)} ℓ/n=${r.compression}: native ${r.native.medianMs.toFixed(2)} ms, reference ${r.reference.medianMs.toFixed(0)} ms → ${(r.reference.medianMs / r.native.medianMs).toFixed(0)}×  ${r.equal ? 'equal' : 'DIFFERENT'}  (${r.backend})`);
}
