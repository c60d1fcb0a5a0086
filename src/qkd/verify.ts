/**
 * Error verification (DESIGN §2 step 5): after reconciliation Alice and Bob compare a tag of
 * their corrected keys under a hash key drawn fresh by Alice after the keys are fixed. The tag is
 * Poly1305 (noble) used as an ε-almost-Δ-universal hash: for two different messages of L bytes
 * and a uniformly random key, the tags collide with probability at most 8·⌈L/16⌉ / 2^106
 * (Bernstein, "The Poly1305-AES message-authentication code", 2005). That bound is ε_cor's
 * hash term; `verificationCollisionBound` states it so the block can check ε_cor against it.
 */
import { poly1305 } from '@noble/ciphers/_poly1305.js';
import { checkBytes, checkInteger } from '../_check.ts';
import { packBits } from '../bytes.ts';
import { VERIFY_KEY_BYTES } from './messages.ts';

/** The tag of a key given one bit per byte. */
export function verificationTag(keyBits: Uint8Array, hashKey: Uint8Array): Uint8Array {
  checkBytes('hashKey', hashKey, VERIFY_KEY_BYTES);
  const packed = packBits(keyBits);
  const tag = poly1305(packed, hashKey);
  packed.fill(0);
  return tag;
}

/** Upper bound on the probability that two different keys of `bits` bits get the same tag. */
export function verificationCollisionBound(bits: number): number {
  checkInteger('bits', bits);
  return (8 * Math.ceil(Math.ceil(bits / 8) / 16)) / 2 ** 106;
}
