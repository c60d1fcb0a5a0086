/**
 * `npm run bench:ldpc-native -- [frames] [--qber 0.02,0.05] [--key-bits 100000] [--xs-key-bits 10000]`
 * The native LDPC decoder (native/kernels/ldpc.c) beside the TypeScript reference, one run side by
 * side: the frames of bench/ldpc.ts (plan → mother code → layout → Alice's syndrome → Bob's BSC
 * LLRs; seeded LdpcRandom), all in one call as the engine batches them (default 64,
 * DECODE_BATCH_FRAMES), decoded by both on Node (N-API), by the native kernel again one frame a
 * call (its single-frame path), and inside lvxs by the xsmc kernel. Prints per QBER: the plan
 * (rate, leak, f), FER and iterations (the same frames, the same outcomes: any difference between
 * implementations fails the run), sifted key Mbit/s of each and the native / reference ratios on
 * Node; the native Mbit/s over the process's CPU time (nat cpu: what wall time shows on an idle
 * box); the working memory per decoded bit (the C decoder's work; the code's own arrays apart);
 * the native Mbit/s of the same frames in calls of fewer frames (16, 32, …: what
 * DECODE_BATCH_FRAMES trades); on XS the native Mbit/s at the full size and the ratio native /
 * reference at --xs-key-bits (the XS reference at 10^5 bits takes minutes a frame).
 */
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { nodeKernels } from '../hal/node/kernels.ts';
import type { LdpcCodeView } from '../hal/kernels.ts';
import { planReconciliation } from '../src/qkd/ldpc/adapt.ts';
import { ldpcCode } from '../src/qkd/ldpc/code.ts';
import { referenceLdpcDecode } from '../src/qkd/ldpc/decode.ts';
import { bundleForXs, ROOT, runOnXs, taggedLines } from '../test/xs/harness.ts';
import { DECODE_BATCH_FRAMES } from '../src/qkd/reconcile-ldpc.ts';
import { ldpcOutcomeDigest } from '../test/_ldpc-digest.ts';
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
const qbers = option('qber', '0.02,0.05').split(',').map(Number);
const keyBits = Number(option('key-bits', '100000'));
const xsKeyBits = Number(option('xs-key-bits', '10000'));
const maxIterations = 100;
const frames = Number(args[0] ?? DECODE_BATCH_FRAMES);
if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`frames expected a positive integer, got ${args[0]}`);

const native = nodeKernels();

/** bench/ldpc.ts's frames, all in one batch: seeded, so every implementation and runtime sees the same ones. */
function makeBatch(qber: number, bits: number, count: number) {
  const plan = planReconciliation(qber, bits);
  const code = ldpcCode(plan.n, plan.rate, plan.codeSeed);
  const batch = [...ldpcBenchBatches(code, plan, qber, bits, count, count)][0]!;
  return { plan, code, ...batch };
}

/** Frames k … k + count − 1 of a batch (frame k alone by default). */
const single = (code: LdpcCodeView, syndromes: Uint8Array, llrs: Float64Array, k: number, count = 1) => {
  const bytes = (code.m + 7) >>> 3;
  return { syndromes: syndromes.subarray(k * bytes, (k + count) * bytes), llrs: llrs.subarray(k * code.n, (k + count) * code.n) };
};

// Batches for XS: the arrays in one binary file (8-byte aligned), an index in JSON.
const blobs: Uint8Array[] = [];
let offset = 0;
const put = (a: ArrayBufferView) => {
  const at = offset;
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const padded = new Uint8Array((bytes.length + 7) & ~7);
  padded.set(bytes);
  blobs.push(padded);
  offset += padded.length;
  return at;
};
const xsBatches: object[] = [];
const wire = (label: string, code: LdpcCodeView, syndromes: Uint8Array, llrs: Float64Array, want: number, reference: boolean) =>
  xsBatches.push({
    label, reference, want, n: code.n, m: code.m, edges: code.checkVars.length, frames: llrs.length / code.n,
    checkPtr: put(code.checkPtr), checkVars: put(code.checkVars), syndromes: put(syndromes), syndromesLength: syndromes.length, llrs: put(llrs),
  });

console.log(`LDPC decode, native C vs TypeScript reference: ${frames} frame(s) of ${keyBits} key bits per QBER in one call (the native lanes take 16 at a time), BSC, max ${maxIterations} iterations (backend ${native.backend})`);
console.log('nat: the batch in one call; nat1: the same frames one call each (the single-frame path)');
console.log('qber   rate   leak      f     FER  it(avg)   ref ms  nat ms  nat1 ms  ref Mbit/s  nat Mbit/s  nat1 Mbit/s  nat/ref  nat1/ref  nat cpu Mbit/s  work B/bit (1, 16 frames)');
const bySizeLines: string[] = [];
for (const qber of qbers) {
  const { plan, code, frames: list, syndromes, llrs } = makeBatch(qber, keyBits, frames);
  let t = performance.now();
  const ref = referenceLdpcDecode(code, syndromes, llrs, maxIterations);
  const refMs = performance.now() - t;
  native.ldpcDecode(code, syndromes, llrs, maxIterations); // warm: the binding keeps its work buffer, as in the engine's steady state
  t = performance.now();
  const cpu = process.cpuUsage();
  const nat = native.ldpcDecode(code, syndromes, llrs, maxIterations);
  const natMs = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const natCpuMs = (used.user + used.system) / 1000; // the process's CPU time: robust to other load on a shared box
  let nat1Ms = 0;
  for (let k = 0; k < frames; k++) {
    const one = single(code, syndromes, llrs, k);
    t = performance.now();
    const r = native.ldpcDecode(code, one.syndromes, one.llrs, maxIterations);
    nat1Ms += performance.now() - t;
    if (r.frames[0]!.iterations !== ref.frames[k]!.iterations || r.frames[0]!.converged !== ref.frames[k]!.converged ||
      !r.bits.every((x, j) => x === ref.bits[k * code.n + j]))
      throw new Error(`qber ${qber}, frame ${k}: native alone and reference differ`);
  }
  if (ldpcOutcomeDigest(nat) !== ldpcOutcomeDigest(ref)) throw new Error(`qber ${qber}: native batch and reference differ`);
  const mbit = (ms: number) => (plan.keyBits * frames) / ms / 1000;
  let failures = 0;
  let iterations = 0;
  list.forEach((frame, k) => {
    if (!nat.frames[k]!.converged || !sameKey(frame, nat.bits.subarray(k * code.n, (k + 1) * code.n))) failures++;
    iterations += nat.frames[k]!.iterations;
  });
  // the same frames in calls of fewer frames: what DECODE_BATCH_FRAMES trades (the lanes wait on each call's slowest frame)
  const bySize: string[] = [];
  for (const size of [16, 32, 64, 128, 256].filter((k) => k < frames)) {
    const t0 = performance.now();
    for (let f = 0; f < frames; f += size) {
      const part = single(code, syndromes, llrs, f, size);
      native.ldpcDecode(code, part.syndromes, part.llrs, maxIterations);
    }
    bySize.push(`${size}: ${((plan.keyBits * frames) / (performance.now() - t0) / 1000).toFixed(2)}`);
  }
  bySizeLines.push(`  qber ${qber}: native Mbit/s by frames a call: ${bySize.join(', ')}, ${frames}: ${mbit(natMs).toFixed(2)}`);
  wire(`qber ${qber} n ${plan.n}, ${frames} frames`, code, syndromes, llrs, ldpcOutcomeDigest(nat), false);
  const small = makeBatch(qber, xsKeyBits, 1);
  wire(`qber ${qber} n ${small.plan.n}, 1 frame`, small.code, small.syndromes, small.llrs,
    ldpcOutcomeDigest(referenceLdpcDecode(small.code, small.syndromes, small.llrs, maxIterations)), true);
  const work1 = native.ldpcWorkBytes(code, 1) / code.n;
  const work16 = native.ldpcWorkBytes(code, 16) / (16 * code.n);
  console.log([
    qber.toFixed(3), plan.rate.toFixed(2).padStart(5), String(plan.leakedBits).padStart(6), plan.expectedEfficiency.toFixed(3).padStart(6),
    (failures / frames).toFixed(3).padStart(7), (iterations / frames).toFixed(1).padStart(8), (refMs / frames).toFixed(1).padStart(8),
    (natMs / frames).toFixed(1).padStart(7), (nat1Ms / frames).toFixed(1).padStart(8), mbit(refMs).toFixed(3).padStart(11), mbit(natMs).toFixed(2).padStart(11),
    mbit(nat1Ms).toFixed(2).padStart(12), `${(refMs / natMs).toFixed(1)}×`.padStart(8), `${(refMs / nat1Ms).toFixed(1)}×`.padStart(9),
    mbit(natCpuMs).toFixed(2).padStart(15), `${work1.toFixed(1)}, ${work16.toFixed(1)}`.padStart(26),
  ].join(' '));
}

for (const line of bySizeLines) console.log(line);

// ---- XS: the same frames through the xsmc kernel (and the reference at the small size).
const blob = join(ROOT, 'build', `ldpc-native-${process.pid}.bin`);
const index = join(ROOT, 'build', `ldpc-native-${process.pid}.json`);
const all = new Uint8Array(offset);
let o = 0;
for (const b of blobs) { all.set(b, o); o += b.length; }
writeFileSync(blob, all);
writeFileSync(index, JSON.stringify({ blob, batches: xsBatches, maxIterations }));
const bundle = bundleForXs(join(ROOT, 'bench', 'ldpc-native.xs.ts'), 'bench-ldpc-native');
const run = runOnXs(bundle, [index], 600_000);
rmSync(bundle);
rmSync(blob);
rmSync(index);
if (run.status !== 0) throw new Error(`lvxs failed (${run.status}): ${run.stderr}${run.stdout.slice(-500)}`);
console.log('XS (lvxs, xsmc binding): batch                   native ms/frame  native Mbit/s  reference ms  ref/native  same outcome');
let mismatch = false;
for (const r of taggedLines(run.stdout, 'BENCH')) {
  const ok = r.digest === r.want && (!r.reference || r.referenceDigest === r.want);
  mismatch ||= !ok;
  const keyBitsOf = Math.round(r.n * 0.99) * r.frames;
  console.log(`  ${r.label.padEnd(38)} ${(r.nativeMs / r.frames).toFixed(1).padStart(9)} ${((keyBitsOf / r.nativeMs) / 1000).toFixed(2).padStart(14)} ${
    r.reference ? r.referenceMs.toFixed(0).padStart(13) : '            -'} ${r.reference ? `${(r.referenceMs / r.nativeMs).toFixed(0)}×`.padStart(11) : '          -'}  ${ok ? 'yes' : 'NO'}`);
}
if (mismatch) {
  console.error('XS outcomes differ from Node\'s');
  process.exitCode = 1;
}
