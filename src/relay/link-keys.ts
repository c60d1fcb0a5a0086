/**
 * The QKD key pool a relay shares with one neighbour: both ends hold the same key stream (what
 * the link's QKD engine distilled, seed 002 step 1-2) and consume it in the same order, named by
 * the offset of its first byte. A byte is used once: `take` advances the sender's cursor, `claim`
 * gives the receiver the bytes at its cursor only if the sender named that same offset (a replayed
 * or reordered message finds them gone).
 */
export interface LinkKeys {
  /** The neighbour at the other end. */
  readonly peer: string;
  /** Secure key rate of the link (bit/s), for route selection. */
  readonly keyRateBps: number;
  /** The next `length` bytes and their offset, or undefined when the pool is short. */
  take(length: number): { readonly keyId: number; readonly key: Uint8Array } | undefined;
  /** The bytes at `keyId` if they are the next unused ones; undefined otherwise. */
  claim(keyId: number, length: number): Uint8Array | undefined;
}
