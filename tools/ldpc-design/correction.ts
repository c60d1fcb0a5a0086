/**
 * How much the decoder's box-plus correction costs: the float64 layered decoder of float-decode.ts
 * (src/qkd/ldpc/decode.ts's predecessor; layeredDecode: same schedule, same clamping, same order)
 * with its correction g(x) ≈ ln(1 + e^−x) swapped,
 * on the frames of bench/ldpc.ts (same plan, code, layout and seeded channel). Offline only:
 * the exact correction uses Math.log1p/Math.exp, which no two runtimes need agree on.
 * `npx tsx tools/ldpc-design/correction.ts <qber> <efficiency> <frames> <g> [keyBits=100000]`
 * with g `spec` (float-decode.ts's own box-plus: floatLdpcDecode exactly) or one of
 * _corrections.ts (exact, line1, under2, tan3);
 * prints frames lost and the mean iterations (100 at most).
 */
import { ldpcBenchFrames, sameKey } from '../../bench/_ldpc-frames.ts';
import { planReconciliation } from '../../src/qkd/ldpc/adapt.ts';
import { ldpcCode } from '../../src/qkd/ldpc/code.ts';
import { layeredDecode } from './float-decode.ts';
import { BOXPLUS_NAMES, boxplusFor } from './_corrections.ts';

const [qber, efficiency, frames] = process.argv.slice(2, 5).map(Number) as [number, number, number];
const name = process.argv[5] ?? 'spec';
const keyBits = Number(process.argv[6] ?? 100_000);
const boxplus = boxplusFor(name);
if (!boxplus || !(frames >= 1))
  throw new RangeError(`usage: correction.ts <qber> <efficiency> <frames> <${BOXPLUS_NAMES.join('|')}> [keyBits]`);

// bench/ldpc.ts's frames
const plan = planReconciliation(qber, keyBits, efficiency);
const code = ldpcCode(plan.n, plan.rate, plan.codeSeed);
let lost = 0;
let iterations = 0;
for (const frame of ldpcBenchFrames(code, plan, qber, keyBits, frames)) {
  const r = layeredDecode(code, frame.syndrome, frame.llr, 100, boxplus);
  if (!r.converged || !sameKey(frame, r.bits)) lost++;
  iterations += r.iterations;
}
console.log(`QBER ${qber}, f ${plan.expectedEfficiency.toFixed(3)} (mother rate ${plan.rate}), ${frames} frames of ${plan.keyBits} key bits, correction ${name}: `
  + `lost ${lost}, mean iterations ${(iterations / frames).toFixed(1)}`);
