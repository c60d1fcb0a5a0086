/**
 * AsymmetricCrypto port: the public-key primitives of the QSP handshake (src/qsp/handshake.ts) —
 * ML-DSA-65 (FIPS 204) hedged signing with a context string and verification, ML-KEM-768
 * (FIPS 203) key generation from a seed, encapsulation with a caller's message m and
 * decapsulation, and X25519 (RFC 7748) — behind one seam, so a runtime can plug in native code
 * (PQClean on Node and in our XS host, a hardware engine on a board).
 *
 * Contract: every backend gives the same bytes for the same inputs; the noble backend in
 * src/crypto/pqc-noble.ts is the reference, and tests prove the others equal to it. Nothing here
 * draws randomness: the caller passes every random input (ML-DSA's `rnd`, the ML-KEM seed and
 * `m`, the X25519 secret) from its Entropy port, so a seeded run is reproducible on any backend.
 * Wrong types or lengths throw TypeError / RangeError naming the argument. Inputs a peer controls
 * end in a PqcRejectError with a typed reason (or `false` for a signature that does not verify),
 * the same on every backend. Decapsulating a tampered ciphertext is not an error: it gives the
 * implicit-rejection secret of FIPS 203, which differs from the sender's.
 */

export const ML_DSA65_SEED_BYTES = 32;
export const ML_DSA65_RND_BYTES = 32;
export const ML_DSA65_SECRET_KEY_BYTES = 4032;
/** FIPS 204: a context string has at most 255 bytes. */
export const ML_DSA65_MAX_CONTEXT_BYTES = 255;
export const ML_KEM768_SEED_BYTES = 64;
export const ML_KEM768_MESSAGE_BYTES = 32;
export const ML_KEM768_PUBLIC_KEY_BYTES = 1184;
export const ML_KEM768_SECRET_KEY_BYTES = 2400;
export const ML_KEM768_CIPHERTEXT_BYTES = 1088;
export const ML_KEM768_SHARED_BYTES = 32;
export const X25519_BYTES = 32;

/** Why a backend refused an input a peer can control (stable codes). */
export const PqcReject = {
  /** FIPS 203 §7.2: an ML-KEM encapsulation key with a coefficient ≥ q. */
  KEM_ENCAPSULATION_KEY: 1,
  /** FIPS 203 §7.3: an ML-KEM decapsulation key whose embedded hash does not match. */
  KEM_DECAPSULATION_KEY: 2,
  /** RFC 7748 §6.1: the X25519 result is all zero (a low-order peer point). */
  X25519_LOW_ORDER: 3,
} as const;
export type PqcReject = (typeof PqcReject)[keyof typeof PqcReject];

export class PqcRejectError extends Error {
  constructor(readonly reason: PqcReject, detail: string) {
    super(`pqc: ${detail}`);
    this.name = 'PqcRejectError';
  }
}

export interface KeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export interface Encapsulation {
  readonly cipherText: Uint8Array;
  readonly sharedSecret: Uint8Array;
}

export interface AsymmetricCrypto {
  /** Which backend this is, for KPIs and bench output (e.g. "noble", "node:pqclean+openssl"). */
  readonly name: string;
  /** ML-DSA-65 KeyGen from the 32-byte seed ξ (FIPS 204 Algorithm 1 with ξ given). */
  mlDsa65Keygen(seed: Uint8Array): KeyPair;
  /** Hedged ML-DSA-65 signature (FIPS 204 Algorithm 2) with the caller's 32-byte `rnd` and a context of ≤ 255 bytes. */
  mlDsa65Sign(secretKey: Uint8Array, message: Uint8Array, context: Uint8Array, rnd: Uint8Array): Uint8Array;
  /** True only for a valid signature; a malformed one (any length) is false, not an error. */
  mlDsa65Verify(publicKey: Uint8Array, message: Uint8Array, context: Uint8Array, signature: Uint8Array): boolean;
  /** ML-KEM-768 KeyGen from the 64-byte seed d ‖ z (FIPS 203 Algorithm 16). */
  mlKem768Keygen(seed: Uint8Array): KeyPair;
  /** ML-KEM-768 Encaps with the 32-byte message m (FIPS 203 Algorithm 17); rejects a key failing §7.2. */
  mlKem768Encapsulate(publicKey: Uint8Array, message: Uint8Array): Encapsulation;
  /** ML-KEM-768 Decaps (FIPS 203 Algorithm 18); rejects a key failing §7.3. */
  mlKem768Decapsulate(cipherText: Uint8Array, secretKey: Uint8Array): Uint8Array;
  /** X25519(k, 9). */
  x25519PublicKey(secretKey: Uint8Array): Uint8Array;
  /** X25519(k, u); rejects an all-zero result (X25519_LOW_ORDER). */
  x25519SharedSecret(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array;
}
