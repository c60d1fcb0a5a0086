/**
 * The reference SymmetricCrypto backend (hal/crypto.ts): noble's audited pure-TypeScript
 * primitives, the same on Node and on XS. Other backends must match it byte for byte.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { AEAD_TAG_BYTES, AeadAlgorithm, type SymmetricCrypto } from '../../hal/crypto.ts';
import { checkBytes, checkInteger } from '../_check.ts';
import { checkAeadArguments } from './aead-arguments.ts';

function cipherFor(aead: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array) {
  checkAeadArguments(aead, key, nonce, aad);
  return aead === AeadAlgorithm.AES_256_GCM ? gcm(key, nonce, aad) : chacha20poly1305(key, nonce, aad);
}

export const nobleCrypto: SymmetricCrypto = {
  name: 'noble',
  seal(aead, key, nonce, aad, plaintext, output) {
    const cipher = cipherFor(aead, key, nonce, aad);
    checkBytes('plaintext', plaintext);
    if (output === undefined) return cipher.encrypt(plaintext);
    checkBytes('output', output, plaintext.length + AEAD_TAG_BYTES);
    const sealed = cipher.encrypt(plaintext); // noble's GCM has no output buffer; one copy
    output.set(sealed);
    return output;
  },
  open(aead, key, nonce, aad, sealed) {
    const cipher = cipherFor(aead, key, nonce, aad);
    if (checkBytes('sealed', sealed).length < AEAD_TAG_BYTES) return undefined;
    try {
      return cipher.decrypt(sealed);
    } catch {
      return undefined;
    }
  },
  hkdf(ikm, salt, info, length) {
    checkBytes('ikm', ikm);
    checkBytes('salt', salt);
    checkBytes('info', info);
    return hkdf(sha256, ikm, salt, info, checkInteger('length', length, 1, 255 * 32));
  },
  hmacSha256(key, message) {
    return hmac(sha256, checkBytes('key', key), checkBytes('message', message));
  },
  sha256(data) {
    return sha256(checkBytes('data', data));
  },
};
