/**
 * The evidence log over the Storage port: records are appended inside the caller's transaction,
 * so a key operation and its evidence commit together or not at all (a crash can cut neither in
 * half). The head moves only when the transaction commits (`settle(true)`). Every
 * `checkpointEvery` records, and on demand, a CHECKPOINT record carries an ML-DSA-65 signature
 * (FIPS 204, context "LIGHTVIBES/evidence/checkpoint/v1") over the sequence number and hash of the
 * record before it; the genesis record names the signer's public key.
 *
 * A signature costs ~11 ms on V8 (seconds on XS), so a server may sign DETACHED: take the committed
 * head (`checkpointTarget`), have a `CheckpointSigner` sign it off the event loop, then append the
 * checkpoint (`appendCheckpoint`) — by then more records may follow the head it covers, so its
 * `upto_seq` may lie further back than the record before it. The verifier checks `head` against the
 * hash of record `upto_seq` either way; the records after it are covered by the chain and the next
 * checkpoint.
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
  decodeEvidenceRecord, EvidenceKind, evidenceKey, GENESIS_PREV, makeEvidenceEntry,
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

/** Signs checkpoint messages away from the caller's thread (desktop: hal/node/checkpoint-signer.ts). */
export interface CheckpointSigner {
  /** ML-DSA-65 (context CHECKPOINT_CONTEXT, hedged) over `message` with the evidence identity. */
  sign(message: Uint8Array): Promise<Uint8Array>;
  close(): void;
}

/** What a detached checkpoint covers: a committed head. */
export interface CheckpointTarget {
  readonly uptoSeq: number;
  readonly head: string;
  readonly message: Uint8Array;
}

/** ML-DSA-65 signature length (FIPS 204). */
const SIGNATURE_BYTES = 3309;

export interface EvidenceLogOptions {
  readonly identity: Identity;
  readonly entropy: Entropy;
  readonly wallMs: () => number;
  readonly runId: string;
  readonly operator: string;
  readonly checkpointEvery?: number;
  /** Deterministic signatures (golden vectors); the default hedges with fresh entropy. */
  readonly deterministic?: boolean;
  /** SHA-256 for the chain hash, from a faster backend (the same bytes); default noble. */
  readonly sha256?: (data: Uint8Array) => Uint8Array;
}

export class EvidenceLog {
  private seq = -1;
  private head = GENESIS_PREV;
  private sinceCheckpoint = 0;
  /** The record the last checkpoint covers (its upto_seq), -1 before any. */
  private covered = -1;
  private staged: { seq: number; head: string; since: number; covered: number } | undefined;
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
      const lastCheckpoint = i > 0 ? decodeEvidenceRecord(all[i]!.value) : undefined;
      this.covered = lastCheckpoint?.upto_seq ?? -1;
      // a detached checkpoint leaves the records after the head it covers uncovered
      this.sinceCheckpoint = lastCheckpoint ? rec.seq - this.covered - 1 : all.length - 1;
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
    const cur = this.current();
    const all: EvidenceFields = Object.assign({ run_id: this.opts.runId, operator: this.opts.operator }, fields);
    const { record: rec, encoded } = makeEvidenceEntry(cur.seq, cur.head, kind, this.opts.wallMs(), all, this.opts.sha256);
    tx.append(EVIDENCE_TABLE, evidenceKey(rec.seq), encoded);
    const checkpoint = kind === EvidenceKind.CHECKPOINT;
    this.staged = { seq: rec.seq, head: rec.hash, since: checkpoint ? 0 : cur.since + 1, covered: checkpoint ? fields.upto_seq! : cur.covered };
    if (kind !== EvidenceKind.CHECKPOINT && this.staged.since >= this.every) this.checkpoint(tx);
    return rec;
  }

  /** A signed checkpoint over everything staged or committed so far. */
  checkpoint(tx: StorageTransaction): EvidenceRecord {
    const cur = this.current();
    const signature = signCheckpoint(cur.seq, cur.head, this.opts.identity, this.opts.deterministic ? false : this.opts.entropy.randomBytes(32));
    return this.append(tx, EvidenceKind.CHECKPOINT, {
      upto_seq: cur.seq, head: cur.head, signer: signerId(this.opts.identity.publicKey), signature: base64Encode(signature),
    });
  }

  /**
   * The committed head a detached checkpoint should cover, or undefined when no record since the
   * last checkpoint needs one. Call it outside any transaction.
   */
  checkpointTarget(): CheckpointTarget | undefined {
    if (this.staged) throw new Error('evidence: a checkpoint target is taken outside a transaction');
    if (this.sinceCheckpoint === 0) return undefined;
    return { uptoSeq: this.seq, head: this.head, message: checkpointMessage(this.seq, this.head) };
  }

  /** Appends a checkpoint signed elsewhere over `target` (a head committed earlier). */
  appendCheckpoint(tx: StorageTransaction, target: CheckpointTarget, signature: Uint8Array): EvidenceRecord {
    const cur = this.current();
    // never behind a checkpoint already in the log (the verifier refuses that order)
    checkInteger('target.uptoSeq', target.uptoSeq, Math.max(0, cur.covered), cur.seq);
    if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_BYTES)
      throw new RangeError(`"signature" expected Uint8Array of length ${SIGNATURE_BYTES}, got length=${(signature as Uint8Array)?.length}`);
    const rec = this.append(tx, EvidenceKind.CHECKPOINT, {
      upto_seq: target.uptoSeq, head: target.head, signer: signerId(this.opts.identity.publicKey), signature: base64Encode(signature),
    });
    // the records between the head it covers and the checkpoint still await the next one
    this.staged = { ...this.staged!, since: cur.seq - target.uptoSeq };
    return rec;
  }

  /** After the transaction: keep the staged head if it committed, drop it if not. */
  settle(committed: boolean): void {
    if (committed && this.staged) {
      this.seq = this.staged.seq;
      this.head = this.staged.head;
      this.sinceCheckpoint = this.staged.since;
      this.covered = this.staged.covered;
    }
    this.staged = undefined;
  }

  get uncheckpointed(): number { return this.sinceCheckpoint; }
  /** The sequence number the last checkpoint covers (-1: none yet). */
  get checkpointedUpTo(): number { return this.covered; }

  private current() {
    return this.staged ?? { seq: this.seq, head: this.head, since: this.sinceCheckpoint, covered: this.covered };
  }
}
