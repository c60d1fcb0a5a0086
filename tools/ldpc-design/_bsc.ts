/** The BSC crossover for the offline LDPC design tools (popde.ts, discde.ts). */
import { binaryEntropy } from '../../src/qkd/ldpc/efficiency.ts';

/** The crossover p ≤ 1/2 with h(p) = `h`, by bisection: a profile run at rate R and efficiency f sees p = h⁻¹((1 − R)/f). */
export function crossoverFor(h: number): number {
  let lo = 1e-6;
  let hi = 0.5;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (binaryEntropy(mid) < h) lo = mid;
    else hi = mid;
  }
  return lo;
}
