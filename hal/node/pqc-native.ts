/**
 * AsymmetricCrypto port on Node, native: native/node/pqc.cc (the lv_pqc addon, built with the
 * kernels by scripts/build-native.mjs) — ML-DSA-65 and ML-KEM-768 from PQClean's clean C (npm
 * pqclean@0.8.1, through native/kernels/pqc_core.c), X25519 from the OpenSSL inside the node
 * binary. Byte-identical to the noble reference (test/pqc-native.test.ts: vectors and fast-check
 * properties); hedged signing uses exactly the caller's rnd (PQClean's randombytes is fed from it).
 *
 * Failures are typed: a missing or stale addon is PqcBackendError(MISSING), a shape the C side
 * refuses BAD_ARGUMENT (src/crypto/pqc-status.ts); inputs a peer controls are PqcRejectError as
 * on every backend. It never falls back to another backend silently.
 */
import { fileURLToPath } from 'node:url';
import { loadAddon } from './addon.ts';
import { checkPqc } from '../../src/crypto/pqc-arguments.ts';
import { PqcBackendError, PqcBackendFailure, pqcStatus } from '../../src/crypto/pqc-status.ts';
import { ML_DSA65_PUBLIC_KEY_BYTES, ML_DSA65_SIGNATURE_BYTES } from '../../src/qkd/auth.ts';
import {
  type AsymmetricCrypto, ML_DSA65_SECRET_KEY_BYTES, ML_KEM768_CIPHERTEXT_BYTES, ML_KEM768_PUBLIC_KEY_BYTES, ML_KEM768_SECRET_KEY_BYTES,
  ML_KEM768_SHARED_BYTES, X25519_BYTES,
} from '../pqc.ts';

export const NATIVE_PQC_PATH = fileURLToPath(new URL('../../native/node/build/Release/lv_pqc.node', import.meta.url));

type Status = number;
interface Addon {
  mlDsa65Keygen(seed: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): Status;
  mlDsa65Sign(secretKey: Uint8Array, message: Uint8Array, context: Uint8Array, rnd: Uint8Array, signature: Uint8Array): Status;
  mlDsa65Verify(publicKey: Uint8Array, message: Uint8Array, context: Uint8Array, signature: Uint8Array): Status;
  mlKem768Keygen(seed: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): Status;
  mlKem768Encapsulate(publicKey: Uint8Array, message: Uint8Array, cipherText: Uint8Array, sharedSecret: Uint8Array): Status;
  mlKem768Decapsulate(cipherText: Uint8Array, secretKey: Uint8Array, sharedSecret: Uint8Array): Status;
  x25519PublicKey(secretKey: Uint8Array, out: Uint8Array): Status;
  x25519SharedSecret(secretKey: Uint8Array, publicKey: Uint8Array, out: Uint8Array): Status;
  version(): string;
}

const FUNCTIONS = [
  'mlDsa65Keygen', 'mlDsa65Sign', 'mlDsa65Verify', 'mlKem768Keygen', 'mlKem768Encapsulate', 'mlKem768Decapsulate',
  'x25519PublicKey', 'x25519SharedSecret', 'version',
] as const;

let addon: Addon | undefined;

function load(): Addon {
  return (addon ??= loadAddon<Addon>(NATIVE_PQC_PATH, FUNCTIONS, (detail) => new PqcBackendError(PqcBackendFailure.MISSING, detail)));
}

/** True when the addon is built and loads here. */
export function nativePqcAvailable(): boolean {
  try {
    load();
    return true;
  } catch {
    return false;
  }
}

export interface NativePqc extends AsymmetricCrypto {
  /** What runs underneath: PQClean's version and node's OpenSSL. */
  readonly version: string;
}

/** The native backend; throws PqcBackendError(MISSING) when the addon is not built. */
export function nativePqc(): NativePqc {
  const a = load();
  return Object.freeze({
    name: 'node:pqclean',
    version: a.version(),
    mlDsa65Keygen(seed: Uint8Array) {
      checkPqc.mlDsa65Keygen(seed);
      const publicKey = new Uint8Array(ML_DSA65_PUBLIC_KEY_BYTES);
      const secretKey = new Uint8Array(ML_DSA65_SECRET_KEY_BYTES);
      pqcStatus(a.mlDsa65Keygen(seed, publicKey, secretKey), 'mlDsa65Keygen');
      return { publicKey, secretKey };
    },
    mlDsa65Sign(secretKey: Uint8Array, message: Uint8Array, context: Uint8Array, rnd: Uint8Array) {
      checkPqc.mlDsa65Sign(secretKey, message, context, rnd);
      const signature = new Uint8Array(ML_DSA65_SIGNATURE_BYTES);
      pqcStatus(a.mlDsa65Sign(secretKey, message, context, rnd, signature), 'mlDsa65Sign');
      return signature;
    },
    mlDsa65Verify(publicKey: Uint8Array, message: Uint8Array, context: Uint8Array, signature: Uint8Array) {
      checkPqc.mlDsa65Verify(publicKey, message, context, signature);
      return pqcStatus(a.mlDsa65Verify(publicKey, message, context, signature), 'mlDsa65Verify');
    },
    mlKem768Keygen(seed: Uint8Array) {
      checkPqc.mlKem768Keygen(seed);
      const publicKey = new Uint8Array(ML_KEM768_PUBLIC_KEY_BYTES);
      const secretKey = new Uint8Array(ML_KEM768_SECRET_KEY_BYTES);
      pqcStatus(a.mlKem768Keygen(seed, publicKey, secretKey), 'mlKem768Keygen');
      return { publicKey, secretKey };
    },
    mlKem768Encapsulate(publicKey: Uint8Array, message: Uint8Array) {
      checkPqc.mlKem768Encapsulate(publicKey, message);
      const cipherText = new Uint8Array(ML_KEM768_CIPHERTEXT_BYTES);
      const sharedSecret = new Uint8Array(ML_KEM768_SHARED_BYTES);
      pqcStatus(a.mlKem768Encapsulate(publicKey, message, cipherText, sharedSecret), 'mlKem768Encapsulate');
      return { cipherText, sharedSecret };
    },
    mlKem768Decapsulate(cipherText: Uint8Array, secretKey: Uint8Array) {
      checkPqc.mlKem768Decapsulate(cipherText, secretKey);
      const sharedSecret = new Uint8Array(ML_KEM768_SHARED_BYTES);
      pqcStatus(a.mlKem768Decapsulate(cipherText, secretKey, sharedSecret), 'mlKem768Decapsulate');
      return sharedSecret;
    },
    x25519PublicKey(secretKey: Uint8Array) {
      checkPqc.x25519PublicKey(secretKey);
      const out = new Uint8Array(X25519_BYTES);
      pqcStatus(a.x25519PublicKey(secretKey, out), 'x25519PublicKey');
      return out;
    },
    x25519SharedSecret(secretKey: Uint8Array, publicKey: Uint8Array) {
      checkPqc.x25519SharedSecret(secretKey, publicKey);
      const out = new Uint8Array(X25519_BYTES);
      pqcStatus(a.x25519SharedSecret(secretKey, publicKey, out), 'x25519SharedSecret');
      return out;
    },
  });
}
