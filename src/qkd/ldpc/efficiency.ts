/**
 * The figures of merit of one-way reconciliation (DESIGN §5): the binary entropy h, the BSC's
 * channel LLR magnitude, and the efficiency f = leaked bits / (key bits · h(QBER)) (1 is the
 * Slepian–Wolf limit). Math.log may differ in the last bit between engines, and these numbers
 * decide plans both peers must agree on and the LLRs every decoder starts from, so the
 * logarithm here is our own, from IEEE-754 +, −, ×, ÷ in a fixed order: the same on every runtime.
 */
import { checkInteger, checkNumber } from '../../_check.ts';

const LN2 = 0.6931471805599453;

/** ln x for finite x > 0: x = 2^k·y with y in [1/√2, √2) (exact scalings), then 2·atanh((y−1)/(y+1)) by its series. */
export function ln(x: number): number {
  checkNumber('x', x, Number.MIN_VALUE);
  let k = 0;
  let y = x;
  while (y >= 1.4142135623730951) {
    y /= 2;
    k++;
  }
  while (y < 0.7071067811865476) {
    y *= 2;
    k--;
  }
  const z = (y - 1) / (y + 1);
  const z2 = z * z;
  // |z| ≤ 0.172: terms fall by z² ≤ 0.0295 each; 12 terms reach far below half an ulp.
  let sum = 0;
  for (let i = 23; i >= 1; i -= 2) sum = sum * z2 + 1 / i;
  return k * LN2 + 2 * z * sum;
}

/** h(p) = −p·log2 p − (1−p)·log2(1−p), in bits; h(0) = h(1) = 0. */
export function binaryEntropy(p: number): number {
  checkNumber('p', p, 0, 1);
  if (p === 0 || p === 1) return 0;
  return -(p * ln(p) + (1 - p) * ln(1 - p)) / LN2;
}

/** |LLR| of a BSC with crossover `qber`: ln((1 − qber) / qber); the sign comes from Bob's bit. */
export function bscLlrMagnitude(qber: number): number {
  checkNumber('qber', qber, 1e-9, 0.5 - 1e-9);
  return ln((1 - qber) / qber);
}

/** f = leakedBits / (keyBits · h(qber)). */
export function reconciliationEfficiency(leakedBits: number, keyBits: number, qber: number): number {
  checkInteger('leakedBits', leakedBits);
  checkInteger('keyBits', keyBits, 1);
  checkNumber('qber', qber, 1e-9, 0.5 - 1e-9);
  return leakedBits / (keyBits * binaryEntropy(qber));
}
