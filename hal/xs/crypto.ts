/**
 * SymmetricCrypto port on an XS host, accelerated: the system's libcrypto (OpenSSL 3) through the
 * host's xsmc functions (native/host/crypto.c, opened at run time). Byte-identical to the noble
 * reference (src/crypto/noble.ts; test/xs-crypto.test.ts proves it by vectors and random inputs).
 * `name` says which library runs (e.g. "xs:OpenSSL 3.0.15 3 Sep 2024"). A host without libcrypto
 * is reported by xsCryptoAvailable() and by xsCrypto() throwing; noble stands in only where the
 * caller's configuration says so — never silently here.
 */
import { checkBytes, checkInteger } from '../../src/_check.ts';
import { checkAeadArguments } from '../../src/crypto/aead-arguments.ts';
import { AEAD_NONCE_BYTES, AEAD_TAG_BYTES, AeadAlgorithm, checkFrameLayout, type SymmetricCrypto } from '../crypto.ts';

type Fn = (...args: any[]) => any;

function lookup(name: string): Fn {
  try {
    return native(name) as Fn;
  } catch (e) {
    throw new Error(`XS crypto: this host has no ${name} (build it with native/host/crypto.c: npm run build:native): ${String(e)}`);
  }
}

/** libcrypto's version string when this host can use it, else "" (no library, or no binding). */
export function xsCryptoBackend(): string {
  try {
    return (native('xs_lv_crypto_backend') as () => string)();
  } catch {
    return '';
  }
}

export function xsCryptoAvailable(): boolean {
  return xsCryptoBackend() !== '';
}


/** The libcrypto backend; throws at once if this host cannot use libcrypto. */
export function xsCrypto(): SymmetricCrypto {
  const backend = xsCryptoBackend();
  if (!backend) throw new Error('XS crypto: this host has no libcrypto (OpenSSL 3) to use; noble is the portable backend (src/crypto/noble.ts)');
  const seal = lookup('xs_lv_crypto_seal');
  const open = lookup('xs_lv_crypto_open');
  const sha256 = lookup('xs_lv_crypto_sha256');
  const hmac = lookup('xs_lv_crypto_hmac_sha256');
  const hkdf = lookup('xs_lv_crypto_hkdf');
  const hkdfDigest = lookup('xs_lv_crypto_hkdf_digest');
  const sealFrame = lookup('xs_lv_crypto_seal_frame');
  const openFrame = lookup('xs_lv_crypto_open_frame');
  return Object.freeze({
    name: `xs:${backend}`,
    seal(aead: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, output?: Uint8Array) {
      checkAeadArguments(aead, key, nonce, aad);
      checkBytes('plaintext', plaintext);
      if (output !== undefined) checkBytes('output', output, plaintext.length + AEAD_TAG_BYTES);
      const out = output ?? new Uint8Array(plaintext.length + AEAD_TAG_BYTES);
      seal(aead, key, nonce, aad, plaintext, out);
      return out;
    },
    open(aead: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array) {
      checkAeadArguments(aead, key, nonce, aad);
      if (checkBytes('sealed', sealed).length < AEAD_TAG_BYTES) return undefined;
      const out = new Uint8Array(sealed.length - AEAD_TAG_BYTES);
      return open(aead, key, nonce, aad, sealed, out) ? out : undefined;
    },
    // Frames: the host checks every argument by name (native/host/crypto.c), so no JavaScript
    // check runs per frame here; on XS those checks cost more than the AEAD of a 1 KiB frame.
    sealFrame(aead: AeadAlgorithm, key: Uint8Array, aadPrefix: Uint8Array, headerBytes: number, nonceFixed: number, nonceCounter: number, plaintext: Uint8Array, frame: Uint8Array) {
      sealFrame(aead, key, aadPrefix, headerBytes, nonceFixed, nonceCounter, plaintext, frame);
    },
    openFrame(aead: AeadAlgorithm, key: Uint8Array, aadPrefix: Uint8Array, headerBytes: number, frame: Uint8Array) {
      const length = frame.length - headerBytes - AEAD_NONCE_BYTES - AEAD_TAG_BYTES;
      if (!(length >= 0)) {
        checkFrameLayout(aadPrefix, headerBytes, frame); // says what is wrong, when something is
        return undefined;
      }
      const out = new Uint8Array(length);
      return openFrame(aead, key, aadPrefix, headerBytes, frame, out) ? out : undefined;
    },
    hkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number) {
      checkBytes('ikm', ikm);
      checkBytes('salt', salt);
      checkBytes('info', info);
      const out = new Uint8Array(checkInteger('length', length, 1, 255 * 32));
      hkdf(ikm, salt, info, out);
      return out;
    },
    hkdfWithDigest(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, okm: Uint8Array, digestInput: Uint8Array, digest: Uint8Array) {
      hkdfDigest(ikm, salt, info, okm, digestInput, digest); // the host checks the arguments by name
    },
    hmacSha256(key: Uint8Array, message: Uint8Array) {
      const out = new Uint8Array(32);
      hmac(checkBytes('key', key), checkBytes('message', message), out);
      return out;
    },
    sha256(data: Uint8Array) {
      const out = new Uint8Array(32);
      sha256(checkBytes('data', data), out);
      return out;
    },
  });
}
