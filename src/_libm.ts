/**
 * ln, exp and log2 from IEEE-754 +, −, ×, ÷ in a fixed order, so every runtime gets the same bits.
 * Math.log and Math.exp are implementation-approximated (ECMA-262 §21.3.2): V8 and XS may differ in
 * the last bit, and where a result decides something both peers or both runtimes must agree on —
 * an LDPC plan, a decoder's LLRs, ⌊ℓ⌋ of the finite-key bound — that bit matters.
 */
import { checkNumber } from './_check.ts';

const LN2 = 0.6931471805599453;
/** ln 2 split for exact range reduction (fdlibm's constants: LN2_HI has 32 trailing zero bits). */
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;

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

export function log2(x: number): number {
  return ln(x) / LN2;
}

/** e^x for x in [−700, 700]: x = k·ln 2 + r with |r| ≤ ln2/2, e^r by its series (Horner), then exact scalings by 2. */
export function exp(x: number): number {
  checkNumber('x', x, -700, 700);
  const k = Math.round(x / LN2);
  const r = x - k * LN2_HI - k * LN2_LO;
  // |r| ≤ 0.347: the 18th term is below 0.347^18/18! ≈ 4e-25, far below half an ulp.
  let sum = 1;
  for (let i = 18; i >= 1; i--) sum = 1 + (sum * r) / i;
  for (let j = 0; j < k; j++) sum *= 2;
  for (let j = 0; j > k; j--) sum /= 2;
  return sum;
}
