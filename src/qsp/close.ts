/**
 * Close reasons and the CLOSE plaintext (seed 003 §8). FT_CLOSE is always AEAD-protected under the
 * sender's current epoch key; its plaintext is reason(u16) ‖ message (UTF-8, here at most
 * MAX_CLOSE_MESSAGE_BYTES). The seed's minimum set keeps its codes; ours extend it in free ranges.
 */
import { checkBytes, checkInteger } from '../_check.ts';

export const CloseReason = {
  NORMAL: 0,
  PROTOCOL_ERROR: 10,
  AEAD_DECRYPT_FAILED: 20,
  /** Extension: a frame whose (epoch, seq) was already accepted or fell behind the window. */
  REPLAY: 21,
  EPOCH_MISMATCH: 30,
  REKEY_FAILED: 40,
  /** Extension: the transmit sequence (u32) or the epoch (u32) would wrap; a nonce must never repeat. */
  SEQ_EXHAUSTED: 41,
  /** Extension: the handshake did not complete (malformed, wrong peer, bad confirmation). */
  HANDSHAKE_FAILED: 50,
  /** Extension: an ML-DSA-65 signature did not verify under the pinned peer identity. */
  BAD_SIGNATURE: 51,
  /** Extension: a named QKD key block is not held here (or was consumed already). */
  UNKNOWN_KEY_BLOCK: 52,
  /** Extension: the policy forbids what the peer asked (e.g. PQC-only when QKD is required). */
  POLICY_VIOLATION: 53,
  /** Extension: under load, a CLIENT_HELLO's cookie was not made for this hello from this address. */
  COOKIE_REJECTED: 54,
  /** Extension: the peer stayed silent past a deadline (handshake or rekey retries exhausted). */
  TIMEOUT: 60,
  INTERNAL_ERROR: 90,
} as const;
export type CloseReason = (typeof CloseReason)[keyof typeof CloseReason];

const NAMES = Object.fromEntries(Object.entries(CloseReason).map(([k, v]) => [v, k])) as Record<number, string>;

export function closeReasonName(reason: number): string {
  return NAMES[reason] ?? `UNKNOWN_${reason}`;
}

export const MAX_CLOSE_MESSAGE_BYTES = 256;

export function encodeClosePlaintext(reason: CloseReason, message: Uint8Array): Uint8Array {
  checkInteger('reason', reason, 0, 0xffff);
  checkBytes('message', message);
  if (message.length > MAX_CLOSE_MESSAGE_BYTES)
    throw new RangeError(`"message" expected at most ${MAX_CLOSE_MESSAGE_BYTES} bytes, got ${message.length}`);
  const out = new Uint8Array(2 + message.length);
  out[0] = reason >>> 8;
  out[1] = reason & 0xff;
  out.set(message, 2);
  return out;
}

/** undefined when malformed; an unknown reason code is kept as is (the peer may be newer). */
export function decodeClosePlaintext(plaintext: Uint8Array): { reason: number; message: Uint8Array } | undefined {
  if (plaintext.length < 2 || plaintext.length > 2 + MAX_CLOSE_MESSAGE_BYTES) return undefined;
  return { reason: (plaintext[0]! << 8) | plaintext[1]!, message: plaintext.slice(2) };
}
