/**
 * xoshiro128** (Blackman and Vigna, 2018): the one seeded 32-bit generator behind every
 * reproducible, non-secret random choice (LDPC graphs and layouts, channel physics). Integer
 * arithmetic only (Math.imul, shifts), so every runtime produces the same words. Subclasses
 * decide how the 128-bit state is seeded. Never used for secrets: that is the Entropy port's job.
 */
export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Starts from four 32-bit words; the all-zero state, a fixed point, is nudged to s0 = 1. */
  protected constructor(s0: number, s1: number, s2: number, s3: number) {
    this.s0 = s0 >>> 0;
    this.s1 = s1 >>> 0;
    this.s2 = s2 >>> 0;
    this.s3 = s3 >>> 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
