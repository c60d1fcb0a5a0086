/**
 * Rate adaptation for one-way syndrome reconciliation (Elkouss, Martinez-Mateo, Martin, QIC 11,
 * 2011): mother codes of length n; in each frame p bits are punctured (random bits Alice adds
 * and discards: Bob knows nothing of them, LLR 0) and s are shortened (bits both sides know,
 * here 0: LLR +∞), p + s = d = n − keyBits with n = ⌈keyBits / (1 − δ)⌉. The effective rate is
 * (n − m − s) / (n − d); Alice sends the m-bit syndrome, of which the p punctured bits absorb p
 * bits of information, so
 *     leaked bits = m − p,   f = (m − p) / (keyBits · h(QBER)).
 * Mother rates run from 0.40 to 0.95 in steps of 0.01 and δ = 0.01: consecutive codes' ranges
 * of leak meet, so every leak between the extremes is reachable to the bit, with at most 1 % of
 * the frame punctured (random puncturing costs threshold; a finer family keeps it small). The
 * codes are rebuilt from (n, rate, seed) on demand, so the family costs no storage.
 * The leak aimed for is f_target(QBER) · keyBits · h(QBER), f_target being what our decoder
 * needs for a frame error rate ≤ 1 % (TARGET_EFFICIENCY, measured with bench/ldpc.ts); among
 * codes that reach it the plan takes the one that punctures least. Positions of punctured and
 * shortened bits come from a seed both sides share (public: it reveals nothing about the key).
 * Everything here is integer or IEEE-754 arithmetic (efficiency.ts has its own logarithm), so
 * both peers derive the same plan on any runtime.
 */
import { checkBytes, checkInteger, checkNumber } from '../../_check.ts';
import { LdpcRandom } from './_prng.ts';
import { binaryEntropy, bscLlrMagnitude } from './efficiency.ts';

/** Mother-code rates 0.40, 0.41 … 0.95; a plan's codeId indexes this list. */
export const MOTHER_RATES: readonly number[] = Array.from({ length: 56 }, (_, i) => (40 + i) / 100);
/** The fraction of each frame that is punctured or shortened. */
export const ADAPT_FRACTION = 0.01;
/** The seed of the mother codes' graphs (buildLdpcCode's seed). */
export const MOTHER_CODE_SEED = 1;

/**
 * The efficiency our decoder needs for FER ≤ 1 % at n ≈ 10^5 (100 iterations, Bob's |LLR| from
 * decoderLlrMagnitude), by QBER (linear in between, flat beyond the ends). Measured with
 * `npx tsx bench/ldpc.ts <frames> --native --qber q --efficiency f` (10^5 key bits per frame,
 * code seed 1, bench --seed 1), frames lost / frames run (mean iterations); 0 lost in 300 bounds
 * the FER below 1 % (95 %), and the table holds the lowest f so supported. Measured with the
 * float64 decoder (tools/ldpc-design/float-decode.ts) and its box-plus lines as they now are
 * (moved onto the curve; the lines under it before gave the same table within a frame or two,
 * and the one line before those needed 1.24 at 1 %):
 *   1 % (mother rate 0.90): f 1.16 → 39/300; f 1.18 → 12/300; f 1.20 → 1/300; f 1.22 → 0/300 (12.3);
 *   2 % (profile 0.84): f 1.13 → 7/300; f 1.14 → 1/300; f 1.15 → 2/300; f 1.16 → 0/300 (16.7);
 *   3 % (profile 0.78): f 1.12 → 3/300; f 1.13 → 1/300; f 1.14 → 0/300 (17.7);
 *   5 % (profile 0.68): f 1.09 → 14/300; f 1.10 → 3/300; f 1.11 → 0/300 (22.8);
 *   the fixed-point decoder that replaced it (decode.ts), on the same frames (32 to a call),
 *   gives the same counts at every point measured again: 1 % f 1.20 → 1/300, f 1.22 → 0/300
 *   (12.3); 2 % f 1.15 → 2/300, f 1.16 → 0/300 (16.8); 3 % f 1.13 → 1/300, f 1.14 → 0/300
 *   (17.8); 5 % f 1.10 → 3/300, f 1.11 → 0/300 (22.9);
 *   in between, with the table as it stands, 100 frames each (bench without --efficiency):
 *        1.25, 1.5, 1.75, 2.25, 2.5, 2.75, 3.5, 4, 4.5, 4.6, 4.75, 4.85, 4.9, 5.1, 5.25 %
 *        → 0/100 each (FER ≤ 3 % only); 5.5 % lost 2/100 at f 1.141 and so has its own point,
 *        f 1.15 → 0/300 (5.25 % then 0/300 at 1.144). The points at 1.5 %, 2.5 %, 4 % and
 *        4.7 % keep the older, higher f where the older profiles serve (rates 0.70–0.75,
 *        0.85–0.88); above 5 % the codes of rate ≤ 0.66 keep the older profiles, so the table
 *        climbs back to the older line at once. Beyond 5.5 % nothing is validated (failed
 *        frames are discarded and counted, never used).
 * f ≤ 1.10 at n = 10^5 is not reached: the codes need ≈ 0.06–0.12 over their DE thresholds
 * (profiles.ts), and the decoder is not what is missing (tools/ldpc-design/correction.ts: the
 * exact ln(1 + e^−x) loses as many frames, and 400 iterations instead of 100 save none).
 * Longer frames reach it (`--efficiency 1.10 --key-bits N`, 300 frames; a code of 10^6 builds in
 * 3–8 s, one of 4·10^6 in 30): 10^6 key bits at 1 % → 0/300 with bench --seed 1 and 1/300 with
 * --seed 2 (27.5, 27.0: 1 in 600, FER ≤ 0.8 % at 95 %; the rate-0.91 profile for n ≥ 800,000 of
 * profiles.ts: with the 0.90 profile 6/40 were lost, and with 4·10^6 key bits 23/300),
 * 2 % → 1/300 with --seed 1 and 0/300 with --seed 2 (33.8, 33.7: again FER ≤ 0.8 % at 95 %),
 * 3 % → 0/300 (29.5), 5 % → 0/300 (26.2); the fixed-point decoder, --seed 1: 0/300, 1/300, 0/300,
 * 0/300 (27.8, 34.3, 29.7, 26.3). In between, 10^6 key bits
 * at f 1.10 (f 1.115, 1.11, 1.105 at 1.25, 1.5, 1.75 %; 100 frames each, before the rate-0.91
 * profile) hold only near the density-evolved profiles: 2.5, 4, 4.5 % → 0/100; 1.25 % → 32/100,
 * 1.5 % → 2/100, 1.75 % → 5/100, 3.5 % → 1/100; so longer frames have no table of their own yet,
 * and this table is for the engine's frames of 10^5 (reconcile-ldpc.ts FRAME_KEY_BITS).
 */
export const TARGET_EFFICIENCY: ReadonlyArray<readonly [qber: number, f: number]> = [
  [0.01, 1.22], [0.015, 1.215], [0.02, 1.16], [0.025, 1.175], [0.03, 1.14], [0.04, 1.15], [0.047, 1.143],
  [0.05, 1.11], [0.051, 1.14], [0.055, 1.15], [0.11, 1.16],
];

/**
 * How much more reliable than ln((1 − QBER)/QBER) Bob's decoder takes his bits, by QBER (linear in
 * between, flat beyond the ends). While the decoder's correction was the one line max(0, 11/16 −
 * x/4), scaling the channel LLRs up by 1.1 at QBER ≥ 5 % saved frames (0.68 profile, f 1.10, 150
 * frames: ×1 46 lost, ×1.1 2). With the float decoder's two lines (measured while they lay under the
 * curve), which decode as exact sum-product does, scaling costs frames everywhere (300 bench
 * frames, frames lost ×1 vs ×1.1: 2 % f 1.13: 7 vs 26; 3 % f 1.11: 8 vs 30; 5 % f 1.09: 14 vs
 * 36), so the channel's own LLRs are used. Bob's choice alone: nothing on the wire depends on it.
 */
export const DECODER_LLR_SCALE: ReadonlyArray<readonly [qber: number, scale: number]> = [
  [0.01, 1],
];

function interpolate(table: ReadonlyArray<readonly [number, number]>, x: number): number {
  if (x <= table[0]![0]) return table[0]![1];
  for (let i = 1; i < table.length; i++) {
    const [x1, y1] = table[i]!;
    const [x0, y0] = table[i - 1]!;
    if (x <= x1) return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
  }
  return table[table.length - 1]![1];
}

/** The |LLR| Bob's decoder gives his key bits at `qber`: bscLlrMagnitude × DECODER_LLR_SCALE. */
export function decoderLlrMagnitude(qber: number): number {
  checkNumber('qber', qber, 1e-9, 0.5 - 1e-9);
  return bscLlrMagnitude(qber) * interpolate(DECODER_LLR_SCALE, qber);
}

export interface ReconciliationPlan {
  readonly codeId: number;
  /** Mother code: length, rate, graph seed (buildLdpcCode(n, rate, codeSeed)). */
  readonly n: number;
  readonly rate: number;
  readonly codeSeed: number;
  /** Syndrome bits m of the mother code. */
  readonly syndromeBits: number;
  readonly punctured: number;
  readonly shortened: number;
  /** Key bits reconciled in the frame: n − punctured − shortened. */
  readonly keyBits: number;
  /** m − punctured. */
  readonly leakedBits: number;
  /** leakedBits / (keyBits · h(qber)). */
  readonly expectedEfficiency: number;
}

/** The efficiency aimed for at `qber` (TARGET_EFFICIENCY, interpolated). */
export function targetEfficiency(qber: number): number {
  checkNumber('qber', qber, 1e-9, 0.5 - 1e-9);
  return interpolate(TARGET_EFFICIENCY, qber);
}

/** Mother code, puncturing and shortening for one frame of `keyBits` key bits at `qber`. */
export function planReconciliation(qber: number, keyBits: number, efficiency = targetEfficiency(qber)): ReconciliationPlan {
  checkNumber('qber', qber, 1e-9, 0.5 - 1e-9);
  checkInteger('keyBits', keyBits, 64, 1 << 22);
  checkNumber('efficiency', efficiency, 1, 10);
  const n = Math.ceil(keyBits / (1 - ADAPT_FRACTION));
  const d = n - keyBits;
  const h = binaryEntropy(qber);
  const wanted = Math.ceil(efficiency * keyBits * h);
  let best: ReconciliationPlan | undefined;
  for (let codeId = MOTHER_RATES.length - 1; codeId >= 0; codeId--) {
    const rate = MOTHER_RATES[codeId]!;
    const m = n - Math.round(rate * n);
    // leak = m − p with 0 ≤ p ≤ d; the highest rate also serves leaks below its range (all punctured).
    let p = m - wanted;
    if (p > d && codeId === MOTHER_RATES.length - 1) p = d;
    if (p < 0 || p > d) continue;
    const plan: ReconciliationPlan = {
      codeId, n, rate, codeSeed: MOTHER_CODE_SEED, syndromeBits: m, punctured: p, shortened: d - p, keyBits,
      leakedBits: m - p, expectedEfficiency: (m - p) / (keyBits * h),
    };
    if (!best || plan.punctured < best.punctured) best = plan;
  }
  if (!best) throw new RangeError(`"qber" = ${qber} needs more syndrome than the lowest-rate mother code has`);
  return best;
}

/** Roles of a frame's positions. */
export const KEY = 0;
export const PUNCTURED = 1;
export const SHORTENED = 2;

export interface FrameLayout {
  readonly n: number;
  /** KEY, PUNCTURED or SHORTENED per position. */
  readonly roles: Uint8Array;
  /** The positions that carry key bits, ascending. */
  readonly keyPositions: Uint32Array;
  readonly punctured: number;
  readonly shortened: number;
}

/** Which positions are punctured and shortened: a seeded partial shuffle both sides repeat. */
export function frameLayout(n: number, punctured: number, shortened: number, seed: number): FrameLayout {
  checkInteger('n', n, 1, 1 << 22);
  checkInteger('punctured', punctured, 0, n);
  checkInteger('shortened', shortened, 0, n - punctured);
  checkInteger('seed', seed, 0, 0xffffffff);
  const rng = new LdpcRandom([seed, n, punctured, shortened, 0x46524d45]);
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const roles = new Uint8Array(n);
  for (let i = 0; i < punctured + shortened; i++) {
    const k = i + rng.below(n - i);
    const t = perm[i]!;
    perm[i] = perm[k]!;
    perm[k] = t;
    roles[perm[i]!] = i < punctured ? PUNCTURED : SHORTENED;
  }
  const keyPositions = new Uint32Array(n - punctured - shortened);
  for (let j = 0, k = 0; j < n; j++) if (roles[j] === KEY) keyPositions[k++] = j;
  return { n, roles, keyPositions, punctured, shortened };
}

/** Alice's frame: her key bits in key positions, her fresh random bits in punctured ones, 0 in shortened ones. */
export function aliceFrame(layout: FrameLayout, keyBits: Uint8Array, puncturedBits: Uint8Array): Uint8Array {
  checkBytes('keyBits', keyBits, layout.keyPositions.length);
  checkBytes('puncturedBits', puncturedBits, layout.punctured);
  const frame = new Uint8Array(layout.n);
  for (let i = 0; i < keyBits.length; i++) frame[layout.keyPositions[i]!] = keyBits[i]! & 1;
  for (let j = 0, k = 0; j < layout.n; j++) if (layout.roles[j] === PUNCTURED) frame[j] = puncturedBits[k++]! & 1;
  return frame;
}

/**
 * Bob's decoder input: ±llrMagnitude from his bits (+ for 0), 0 where punctured, +∞ where shortened
 * (known 0). Written into `out` when given (every one of its n values: a slice of a batch of
 * frames, with no copy to make and wipe), else into a new array.
 */
export function bobChannelLlr(layout: FrameLayout, keyBits: Uint8Array, llrMagnitude: number, out?: Float64Array): Float64Array {
  checkBytes('keyBits', keyBits, layout.keyPositions.length);
  checkNumber('llrMagnitude', llrMagnitude, 0);
  if (out !== undefined && (!(out instanceof Float64Array) || out.length !== layout.n))
    throw new RangeError(`"out" expected Float64Array of length ${layout.n}`);
  const llr = out ?? new Float64Array(layout.n);
  for (let j = 0; j < layout.n; j++) llr[j] = layout.roles[j] === SHORTENED ? Infinity : 0;
  for (let i = 0; i < keyBits.length; i++) llr[layout.keyPositions[i]!] = keyBits[i] ? -llrMagnitude : llrMagnitude;
  return llr;
}

/** The key bits of a frame (Alice's, or Bob's decoded word). */
export function frameKeyBits(layout: FrameLayout, frame: Uint8Array): Uint8Array {
  checkBytes('frame', frame, layout.n);
  const out = new Uint8Array(layout.keyPositions.length);
  for (let i = 0; i < out.length; i++) out[i] = frame[layout.keyPositions[i]!]!;
  return out;
}
