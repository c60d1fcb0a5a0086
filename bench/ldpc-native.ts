/**
 * `npm run bench:ldpc-native -- [frames] [--qber 0.02,0.05] [--key-bits 100000] [--xs-key-bits 10000]`
 * The native LDPC decoder (native/kernels/ldpc.c) beside the TypeScript reference, one run side by
 * side: the frames of bench/ldpc.ts (plan → mother code → layout → Alice's syndrome → Bob's BSC
 * LLRs; seeded LdpcRandom), each decoded by both on Node (N-API) and, inside lvxs, by the xsmc
 * kernel. Prints per QBER: the plan (rate, leak, f), FER and iterations (the same frames, the
 * same outcomes: any difference between implementations fails the run), sifted key Mbit/s of
 * each and the native / reference ratio on Node; on XS the native Mbit/s at the full size and the
 * ratio native / reference at --xs-key-bits (the XS reference at 10^5 bits takes minutes a frame);
 * the native Mbit/s also over the process's CPU time (nat cpu: what wall time shows on an idle box);
 * and the working memory per decoded bit (the C decoder's work; the code's own arrays apart).
 */
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { nodeKernels } from '../hal/node/kernels.ts';
import type { LdpcCodeView, LdpcDecodeResult } from '../hal/kernels.ts';
import { planReconciliation } from '../src/qkd/ldpc/adapt.ts';
import { ldpcCode } from '../src/qkd/ldpc/code.ts';
import { referenceLdpcDecode } from '../src/qkd/ldpc/decode.ts';
import { bundleForXs, ROOT, runOnXs, taggedLines } from '../test/xs/harness.ts';
import { ldpcBenchFrames, sameKey } from './_ldpc-frames.ts';

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
const frames = Number(args[0] ?? 10);
if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`frames expected a positive integer, got ${args[0]}`);

const native = nodeKernels();

interface Frame { code: LdpcCodeView; syndrome: Uint8Array; llr: Float64Array; check: (r: LdpcDecodeResult) => boolean }

/** bench/ldpc.ts's frames: seeded, so every implementation and runtime sees the same ones. */
function makeFrames(qber: number, bits: number, count: number) {
  const plan = planReconciliation(qber, bits);
  const code = ldpcCode(plan.n, plan.rate, plan.codeSeed);
  const list: Frame[] = [...ldpcBenchFrames(code, plan, qber, bits, count)].map((frame) => ({
    code, syndrome: frame.syndrome, llr: frame.llr, check: (r: LdpcDecodeResult) => r.converged && sameKey(frame, r.bits),
  }));
  return { plan, code, list };
}

const same = (a: LdpcDecodeResult, b: LdpcDecodeResult) =>
  a.iterations === b.iterations && a.converged === b.converged && a.bits.every((x, i) => x === b.bits[i]);

function digest(r: LdpcDecodeResult): number {
  let h = 2166136261;
  const fold = (b: number) => { h = Math.imul(h ^ b, 16777619) >>> 0; };
  fold(r.iterations & 0xff); fold(r.iterations >>> 8); fold(r.converged ? 1 : 0);
  for (let j = 0; j < r.bits.length; j++) fold(r.bits[j]!);
  return h;
}

// Frames for XS: the arrays in one binary file (8-byte aligned), an index in JSON.
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
const xsFrames: object[] = [];
const wire = (label: string, qber: number, f: Frame, wantDigest: number, reference: boolean) =>
  xsFrames.push({
    label, qber, reference, want: wantDigest, n: f.code.n, m: f.code.m, edges: f.code.checkVars.length,
    checkPtr: put(f.code.checkPtr), checkVars: put(f.code.checkVars), syndrome: put(f.syndrome), syndromeLength: f.syndrome.length, llr: put(f.llr),
  });

console.log(`LDPC decode, native C vs TypeScript reference: ${frames} frame(s) of ${keyBits} key bits per QBER, BSC, max ${maxIterations} iterations (backend ${native.backend})`);
console.log('qber   rate   leak      f     FER  it(avg)   ref ms  nat ms   ref Mbit/s  nat Mbit/s  nat/ref  nat cpu Mbit/s  work B/bit  code B/bit');
const rows: Array<Record<string, number>> = [];
for (const qber of qbers) {
  const { plan, code, list } = makeFrames(qber, keyBits, frames);
  let refMs = 0;
  let natMs = 0;
  let natCpuMs = 0; // the process's CPU time over the native calls: robust to other load on a shared box
  let failures = 0;
  let iterations = 0;
  for (const [i, f] of list.entries()) {
    let t = performance.now();
    const ref = referenceLdpcDecode(f.code, f.syndrome, f.llr, maxIterations);
    refMs += performance.now() - t;
    t = performance.now();
    const cpu = process.cpuUsage();
    const nat = native.ldpcDecode(f.code, f.syndrome, f.llr, maxIterations);
    natMs += performance.now() - t;
    const used = process.cpuUsage(cpu);
    natCpuMs += (used.user + used.system) / 1000;
    if (!same(ref, nat)) throw new Error(`qber ${qber}, frame ${i}: native and reference differ`);
    if (!f.check(nat)) failures++;
    iterations += nat.iterations;
    if (i < 2) wire(`qber ${qber} n ${plan.n}`, qber, f, digest(nat), false);
  }
  const small = makeFrames(qber, xsKeyBits, 1);
  const smallRef = referenceLdpcDecode(small.list[0]!.code, small.list[0]!.syndrome, small.list[0]!.llr, maxIterations);
  wire(`qber ${qber} n ${small.plan.n}`, qber, small.list[0]!, digest(smallRef), true);
  const work = native.ldpcWorkBytes(code) / code.n;
  const codeBytes = (4 * (code.checkPtr.length + code.checkVars.length)) / code.n;
  const mbit = (ms: number) => (plan.keyBits * frames) / ms / 1000;
  rows.push({ qber, refMbit: mbit(refMs), natMbit: mbit(natMs) });
  console.log([
    qber.toFixed(3), plan.rate.toFixed(2).padStart(5), String(plan.leakedBits).padStart(6), plan.expectedEfficiency.toFixed(3).padStart(6),
    (failures / frames).toFixed(3).padStart(7), (iterations / frames).toFixed(1).padStart(8), (refMs / frames).toFixed(1).padStart(8),
    (natMs / frames).toFixed(1).padStart(7), mbit(refMs).toFixed(3).padStart(12), mbit(natMs).toFixed(2).padStart(11),
    `${(refMs / natMs).toFixed(1)}×`.padStart(8), mbit(natCpuMs).toFixed(2).padStart(15), work.toFixed(1).padStart(11), codeBytes.toFixed(1).padStart(11),
  ].join(' '));
}

// ---- XS: the same frames through the xsmc kernel (and the reference at the small size).
const blob = join(ROOT, 'build', `ldpc-native-${process.pid}.bin`);
const index = join(ROOT, 'build', `ldpc-native-${process.pid}.json`);
const all = new Uint8Array(offset);
let o = 0;
for (const b of blobs) { all.set(b, o); o += b.length; }
writeFileSync(blob, all);
writeFileSync(index, JSON.stringify({ blob, frames: xsFrames, maxIterations }));
const bundle = bundleForXs(join(ROOT, 'bench', 'ldpc-native.xs.ts'), 'bench-ldpc-native');
const run = runOnXs(bundle, [index], 600_000);
rmSync(bundle);
rmSync(blob);
rmSync(index);
if (run.status !== 0) throw new Error(`lvxs failed (${run.status}): ${run.stderr}${run.stdout.slice(-500)}`);
console.log('XS (lvxs, xsmc binding): frame                     native ms  native Mbit/s  reference ms  ref/native  same outcome');
let mismatch = false;
for (const r of taggedLines(run.stdout, 'BENCH')) {
  const ok = r.digest === r.want && (!r.reference || r.referenceDigest === r.want);
  mismatch ||= !ok;
  const keyBitsOf = Math.round(r.n * 0.99);
  console.log(`  ${r.label.padEnd(38)} ${r.nativeMs.toFixed(1).padStart(9)} ${((keyBitsOf / r.nativeMs) / 1000).toFixed(2).padStart(14)} ${
    r.reference ? r.referenceMs.toFixed(0).padStart(13) : '            -'} ${r.reference ? `${(r.referenceMs / r.nativeMs).toFixed(0)}×`.padStart(11) : '          -'}  ${ok ? 'yes' : 'NO'}`);
}
if (mismatch) {
  console.error('XS outcomes differ from Node\'s');
  process.exitCode = 1;
}
