/**
 * Offline verification of an evidence log: every record well-formed, sequence numbers
 * consecutive from the genesis record, each `prev` equal to the hash before it, each `hash`
 * recomputed, each checkpoint's head equal to the hash of the record it covers (`upto_seq`: the
 * record before it, or an earlier one for a checkpoint signed detached — never one before the
 * previous checkpoint's) and its ML-DSA-65 signature valid under the signer the genesis record
 * names (or a pinned key). The first bad record is named with a typed reason.
 */
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { base64Decode } from '../base64.ts';
import { asciiBytes, equalBytes } from '../bytes.ts';
import { CHECKPOINT_CONTEXT, checkpointMessage, signerId } from './log.ts';
import { decodeEvidenceRecord, EvidenceKind, evidenceHash, GENESIS_PREV, type EvidenceRecord } from './record.ts';
import { enumNames } from '../_enum.ts';

export const EvidenceReject = {
  MALFORMED: 1,
  NO_GENESIS: 2,
  SEQ_GAP: 3,
  PREV_MISMATCH: 4,
  HASH_MISMATCH: 5,
  CHECKPOINT_HEAD_MISMATCH: 6,
  BAD_SIGNATURE: 7,
  SIGNER_MISMATCH: 8,
} as const;
export type EvidenceReject = (typeof EvidenceReject)[keyof typeof EvidenceReject];
export const EVIDENCE_REJECT_NAMES = enumNames(EvidenceReject);

export interface EvidenceVerdict {
  readonly ok: boolean;
  readonly records: number;
  readonly checkpoints: number;
  /** Sequence number of the last record a valid checkpoint covers (-1: none). */
  readonly checkpointedUpTo: number;
  readonly signer?: string;
  readonly firstBad?: { readonly index: number; readonly seq?: number; readonly reason: EvidenceReject; readonly reasonName: string };
}

/** Verifies stored records (in storage order); `pinnedPublicKey` overrides the genesis signer. */
export function verifyEvidence(stored: readonly Uint8Array[], pinnedPublicKey?: Uint8Array): EvidenceVerdict {
  let prevHash = GENESIS_PREV;
  let publicKey: Uint8Array | undefined = pinnedPublicKey;
  let checkpoints = 0;
  let checkpointedUpTo = -1;
  let signer: string | undefined;
  // hashes of the records a next checkpoint may cover: from the last covered record on
  let recentBase = 0;
  let recent: string[] = [];
  const bad = (index: number, reason: EvidenceReject, seq?: number): EvidenceVerdict => ({
    ok: false, records: stored.length, checkpoints, checkpointedUpTo, signer,
    firstBad: { index, seq, reason, reasonName: EVIDENCE_REJECT_NAMES[reason] },
  });
  for (let i = 0; i < stored.length; i++) {
    const rec: EvidenceRecord | undefined = decodeEvidenceRecord(stored[i]!);
    if (!rec) return bad(i, EvidenceReject.MALFORMED);
    if (i === 0) {
      if (rec.kind !== EvidenceKind.GENESIS || rec.seq !== 0) return bad(i, EvidenceReject.NO_GENESIS, rec.seq);
      const pk = rec.signer_public_key ? base64Decode(rec.signer_public_key) : undefined;
      if (!pk || pk.length !== 1952 || rec.signer !== signerId(pk)) return bad(i, EvidenceReject.MALFORMED, rec.seq);
      if (publicKey && !equalBytes(publicKey, pk)) return bad(i, EvidenceReject.SIGNER_MISMATCH, rec.seq);
      publicKey = pk;
      signer = rec.signer;
    } else if (rec.seq !== i) return bad(i, EvidenceReject.SEQ_GAP, rec.seq);
    if (rec.prev !== prevHash) return bad(i, EvidenceReject.PREV_MISMATCH, rec.seq);
    const { hash, ...body } = rec;
    if (evidenceHash(rec.prev, body) !== hash) return bad(i, EvidenceReject.HASH_MISMATCH, rec.seq);
    if (rec.kind === EvidenceKind.CHECKPOINT) {
      const upto = rec.upto_seq;
      if (typeof upto !== 'number' || !Number.isSafeInteger(upto) || upto > i - 1 || upto < Math.max(0, checkpointedUpTo)
        || upto < recentBase || rec.head !== recent[upto - recentBase]) return bad(i, EvidenceReject.CHECKPOINT_HEAD_MISMATCH, rec.seq);
      if (rec.signer !== signer) return bad(i, EvidenceReject.SIGNER_MISMATCH, rec.seq);
      const sig = rec.signature ? base64Decode(rec.signature) : undefined;
      let valid = false;
      try {
        valid = !!sig && ml_dsa65.verify(sig, checkpointMessage(upto, rec.head!), publicKey!, { context: asciiBytes(CHECKPOINT_CONTEXT) });
      } catch {
        valid = false;
      }
      if (!valid) return bad(i, EvidenceReject.BAD_SIGNATURE, rec.seq);
      checkpoints++;
      checkpointedUpTo = upto;
      recent = recent.slice(upto - recentBase);
      recentBase = upto;
    }
    recent.push(hash);
    prevHash = hash;
  }
  if (stored.length === 0) return bad(0, EvidenceReject.NO_GENESIS);
  return { ok: true, records: stored.length, checkpoints, checkpointedUpTo, signer };
}
