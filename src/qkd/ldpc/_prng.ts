import { Xoshiro128 } from '../../_xoshiro128.ts';

/**
 * The LDPC family's own seeded generator: xoshiro128** (Blackman and Vigna, 2018) seeded by
 * splitmix32 over (seed, label words). Public randomness only (graph edges, puncture and
 * shorten positions) that every runtime must reproduce exactly, hence 32-bit integer
 * arithmetic (Math.imul, shifts) and nothing else.
 */
export class LdpcRandom extends Xoshiro128 {
  /** `words` are 32-bit unsigned integers (seed, n, a label…) mixed into the state. */
  constructor(words: readonly number[]) {
    let x = 0x9e3779b9;
    for (const w of words) x = splitmix32(x ^ (w >>> 0));
    const s0 = splitmix32(x);
    const s1 = splitmix32(s0);
    const s2 = splitmix32(s1);
    super(s0, s1, s2, splitmix32(s2));
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
