/**
 * The argument checks of the AsymmetricCrypto port (hal/pqc.ts), shared by every backend so each
 * fails the same way on the same bad input, before any work: TypeError for a non-Uint8Array,
 * RangeError for a wrong length, each naming the argument.
 */
import {
  ML_DSA65_MAX_CONTEXT_BYTES, ML_DSA65_RND_BYTES, ML_DSA65_SECRET_KEY_BYTES, ML_DSA65_SEED_BYTES, ML_KEM768_CIPHERTEXT_BYTES,
  ML_KEM768_MESSAGE_BYTES, ML_KEM768_PUBLIC_KEY_BYTES, ML_KEM768_SECRET_KEY_BYTES, ML_KEM768_SEED_BYTES, X25519_BYTES,
} from '../../hal/pqc.ts';
import { checkBytes } from '../_check.ts';
import { ML_DSA65_PUBLIC_KEY_BYTES } from '../qkd/auth.ts';

function checkContext(context: unknown): Uint8Array {
  const c = checkBytes('context', context);
  if (c.length > ML_DSA65_MAX_CONTEXT_BYTES)
    throw new RangeError(`"context" expected Uint8Array of at most ${ML_DSA65_MAX_CONTEXT_BYTES} bytes, got length=${c.length}`);
  return c;
}

export const checkPqc = {
  mlDsa65Keygen(seed: unknown): void {
    checkBytes('seed', seed, ML_DSA65_SEED_BYTES);
  },
  mlDsa65Sign(secretKey: unknown, message: unknown, context: unknown, rnd: unknown): void {
    checkBytes('secretKey', secretKey, ML_DSA65_SECRET_KEY_BYTES);
    checkBytes('message', message);
    checkContext(context);
    checkBytes('rnd', rnd, ML_DSA65_RND_BYTES);
  },
  mlDsa65Verify(publicKey: unknown, message: unknown, context: unknown, signature: unknown): void {
    checkBytes('publicKey', publicKey, ML_DSA65_PUBLIC_KEY_BYTES);
    checkBytes('message', message);
    checkContext(context);
    checkBytes('signature', signature); // any length: a wrong one is an invalid signature
  },
  mlKem768Keygen(seed: unknown): void {
    checkBytes('seed', seed, ML_KEM768_SEED_BYTES);
  },
  mlKem768Encapsulate(publicKey: unknown, message: unknown): void {
    checkBytes('publicKey', publicKey, ML_KEM768_PUBLIC_KEY_BYTES);
    checkBytes('message', message, ML_KEM768_MESSAGE_BYTES);
  },
  mlKem768Decapsulate(cipherText: unknown, secretKey: unknown): void {
    checkBytes('cipherText', cipherText, ML_KEM768_CIPHERTEXT_BYTES);
    checkBytes('secretKey', secretKey, ML_KEM768_SECRET_KEY_BYTES);
  },
  x25519PublicKey(secretKey: unknown): void {
    checkBytes('secretKey', secretKey, X25519_BYTES);
  },
  x25519SharedSecret(secretKey: unknown, publicKey: unknown): void {
    checkBytes('secretKey', secretKey, X25519_BYTES);
    checkBytes('publicKey', publicKey, X25519_BYTES);
  },
};
