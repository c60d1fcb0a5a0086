/**
 * SymmetricCrypto port on Node, accelerated: OpenSSL through node:crypto (AES-NI, CLMUL, AVX2
 * ChaCha20). Byte-identical to the noble reference (test/qsp-crypto.test.ts proves it).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync } from 'node:crypto';
import { AEAD_KEY_BYTES, AEAD_NONCE_BYTES, AEAD_TAG_BYTES, AeadAlgorithm, type SymmetricCrypto } from '../crypto.ts';
import { checkBytes, checkInteger } from '../../src/_check.ts';

function algorithmName(aead: AeadAlgorithm): 'aes-256-gcm' | 'chacha20-poly1305' {
  if (aead === AeadAlgorithm.AES_256_GCM) return 'aes-256-gcm';
  if (aead === AeadAlgorithm.CHACHA20_POLY1305) return 'chacha20-poly1305';
  throw new RangeError(`"aead" expected 1 (AES-256-GCM) or 2 (ChaCha20-Poly1305), got ${String(aead)}`);
}

function checkAead(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array): void {
  checkBytes('key', key, AEAD_KEY_BYTES);
  checkBytes('nonce', nonce, AEAD_NONCE_BYTES);
  checkBytes('aad', aad);
}

const asBytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);

export const nodeCrypto: SymmetricCrypto = {
  name: 'node:openssl',
  seal(aead, key, nonce, aad, plaintext, output) {
    checkAead(key, nonce, aad);
    checkBytes('plaintext', plaintext);
    if (output !== undefined) checkBytes('output', output, plaintext.length + AEAD_TAG_BYTES);
    const cipher = createCipheriv(algorithmName(aead) as 'aes-256-gcm', key, nonce, { authTagLength: AEAD_TAG_BYTES });
    cipher.setAAD(aad, { plaintextLength: plaintext.length });
    const out = output ?? new Uint8Array(plaintext.length + AEAD_TAG_BYTES);
    const body = cipher.update(plaintext);
    out.set(body, 0);
    const tail = cipher.final();
    out.set(tail, body.length);
    out.set(cipher.getAuthTag(), plaintext.length);
    return out;
  },
  open(aead, key, nonce, aad, sealed) {
    checkAead(key, nonce, aad);
    if (checkBytes('sealed', sealed).length < AEAD_TAG_BYTES) return undefined;
    const n = sealed.length - AEAD_TAG_BYTES;
    const decipher = createDecipheriv(algorithmName(aead) as 'aes-256-gcm', key, nonce, { authTagLength: AEAD_TAG_BYTES });
    decipher.setAuthTag(sealed.subarray(n));
    decipher.setAAD(aad, { plaintextLength: n });
    const body = decipher.update(sealed.subarray(0, n));
    try {
      decipher.final();
    } catch {
      body.fill(0);
      return undefined;
    }
    return asBytes(body);
  },
  hkdf(ikm, salt, info, length) {
    checkBytes('ikm', ikm);
    checkBytes('salt', salt);
    checkBytes('info', info);
    return new Uint8Array(hkdfSync('sha256', ikm, salt, info, checkInteger('length', length, 1, 255 * 32)));
  },
  hmacSha256(key, message) {
    return asBytes(createHmac('sha256', checkBytes('key', key)).update(checkBytes('message', message)).digest());
  },
  sha256(data) {
    return asBytes(createHash('sha256').update(checkBytes('data', data)).digest());
  },
};
