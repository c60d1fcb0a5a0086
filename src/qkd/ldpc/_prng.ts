/**
 * The LDPC family's own seeded generator: xoshiro128** (Blackman and Vigna, 2018) seeded by
 * splitmix32 over (seed, label words). Public randomness only (graph edges, puncture and
 * shorten positions) that every runtime must reproduce exactly, hence 32-bit integer
 * arithmetic (Math.imul, shifts) and nothing else.
 */
export class LdpcRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** `words` are 32-bit unsigned integers (seed, n, a label…) mixed into the state. */
  constructor(words: readonly number[]) {
    let x = 0x9e3779b9;
    for (const w of words) x = splitmix32(x ^ (w >>> 0));
    x = splitmix32(x);
    this.s0 = x;
    this.s1 = x = splitmix32(x);
    this.s2 = x = splitmix32(x);
    this.s3 = splitmix32(x);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
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

  /** An integer in [0, bound), bound ≤ 2^32; the modulo bias (< bound / 2^32) is irrelevant here. */
  below(bound: number): number {
    return this.nextUint32() % bound;
  }
}

/** One splitmix32 step (a 32-bit finaliser): spreads a word over all 32 bits. */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
