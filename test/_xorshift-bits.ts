/**
 * Deterministic test bits: `n` bits packed MSB first (padding cleared) from a 32-bit xorshift
 * seeded with `seed`. The Node suites and their lvxs bundles build the same blocks from the same
 * seeds, so a large block need not cross as hex (XS joins long strings slowly).
 */
import { packedLength } from '../src/qkd/amplify.ts';

export function xorshiftBits(n: number, seed: number): Uint8Array {
  let state = seed >>> 0 || 1;
  const out = new Uint8Array(packedLength(n));
  for (let i = 0; i < out.length; i++) {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    out[i] = state & 0xff;
  }
  if (n & 7) out[out.length - 1]! &= (0xff << (8 - (n & 7))) & 0xff;
  return out;
}
