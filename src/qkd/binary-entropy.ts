/**
 * Binary Shannon entropy h(p) = −p·log2 p − (1 − p)·log2(1 − p), in bits, with h(0) = h(1) = 0
 * (the limit of p·log2 p as p → 0). Shared by the QBER policy, the key-rate models (keyrate.ts),
 * the finite-key bound (finite-key.ts) and LDPC planning (ldpc/efficiency.ts). Its logarithm is
 * src/_libm.ts's, so ⌊ℓ⌋ and every plan are the same bits on every runtime.
 */
import { checkProbability } from '../_check.ts';
import { ln } from '../_libm.ts';

const LN2 = 0.6931471805599453;

export function binaryEntropy(p: number): number {
  checkProbability('p', p);
  if (p === 0 || p === 1) return 0;
  return -(p * ln(p) + (1 - p) * ln(1 - p)) / LN2;
}
