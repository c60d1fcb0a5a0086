/**
 * Writes the LDPC bench frames (bench/_ldpc-frames.ts: the same seeded frames every bench and
 * runtime sees) of one plan to a flat file, for the C design studies beside this file
 * (q16-batch.c). Offline only (Node).
 *
 * `npx tsx tools/ldpc-design/frames.ts <qber> <keyBits> <count> <out> [--efficiency f]`
 *
 * Layout, little-endian: u32 n, m, edges, count, keyBits; u32 checkPtr[m + 1]; u32
 * checkVars[edges]; then per frame the syndrome (ceil(m / 8) bytes, zero-padded to a multiple of
 * 8) and the decoder LLRs (f64[n], ±Infinity on shortened bits).
 */
import { writeFileSync } from 'node:fs';
import { planReconciliation } from '../../src/qkd/ldpc/adapt.ts';
import { ldpcCode } from '../../src/qkd/ldpc/code.ts';
import { ldpcBenchFrames } from '../../bench/_ldpc-frames.ts';

const args = process.argv.slice(2);
const at = args.indexOf('--efficiency');
const efficiency = at >= 0 ? Number(args.splice(at, 2)[1]) : undefined;
const [qber, keyBits, count] = args.slice(0, 3).map(Number);
const out = args[3];
if (!(qber! > 0 && qber! < 0.5) || !Number.isInteger(keyBits) || !Number.isInteger(count) || count! < 1 || !out) {
  throw new RangeError('usage: frames.ts <qber> <keyBits> <count> <out> [--efficiency f]');
}
const plan = efficiency === undefined ? planReconciliation(qber!, keyBits!) : planReconciliation(qber!, keyBits!, efficiency);
const code = ldpcCode(plan.n, plan.rate, plan.codeSeed);
const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const parts: Uint8Array[] = [bytes(new Uint32Array([code.n, code.m, code.checkVars.length, count!, plan.keyBits])), bytes(code.checkPtr), bytes(code.checkVars)];
for (const frame of ldpcBenchFrames(code, plan, qber!, keyBits!, count!)) {
  parts.push(frame.syndrome, new Uint8Array((8 - (frame.syndrome.length % 8)) % 8), bytes(frame.llr));
}
writeFileSync(out, Buffer.concat(parts));
console.log(`${out}: ${count} frame(s), n ${code.n}, m ${code.m}, ${code.checkVars.length} edges, rate ${plan.rate}, f ${plan.expectedEfficiency.toFixed(3)}, ${plan.keyBits} key bits a frame`);
