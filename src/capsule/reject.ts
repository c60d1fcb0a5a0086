/**
 * Why a capsule was refused: stable numeric codes (evidence records and vectors carry them), one
 * Error subclass carrying the code. Every rejection is final for that capsule and stores nothing
 * but its evidence record.
 */
import { enumNames } from '../_enum.ts';
import type { CborReject } from './cbor.ts';

export const CapsuleReject = {
  /** Not deterministic CBOR, or a field of the wrong type, or a field missing or unknown. */
  MALFORMED: 1,
  /** The capsule, or one of its fields, is over its size limit. */
  OVERSIZED: 2,
  UNKNOWN_VERSION: 3,
  UNKNOWN_SUITE: 4,
  /** The sender is not a pinned identity. */
  UNKNOWN_SENDER: 5,
  /** The ML-DSA-65 signature does not verify under the sender's pinned key (forged or altered). */
  BAD_SIGNATURE: 6,
  /** not_after (plus the skew allowance) is in the past. */
  EXPIRED: 7,
  /** not_before is further in the future than the skew allowance. */
  NOT_YET_VALID: 8,
  /** not_before after not_after, or a time box longer than the policy allows. */
  BAD_TIME_BOX: 9,
  /** This node is not among the recipients. */
  WRONG_RECIPIENT: 10,
  /** This capsule id was accepted before (ids are kept until their not_after). */
  REPLAYED: 11,
  /** hop_count is over the signed hop_limit. */
  HOP_LIMIT_EXCEEDED: 12,
  /**
   * A valid signature, but the payload was not sealed by the signer: the recipient encryption is
   * bound to the sender's identity, so a capsule re-signed by another node cannot be opened.
   */
  SENDER_MISMATCH: 13,
} as const;
export type CapsuleReject = (typeof CapsuleReject)[keyof typeof CapsuleReject];
export const CAPSULE_REJECT_NAMES = enumNames(CapsuleReject);

export class CapsuleError extends Error {
  constructor(readonly reason: CapsuleReject, detail: string, readonly cbor?: CborReject) {
    super(`capsule rejected (${CAPSULE_REJECT_NAMES[reason]}): ${detail}`);
    this.name = 'CapsuleError';
  }
}
