/**
 * `npm run bench:memory`: the memory figures of the native kernels (issue 5).
 *  - Working memory per decoded bit of the C LDPC decoder (ldpcWorkBytes: the formula of each
 *    path is in native/kernels/ldpc.h; the caller's LLRs, syndrome and word apart), one frame a
 *    call (row groups where the CPU has AVX2) and 16 frames in the lanes, for the mother codes
 *    the planner picks at QBER 1–8 % with 10^5 key bits, beside the code's own arrays.
 *  - The XS heap (chunks + slots, in use before and at peak) of one full post-processing block
 *    (sim/qkd-small.ts) in lvxs with the native kernels vs with the TypeScript reference, one
 *    process each (the peak counters are per process). The native kernels' scratch lives on the C
 *    heap, not the XS heap: the LDPC work for the block's frame is printed beside it.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { nodeKernels } from '../hal/node/kernels.ts';
import { planReconciliation } from '../src/qkd/ldpc/adapt.ts';
import { ldpcCode } from '../src/qkd/ldpc/code.ts';
import { bundleForXs, ROOT, runOnXs, taggedLines } from '../test/xs/harness.ts';

const native = nodeKernels();
console.log('C LDPC decoder, working memory per decoded bit (10^5 key bits per frame): one frame a call, and 16 frames in the AVX2 lanes');
console.log('qber   n        rate  edges     dmax  work bytes (1)  B/bit (1)  work bytes (16)  B/bit (16)  code B/bit');
for (const qber of [0.01, 0.02, 0.05, 0.08]) {
  const plan = planReconciliation(qber, 100_000);
  const code = ldpcCode(plan.n, plan.rate, plan.codeSeed);
  let dmax = 0;
  for (let r = 0; r < code.m; r++) dmax = Math.max(dmax, code.checkPtr[r + 1]! - code.checkPtr[r]!);
  const work = native.ldpcWorkBytes(code, 1);
  const work16 = native.ldpcWorkBytes(code, 16);
  console.log([
    qber.toFixed(3), String(code.n).padEnd(8), plan.rate.toFixed(2), String(code.checkVars.length).padEnd(9), String(dmax).padStart(4),
    String(work).padStart(14), (work / code.n).toFixed(1).padStart(9), String(work16).padStart(15), (work16 / (16 * code.n)).toFixed(1).padStart(10),
    ((4 * (code.checkPtr.length + code.checkVars.length)) / code.n).toFixed(1).padStart(11),
  ].join('  '));
}

// The small block's frame (16,384 key bits at the block's QBER is planned inside the block; the
// work is shown for the same size at 2 %, its order of magnitude).
const blockPlan = planReconciliation(0.02, 16_384);
const blockCode = ldpcCode(blockPlan.n, blockPlan.rate, blockPlan.codeSeed);
const blockWork = native.ldpcWorkBytes(blockCode, 1);

const bundle = bundleForXs(join(ROOT, 'bench', 'memory.xs.ts'), 'bench-memory');
const results = ['reference', 'native'].map((which) => {
  const run = runOnXs(bundle, [which], 600_000);
  if (run.status !== 0) throw new Error(`lvxs (${which}) failed: ${run.stderr}`);
  return taggedLines(run.stdout, 'MEM')[0];
});
rmSync(bundle);
const kb = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
console.log('\nXS heap of one post-processing block (sim/qkd-small.ts, 2·10^5 pulses, one 16 kbit frame), lvxs');
console.log('kernels                          in use before      peak chunks  peak slots  peak total   key block');
for (const r of results) {
  console.log(`  ${r.kernels.padEnd(38)} ${kb(r.before.chunks + r.before.slots).padStart(12)} ${kb(r.peak.peakChunks).padStart(14)} ${kb(r.peak.peakSlots).padStart(11)} ${
    kb(r.peak.peakChunks + r.peak.peakSlots).padStart(11)}   ${r.id.slice(0, 16)}… ${r.keyBits} bits`);
}
const [ref, nat] = results;
console.log(`  native / reference peak: ${((nat.peak.peakChunks + nat.peak.peakSlots) / (ref.peak.peakChunks + ref.peak.peakSlots)).toFixed(2)}; same key block: ${ref.id === nat.id ? 'yes' : 'NO'}`);
console.log(`  plus, native only, on the C heap for the frame's decode: ${kb(blockWork)} of LDPC work (${(blockWork / blockCode.n).toFixed(1)} B/bit at 2 %)`);
console.log('\nXS heap allocated by one LDPC decode alone (16,384 key bits at 2 %, chunks + slots in use just after it)');
for (const r of results)
  console.log(`  ${r.kernels.padEnd(38)} n ${r.decode.n}, ${r.decode.iterations} it: ${kb(r.decode.chunks + r.decode.slots)} (${((r.decode.chunks + r.decode.slots) / r.decode.n).toFixed(1)} B/bit)`);
console.log(`  native: plus ${kb(blockWork)} on the C heap, wiped on return and kept for the next decode`);
if (ref.id !== nat.id) process.exitCode = 1;
