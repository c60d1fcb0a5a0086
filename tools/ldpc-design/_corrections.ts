/**
 * Box-plus corrections g(x) ≈ ln(1 + e^−x) for the offline LDPC design tools (correction.ts runs
 * them through the layered decoder, popde.ts through density evolution), and the magnitude
 * box-plus each makes; `spec` is float-decode.ts's own. Offline only: `exact` uses Math.log1p/Math.exp.
 */
import { boxplus as specBoxplus } from './float-decode.ts';

export const CORRECTIONS: Record<string, (x: number) => number> = {
  /** ln(1 + e^−x) itself. */
  exact: (x) => Math.log1p(Math.exp(-x)),
  /** max(0, 11/16 − x/4): float-decode.ts's first correction. */
  line1: (x) => Math.max(0, 0.6875 - 0.25 * x),
  /** max(0, 11/16 − 3x/8, 275/1024 − 78x/1024): float-decode.ts's second, the latter line the tangent at 2.5; 0 from 3.53 on. */
  under2: (x) => Math.max(0, 0.6875 - 0.375 * x, 0.2685546875 - 0.076171875 * x),
  /** max(0, 710/1024 − x/2, 596/1024 − 276x/1024, 275/1024 − 78x/1024): tangents at 0, 1, 2.5. */
  tan3: (x) => Math.max(0, 0.693359375 - 0.5 * x, 0.58203125 - 0.26953125 * x, 0.2685546875 - 0.076171875 * x),
};

/** The names boxplusFor accepts: `spec` and the corrections above. */
export const BOXPLUS_NAMES: readonly string[] = ['spec', ...Object.keys(CORRECTIONS)];

/**
 * |a| ⊞ |b| for magnitudes with the correction `name`, folded as float-decode.ts folds its own:
 * min(A, B) + g(A + B) − g(|A − B|); `spec` is float-decode.ts's box-plus itself. Undefined for an
 * unknown name.
 */
export function boxplusFor(name: string): ((A: number, B: number) => number) | undefined {
  if (name === 'spec') return specBoxplus;
  const g = CORRECTIONS[name];
  if (!g) return undefined;
  return (A, B) => {
    const t = A - B;
    return (A < B ? A : B) + g(A + B) - g(t < 0 ? -t : t);
  };
}
