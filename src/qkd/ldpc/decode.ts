/**
 * Syndrome-based belief-propagation decoding of an LDPC code (the Kernels.ldpcDecode reference):
 * layered schedule (Hocevar 2004), check-node rule = the exact box-plus of sum-product written
 * as min plus Jacobian corrections (Hu, Eleftheriou, Arnold, Dholakia 2001), each correction
 * ln(1 + e^−x) replaced by the piecewise-linear max(0, 0.663 − 21x/64, 0.267 − 65x/1024): the
 * chords of the curve over [0, 1.5] and [1.5, 4.5], each lowered by half its largest gap to it
 * (error ≤ 0.030; tools/ldpc-design/float-decode.ts has the float64 decoder and why these lines).
 * In 16-bit fixed point: LLRs in units of 1/256, saturated at ±32767. Integers only, so every
 * runtime and every C build gives the same bits, and the native kernel can run 16 frames side by
 * side in the 16-bit lanes of one vector (native/kernels/ldpc.c); a board without a
 * double-precision FPU pays nothing for floats. Against the float64 decoder, on frames of 10^5
 * key bits at the engine's f (tools/ldpc-design/q16-batch.c, 304 frames at each of QBER 1, 2, 3,
 * 5 %): every frame converged in both, to the same words, in the same mean iterations within
 * 0.1; at the edge of the waterfall (2 % at f 1.10, 5 % at f 1.06, 96 frames) the same frames
 * converged in both.
 *
 * The algorithm, exactly (LMAX = 32767; sat(x) = x > LMAX ? LMAX : x < −LMAX ? −LMAX : x):
 *   quantise(llr): v = 256 · llr (exact: a power of two); v ≥ LMAX → LMAX; v ≤ −LMAX → −LMAX
 *             (±Infinity included); else v < 0 ? −⌊−v + 0.5⌋ : ⌊v + 0.5⌋ (IEEE-754 double addition).
 *   g(x)    = max(170 − ⌊21x / 64⌋, 68 − ⌊65x / 1024⌋, 0) for 0 ≤ x ≤ LMAX (the float decoder's
 *             0.6630859375 and 0.2666015625 at this scale, rounded; its slopes exactly).
 *   A ⊞ B   = max(0, min(A, B) + g(min(A + B, LMAX)) − g(|A − B|)), for magnitudes 0 ≤ A, B ≤ LMAX.
 *             (Box-plus of two LLRs is sign·(|a| ⊞ |b|): magnitudes and signs travel apart.)
 *   State: L[j] = quantise(channelLlr[j]) (j < n); R[e] = 0 for every edge e (row-major order).
 *   One iteration: for r = 0 … m−1, with the row's edges e_0 … e_{d−1} in stored order
 *   (checkVars[checkPtr[r] …]), variables v_i, syndrome bit s_r:
 *     q_i = sat(L[v_i] − R[e_i]);  neg_i = q_i < 0;  A_i = |q_i|;
 *     parity = s_r XOR neg_0 XOR … XOR neg_{d−1};
 *     P_0 = A_0, P_i = P_{i−1} ⊞ A_i for 1 ≤ i ≤ d−2;
 *     for i = d−1 down to 0: x_i = (i = d−1) ? P_{d−2} : (i = 0 ? S : P_{i−1} ⊞ S), then
 *       S = (i = d−1) ? A_i : S ⊞ A_i   (S is A_i ⊞ … folded from the right: S ⊞ A_i, S first);
 *       a row of degree 1 has x_0 = LMAX; a row of degree 0 is skipped;
 *       R[e_i] = (parity XOR neg_i) ? −x_i : x_i;  L[v_i] = sat(q_i + R[e_i]).
 *   After each iteration: bit_j = L[j] < 0 ? 1 : 0; if H·bit = syndrome, stop with converged =
 *   true and iterations = the iterations run; after maxIterations without a match, converged =
 *   false. The syndrome test runs only after full iterations, so a word with no errors converges
 *   in 1.
 * A call decodes F ≥ 1 frames of one code, each exactly as if alone: frame k's syndrome is
 * syndromes[k⌈m/8⌉ …], its LLRs channelLlrs[kn …], its word bits[kn …]. Inputs are checked first,
 * in this order: the code, the LLRs' length (a positive multiple of n), the syndromes' length,
 * each syndrome's padding, each LLR (±Infinity for shortened bits, never NaN), maxIterations.
 */
import type { LdpcCodeView, LdpcDecodeResult, LdpcFrameOutcome } from '../../../hal/kernels.ts';
import { checkInteger } from '../../_check.ts';
import { ldpcSyndromeMatches } from './syndrome.ts';

/** The most iterations a caller may ask for (a bound on work, far above what converges). */
export const LDPC_MAX_ITERATIONS = 100_000;
/** LLR units per 1: the decoder holds round(256 · llr). */
export const LDPC_LLR_SCALE = 256;
/** The largest magnitude of a running LLR or message, in 1/256 units. */
export const LDPC_LLR_MAX = 32767;

function sat(x: number): number {
  return x > LDPC_LLR_MAX ? LDPC_LLR_MAX : x < -LDPC_LLR_MAX ? -LDPC_LLR_MAX : x;
}

/** An LLR in units of 1/256, rounded half away from zero and saturated (the spec's quantise). */
export function quantiseLlr(llr: number): number {
  const v = llr * LDPC_LLR_SCALE;
  if (v >= LDPC_LLR_MAX) return LDPC_LLR_MAX;
  if (v <= -LDPC_LLR_MAX) return -LDPC_LLR_MAX;
  return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
}

function g(x: number): number {
  const u = 170 - ((21 * x) >> 6);
  const w = 68 - ((65 * x) >> 10);
  const y = u > w ? u : w;
  return y > 0 ? y : 0;
}

/** |a| ⊞ |b| for magnitudes in units of 1/256 (0 … LDPC_LLR_MAX). */
export function boxplus(A: number, B: number): number {
  const mn = A < B ? A : B;
  const s = A + B;
  const t = A - B;
  const y = mn + g(s > LDPC_LLR_MAX ? LDPC_LLR_MAX : s) - g(t < 0 ? -t : t);
  return y > 0 ? y : 0;
}

/** Checks that `code` is a well-formed compressed-row matrix; returns its largest row degree. */
export function checkLdpcCodeView(code: LdpcCodeView): number {
  if (typeof code !== 'object' || code === null) throw new TypeError('"code" expected an LdpcCodeView');
  const n = checkInteger('code.n', code.n, 1);
  const m = checkInteger('code.m', code.m, 1);
  const { checkPtr, checkVars } = code;
  if (!(checkPtr instanceof Uint32Array) || checkPtr.length !== m + 1)
    throw new RangeError(`"code.checkPtr" expected Uint32Array of length ${m + 1}`);
  if (!(checkVars instanceof Uint32Array) || checkPtr[0] !== 0 || checkPtr[m] !== checkVars.length)
    throw new RangeError('"code.checkVars" expected Uint32Array of length code.checkPtr[m], with code.checkPtr[0] = 0');
  let dmax = 0;
  for (let r = 0; r < m; r++) {
    const d = checkPtr[r + 1]! - checkPtr[r]!;
    if (checkPtr[r + 1]! < checkPtr[r]!) throw new RangeError(`"code.checkPtr" decreases at row ${r}`);
    if (d > dmax) dmax = d;
  }
  for (let e = 0; e < checkVars.length; e++)
    if (checkVars[e]! >= n) throw new RangeError(`"code.checkVars[${e}]" = ${checkVars[e]} is not a column of n = ${n}`);
  return dmax;
}

/** Checks a decode call in the spec's order; returns the frame count and the largest row degree. */
export function checkLdpcDecodeArgs(
  code: LdpcCodeView, syndromes: Uint8Array, channelLlrs: Float64Array, maxIterations: number,
): { frames: number; dmax: number } {
  const dmax = checkLdpcCodeView(code);
  const { n, m } = code;
  if (!(channelLlrs instanceof Float64Array) || channelLlrs.length === 0 || channelLlrs.length % n !== 0)
    throw new RangeError(`"channelLlrs" expected Float64Array of a positive multiple of n = ${n} values, got ${channelLlrs instanceof Float64Array ? channelLlrs.length : typeof channelLlrs}`);
  const frames = channelLlrs.length / n;
  const bytes = (m + 7) >>> 3;
  if (!(syndromes instanceof Uint8Array) || syndromes.length !== frames * bytes)
    throw new RangeError(`"syndromes" expected Uint8Array of length ${frames * bytes} (${frames} frames of ${m} bits packed), got ${syndromes instanceof Uint8Array ? syndromes.length : typeof syndromes}`);
  if (m & 7)
    for (let k = 0; k < frames; k++)
      if (syndromes[(k + 1) * bytes - 1]! & (0xff >>> (m & 7))) throw new RangeError(`"syndromes" expected zero padding bits (frame ${k})`);
  for (let i = 0; i < channelLlrs.length; i++) if (channelLlrs[i] !== channelLlrs[i]) throw new RangeError(`"channelLlrs[${i}]" is NaN`);
  checkInteger('maxIterations', maxIterations, 1, LDPC_MAX_ITERATIONS);
  return { frames, dmax };
}

export function referenceLdpcDecode(
  code: LdpcCodeView, syndromes: Uint8Array, channelLlrs: Float64Array, maxIterations: number,
): LdpcDecodeResult {
  const { frames, dmax } = checkLdpcDecodeArgs(code, syndromes, channelLlrs, maxIterations);
  const { n, m } = code;
  const bytes = (m + 7) >>> 3;
  const bits = new Uint8Array(frames * n);
  const outcomes: LdpcFrameOutcome[] = [];
  const work = { L: new Int16Array(n), R: new Int16Array(code.checkVars.length), q: new Int16Array(dmax), a: new Int16Array(dmax), prefix: new Int16Array(dmax) };
  for (let k = 0; k < frames; k++)
    outcomes.push(decodeFrame(code, syndromes.subarray(k * bytes, (k + 1) * bytes), channelLlrs.subarray(k * n, (k + 1) * n),
      maxIterations, bits.subarray(k * n, (k + 1) * n), work));
  work.L.fill(0);
  work.R.fill(0);
  work.q.fill(0);
  work.a.fill(0);
  work.prefix.fill(0);
  return { bits, frames: outcomes };
}

interface DecodeWork {
  readonly L: Int16Array;
  readonly R: Int16Array;
  readonly q: Int16Array;
  readonly a: Int16Array;
  readonly prefix: Int16Array;
}

/** One frame, the algorithm above; writes its word to `bits`. */
function decodeFrame(
  code: LdpcCodeView, syndrome: Uint8Array, channelLlr: Float64Array, maxIterations: number, bits: Uint8Array, work: DecodeWork,
): LdpcFrameOutcome {
  const { n, m, checkPtr, checkVars } = code;
  const { L, R, q, a, prefix } = work;
  for (let j = 0; j < n; j++) L[j] = quantiseLlr(channelLlr[j]!);
  R.fill(0);
  for (let it = 1; it <= maxIterations; it++) {
    for (let r = 0; r < m; r++) {
      const lo = checkPtr[r]!;
      const d = checkPtr[r + 1]! - lo;
      if (d === 0) continue;
      let parity = (syndrome[r >>> 3]! >>> (7 - (r & 7))) & 1;
      for (let i = 0; i < d; i++) {
        const qi = sat(L[checkVars[lo + i]!]! - R[lo + i]!);
        q[i] = qi;
        a[i] = qi < 0 ? -qi : qi;
        if (qi < 0) parity ^= 1;
      }
      if (d === 1) {
        const x = parity ^ (q[0]! < 0 ? 1 : 0) ? -LDPC_LLR_MAX : LDPC_LLR_MAX;
        R[lo] = x;
        L[checkVars[lo]!] = sat(q[0]! + x);
        continue;
      }
      prefix[0] = a[0]!;
      for (let i = 1; i <= d - 2; i++) prefix[i] = boxplus(prefix[i - 1]!, a[i]!);
      let S = a[d - 1]!;
      for (let i = d - 1; i >= 0; i--) {
        let x: number;
        if (i === d - 1) x = prefix[d - 2]!;
        else {
          x = i === 0 ? S : boxplus(prefix[i - 1]!, S);
          S = boxplus(S, a[i]!);
        }
        const qi = q[i]!;
        const out = parity ^ (qi < 0 ? 1 : 0) ? -x : x;
        R[lo + i] = out;
        L[checkVars[lo + i]!] = sat(qi + out);
      }
    }
    for (let j = 0; j < n; j++) bits[j] = L[j]! < 0 ? 1 : 0;
    if (ldpcSyndromeMatches(code, bits, syndrome)) return { iterations: it, converged: true };
  }
  return { iterations: maxIterations, converged: false };
}
