/**
 * `npm run bench:ldpc -- [frames] [--qber 0.01,0.02,0.03,0.05] [--key-bits 100000]
 *   [--efficiency 1.1,1.15] [--max-iterations 100] [--seed 1] [--native]`
 * Simulates BSC frames through the whole one-way reconciliation (plan → mother code → layout →
 * Alice's syndrome → Bob's LLRs → decoder, DECODE_BATCH_FRAMES frames to a call as the engine
 * hands them) and prints, per QBER and efficiency: the
 * plan (rate, punctured, shortened, leak), f, the frame error rate (failures = not converged or,
 * worse, a wrong word reported converged, counted apart), iterations and throughput in sifted
 * key Mbit/s. Errors come from the seeded LdpcRandom (never Math.random), so runs repeat.
 * Without --efficiency each QBER uses the plan's own target (TARGET_EFFICIENCY in adapt.ts).
 * FER≤ is the one-sided 95 % Clopper–Pearson upper bound on the frame error rate that the frame
 * count supports (0 failures in 100 frames bound it at 3 %; 300 clean frames are needed for 1 %).
 * --native decodes with the C kernel through the Node-API addon (native/kernels/ldpc.c), which is
 * bit-exact with the reference (test/native-ldpc.test.ts): the same outcomes, several times faster,
 * so the few hundred frames a 1 % FER bound needs take minutes, not an hour.
 */
import { performance } from 'node:perf_hooks';
import { nodeKernels } from '../hal/node/kernels.ts';
import { planReconciliation } from '../src/qkd/ldpc/adapt.ts';
import { ldpcCode } from '../src/qkd/ldpc/code.ts';
import { referenceLdpcDecode } from '../src/qkd/ldpc/decode.ts';
import { DECODE_BATCH_FRAMES } from '../src/qkd/reconcile-ldpc.ts';
import { ldpcBenchBatches, sameKey } from './_ldpc-frames.ts';

const args = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = args[i + 1];
  if (v === undefined) throw new RangeError(`--${name} needs a value`);
  args.splice(i, 2);
  return v;
}
const list = (s: string) => s.split(',').map(Number);
const qbers = list(option('qber', '0.01,0.02,0.03,0.05'));
const keyBits = Number(option('key-bits', '100000'));
const efficiencies = option('efficiency', '');
const maxIterations = Number(option('max-iterations', '100'));
const seed = Number(option('seed', '1'));
const nativeAt = args.indexOf('--native');
if (nativeAt >= 0) args.splice(nativeAt, 1);
const decode = nativeAt >= 0 ? nodeKernels().ldpcDecode : referenceLdpcDecode;
const frames = Number(args[0] ?? 100);
if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`frames expected a positive integer, got ${args[0]}`);

/** One-sided 95 % upper confidence bound on a rate after `failures` in `trials` (Clopper–Pearson, by bisection). */
function ferBound(failures: number, trials: number): number {
  if (failures >= trials) return 1;
  const cdf = (p: number) => {
    let term = Math.pow(1 - p, trials); // P(X = 0)
    let sum = term;
    for (let k = 1; k <= failures; k++) {
      term *= ((trials - k + 1) / k) * (p / (1 - p));
      sum += term;
    }
    return sum;
  };
  let lo = failures / trials;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) > 0.05) lo = mid;
    else hi = mid;
  }
  return hi;
}

console.log(`LDPC reconciliation, ${frames} frame(s) of ${keyBits} key bits per point, BSC, max ${maxIterations} iterations, seed ${seed}, decoder ${nativeAt >= 0 ? 'native (N-API)' : 'reference (TypeScript)'}`);
console.log('qber    rate  punct  short  leak     f      FER    FER≤(95%)  fail/frames  wrong  it(avg/max)  ms/frame  Mbit/s  build ms');
for (const qber of qbers) {
  for (const f of efficiencies ? list(efficiencies) : [undefined]) {
    const plan = f === undefined ? planReconciliation(qber, keyBits) : planReconciliation(qber, keyBits, f);
    const t0 = performance.now();
    const code = ldpcCode(plan.n, plan.rate, plan.codeSeed);
    const buildMs = performance.now() - t0;
    let failures = 0;
    let wrong = 0;
    let iterations = 0;
    let maxIt = 0;
    let decodeMs = 0;
    for (const batch of ldpcBenchBatches(code, plan, qber, keyBits, frames, DECODE_BATCH_FRAMES, seed)) {
      const t = performance.now();
      const decoded = decode(code, batch.syndromes, batch.llrs, maxIterations);
      decodeMs += performance.now() - t;
      batch.frames.forEach((frame, k) => {
        const r = decoded.frames[k]!;
        iterations += r.iterations;
        if (r.iterations > maxIt) maxIt = r.iterations;
        const same = sameKey(frame, decoded.bits.subarray(k * code.n, (k + 1) * code.n));
        if (!r.converged || !same) failures++;
        if (r.converged && !same) wrong++;
      });
    }
    const msPerFrame = decodeMs / frames;
    console.log([
      qber.toFixed(3).padEnd(6), plan.rate.toFixed(2).padStart(5), String(plan.punctured).padStart(6), String(plan.shortened).padStart(6),
      String(plan.leakedBits).padStart(6), plan.expectedEfficiency.toFixed(3).padStart(7), (failures / frames).toFixed(4).padStart(8),
      ferBound(failures, frames).toFixed(4).padStart(10),
      `${failures}/${frames}`.padStart(12), String(wrong).padStart(6), `${(iterations / frames).toFixed(1)}/${maxIt}`.padStart(12),
      msPerFrame.toFixed(0).padStart(9), (plan.keyBits / msPerFrame / 1000).toFixed(3).padStart(7), buildMs.toFixed(0).padStart(9),
    ].join(' '));
  }
}
