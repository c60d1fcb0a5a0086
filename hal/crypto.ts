/**
 * SymmetricCrypto port: the symmetric primitives a protocol needs per frame and per rekey — AEAD
 * (AES-256-GCM, ChaCha20-Poly1305), HKDF-SHA256, HMAC-SHA256 and SHA-256 — behind one seam, so a
 * runtime can plug in an accelerated backend (OpenSSL on Node, a hardware engine on a board).
 *
 * Contract: every backend gives the same bytes for the same inputs (the noble backend in
 * src/crypto/noble.ts is the reference; tests prove the others equal to it). `seal` returns
 * ciphertext ‖ 16-byte tag; `open` returns the plaintext, or undefined when authentication fails
 * (never throws on forged input, and releases no plaintext then). Nonces are 12 bytes, keys 32.
 * `seal` may write into a caller's `output` (exactly plaintext + 16 bytes, e.g. the tail of a frame
 * buffer) so framing costs no extra copy.
 */
export const AeadAlgorithm = {
  AES_256_GCM: 1,
  CHACHA20_POLY1305: 2,
} as const;
export type AeadAlgorithm = (typeof AeadAlgorithm)[keyof typeof AeadAlgorithm];

export const AEAD_KEY_BYTES = 32;
export const AEAD_NONCE_BYTES = 12;
export const AEAD_TAG_BYTES = 16;

export interface SymmetricCrypto {
  /** Which backend this is, for KPIs and bench output (e.g. "noble", "node:openssl"). */
  readonly name: string;
  seal(aead: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, output?: Uint8Array): Uint8Array;
  open(aead: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | undefined;
  /** HKDF-SHA256 (RFC 5869), extract then expand. */
  hkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array;
  sha256(data: Uint8Array): Uint8Array;
  /**
   * Optional, for backends that keep keyed state (expanded AEAD keys): wipe whatever is held for
   * `key` now. Callers call it before zeroising a key they are done with.
   */
  release?(key: Uint8Array): void;
}
