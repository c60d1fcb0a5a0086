/**
 * The float64 decoder the product used before src/qkd/ldpc/decode.ts (its fixed-point twin, the
 * same schedule and correction at 1/256) replaced it; kept for the design tools here, which
 * compare corrections and thresholds in floating point. Not the Kernels port's reference.
 *
 * Syndrome-based belief-propagation decoding of an LDPC code:
 * layered schedule (Hocevar 2004), check-node rule = the exact box-plus of sum-product written
 * as min plus Jacobian corrections (Hu, Eleftheriou, Arnold, Dholakia 2001), each correction
 * ln(1 + e^−x) replaced by the piecewise-linear max(0, 679/1024 − 21x/64, 273/1024 − 65x/1024):
 * the chords of the curve over [0, 1.5] and [1.5, 4.5], each lowered by half its largest gap to
 * it (constants rounded to 1/1024; error ≤ 0.030, and 0 only from x = 4.2 on). The two lines
 * before, max(0, 11/16 − 3x/8, 275/1024 − 78x/1024), lay under the curve (error ≤ 0.058) and
 * reached 0 at 3.53, where ln(1 + e^−x) is still 0.029: at QBER 1 % Bob's |LLR| is 4.6, so a
 * check folding a weak message with his strong ones got no correction where it needed ~0.01
 * each time, and with 70 inputs a check's messages came out too sure. Density evolution
 * (tools/ldpc-design/popde.ts, rate 0.91 with the 0.90 profile, --check) puts the old lines at
 * 196 iterations to BER 10^-4 at f 1.08 against 64 for exact sum-product, these at 62; at QBER
 * 5 % (0.68 profile, f 1.05) the three are alike (118, 117; exact 116). On bench/ldpc.ts's
 * frames (QBER 3 %, 10^5 key bits, 300 frames, lost at f 1.10 / 1.11) these lose 25 / 10, the
 * old lines 26 / 8, the exact correction 23 / 7, the one line max(0, 11/16 − x/4) before them
 * 80 at f 1.10. Only IEEE-754 float64 +, −, ×, comparisons and sign flips, in the fixed order
 * below, so a C port reproduces every message bit for bit (compile it with -ffp-contract=off: no
 * fused multiply-add).
 *
 * The algorithm, exactly (C = 1000, G0 = 0.6630859375, G1 = 0.328125, K0 = 0.2666015625,
 * K1 = 0.0634765625, all exact binary constants):
 *   State: L[j] = channelLlr[j] (j < n); R[e] = +0 for every edge e (row-major edge order).
 *   |x|        = x < 0 ? −x : x.
 *   g(x)       = y > 0 ? y : 0, where y = u > w ? u : w, u = G0 − G1·x, w = K0 − K1·x.
 *   A ⊞ B      = (mn + g(A + B)) − g(D), for magnitudes A, B ≥ 0, where mn = A < B ? A : B,
 *                t = A − B, D = t < 0 ? −t : t. (Box-plus of two LLRs is sign·(|a| ⊞ |b|), the
 *                sign being the product of theirs: magnitudes and signs travel apart.)
 *   One iteration: for r = 0 … m−1, with the row's edges e_0 … e_{d−1} in stored order
 *   (checkVars[checkPtr[r] …]), variables v_i, syndrome bit s_r:
 *     q_i = L[v_i] − R[e_i];  neg_i = q_i < 0;  A_i = |q_i| > C ? C : |q_i|   (clamping keeps the
 *       ±Infinity of shortened bits out of the check node: no ∞ − ∞, no NaN);
 *     parity = s_r XOR neg_0 XOR … XOR neg_{d−1};
 *     P_0 = A_0, P_i = P_{i−1} ⊞ A_i for 1 ≤ i ≤ d−2;
 *     for i = d−1 down to 0: x_i = (i = d−1) ? P_{d−2} : (i = 0 ? S : P_{i−1} ⊞ S), then
 *       S = (i = d−1) ? A_i : S ⊞ A_i   (S is A_i ⊞ … folded from the right: S ⊞ A_i, S first);
 *       a row of degree 1 has x_0 = C; a row of degree 0 is skipped;
 *       R[e_i] = (parity XOR neg_i) ? −x_i : x_i;  L[v_i] = q_i + R[e_i].
 *   After each iteration: bit_j = L[j] < 0 ? 1 : 0 (so +0 and −0 decide 0); if H·bit = syndrome,
 *   stop with converged = true and iterations = the iterations run; after maxIterations without
 *   a match, converged = false. The syndrome test runs only after full iterations, so a word with
 *   no errors converges in 1.
 * Inputs are checked first; LLRs may be ±Infinity (shortened bits) but not NaN.
 */
import type { LdpcCodeView } from '../../hal/kernels.ts';
import { checkInteger } from '../../src/_check.ts';
import { checkLdpcCodeView, LDPC_MAX_ITERATIONS } from '../../src/qkd/ldpc/decode.ts';
import { ldpcSyndromeMatches } from '../../src/qkd/ldpc/syndrome.ts';

/** One frame's outcome. */
export interface FloatDecodeResult {
  readonly bits: Uint8Array;
  readonly iterations: number;
  readonly converged: boolean;
}

const C = 1000;
const G0 = 0.6630859375;
const G1 = 0.328125;
const K0 = 0.2666015625;
const K1 = 0.0634765625;

function g(x: number): number {
  const u = G0 - G1 * x;
  const w = K0 - K1 * x;
  const y = u > w ? u : w;
  return y > 0 ? y : 0;
}

/** |a| ⊞ |b| for magnitudes: the exact order of the spec above (the density-evolution tools of tools/ldpc-design use it as `spec`). */
export function boxplus(A: number, B: number): number {
  const mn = A < B ? A : B;
  const t = A - B;
  const D = t < 0 ? -t : t;
  return mn + g(A + B) - g(D);
}

export function floatLdpcDecode(
  code: LdpcCodeView, syndrome: Uint8Array, channelLlr: Float64Array, maxIterations: number,
): FloatDecodeResult {
  return layeredDecode(code, syndrome, channelLlr, maxIterations, boxplus);
}

/**
 * The algorithm above with another magnitude box-plus in place of the spec's
 * (tools/ldpc-design/correction.ts measures what the correction costs).
 */
export function layeredDecode(
  code: LdpcCodeView, syndrome: Uint8Array, channelLlr: Float64Array, maxIterations: number,
  boxplus: (A: number, B: number) => number,
): FloatDecodeResult {
  const dmax = checkLdpcCodeView(code);
  const { n, m, checkPtr, checkVars } = code;
  if (!(syndrome instanceof Uint8Array) || syndrome.length !== (m + 7) >>> 3)
    throw new RangeError(`"syndrome" expected Uint8Array of length ${(m + 7) >>> 3} (${m} bits packed)`);
  if (m & 7 && syndrome[syndrome.length - 1]! & (0xff >>> (m & 7)))
    throw new RangeError('"syndrome" expected zero padding bits');
  if (!(channelLlr instanceof Float64Array) || channelLlr.length !== n)
    throw new RangeError(`"channelLlr" expected Float64Array of length ${n}`);
  for (let j = 0; j < n; j++) if (channelLlr[j] !== channelLlr[j]) throw new RangeError(`"channelLlr[${j}]" is NaN`);
  checkInteger('maxIterations', maxIterations, 1, LDPC_MAX_ITERATIONS);

  const L = Float64Array.from(channelLlr);
  const R = new Float64Array(checkVars.length);
  const q = new Float64Array(dmax);
  const a = new Float64Array(dmax);
  const prefix = new Float64Array(dmax);
  const bits = new Uint8Array(n);
  for (let it = 1; it <= maxIterations; it++) {
    for (let r = 0; r < m; r++) {
      const lo = checkPtr[r]!;
      const d = checkPtr[r + 1]! - lo;
      if (d === 0) continue;
      let parity = (syndrome[r >>> 3]! >>> (7 - (r & 7))) & 1;
      for (let i = 0; i < d; i++) {
        const qi = L[checkVars[lo + i]!]! - R[lo + i]!;
        q[i] = qi;
        const mag = qi < 0 ? -qi : qi;
        a[i] = mag > C ? C : mag;
        if (qi < 0) parity ^= 1;
      }
      if (d === 1) {
        const x = parity ^ (q[0]! < 0 ? 1 : 0) ? -C : C;
        R[lo] = x;
        L[checkVars[lo]!] = q[0]! + x;
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
        L[checkVars[lo + i]!] = qi + out;
      }
    }
    for (let j = 0; j < n; j++) bits[j] = L[j]! < 0 ? 1 : 0;
    if (ldpcSyndromeMatches(code, bits, syndrome)) return { bits, iterations: it, converged: true };
  }
  return { bits, iterations: maxIterations, converged: false };
}
