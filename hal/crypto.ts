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
 *
 * Batched calls (sealFrame / openFrame, hkdfWithDigest) are optional: a backend whose every call
 * crosses into native code implements them to cross once where the single calls cross two or
 * three times; callers use the functions below, whose default is derived from the single calls,
 * so every backend offers them and gives the same bytes (test/qsp-frames.test.ts).
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
   * Optional, frames in place, for backends where a view, a copy or a JavaScript byte loop per
   * frame costs more than the AEAD itself (XS): `frame` = header (headerBytes, written by the
   * caller) ‖ nonce (12) ‖ ciphertext ‖ tag, with aad = aadPrefix ‖ header. sealFrame writes the
   * nonce from its parts, nonceFixed (u32) ‖ nonceCounter (u64), big-endian (RFC 5116 §3.2's fixed
   * field and counter), then ciphertext ‖ tag to the frame's end (plaintext + 16 bytes). openFrame
   * takes the nonce from the frame and returns the plaintext of its sealed bytes, or undefined
   * when authentication fails. The same bytes as seal/open with those arguments; `sealFrame` and
   * `openFrame` below are the calls to use (their default builds the views and calls seal/open).
   * aadPrefix ≤ 32 bytes, headerBytes ≤ 64.
   */
  sealFrame?(aead: AeadAlgorithm, key: Uint8Array, aadPrefix: Uint8Array, headerBytes: number, nonceFixed: number, nonceCounter: number, plaintext: Uint8Array, frame: Uint8Array): void;
  openFrame?(aead: AeadAlgorithm, key: Uint8Array, aadPrefix: Uint8Array, headerBytes: number, frame: Uint8Array): Uint8Array | undefined;
  /**
   * Optional batch, for backends where reaching the primitive costs more than a compression (a
   * native call): a key-schedule step in one call — okm = HKDF-SHA256(ikm, salt, info) over all of
   * `okm` (1..8160 bytes) and digest = SHA-256(digestInput) (32 bytes), written into the caller's
   * buffers. The same bytes as hkdf + sha256; `hkdfWithDigest` below is the call to use, with the
   * single-call default for backends without it. The outputs must not overlap the inputs.
   */
  hkdfWithDigest?(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, okm: Uint8Array, digestInput: Uint8Array, digest: Uint8Array): void;
  /**
   * Optional, for backends that keep keyed state (expanded AEAD keys): wipe whatever is held for
   * `keys` now — one 32-byte key, or several back to back (both directions of an epoch in one
   * call). Callers call it before zeroising keys they are done with.
   */
  release?(keys: Uint8Array): void;
}

/**
 * okm = HKDF-SHA256(ikm, salt, info) (okm.length bytes) and digest = SHA-256(digestInput), through
 * the backend's batch when it has one, else its single calls (the default every backend gets).
 */
export function hkdfWithDigest(crypto: SymmetricCrypto, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, okm: Uint8Array, digestInput: Uint8Array, digest: Uint8Array): void {
  if (crypto.hkdfWithDigest) return crypto.hkdfWithDigest(ikm, salt, info, okm, digestInput, digest);
  if (digest.length !== 32) throw new RangeError(`"digest" expected Uint8Array of length 32, got length=${digest.length}`);
  const derived = crypto.hkdf(ikm, salt, info, okm.length);
  okm.set(derived);
  derived.fill(0);
  digest.set(crypto.sha256(digestInput));
}

export const MAX_FRAME_AAD_PREFIX_BYTES = 32;
export const MAX_FRAME_HEADER_BYTES = 64;
export const MAX_NONCE_COUNTER = Number.MAX_SAFE_INTEGER;

/** The checks of a frame call's layout arguments, shared by the backends that implement them. */
export function checkFrameLayout(aadPrefix: Uint8Array, headerBytes: number, frame: Uint8Array): void {
  if (!(aadPrefix instanceof Uint8Array)) throw new TypeError('"aadPrefix" expected Uint8Array');
  if (aadPrefix.length > MAX_FRAME_AAD_PREFIX_BYTES)
    throw new RangeError(`"aadPrefix" expected at most ${MAX_FRAME_AAD_PREFIX_BYTES} bytes, got length=${aadPrefix.length}`);
  if (!Number.isSafeInteger(headerBytes) || headerBytes < 0 || headerBytes > MAX_FRAME_HEADER_BYTES)
    throw new RangeError(`"headerBytes" expected an integer in [0, ${MAX_FRAME_HEADER_BYTES}], got ${String(headerBytes)}`);
  if (!(frame instanceof Uint8Array)) throw new TypeError('"frame" expected Uint8Array');
}

/** nonceFixed (u32) ‖ nonceCounter (u64), big-endian, into out[at..at+12). */
export function writeNonceParts(out: Uint8Array, at: number, nonceFixed: number, nonceCounter: number): void {
  if (!Number.isInteger(nonceFixed) || nonceFixed < 0 || nonceFixed > 0xffffffff)
    throw new RangeError(`"nonceFixed" expected an integer in [0, 4294967295], got ${String(nonceFixed)}`);
  if (!Number.isSafeInteger(nonceCounter) || nonceCounter < 0)
    throw new RangeError(`"nonceCounter" expected an integer in [0, ${MAX_NONCE_COUNTER}], got ${String(nonceCounter)}`);
  const hi = Math.floor(nonceCounter / 0x1_0000_0000);
  const words = [nonceFixed, hi, nonceCounter >>> 0];
  for (let w = 0; w < 3; w++) for (let b = 0; b < 4; b++) out[at + 4 * w + b] = words[w]! >>> (24 - 8 * b);
}

/** prefix ‖ header for the default frame path (seal/open consume it before the next frame). */
let frameAad = new Uint8Array(0);
function defaultFrameAad(aadPrefix: Uint8Array, headerBytes: number, frame: Uint8Array): Uint8Array {
  const length = aadPrefix.length + headerBytes;
  if (frameAad.length !== length) frameAad = new Uint8Array(length);
  frameAad.set(aadPrefix);
  frameAad.set(frame.subarray(0, headerBytes), aadPrefix.length);
  return frameAad;
}

/** Seals `plaintext` into `frame` in place (see SymmetricCrypto.sealFrame); the backend's own path when it has one. */
export function sealFrame(
  crypto: SymmetricCrypto, aead: AeadAlgorithm, key: Uint8Array, aadPrefix: Uint8Array, headerBytes: number,
  nonceFixed: number, nonceCounter: number, plaintext: Uint8Array, frame: Uint8Array,
): void {
  if (crypto.sealFrame) return crypto.sealFrame(aead, key, aadPrefix, headerBytes, nonceFixed, nonceCounter, plaintext, frame);
  checkFrameLayout(aadPrefix, headerBytes, frame);
  if (!(plaintext instanceof Uint8Array)) throw new TypeError('"plaintext" expected Uint8Array');
  const at = headerBytes + AEAD_NONCE_BYTES;
  if (frame.length !== at + plaintext.length + AEAD_TAG_BYTES)
    throw new RangeError(`"frame" expected Uint8Array of length ${at + plaintext.length + AEAD_TAG_BYTES}, got length=${frame.length}`);
  writeNonceParts(frame, headerBytes, nonceFixed, nonceCounter);
  crypto.seal(aead, key, frame.subarray(headerBytes, at), defaultFrameAad(aadPrefix, headerBytes, frame), plaintext, frame.subarray(at));
}

/** Opens a frame's sealed bytes (see SymmetricCrypto.openFrame); undefined when authentication fails. */
export function openFrame(crypto: SymmetricCrypto, aead: AeadAlgorithm, key: Uint8Array, aadPrefix: Uint8Array, headerBytes: number, frame: Uint8Array): Uint8Array | undefined {
  if (crypto.openFrame) return crypto.openFrame(aead, key, aadPrefix, headerBytes, frame);
  checkFrameLayout(aadPrefix, headerBytes, frame);
  const at = headerBytes + AEAD_NONCE_BYTES;
  if (frame.length < at + AEAD_TAG_BYTES) return undefined;
  return crypto.open(aead, key, frame.subarray(headerBytes, at), defaultFrameAad(aadPrefix, headerBytes, frame), frame.subarray(at));
}

/** The frame half of the port, always there: see frameCrypto. */
export type FrameCrypto = Required<Pick<SymmetricCrypto, 'sealFrame' | 'openFrame'>>;

/**
 * The backend itself when it seals and opens frames in place, else an adapter over its seal/open
 * (the default above). Resolved once per user: on XS every call layer per frame counts.
 */
export function frameCrypto(crypto: SymmetricCrypto): FrameCrypto {
  if (crypto.sealFrame && crypto.openFrame) return crypto as FrameCrypto;
  return {
    sealFrame: (aead, key, aadPrefix, headerBytes, nonceFixed, nonceCounter, plaintext, frame) =>
      sealFrame(crypto, aead, key, aadPrefix, headerBytes, nonceFixed, nonceCounter, plaintext, frame),
    openFrame: (aead, key, aadPrefix, headerBytes, frame) => openFrame(crypto, aead, key, aadPrefix, headerBytes, frame),
  };
}
