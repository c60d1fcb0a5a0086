/**
 * SymmetricCrypto port on Node, native: native/node/crypto.c (the lv_crypto addon, built with the
 * kernels by scripts/build-native.mjs) over the OpenSSL inside the node binary. Byte-identical to
 * the noble reference (test/qsp-crypto.test.ts: vectors and fast-check properties).
 *
 * Why it exists: node:crypto (hal/node/crypto.ts) spends most of a small call building objects
 * around OpenSSL, which caps a rekey round near 7 k/s. Here a call is one Node-API call writing into
 * a buffer, and AEAD contexts stay keyed across calls (one key schedule per epoch key, not per
 * frame): the addon keeps a small cache from (algorithm, key bytes) to a keyed context. Callers
 * that drop keys call `release(keys)` (the QSP session does, both directions of an epoch in one
 * call, as it zeroises them) so the schedules and the copies are wiped at once; `close()` wipes
 * every one.
 *
 * Reaching the addon costs more than a small primitive (a Node-API call, and a JavaScript view per
 * buffer argument), so the port's batched calls are native here: sealFrame / openFrame find the
 * nonce, the associated data and the sealed bytes inside the frame, and hkdfWithDigest derives an
 * epoch's keys and the rekey confirm in one call — a QSP rekey round is 8 crossings, not 12.
 *
 * Failures are typed: a missing or stale addon is NativeCryptoError(MISSING), a shape the C side
 * refuses BAD_ARGUMENT, an OpenSSL refusal LIBCRYPTO. A forged AEAD input is `undefined`, as the
 * port says. It never falls back to another backend silently.
 */
import { fileURLToPath } from 'node:url';
import { loadAddon } from './addon.ts';
import { checkBytes, checkInteger } from '../../src/_check.ts';
import { checkAeadAlgorithm, checkAeadArguments } from '../../src/crypto/aead-arguments.ts';
import {
  AEAD_KEY_BYTES, AEAD_NONCE_BYTES, AEAD_TAG_BYTES, type AeadAlgorithm, checkFrameLayout, MAX_NONCE_COUNTER, type SymmetricCrypto,
} from '../crypto.ts';

export const NATIVE_CRYPTO_PATH = fileURLToPath(new URL('../../native/node/build/Release/lv_crypto.node', import.meta.url));

/** Why the native backend refused a call (stable codes; 1 is the AEAD forgery, reported as undefined). */
export const NativeCryptoFailure = {
  MISSING: 1,
  BAD_ARGUMENT: 2,
  LIBCRYPTO: 3,
} as const;
export type NativeCryptoFailure = (typeof NativeCryptoFailure)[keyof typeof NativeCryptoFailure];

export class NativeCryptoError extends Error {
  constructor(readonly reason: NativeCryptoFailure, detail: string) {
    super(`native crypto: ${detail}`);
    this.name = 'NativeCryptoError';
  }
}

// statuses of crypto.c
const OK = 0;
const AUTH_FAILED = 1;
const BAD_ARGUMENT = 2;

interface Addon {
  aeadSeal(alg: number, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, out: Uint8Array): number;
  aeadOpen(alg: number, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array, out: Uint8Array): number;
  aeadSealFrame(alg: number, key: Uint8Array, aadPrefix: Uint8Array, headerBytes: number, nonceFixed: number, nonceCounter: number, plaintext: Uint8Array, frame: Uint8Array): number;
  aeadOpenFrame(alg: number, key: Uint8Array, aadPrefix: Uint8Array, headerBytes: number, frame: Uint8Array, out: Uint8Array): number;
  hkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, out: Uint8Array): number;
  hkdfWithDigest(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, okm: Uint8Array, digestInput: Uint8Array, digest: Uint8Array): number;
  hmac(key: Uint8Array, message: Uint8Array, out: Uint8Array): number;
  sha256(data: Uint8Array, out: Uint8Array): number;
  release(keys: Uint8Array): number;
  clear(): number;
  cachedKeys(): number;
  version(): string;
}

const FUNCTIONS = ['aeadSeal', 'aeadOpen', 'aeadSealFrame', 'aeadOpenFrame', 'hkdf', 'hkdfWithDigest', 'hmac', 'sha256', 'release', 'clear', 'cachedKeys', 'version'] as const;

let addon: Addon | undefined;

function load(): Addon {
  return (addon ??= loadAddon<Addon>(NATIVE_CRYPTO_PATH, FUNCTIONS, (detail) => new NativeCryptoError(NativeCryptoFailure.MISSING, detail)));
}

/** True when the addon is built and loads here. */
export function nativeCryptoAvailable(): boolean {
  try {
    load();
    return true;
  } catch {
    return false;
  }
}

function failed(status: number, what: string): never {
  if (status === BAD_ARGUMENT) throw new NativeCryptoError(NativeCryptoFailure.BAD_ARGUMENT, `${what}: the addon refused the arguments`);
  throw new NativeCryptoError(NativeCryptoFailure.LIBCRYPTO, `${what}: OpenSSL refused (status ${status})`);
}


export interface NativeCrypto extends SymmetricCrypto {
  /** The OpenSSL running underneath (node's own). */
  readonly openssl: string;
  /** Wipes the kept contexts of `keys` (one key or several back to back; both algorithms); returns how many were held. */
  release(keys: Uint8Array): number;
  /** Wipes every kept context. */
  close(): void;
  /** How many keyed contexts the addon holds now (for tests). */
  cachedKeys(): number;
}

/**
 * Results come from slabs: V8 makes a fresh small Uint8Array on its heap, and handing one to
 * Node-API moves it off-heap (~1.5 µs, more than the AEAD of a rekey message). Views into one
 * large ArrayBuffer cost nothing to hand over; each view is the caller's alone (they never
 * overlap). Derived secrets (HKDF, HMAC, SHA-256 outputs) and AEAD outputs use separate slabs, so
 * an opened plaintext handed to an application never shares an ArrayBuffer with key material.
 */
const SLAB_BYTES = 64 * 1024;
const SLAB_MAX_ITEM = 1024;
class Slab {
  private buffer = new ArrayBuffer(SLAB_BYTES);
  private used = 0;
  allocate(length: number): Uint8Array {
    if (length > SLAB_MAX_ITEM) return new Uint8Array(length);
    if (this.used + length > SLAB_BYTES) {
      this.buffer = new ArrayBuffer(SLAB_BYTES);
      this.used = 0;
    }
    const out = new Uint8Array(this.buffer, this.used, length);
    this.used += (length + 7) & ~7;
    return out;
  }
}
const derivedSlab = new Slab();
const aeadSlab = new Slab();

function checkFrameArguments(aead: AeadAlgorithm, key: Uint8Array, aadPrefix: Uint8Array, headerBytes: number, frame: Uint8Array): void {
  checkAeadAlgorithm(aead);
  checkBytes('key', key, AEAD_KEY_BYTES);
  checkFrameLayout(aadPrefix, headerBytes, frame);
}

/** The native backend; throws NativeCryptoError(MISSING) when the addon is not built. */
export function nativeCrypto(): NativeCrypto {
  const a = load();
  return {
    name: 'node:native',
    openssl: a.version(),
    seal(aead, key, nonce, aad, plaintext, output) {
      checkAeadArguments(aead, key, nonce, aad);
      checkBytes('plaintext', plaintext);
      if (output !== undefined) checkBytes('output', output, plaintext.length + AEAD_TAG_BYTES);
      const out = output ?? aeadSlab.allocate(plaintext.length + AEAD_TAG_BYTES);
      const status = a.aeadSeal(aead, key, nonce, aad, plaintext, out);
      if (status !== OK) failed(status, 'seal');
      return out;
    },
    open(aead, key, nonce, aad, sealed) {
      checkAeadArguments(aead, key, nonce, aad);
      if (checkBytes('sealed', sealed).length < AEAD_TAG_BYTES) return undefined;
      const out = aeadSlab.allocate(sealed.length - AEAD_TAG_BYTES);
      const status = a.aeadOpen(aead, key, nonce, aad, sealed, out);
      if (status === OK) return out;
      if (status === AUTH_FAILED) return undefined;
      return failed(status, 'open');
    },
    sealFrame(aead, key, aadPrefix, headerBytes, nonceFixed, nonceCounter, plaintext, frame) {
      checkFrameArguments(aead, key, aadPrefix, headerBytes, frame);
      checkInteger('nonceFixed', nonceFixed, 0, 0xffffffff);
      checkInteger('nonceCounter', nonceCounter, 0, MAX_NONCE_COUNTER);
      if (checkBytes('plaintext', plaintext).length + headerBytes + AEAD_NONCE_BYTES + AEAD_TAG_BYTES !== frame.length)
        throw new RangeError(`"frame" expected Uint8Array of length ${headerBytes + AEAD_NONCE_BYTES + plaintext.length + AEAD_TAG_BYTES}, got length=${frame.length}`);
      const status = a.aeadSealFrame(aead, key, aadPrefix, headerBytes, nonceFixed, nonceCounter, plaintext, frame);
      if (status !== OK) failed(status, 'sealFrame');
    },
    openFrame(aead, key, aadPrefix, headerBytes, frame) {
      checkFrameArguments(aead, key, aadPrefix, headerBytes, frame);
      const length = frame.length - headerBytes - AEAD_NONCE_BYTES - AEAD_TAG_BYTES;
      if (length < 0) return undefined;
      const out = aeadSlab.allocate(length);
      const status = a.aeadOpenFrame(aead, key, aadPrefix, headerBytes, frame, out);
      if (status === OK) return out;
      if (status === AUTH_FAILED) return undefined;
      return failed(status, 'openFrame');
    },
    hkdf(ikm, salt, info, length) {
      checkBytes('ikm', ikm);
      checkBytes('salt', salt);
      checkBytes('info', info);
      const out = derivedSlab.allocate(checkInteger('length', length, 1, 255 * 32));
      const status = a.hkdf(ikm, salt, info, out);
      if (status !== OK) failed(status, 'hkdf');
      return out;
    },
    hkdfWithDigest(ikm, salt, info, okm, digestInput, digest) {
      checkBytes('ikm', ikm);
      checkBytes('salt', salt);
      checkBytes('info', info);
      checkInteger('okm.length', checkBytes('okm', okm).length, 1, 255 * 32);
      checkBytes('digestInput', digestInput);
      checkBytes('digest', digest, 32);
      // okm overlapping an input or the digest: the addon refuses (BAD_ARGUMENT), as the port forbids it
      const status = a.hkdfWithDigest(ikm, salt, info, okm, digestInput, digest);
      if (status !== OK) failed(status, 'hkdfWithDigest');
    },
    hmacSha256(key, message) {
      checkBytes('key', key);
      checkBytes('message', message);
      const out = derivedSlab.allocate(32);
      const status = a.hmac(key, message, out);
      if (status !== OK) failed(status, 'hmacSha256');
      return out;
    },
    sha256(data) {
      checkBytes('data', data);
      const out = derivedSlab.allocate(32);
      const status = a.sha256(data, out);
      if (status !== OK) failed(status, 'sha256');
      return out;
    },
    release(keys) {
      checkBytes('keys', keys);
      if (keys.length === 0 || keys.length % AEAD_KEY_BYTES)
        throw new RangeError(`"keys" expected a multiple of ${AEAD_KEY_BYTES} bytes (one key or several back to back), got length=${keys.length}`);
      return a.release(keys);
    },
    close() {
      a.clear();
    },
    cachedKeys() {
      return a.cachedKeys();
    },
  };
}
