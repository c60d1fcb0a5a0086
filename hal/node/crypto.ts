/**
 * SymmetricCrypto port on Node, accelerated: OpenSSL through node:crypto (AES-NI, CLMUL, AVX2
 * ChaCha20). Byte-identical to the noble reference (test/qsp-crypto.test.ts proves it).
 *
 * Tuned for the rekey round (bench/qsp.ts), where every call is small and Node's per-call object
 * cost, not OpenSSL, dominates: no option objects when the defaults already mean a 16-byte tag
 * (GCM), one-shot `crypto.hash` for SHA-256 where Node has it (~2× a Hash object), the ciphertext
 * written straight into the caller's buffer. What is left per call (~5–8 µs per createCipheriv,
 * ~15 µs per 96-byte hkdfSync on this desk) is Node's object and argument machinery around OpenSSL;
 * only a binding that keeps EVP contexts alive removes it: that is hal/node/crypto-native.ts.
 */
import * as nodeCryptoModule from 'node:crypto';
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync } from 'node:crypto';
import { AEAD_TAG_BYTES, AeadAlgorithm, type SymmetricCrypto } from '../crypto.ts';
import { checkBytes, checkInteger } from '../../src/_check.ts';
import { checkAeadArguments } from '../../src/crypto/aead-arguments.ts';

const asBytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);
// ChaCha20-Poly1305 needs the tag length spelt out; GCM defaults to 16 bytes and skips the parse
const CHACHA_OPTIONS = { authTagLength: AEAD_TAG_BYTES } as const;

/** One-shot digest (Node ≥ 20.12); the Hash object path elsewhere. */
const oneShotHash = (nodeCryptoModule as { hash?: (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer }).hash;

function cipher(aead: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array) {
  return aead === AeadAlgorithm.AES_256_GCM
    ? createCipheriv('aes-256-gcm', key, nonce)
    : createCipheriv('chacha20-poly1305', key, nonce, CHACHA_OPTIONS);
}

function decipher(aead: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array) {
  return aead === AeadAlgorithm.AES_256_GCM
    ? createDecipheriv('aes-256-gcm', key, nonce)
    : createDecipheriv('chacha20-poly1305', key, nonce, CHACHA_OPTIONS);
}

export const nodeCrypto: SymmetricCrypto = {
  name: 'node:openssl',
  seal(aead, key, nonce, aad, plaintext, output) {
    checkAeadArguments(aead, key, nonce, aad);
    checkBytes('plaintext', plaintext);
    if (output !== undefined) checkBytes('output', output, plaintext.length + AEAD_TAG_BYTES);
    const c = cipher(aead, key, nonce);
    if (aead === AeadAlgorithm.AES_256_GCM) c.setAAD(aad);
    else c.setAAD(aad, { plaintextLength: plaintext.length });
    const out = output ?? new Uint8Array(plaintext.length + AEAD_TAG_BYTES);
    const body = c.update(plaintext);
    out.set(body, 0);
    const tail = c.final();
    if (tail.length) out.set(tail, body.length);
    out.set(c.getAuthTag(), plaintext.length);
    return out;
  },
  open(aead, key, nonce, aad, sealed) {
    checkAeadArguments(aead, key, nonce, aad);
    if (checkBytes('sealed', sealed).length < AEAD_TAG_BYTES) return undefined;
    const n = sealed.length - AEAD_TAG_BYTES;
    const d = decipher(aead, key, nonce);
    d.setAuthTag(sealed.subarray(n));
    if (aead === AeadAlgorithm.AES_256_GCM) d.setAAD(aad);
    else d.setAAD(aad, { plaintextLength: n });
    const body = d.update(sealed.subarray(0, n));
    try {
      d.final();
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
    checkBytes('data', data);
    return asBytes(oneShotHash ? oneShotHash('sha256', data, 'buffer') : createHash('sha256').update(data).digest());
  },
};
