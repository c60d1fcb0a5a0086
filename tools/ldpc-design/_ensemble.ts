/**
 * What the offline density-evolution tools (popde.ts, discde.ts) share: a degree profile from
 * the command line, the edge-perspective ensemble it makes at a rate, and the BSC crossover a
 * profile sees at an efficiency.
 */
import { binaryEntropy } from '../../src/qkd/ldpc/efficiency.ts';
import { profileFor } from '../../src/qkd/ldpc/profiles.ts';

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

/**
 * `--profile 2:0.09,3:0.55,…` (degree:node fraction pairs), or profileFor(rate, 10^6) when `text`
 * is undefined; `designRate` is the rate it was designed for (`rate` for a given one).
 */
export function profileArg(text: string | undefined, rate: number): { designRate: number; degrees: number[]; fractions: number[] } {
  if (text === undefined) {
    const p = profileFor(rate, 1e6);
    return { designRate: p.rate, degrees: [...p.degrees], fractions: [...p.fractions] };
  }
  const pairs = text.split(',').map((s) => s.split(':').map(Number) as [number, number]);
  return { designRate: rate, degrees: pairs.map(([d]) => d), fractions: pairs.map(([, x]) => x) };
}

/**
 * Node fractions by degree → edge fractions λ, and the concentrated checks of rate `rate`: mean
 * degree dbar, degrees dLow and dLow + 1, rhoHigh the edge fraction on checks of degree dLow + 1.
 */
export function ensembleOf(degrees: readonly number[], fractions: readonly number[], rate: number) {
  const edgeSum = degrees.reduce((a, d, i) => a + d * fractions[i]!, 0);
  const lambda = degrees.map((d, i) => (d * fractions[i]!) / edgeSum);
  const dbar = edgeSum / (1 - rate);
  const dLow = Math.floor(dbar);
  const rhoHigh = ((dbar - dLow) * (dLow + 1)) / dbar;
  return { lambda, dbar, dLow, rhoHigh };
}
