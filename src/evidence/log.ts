/**
 * The evidence log over the Storage port: records are appended inside the caller's transaction,
 * so a key operation and its evidence commit together or not at all (a crash can cut neither in
 * half). The head moves only when the transaction commits (`settle(true)`). Every
 * `checkpointEvery` records, and on demand, a CHECKPOINT record carries an ML-DSA-65 signature
 * (FIPS 204, context "LIGHTVIBES/evidence/checkpoint/v1") over the sequence number and hash of the
 * record before it; the genesis record names the signer's public key.
 */
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Entropy } from '../../hal/entropy.ts';
import type { Storage, StorageTransaction } from '../../hal/storage.ts';
import { checkInteger } from '../_check.ts';
import { base64Encode } from '../base64.ts';
import { asciiBytes, bytesToHex } from '../bytes.ts';
import type { Identity } from '../qkd/auth.ts';
import {
  decodeEvidenceRecord, encodeEvidenceRecord, EvidenceKind, evidenceKey, GENESIS_PREV, makeEvidenceRecord,
  type EvidenceFields, type EvidenceRecord,
} from './record.ts';

export const EVIDENCE_TABLE = 'evidence';
export const CHECKPOINT_CONTEXT = 'LIGHTVIBES/evidence/checkpoint/v1';

/** The message a checkpoint signs: ASCII "<upto_seq>:<head hash hex>". */
export function checkpointMessage(uptoSeq: number, head: string): Uint8Array {
  return asciiBytes(`LIGHTVIBES/evidence/checkpoint/v1:${uptoSeq}:${head}`);
}

export function signCheckpoint(uptoSeq: number, head: string, identity: Identity, extraEntropy: Uint8Array | false): Uint8Array {
  return ml_dsa65.sign(checkpointMessage(uptoSeq, head), identity.secretKey, { context: asciiBytes(CHECKPOINT_CONTEXT), extraEntropy });
}

export function signerId(publicKey: Uint8Array): string {
  return bytesToHex(sha256(publicKey)).slice(0, 32);
}

export interface EvidenceLogOptions {
  readonly identity: Identity;
  readonly entropy: Entropy;
  readonly wallMs: () => number;
  readonly runId: string;
  readonly operator: string;
  readonly checkpointEvery?: number;
  /** Deterministic signatures (golden vectors); the default hedges with fresh entropy. */
  readonly deterministic?: boolean;
}

export class EvidenceLog {
  private seq = -1;
  private head = GENESIS_PREV;
  private sinceCheckpoint = 0;
  private staged: { seq: number; head: string; since: number } | undefined;
  private readonly every: number;

  constructor(private readonly storage: Storage, private readonly opts: EvidenceLogOptions) {
    this.every = checkInteger('checkpointEvery', opts.checkpointEvery ?? 1024, 1);
    const all = storage.list(EVIDENCE_TABLE);
    const last = all[all.length - 1];
    if (last) {
      const rec = decodeEvidenceRecord(last.value);
      if (!rec) throw new Error(`evidence: the last record (${last.key}) is malformed; run the verifier`);
      this.seq = rec.seq;
      this.head = rec.hash;
      let i = all.length - 1;
      while (i > 0 && decodeEvidenceRecord(all[i]!.value)?.kind !== EvidenceKind.CHECKPOINT) i--;
      this.sinceCheckpoint = all.length - 1 - i;
    } else {
      storage.transaction((tx) => {
        this.append(tx, EvidenceKind.GENESIS, {
          signer: signerId(opts.identity.publicKey), signer_public_key: base64Encode(opts.identity.publicKey),
        });
      });
      this.settle(true);
    }
  }

  get headSeq(): number { return this.seq; }
  get headHash(): string { return this.head; }

  /** Stages one record in `tx`; it exists once the transaction commits and `settle(true)` runs. */
  append(tx: StorageTransaction, kind: EvidenceKind, fields: EvidenceFields): EvidenceRecord {
    const cur = this.staged ?? { seq: this.seq, head: this.head, since: this.sinceCheckpoint };
    const rec = makeEvidenceRecord(cur.seq, cur.head, kind, this.opts.wallMs(), {
      run_id: this.opts.runId, operator: this.opts.operator, ...fields,
    });
    tx.append(EVIDENCE_TABLE, evidenceKey(rec.seq), encodeEvidenceRecord(rec));
    this.staged = { seq: rec.seq, head: rec.hash, since: kind === EvidenceKind.CHECKPOINT ? 0 : cur.since + 1 };
    if (kind !== EvidenceKind.CHECKPOINT && this.staged.since >= this.every) this.checkpoint(tx);
    return rec;
  }

  /** A signed checkpoint over everything staged or committed so far. */
  checkpoint(tx: StorageTransaction): EvidenceRecord {
    const cur = this.staged ?? { seq: this.seq, head: this.head, since: this.sinceCheckpoint };
    const signature = signCheckpoint(cur.seq, cur.head, this.opts.identity, this.opts.deterministic ? false : this.opts.entropy.randomBytes(32));
    return this.append(tx, EvidenceKind.CHECKPOINT, {
      upto_seq: cur.seq, head: cur.head, signer: signerId(this.opts.identity.publicKey), signature: base64Encode(signature),
    });
  }

  /** After the transaction: keep the staged head if it committed, drop it if not. */
  settle(committed: boolean): void {
    if (committed && this.staged) {
      this.seq = this.staged.seq;
      this.head = this.staged.head;
      this.sinceCheckpoint = this.staged.since;
    }
    this.staged = undefined;
  }

  get uncheckpointed(): number { return this.sinceCheckpoint; }
}
