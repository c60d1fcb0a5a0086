/**
 * The QKD key pool a relay shares with one neighbour: both ends hold the same key stream (what
 * the link's QKD engine distilled, seed 002 step 1-2) and consume it in the same order, named by
 * the offset of its first byte. A byte is used once: `take` advances the sender's cursor. The
 * receiver `peek`s at the offset a hop message names, verifies the message's tag with those bytes,
 * and only then `consume`s through them: bytes before that offset (a lost message's) are discarded,
 * never handed out, so one lost message does not put the two ends out of step for good; an earlier
 * offset (a replay) finds its bytes gone; and a forged message, whose tag fails, consumes nothing.
 */
export interface LinkKeys {
  /** The neighbour at the other end. */
  readonly peer: string;
  /** Secure key rate of the link (bit/s), for route selection. */
  readonly keyRateBps: number;
  /** The next `length` bytes and their offset, or undefined when the pool is short. */
  take(length: number): { readonly keyId: number; readonly key: Uint8Array } | undefined;
  /** A copy of the `length` bytes at `keyId`, not consumed; undefined if used, discarded or past the pool. */
  peek(keyId: number, length: number): Uint8Array | undefined;
  /** Consumes every byte before `keyId + length` (after the tag verified). */
  consume(keyId: number, length: number): void;
}
