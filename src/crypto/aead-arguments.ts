/**
 * The argument checks every SymmetricCrypto backend makes before an AEAD call (hal/crypto.ts):
 * one place, so every backend refuses the same inputs with the same message, naming the argument.
 */
import { AEAD_KEY_BYTES, AEAD_NONCE_BYTES, AeadAlgorithm } from '../../hal/crypto.ts';
import { checkBytes } from '../_check.ts';

export function checkAeadAlgorithm(aead: AeadAlgorithm): void {
  if (aead !== AeadAlgorithm.AES_256_GCM && aead !== AeadAlgorithm.CHACHA20_POLY1305)
    throw new RangeError(`"aead" expected 1 (AES-256-GCM) or 2 (ChaCha20-Poly1305), got ${String(aead)}`);
}

export function checkAeadArguments(aead: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array): void {
  checkAeadAlgorithm(aead);
  checkBytes('key', key, AEAD_KEY_BYTES);
  checkBytes('nonce', nonce, AEAD_NONCE_BYTES);
  checkBytes('aad', aad);
}
