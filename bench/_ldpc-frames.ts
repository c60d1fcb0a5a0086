/**
 * The LDPC bench frames, one definition for bench/ldpc.ts, bench/ldpc-native.ts and
 * tools/ldpc-design/correction.ts: for each frame of a plan, Alice's key bits and punctured bits,
 * her syndrome, and Bob's BSC copy of her key as decoder LLRs. Seeded by (seed, QBER, key bits
 * asked for) through LdpcRandom, drawn in a fixed order (key, punctured, errors), so every tool and
 * runtime sees the same frames and their figures compare.
 */
import type { LdpcCodeView } from '../hal/kernels.ts';
import { LdpcRandom } from '../src/qkd/ldpc/_prng.ts';
import { aliceFrame, bobChannelLlr, decoderLlrMagnitude, frameKeyBits, frameLayout, type FrameLayout, type ReconciliationPlan } from '../src/qkd/ldpc/adapt.ts';
import { ldpcSyndrome } from '../src/qkd/ldpc/syndrome.ts';

export interface LdpcBenchFrame {
  readonly layout: FrameLayout;
  readonly aliceKey: Uint8Array;
  readonly syndrome: Uint8Array;
  /** Bob's decoder input: his key bits at decoderLlrMagnitude(qber). */
  readonly llr: Float64Array;
}

/** `count` frames of `plan` on `code` at `qber`; `keyBits` is the size asked for (it seeds the draws). */
export function* ldpcBenchFrames(
  code: LdpcCodeView, plan: ReconciliationPlan, qber: number, keyBits: number, count: number, seed = 1,
): Generator<LdpcBenchFrame> {
  const magnitude = decoderLlrMagnitude(qber);
  const threshold = Math.floor(qber * 4294967296);
  const rng = new LdpcRandom([seed, Math.round(qber * 1e6), keyBits]);
  const bits = (n: number) => {
    const x = new Uint8Array(n);
    for (let j = 0; j < n; j++) x[j] = rng.nextUint32() >>> 31;
    return x;
  };
  for (let frame = 0; frame < count; frame++) {
    const layout = frameLayout(plan.n, plan.punctured, plan.shortened, frame);
    const aliceKey = bits(plan.keyBits);
    const syndrome = ldpcSyndrome(code, aliceFrame(layout, aliceKey, bits(plan.punctured)));
    const bobKey = aliceKey.map((b) => b ^ (rng.nextUint32() < threshold ? 1 : 0));
    yield { layout, aliceKey, syndrome, llr: bobChannelLlr(layout, bobKey, magnitude) };
  }
}

/** True when the decoded word's key bits are Alice's. */
export function sameKey(frame: LdpcBenchFrame, decoded: Uint8Array): boolean {
  const key = frameKeyBits(frame.layout, decoded);
  for (let i = 0; i < key.length; i++) if (key[i] !== frame.aliceKey[i]) return false;
  return true;
}

/** The same frames, `size` to a batch, with their syndromes and LLRs back to back as Kernels.ldpcDecode takes them. */
export function* ldpcBenchBatches(
  code: LdpcCodeView, plan: ReconciliationPlan, qber: number, keyBits: number, count: number, size: number, seed = 1,
): Generator<{ frames: LdpcBenchFrame[]; syndromes: Uint8Array; llrs: Float64Array }> {
  let frames: LdpcBenchFrame[] = [];
  const flush = () => {
    const bytes = (code.m + 7) >>> 3;
    const syndromes = new Uint8Array(frames.length * bytes);
    const llrs = new Float64Array(frames.length * code.n);
    frames.forEach((f, k) => {
      syndromes.set(f.syndrome, k * bytes);
      llrs.set(f.llr, k * code.n);
    });
    const out = { frames, syndromes, llrs };
    frames = [];
    return out;
  };
  for (const frame of ldpcBenchFrames(code, plan, qber, keyBits, count, seed)) {
    frames.push(frame);
    if (frames.length === size) yield flush();
  }
  if (frames.length) yield flush();
}
