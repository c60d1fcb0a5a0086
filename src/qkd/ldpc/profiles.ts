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
 *   - rates 0.55–0.90, degrees {2, 3, 6 or 8, 20}: from a hill-climb on the BP threshold computed by
 *     Monte-Carlo density evolution (population dynamics) on the BSC. With the check degrees of
 *     high rates (30–80) a {2, 3, 10} ensemble is far from capacity; a fifth of the nodes at
 *     degree 6–8 and a tenth or more at 20 bring the threshold within about 5 % of it;
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
}

export const DEGREE_PROFILES: readonly DegreeProfile[] = [
  { rate: 0.40, degrees: [2, 3, 10], fractions: [0.4606, 0.3984, 0.1411] },
  { rate: 0.45, degrees: [2, 3, 10], fractions: [0.4392, 0.4185, 0.1423] },
  { rate: 0.50, degrees: [2, 3, 10], fractions: [0.4178, 0.4388, 0.1435] },
  { rate: 0.55, degrees: [2, 3, 6, 20], fractions: [0.2000, 0.5000, 0.2000, 0.1000] },
  { rate: 0.60, degrees: [2, 3, 6, 20], fractions: [0.2000, 0.5000, 0.2000, 0.1000] },
  { rate: 0.65, degrees: [2, 3, 6, 20], fractions: [0.2000, 0.5000, 0.2000, 0.1000] },
  { rate: 0.70, degrees: [2, 3, 6, 20], fractions: [0.1890, 0.5000, 0.2000, 0.1110] },
  { rate: 0.75, degrees: [2, 3, 6, 20], fractions: [0.1900, 0.5000, 0.2000, 0.1100] },
  { rate: 0.80, degrees: [2, 3, 6, 20], fractions: [0.1800, 0.5200, 0.2000, 0.1000] },
  { rate: 0.85, degrees: [2, 3, 8, 20], fractions: [0.1200, 0.5500, 0.2000, 0.1300] },
  { rate: 0.90, degrees: [2, 3, 8, 20], fractions: [0.0917, 0.5557, 0.2000, 0.1526] },
  { rate: 0.95, degrees: [2, 3, 8], fractions: [0.0450, 0.8000, 0.1550] },
];

/** The profile designed for the rate nearest `rate` (the lower one on a tie). */
export function profileFor(rate: number): DegreeProfile {
  let best = DEGREE_PROFILES[0]!;
  for (const p of DEGREE_PROFILES) if (Math.abs(p.rate - rate) < Math.abs(best.rate - rate)) best = p;
  return best;
}
