/**
 * Degree distributions of the LDPC family, node perspective (fraction of the n variable nodes
 * of each degree), one per mother-code rate; check degrees are concentrated (two consecutive
 * values), as in optimised irregular ensembles for the BSC (Richardson, Shokrollahi, Urbanke
 * 2001; Elkouss, Leverrier, Alléaume, Boutros 2009).
 *
 * How they were chosen (offline; the numbers are constants so that every runtime builds the
 * same matrix without evaluating anything):
 *   - rates ≤ 0.50, degrees {2, 3, 10}: λ2 (edge fraction of degree 2) at 0.9 of the BSC
 *     stability bound λ2·ρ'(1) < 1/(2√(p*(1−p*))), p* the Shannon-limit crossover of the rate,
 *     40 % of the edges on degree 10, the rest on degree 3;
 *   - rates 0.55–0.75, 0.85, 0.90, degrees {2, 3, 6 or 8, 20}: from a hill-climb on the BP
 *     threshold computed by Monte-Carlo density evolution (population dynamics) on the BSC. With
 *     the check degrees of high rates (30–80) a {2, 3, 10} ensemble is far from capacity; a fifth
 *     of the nodes at degree 6–8 and a tenth or more at 20 bring the threshold within 5–10 % of it;
 *   - rates 0.68, 0.78, 0.80, 0.84 (the mother codes of QBER 5 %, 3 %, 2 %; issue #4), degrees
 *     {2, 3, 7–16, 20, 30, 40}: optimised against discretised density evolution (LLR grid step
 *     0.1 on ±25, exact box-plus by table, concentrated checks), first by a pairwise hill-climb,
 *     then by linear programming (Chung's method: on the density trajectory of the current λ,
 *     minimise the sum of next-step error probabilities subject to progress at every iteration,
 *     the same mean degree, λ2 under the stability bound and n2 < m, a trust region of 0.02),
 *     tightening f while it converged. The degree-2 cap n2 < m binds at 0.68–0.80: more degree-2
 *     nodes would lower the threshold further but close cycles among themselves. Thresholds
 *     (f at which DE converges; old profile at the same rate in brackets): 0.68 1.035 (1.068),
 *     0.78 1.046 (1.106), 0.80 1.050 (n2 capped at m − 1), 0.84 1.058 (1.089). popde.ts agrees:
 *     0.68 stuck at 1.03, BER < 10^-4 in 116 iterations at 1.05; 0.78 stuck at 1.04, 91 at 1.06;
 *     0.84 stuck at 1.05, 81 at 1.07. 0.80 is 0.78 with degree 40 folded into 30, so that
 *     n = 20,000 keeps girth 6. At n = 10^5 the codes need ≈ 0.07 more (TARGET_EFFICIENCY);
 *   - rate 0.91 (QBER 1 %), degrees {2, 3, 5, 6, 8, 10, 12, 16, 20, 30, 50, 60}, for codes of
 *     n ≥ 800,000 only: from tools/ldpc-design/discde.ts (discretised density evolution with
 *     decode.ts's own box-plus, deterministic), a hill-climb moving node fraction 0.01 between
 *     degrees, starting from the 0.90 profile and lowering f by 0.005 each time the profile
 *     converged in < 250 iterations, n2 < m held. The 0.90 profile run at rate 0.91 is stuck at
 *     f 1.075 and needs 79 iterations to 10^-6 at f 1.10; this one converges at 1.045 (238) and
 *     needs 55 at 1.10 (popde.ts, --check spec: stuck at 1.04, 187 iterations to 10^-4 at
 *     1.05, 89 at 1.06). Columns of degree 30–60 do it, and they cost girth 6 in short
 *     codes (seed 1: 581 forced 4-cycle edges at n = 404,041, 1 at 707,071, none at 808,081 and
 *     1,010,102), so shorter codes of rate 0.91 keep the 0.90 profile. Measured with
 *     bench/ldpc.ts at QBER 1 %, f 1.10, 10^6 key bits: 1 frame lost in 600 (adapt.ts), where
 *     the 0.90 profile loses 6/40. Not kept: degree-2 nodes past m (n2 up to 2m, their checks far
 *     apart on the degree-2 graph; the climb moved them back below m), and a climb holding f at
 *     1.10 (fewest iterations there, 58, but stuck up to 1.065: 3/40 lost). Rates 0.92 and 0.93
 *     take this profile too at such lengths (nearest rate), n2 capped at m − 1 there;
 *   - rate 0.95, degrees {2, 3, 8}: lighter, as checks of degree ~75 over m = n/20 rows leave
 *     no room for degree-20 columns without 4-cycles at the block lengths we use.
 * Degree-2 nodes stay below m: they form one zigzag chain through the checks (code.ts), so they
 * never close a cycle among themselves (no low-weight codewords made of degree-2 nodes alone).
 */
export interface DegreeProfile {
  /** The mother-code rate this profile was designed for. */
  readonly rate: number;
  /** Variable-node degrees, ascending; the first is 2 (the zigzag chain). */
  readonly degrees: readonly number[];
  /** Fraction of variable nodes of each degree; they sum to 1 (the last degree takes the rounding). */
  readonly fractions: readonly number[];
  /** The shortest code (n) the profile serves: shorter ones cannot keep girth 6 with its heavy columns. */
  readonly minN?: number;
}

export const DEGREE_PROFILES: readonly DegreeProfile[] = [
  { rate: 0.40, degrees: [2, 3, 10], fractions: [0.4606, 0.3984, 0.1411] },
  { rate: 0.45, degrees: [2, 3, 10], fractions: [0.4392, 0.4185, 0.1423] },
  { rate: 0.50, degrees: [2, 3, 10], fractions: [0.4178, 0.4388, 0.1435] },
  { rate: 0.55, degrees: [2, 3, 6, 20], fractions: [0.2000, 0.5000, 0.2000, 0.1000] },
  { rate: 0.60, degrees: [2, 3, 6, 20], fractions: [0.2000, 0.5000, 0.2000, 0.1000] },
  { rate: 0.65, degrees: [2, 3, 6, 20], fractions: [0.2000, 0.5000, 0.2000, 0.1000] },
  { rate: 0.68, degrees: [2, 3, 7, 8, 9, 10, 12, 13, 14, 16, 20, 30, 40], fractions: [0.3136, 0.4188, 0.0152, 0.1277, 0.0225, 0.0107, 0.0089, 0.0082, 0.0076, 0.0057, 0.0356, 0.0123, 0.0131] },
  { rate: 0.70, degrees: [2, 3, 6, 20], fractions: [0.1890, 0.5000, 0.2000, 0.1110] },
  { rate: 0.75, degrees: [2, 3, 6, 20], fractions: [0.1900, 0.5000, 0.2000, 0.1100] },
  { rate: 0.78, degrees: [2, 3, 7, 8, 9, 10, 12, 20, 30, 40], fractions: [0.2156, 0.4912, 0.0106, 0.0658, 0.0860, 0.0474, 0.0078, 0.0450, 0.0120, 0.0186] },
  { rate: 0.80, degrees: [2, 3, 7, 8, 9, 10, 12, 20, 30], fractions: [0.2156, 0.4912, 0.0106, 0.0658, 0.0860, 0.0474, 0.0078, 0.0450, 0.0306] },
  { rate: 0.84, degrees: [2, 3, 7, 8, 9, 10, 20, 30, 40], fractions: [0.1568, 0.5148, 0.0687, 0.0702, 0.0561, 0.0289, 0.0850, 0.0037, 0.0157] },
  { rate: 0.85, degrees: [2, 3, 8, 20], fractions: [0.1200, 0.5500, 0.2000, 0.1300] },
  { rate: 0.90, degrees: [2, 3, 8, 20], fractions: [0.0917, 0.5557, 0.2000, 0.1526] },
  { rate: 0.91, degrees: [2, 3, 5, 6, 8, 10, 12, 16, 20, 30, 50, 60], fractions: [0.0900, 0.5174, 0.0100, 0.0200, 0.1900, 0.0300, 0.0100, 0.0200, 0.0526, 0.0100, 0.0100, 0.0400], minN: 800_000 },
  { rate: 0.95, degrees: [2, 3, 8], fractions: [0.0450, 0.8000, 0.1550] },
];

/** For a code of length n: the profile designed for the rate nearest `rate` (the lower one on a tie) among those that serve n. */
export function profileFor(rate: number, n: number): DegreeProfile {
  let best = DEGREE_PROFILES[0]!;
  for (const p of DEGREE_PROFILES)
    if ((p.minN ?? 0) <= n && Math.abs(p.rate - rate) < Math.abs(best.rate - rate)) best = p;
  return best;
}
