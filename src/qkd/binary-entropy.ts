/**
 * Binary Shannon entropy h(p) = −p·log2 p − (1 − p)·log2(1 − p), in bits, with h(0) = h(1) = 0
 * (the limit of p·log2 p as p → 0). Shared by the QBER policy, the key-rate models (keyrate.ts)
 * and the finite-key bound (finite-key.ts).
 */
import { checkProbability } from '../_check.ts';

export function binaryEntropy(p: number): number {
  checkProbability('p', p);
  if (p === 0 || p === 1) return 0;
  return -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);
}
