/**
 * Reconciliation of key strings in frames (DESIGN §2 step 5): the seam between the block state
 * machines (block.ts) and the LDPC code family (ldpc/). A plan says how a key string is cut into
 * frames and which code, puncturing and shortening each frame uses; both peers derive the same
 * plan from the same public QBER reading, so the plan on the wire is checked, not trusted.
 */
import type { Entropy } from '../../hal/entropy.ts';
import type { Kernels } from '../../hal/kernels.ts';

export interface ReconcilePlan {
  /** Key bits carried by one frame. */
  readonly payloadBits: number;
  /** Syndrome bits sent per frame. */
  readonly syndromeBits: number;
  /** Bits of information one frame discloses (syndrome bits less the punctured positions). */
  readonly leakedBitsPerFrame: number;
}

export interface CorrectedFrame {
  /** Bob's corrected payload, one bit per byte (zeroise when not converged). */
  readonly payload: Uint8Array;
  readonly converged: boolean;
  /** Bits the decoder flipped. */
  readonly flipped: number;
}

export interface Reconciliation {
  /** The plan for `keyBits` bits at the planning QBER; the same on both sides. */
  plan(qber: number, keyBits: number): ReconcilePlan;
  encodePlan(plan: ReconcilePlan): Uint8Array;
  /** Alice: the packed syndrome of one frame's payload (fills punctured positions from `entropy`). */
  syndrome(plan: ReconcilePlan, payload: Uint8Array, entropy: Entropy): Uint8Array;
  /**
   * Bob: his frames corrected to match Alice's syndromes, all in one call of the Kernels port
   * (frames of one plan decode faster together). `payloads` holds the frames' payloads back to
   * back, one per syndrome; returns one CorrectedFrame per frame, in order.
   */
  correct(plan: ReconcilePlan, syndromes: readonly Uint8Array[], payloads: Uint8Array, qber: number, kernels: Kernels): CorrectedFrame[];
}
