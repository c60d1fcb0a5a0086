/**
 * Key blocks (DESIGN §2 step 6): what the QKD engine hands to the key service. Everything but
 * `key` is public and may go into evidence and KPIs; `key` is secret and is zeroised by whoever
 * consumes it (`destroyKeyBlock`). The id is derived from the final transcript, so both peers
 * name the block the same way without sending the name.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { asciiBytes, bytesToHex, concatBytes } from '../bytes.ts';
import type { QberState } from '../policy/qber.ts';

export type QkdProtocol = 'bb84-decoy' | 'e91';

export interface KeyBlockStats {
  readonly pulses: number;
  readonly detections: number;
  /** Kept key-basis detections per intensity class [signal, decoy, vacuum/weak] (E91: one class). */
  readonly keyBasis: readonly number[];
  /** Kept test-basis detections and errors per class. */
  readonly testBasis: readonly number[];
  readonly testErrors: readonly number[];
  /** Reconciliation frames sent, and those that failed and were discarded. */
  readonly frames: number;
  readonly failedFrames: number;
  /** Bits Bob's decoder flipped in the frames that converged. */
  readonly errorsCorrected: number;
  /** Bits reconciled (the key string after discarded frames). */
  readonly reconciledBits: number;
  /** The reconciled bits per class: with testBasis/testErrors and leakedBits, the exact input of the bound. */
  readonly reconciledByClass: readonly number[];
  /** Double clicks among Bob's detections (squashed to random bits). */
  readonly doubleClicks?: number;
  /** E91 only: the CHSH value. */
  readonly chsh?: number;
}

export interface KeyBlock {
  readonly id: string;
  readonly protocol: QkdProtocol;
  /** The secret key, ℓ bits packed most significant bit first. */
  readonly key: Uint8Array;
  readonly keyBits: number;
  /** Bit error rate of the key string measured by reconciliation. */
  readonly qber: number;
  /** Error rate of the disclosed test-basis bits, the estimate that set the policy state. */
  readonly testQber: number;
  readonly policyState: QberState;
  readonly stats: KeyBlockStats;
  readonly leakedBits: number;
  /** SHA-256 of the privacy-amplification seed, hex (the seed itself is public but long). */
  readonly paSeedHash: string;
  readonly epsSec: number;
  readonly epsCor: number;
  /** The finite-key bounds that fixed ℓ. */
  readonly bounds: { readonly sX0: number; readonly sX1: number; readonly phiX: number };
  /** Which kernels computed amplification and reconciliation, e.g. "node: toeplitz native, ldpc reference". */
  readonly kernels: string;
}

export function keyBlockId(transcriptDigest: Uint8Array): string {
  return bytesToHex(sha256(concatBytes(asciiBytes('LIGHTVIBES/key-block-id/v1'), transcriptDigest)).subarray(0, 16));
}

export function destroyKeyBlock(block: KeyBlock): void {
  block.key.fill(0);
}
