/**
 * The reference AsymmetricCrypto backend (hal/pqc.ts): noble's audited pure-TypeScript ML-DSA-65
 * (FIPS 204), ML-KEM-768 (FIPS 203) and X25519 (RFC 7748), the same on Node and on XS. Other
 * backends must match it byte for byte. X25519 public keys come from the Montgomery ladder of
 * x25519.ts (no fixed-base tables kept in the heap, which matters on XS).
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { type AsymmetricCrypto, PqcReject, PqcRejectError } from '../../hal/pqc.ts';
import { checkPqc } from './pqc-arguments.ts';
import { x25519PublicKey } from './x25519.ts';

export const noblePqc: AsymmetricCrypto = {
  name: 'noble',
  mlDsa65Keygen(seed) {
    checkPqc.mlDsa65Keygen(seed);
    return ml_dsa65.keygen(seed);
  },
  mlDsa65Sign(secretKey, message, context, rnd) {
    checkPqc.mlDsa65Sign(secretKey, message, context, rnd);
    return ml_dsa65.sign(message, secretKey, { context, extraEntropy: rnd });
  },
  mlDsa65Verify(publicKey, message, context, signature) {
    checkPqc.mlDsa65Verify(publicKey, message, context, signature);
    try {
      return ml_dsa65.verify(signature, message, publicKey, { context });
    } catch {
      return false; // every argument was checked: what is left is a malformed signature
    }
  },
  mlKem768Keygen(seed) {
    checkPqc.mlKem768Keygen(seed);
    return ml_kem768.keygen(seed);
  },
  mlKem768Encapsulate(publicKey, message) {
    checkPqc.mlKem768Encapsulate(publicKey, message);
    try {
      return ml_kem768.encapsulate(publicKey, message);
    } catch {
      // lengths were checked: noble's one refusal left is the §7.2 modulus check
      throw new PqcRejectError(PqcReject.KEM_ENCAPSULATION_KEY, 'ML-KEM-768 encapsulation key fails the modulus check (FIPS 203 §7.2)');
    }
  },
  mlKem768Decapsulate(cipherText, secretKey) {
    checkPqc.mlKem768Decapsulate(cipherText, secretKey);
    try {
      return ml_kem768.decapsulate(cipherText, secretKey);
    } catch {
      throw new PqcRejectError(PqcReject.KEM_DECAPSULATION_KEY, 'ML-KEM-768 decapsulation key fails the hash check (FIPS 203 §7.3)');
    }
  },
  x25519PublicKey(secretKey) {
    checkPqc.x25519PublicKey(secretKey);
    return x25519PublicKey(secretKey);
  },
  x25519SharedSecret(secretKey, publicKey) {
    checkPqc.x25519SharedSecret(secretKey, publicKey);
    try {
      return x25519.getSharedSecret(secretKey, publicKey);
    } catch {
      throw new PqcRejectError(PqcReject.X25519_LOW_ORDER, 'X25519 result is all zero (low-order public key)');
    }
  },
};
