/**
 * Opening a key capsule: every check a capsule must pass, cheapest first, each failure a typed
 * CapsuleReject (reject.ts). `inspectCapsule` is what a relay or capsule store checks before it
 * takes custody (structure, pinned sender, time box against the Clock with a skew allowance, hop
 * limit, signature); `CapsuleOpener.open` is what a recipient does on top (recipient match,
 * replay ledger, decryption). Acceptance and its evidence commit in one Storage transaction;
 * a rejection commits its evidence record and nothing else.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import type { Clock } from '../../hal/clock.ts';
import type { Storage, StorageTransaction } from '../../hal/storage.ts';
import { checkInteger } from '../_check.ts';
import { asciiBytes, bytesToHex, zeroise } from '../bytes.ts';
import type { EvidenceLog } from '../evidence/log.ts';
import { EvidenceKind, type EvidenceFields } from '../evidence/record.ts';
import { decodeCapsule, SIGNATURE_CONTEXT, signedBytes, type Capsule } from './format.ts';
import type { CapsuleIdentity, PinnedNode } from './identity.ts';
import { CAPSULE_REJECT_NAMES, CapsuleError, CapsuleReject } from './reject.ts';
import { ReplayLedger } from './replay.ts';
import { deriveKek, kekSalt, payloadAad } from './seal.ts';

export interface CapsulePolicy {
  /** How far the sender's clock and ours may disagree (ms), applied to both ends of the time box. */
  readonly skewMs: number;
  /** The longest time box accepted (ms): bounds how long replay state must be kept. */
  readonly maxLifetimeMs: number;
}

export const DEFAULT_CAPSULE_POLICY: CapsulePolicy = { skewMs: 120_000, maxLifetimeMs: 7 * 86_400_000 };

const ZERO_NONCE = new Uint8Array(12);

function reject(reason: CapsuleReject, detail: string): never {
  throw new CapsuleError(reason, detail);
}

/** Structure, pinned sender, time box, hop limit, signature: what any custodian checks. */
export function inspectCapsule(
  bytes: Uint8Array, directory: ReadonlyMap<string, PinnedNode>, nowMs: number, policy: CapsulePolicy = DEFAULT_CAPSULE_POLICY,
  recipient?: string, seen?: (capsuleId: Uint8Array) => boolean,
): Capsule {
  checkInteger('nowMs', nowMs);
  const c = decodeCapsule(bytes);
  const sender = directory.get(c.sender);
  if (!sender) reject(CapsuleReject.UNKNOWN_SENDER, `sender ${c.sender} is not pinned`);
  if (c.notBeforeMs > c.notAfterMs) reject(CapsuleReject.BAD_TIME_BOX, 'not_before after not_after');
  if (c.notAfterMs - c.notBeforeMs > policy.maxLifetimeMs) reject(CapsuleReject.BAD_TIME_BOX, `time box of ${c.notAfterMs - c.notBeforeMs} ms over ${policy.maxLifetimeMs}`);
  if (nowMs + policy.skewMs < c.notBeforeMs) reject(CapsuleReject.NOT_YET_VALID, `not_before is ${c.notBeforeMs - nowMs} ms ahead, skew allows ${policy.skewMs}`);
  if (nowMs - policy.skewMs > c.notAfterMs) reject(CapsuleReject.EXPIRED, `not_after passed ${nowMs - c.notAfterMs} ms ago`);
  if (c.hopCount > c.hopLimit) reject(CapsuleReject.HOP_LIMIT_EXCEEDED, `hop_count ${c.hopCount} over hop_limit ${c.hopLimit}`);
  if (recipient !== undefined && !c.recipients.some((r) => r.id === recipient)) reject(CapsuleReject.WRONG_RECIPIENT, `not addressed to ${recipient}`);
  // before the signature: a replay costs no verification, and a refusal stores nothing either way
  if (seen?.(c.capsuleId)) reject(CapsuleReject.REPLAYED, 'capsule id seen before');
  let valid = false;
  try {
    valid = ml_dsa65.verify(c.signature, signedBytes(c), sender!.signingPublicKey, { context: asciiBytes(SIGNATURE_CONTEXT) });
  } catch {
    valid = false;
  }
  if (!valid) reject(CapsuleReject.BAD_SIGNATURE, `signature does not verify under ${c.sender}'s pinned key`);
  return c;
}

export interface OpenedCapsule {
  readonly capsuleId: Uint8Array;
  readonly keyId: Uint8Array;
  readonly sender: string;
  readonly notAfterMs: number;
  readonly hopCount: number;
  /** The key material; the caller hands it on and zeroises it. */
  readonly key: Uint8Array;
}

export type OpenResult = { readonly ok: true; readonly capsule: OpenedCapsule } | { readonly ok: false; readonly reason: CapsuleReject; readonly detail: string };

export interface CapsuleOpenerOptions {
  readonly identity: CapsuleIdentity;
  readonly directory: ReadonlyMap<string, PinnedNode>;
  readonly storage: Storage;
  readonly clock: Clock;
  readonly policy?: CapsulePolicy;
  /** When given, every acceptance and every rejection leaves a record (ids and reasons, never keys). */
  readonly evidence?: EvidenceLog;
  readonly ledgerTable?: string;
}

/** The recipient's side: one per node, holding the persistent replay ledger. */
export class CapsuleOpener {
  readonly ledger: ReplayLedger;
  readonly policy: CapsulePolicy;
  readonly rejected: Record<string, number> = {};

  constructor(private readonly opts: CapsuleOpenerOptions) {
    this.policy = opts.policy ?? DEFAULT_CAPSULE_POLICY;
    checkInteger('policy.skewMs', this.policy.skewMs);
    checkInteger('policy.maxLifetimeMs', this.policy.maxLifetimeMs, 1);
    this.ledger = new ReplayLedger(opts.storage, opts.ledgerTable);
  }

  get id(): string {
    return this.opts.identity.id;
  }

  /**
   * Opens `bytes`. On success the capsule id enters the ledger, `commit(tx, capsule)` runs (to hand
   * the key on, e.g. to a key store) and the evidence record is appended — all in ONE transaction,
   * so after a crash either all exist or none. On failure only the evidence record is stored.
   */
  open(bytes: Uint8Array, commit?: (tx: StorageTransaction, capsule: OpenedCapsule) => void): OpenResult {
    const now = this.opts.clock.wallMs();
    let c: Capsule | undefined;
    let key: Uint8Array | undefined;
    try {
      c = decodeCapsule(bytes); // for the evidence record's ids, should a later check refuse it
      c = inspectCapsule(bytes, this.opts.directory, now, this.policy, this.id, (id) => this.ledger.has(id));
      key = this.decrypt(c);
    } catch (e) {
      if (!(e instanceof CapsuleError)) throw e;
      this.rejected[CAPSULE_REJECT_NAMES[e.reason]] = (this.rejected[CAPSULE_REJECT_NAMES[e.reason]] ?? 0) + 1;
      this.record(EvidenceKind.CAPSULE_REFUSED, {
        context: 'capsule/open', reason: CAPSULE_REJECT_NAMES[e.reason], code: e.reason,
        // ids only from a capsule whose sender is pinned; nothing attacker-chosen beyond that
        ...(c && this.opts.directory.has(c.sender) ? { peer_id: c.sender, block_id: bytesToHex(c.capsuleId) } : {}),
      });
      return { ok: false, reason: e.reason, detail: e.message };
    }
    const opened: OpenedCapsule = { capsuleId: c.capsuleId, keyId: c.keyId, sender: c.sender, notAfterMs: c.notAfterMs, hopCount: c.hopCount, key };
    const ev = this.opts.evidence;
    let staged = '';
    try {
      this.opts.storage.transaction((tx) => {
        staged = this.ledger.stage(tx, c!.capsuleId, c!.notAfterMs);
        commit?.(tx, opened);
        ev?.append(tx, EvidenceKind.CAPSULE_OPENED, {
          context: 'capsule/open', peer_id: c!.sender, block_id: staged, key_id: bytesToHex(c!.keyId), bits: key!.length * 8, count: c!.hopCount,
        });
      });
    } catch (e) {
      ev?.settle(false);
      zeroise(key);
      throw e;
    }
    ev?.settle(true);
    this.ledger.settle(staged, c.notAfterMs);
    return { ok: true, capsule: opened };
  }

  private decrypt(c: Capsule): Uint8Array {
    const me = this.opts.identity;
    const r = c.recipients.find((x) => x.id === me.id)!;
    const sender = this.opts.directory.get(c.sender)!;
    let dh: Uint8Array | undefined;
    let ss: Uint8Array | undefined;
    let kek: Uint8Array | undefined;
    let cek: Uint8Array | undefined;
    try {
      dh = x25519.getSharedSecret(me.x25519Secret, r.ephemeralPublic);
      ss = ml_kem768.decapsulate(r.kemCiphertext, me.kemSecret);
      kek = deriveKek(dh, ss, kekSalt(c.sender, sender.signingPublicKey, me, c.capsuleId, r.ephemeralPublic, r.kemCiphertext));
      cek = gcm(kek, ZERO_NONCE, c.capsuleId).decrypt(r.wrappedCek);
      return gcm(cek, ZERO_NONCE, payloadAad(c.capsuleId, c.keyId)).decrypt(c.payload);
    } catch {
      // the signature verified, so the signer altered nothing it signed: it did not seal this payload
      return reject(CapsuleReject.SENDER_MISMATCH, `the payload was not sealed by ${c.sender} for ${me.id}`);
    } finally {
      zeroise(dh, ss, kek, cek);
    }
  }

  private record(kind: EvidenceKind, fields: EvidenceFields): void {
    const ev = this.opts.evidence;
    if (!ev) return;
    try {
      this.opts.storage.transaction((tx) => ev.append(tx, kind, fields));
    } catch (e) {
      ev.settle(false);
      throw e;
    }
    ev.settle(true);
  }

  /** Drops ledger entries whose time box has closed (the time box now refuses them alone). */
  purge(): number {
    return this.ledger.purge(this.opts.clock.wallMs(), this.policy.skewMs);
  }
}
