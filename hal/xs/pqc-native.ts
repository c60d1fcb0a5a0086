/**
 * AsymmetricCrypto port on an XS host, native: ML-DSA-65 and ML-KEM-768 from PQClean's clean C
 * compiled into the host (native/host/pqc.c over native/kernels/pqc_core.c), X25519 from the
 * system's libcrypto when the host can open one, else from the noble reference. `name` says which
 * runs (e.g. "xs:pqclean+x25519:OpenSSL 3.0.15 3 Sep 2024", or "xs:pqclean+x25519:noble"), so a
 * report always tells. Byte-identical to the noble reference (src/crypto/pqc-noble.ts; the golden
 * vectors of test/vectors/areas/pqc.ts run through it inside lvxs).
 *
 * A host without the PQClean binding is reported by xsPqcAvailable() and by xsPqc() throwing
 * PqcBackendError(MISSING) — never replaced by noble silently.
 */
import { checkPqc } from '../../src/crypto/pqc-arguments.ts';
import { noblePqc } from '../../src/crypto/pqc-noble.ts';
import { PqcBackendError, PqcBackendFailure, pqcStatus } from '../../src/crypto/pqc-status.ts';
import { ML_DSA65_PUBLIC_KEY_BYTES, ML_DSA65_SIGNATURE_BYTES } from '../../src/qkd/auth.ts';
import {
  type AsymmetricCrypto, ML_DSA65_SECRET_KEY_BYTES, ML_KEM768_CIPHERTEXT_BYTES, ML_KEM768_PUBLIC_KEY_BYTES, ML_KEM768_SECRET_KEY_BYTES,
  ML_KEM768_SHARED_BYTES, X25519_BYTES,
} from '../pqc.ts';

type Fn = (...args: any[]) => any;

function lookup(name: string): Fn {
  try {
    return native(name) as Fn;
  } catch (e) {
    throw new PqcBackendError(PqcBackendFailure.MISSING, `this host has no ${name} (build it with native/host/pqc.c: npm run build:native): ${String(e)}`);
  }
}

/** PQClean's description when this host has the binding, else "". */
export function xsPqcBackend(): string {
  try {
    return (native('xs_lv_pqc_backend') as () => string)();
  } catch {
    return '';
  }
}

export function xsPqcAvailable(): boolean {
  return xsPqcBackend() !== '';
}

/** The native backend; throws at once if this host lacks the PQClean binding. */
export function xsPqc(): AsymmetricCrypto {
  if (!xsPqcBackend()) throw new PqcBackendError(PqcBackendFailure.MISSING, 'this XS host has no PQClean binding (native/host/pqc.c); noble is the portable backend (src/crypto/pqc-noble.ts)');
  const dsaKeygen = lookup('xs_lv_pqc_ml_dsa65_keygen');
  const dsaSign = lookup('xs_lv_pqc_ml_dsa65_sign');
  const dsaVerify = lookup('xs_lv_pqc_ml_dsa65_verify');
  const kemKeygen = lookup('xs_lv_pqc_ml_kem768_keygen');
  const kemEncapsulate = lookup('xs_lv_pqc_ml_kem768_encapsulate');
  const kemDecapsulate = lookup('xs_lv_pqc_ml_kem768_decapsulate');
  const libcrypto = (lookup('xs_lv_pqc_x25519_backend') as () => string)();
  const x25519Public = libcrypto ? lookup('xs_lv_pqc_x25519_public') : undefined;
  const x25519Shared = libcrypto ? lookup('xs_lv_pqc_x25519_shared') : undefined;
  return Object.freeze({
    name: `xs:pqclean+x25519:${libcrypto || 'noble'}`,
    mlDsa65Keygen(seed: Uint8Array) {
      checkPqc.mlDsa65Keygen(seed);
      const publicKey = new Uint8Array(ML_DSA65_PUBLIC_KEY_BYTES);
      const secretKey = new Uint8Array(ML_DSA65_SECRET_KEY_BYTES);
      pqcStatus(dsaKeygen(seed, publicKey, secretKey), 'mlDsa65Keygen');
      return { publicKey, secretKey };
    },
    mlDsa65Sign(secretKey: Uint8Array, message: Uint8Array, context: Uint8Array, rnd: Uint8Array) {
      checkPqc.mlDsa65Sign(secretKey, message, context, rnd);
      const signature = new Uint8Array(ML_DSA65_SIGNATURE_BYTES);
      pqcStatus(dsaSign(secretKey, message, context, rnd, signature), 'mlDsa65Sign');
      return signature;
    },
    mlDsa65Verify(publicKey: Uint8Array, message: Uint8Array, context: Uint8Array, signature: Uint8Array) {
      checkPqc.mlDsa65Verify(publicKey, message, context, signature);
      return pqcStatus(dsaVerify(publicKey, message, context, signature), 'mlDsa65Verify');
    },
    mlKem768Keygen(seed: Uint8Array) {
      checkPqc.mlKem768Keygen(seed);
      const publicKey = new Uint8Array(ML_KEM768_PUBLIC_KEY_BYTES);
      const secretKey = new Uint8Array(ML_KEM768_SECRET_KEY_BYTES);
      pqcStatus(kemKeygen(seed, publicKey, secretKey), 'mlKem768Keygen');
      return { publicKey, secretKey };
    },
    mlKem768Encapsulate(publicKey: Uint8Array, message: Uint8Array) {
      checkPqc.mlKem768Encapsulate(publicKey, message);
      const cipherText = new Uint8Array(ML_KEM768_CIPHERTEXT_BYTES);
      const sharedSecret = new Uint8Array(ML_KEM768_SHARED_BYTES);
      pqcStatus(kemEncapsulate(publicKey, message, cipherText, sharedSecret), 'mlKem768Encapsulate');
      return { cipherText, sharedSecret };
    },
    mlKem768Decapsulate(cipherText: Uint8Array, secretKey: Uint8Array) {
      checkPqc.mlKem768Decapsulate(cipherText, secretKey);
      const sharedSecret = new Uint8Array(ML_KEM768_SHARED_BYTES);
      pqcStatus(kemDecapsulate(cipherText, secretKey, sharedSecret), 'mlKem768Decapsulate');
      return sharedSecret;
    },
    x25519PublicKey(secretKey: Uint8Array) {
      if (!x25519Public) return noblePqc.x25519PublicKey(secretKey);
      checkPqc.x25519PublicKey(secretKey);
      const out = new Uint8Array(X25519_BYTES);
      pqcStatus(x25519Public(secretKey, out), 'x25519PublicKey');
      return out;
    },
    x25519SharedSecret(secretKey: Uint8Array, publicKey: Uint8Array) {
      if (!x25519Shared) return noblePqc.x25519SharedSecret(secretKey, publicKey);
      checkPqc.x25519SharedSecret(secretKey, publicKey);
      const out = new Uint8Array(X25519_BYTES);
      pqcStatus(x25519Shared(secretKey, publicKey, out), 'x25519SharedSecret');
      return out;
    },
  });
}
