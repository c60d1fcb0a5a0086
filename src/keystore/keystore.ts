/**
 * The key store (DESIGN §2 step 7; seed 001): key blocks → a sealed pool per link → keys of the
 * requested size, each stored sealed under a one-shot name, with a TTL.
 *
 * Storage layout (all values canonical JSON; key bytes only ever as Sealer output, base64):
 *   pool   "<link>/<block id>@<byte offset>" → unissued material of one block
 *   keys   "ref:<key ref id>" (seed 001) | "etsi:<key_ID>" (ETSI 014) → one key and its metadata
 *   spent  the same names (ETSI: "<name>#<reader SAE>") → why it is gone: CONSUMED / EXPIRED / PURGED
 * One-shot: taking a key deletes its record and appends its tombstone in the caller's transaction;
 * the tombstone's name is unique, so a second taker finds no record and a tombstone. Nothing here
 * commits: the service wraps each operation and its evidence in one Storage transaction, then calls
 * `settle()` so the in-memory indexes follow only what committed.
 */
import type { Entropy } from '../../hal/entropy.ts';
import type { Sealer } from '../../hal/sealer.ts';
import type { Storage, StorageTransaction } from '../../hal/storage.ts';
import { checkInteger } from '../_check.ts';
import { base64Decode, base64Encode } from '../base64.ts';
import { asciiBytes, zeroise } from '../bytes.ts';
import { asciiString, canonicalBytes } from '../evidence/canonical.ts';
import { destroyKeyBlock, type KeyBlock } from '../qkd/keyblock.ts';
import { enumNames } from '../_enum.ts';

export const POOL_TABLE = 'pool';
export const KEYS_TABLE = 'keys';
export const SPENT_TABLE = 'spent';
/** Pool records hold at most this many key bytes. */
export const POOL_CHUNK_BYTES = 512;

/** Why a key cannot be taken. Stable codes. */
export const KeyRefReject = { UNKNOWN: 1, CONSUMED: 2, EXPIRED: 3, NOT_FOR_CALLER: 4, PURGED: 5 } as const;
export type KeyRefReject = (typeof KeyRefReject)[keyof typeof KeyRefReject];
export const KEY_REF_REJECT_NAMES = enumNames(KeyRefReject);

export type KeyMode = 'QMK' | 'PQC';

export interface KeyMeta {
  readonly name: string;
  readonly keyId: string;
  readonly mode: KeyMode;
  readonly linkId: string;
  readonly bits: number;
  readonly createdMs: number;
  readonly expiresMs: number;
  /** Who asked for it: the caller of POST /lightvibes/session, or the master SAE. */
  readonly owner: string;
  /** Who may take it (seed 001: the owner; ETSI: the slave SAEs). */
  readonly readers: readonly string[];
  readonly peerId: string;
  readonly sessionId?: string;
  readonly qber: number;
}

interface PoolEntry {
  readonly name: string;
  readonly linkId: string;
  readonly blockId: string;
  readonly offset: number;
  readonly bytes: number;
  readonly qber: number;
}

export type TakeResult =
  | { readonly ok: true; readonly meta: KeyMeta; readonly key: Uint8Array; readonly spentAll: boolean }
  | { readonly ok: false; readonly reason: KeyRefReject; readonly meta?: KeyMeta };

const poolAad = (name: string) => asciiBytes(`LIGHTVIBES/keystore/pool/v1|${name}`);
const keyAad = (name: string) => asciiBytes(`LIGHTVIBES/keystore/key/v1|${name}`);

function parse(bytes: Uint8Array): any {
  return JSON.parse(asciiString(bytes));
}

export class KeyStore {
  /**
   * The pool per link, oldest first, and its byte total. A transaction edits them in place and
   * logs how to undo each edit; `settle(false)` replays the log backwards. (Copying the pool per
   * transaction made every key request cost O(pool).)
   */
  private readonly pool = new Map<string, PoolEntry[]>();
  private readonly poolTotals = new Map<string, number>();
  private undo: Array<() => void> = [];
  private readonly keys = new Map<string, KeyMeta>();
  private stagedKeys: Array<[string, KeyMeta | undefined]> = [];
  /** A lower bound on every live key's expiry (see `due`). */
  private earliestExpiry = -Infinity;

  constructor(private readonly storage: Storage, private readonly sealer: Sealer, private readonly entropy: Entropy) {
    for (const { key, value } of storage.list(POOL_TABLE)) {
      const r = parse(value);
      const e: PoolEntry = { name: key, linkId: r.link_id, blockId: r.block_id, offset: r.offset, bytes: r.bytes, qber: r.qber };
      this.queue(e.linkId).push(e);
      this.addTotal(e.linkId, e.bytes);
    }
    for (const { value } of storage.list(KEYS_TABLE)) {
      const m = this.metaOf(parse(value));
      this.keys.set(m.name, m);
    }
  }

  private metaOf(r: any): KeyMeta {
    return {
      name: r.name, keyId: r.key_id, mode: r.mode, linkId: r.link_id, bits: r.bits, createdMs: r.created_ms,
      expiresMs: r.expires_ms, owner: r.owner, readers: r.readers, peerId: r.peer_id, sessionId: r.session_id, qber: r.qber,
    };
  }

  private queue(linkId: string): PoolEntry[] {
    let q = this.pool.get(linkId);
    if (!q) this.pool.set(linkId, (q = []));
    return q;
  }

  private addTotal(linkId: string, bytes: number): void {
    this.poolTotals.set(linkId, (this.poolTotals.get(linkId) ?? 0) + bytes);
  }

  /** Unissued key bytes on a link (what has committed or is staged in the open transaction). */
  poolBytes(linkId: string): number {
    return this.poolTotals.get(linkId) ?? 0;
  }

  storedKeyCount(): number {
    return this.keys.size;
  }

  meta(name: string): KeyMeta | undefined {
    return this.keys.get(name);
  }

  /**
   * Seals a key block into the pool, in chunks of POOL_CHUNK_BYTES (so taking a key re-seals at
   * most one small remainder), and zeroises it. Returns the bytes added (ℓ rounded down to bytes).
   */
  ingest(tx: StorageTransaction, block: KeyBlock, linkId: string, wallMs: number): number {
    const bytes = block.keyBits >>> 3;
    try {
      for (let off = 0; off < bytes; off += POOL_CHUNK_BYTES) {
        const n = Math.min(POOL_CHUNK_BYTES, bytes - off);
        this.addPool(tx, { name: `${linkId}/${block.id}@${off}`, linkId, blockId: block.id, offset: off, bytes: n, qber: block.qber },
          block.key.subarray(off, off + n), wallMs);
      }
      return bytes;
    } finally {
      destroyKeyBlock(block);
    }
  }

  /** Seals `material` as pool entry `e`, at the back of its link's queue (or the front: a remainder). */
  private addPool(tx: StorageTransaction, e: PoolEntry, material: Uint8Array, wallMs: number, front = false): void {
    const sealed = this.sealer.seal(material, poolAad(e.name));
    tx.append(POOL_TABLE, e.name, canonicalBytes({
      v: 1, link_id: e.linkId, block_id: e.blockId, offset: e.offset, bytes: e.bytes, qber: e.qber, ingested_ms: wallMs,
      sealed: base64Encode(sealed),
    }));
    const q = this.queue(e.linkId);
    if (front) {
      q.unshift(e);
      this.undo.push(() => q.shift());
    } else {
      q.push(e);
      this.undo.push(() => q.pop());
    }
    this.addTotal(e.linkId, e.bytes);
    this.undo.push(() => this.addTotal(e.linkId, -e.bytes));
  }

  /**
   * Takes `bytes` of key from the link's pool (oldest first). The caller owns the result and
   * zeroises it. Returns undefined, changing nothing, when the pool holds too little.
   */
  carve(tx: StorageTransaction, linkId: string, bytes: number, wallMs: number): { key: Uint8Array; qber: number } | undefined {
    checkInteger('bytes', bytes, 1);
    if (this.poolBytes(linkId) < bytes) return undefined;
    const out = new Uint8Array(bytes);
    let filled = 0;
    let qber = 0;
    const q = this.queue(linkId);
    while (filled < bytes) {
      const e = q[0];
      if (!e) throw new Error(`keystore: the pool of ${linkId} is shorter than its total`);
      const stored = tx.get(POOL_TABLE, e.name);
      if (!stored) throw new Error(`keystore: pool entry ${e.name} is missing`);
      const material = this.sealer.unseal(base64Decode(parse(stored).sealed)!, poolAad(e.name));
      const take = Math.min(bytes - filled, e.bytes);
      out.set(material.subarray(0, take), filled);
      qber = Math.max(qber, e.qber);
      filled += take;
      tx.delete(POOL_TABLE, e.name);
      q.shift();
      this.undo.push(() => q.unshift(e));
      this.addTotal(linkId, -e.bytes);
      this.undo.push(() => this.addTotal(linkId, e.bytes));
      // the remainder goes back at the front, so blocks drain in order
      if (take < e.bytes) {
        const rest = { name: `${linkId}/${e.blockId}@${e.offset + take}`, linkId, blockId: e.blockId, offset: e.offset + take, bytes: e.bytes - take, qber: e.qber };
        this.addPool(tx, rest, material.subarray(take), wallMs, true);
      }
      zeroise(material);
    }
    return { key: out, qber };
  }

  /** Zeroises and drops a link's unissued pool (quarantine). Returns the bytes purged. */
  purgePool(tx: StorageTransaction, linkId: string): number {
    const q = this.pool.get(linkId) ?? [];
    for (const e of q) tx.delete(POOL_TABLE, e.name);
    const purged = this.poolBytes(linkId);
    this.pool.set(linkId, []);
    this.poolTotals.set(linkId, 0);
    this.undo.push(() => { this.pool.set(linkId, q); this.poolTotals.set(linkId, purged); });
    return purged;
  }

  /** Stores a key sealed under its name; `key` stays the caller's to zeroise. */
  put(tx: StorageTransaction, meta: KeyMeta, key: Uint8Array): void {
    if (key.length * 8 !== meta.bits) throw new RangeError(`"key" expected ${meta.bits / 8} bytes, got length=${key.length}`);
    const sealed = this.sealer.seal(key, keyAad(meta.name));
    tx.append(KEYS_TABLE, meta.name, canonicalBytes({
      v: 1, name: meta.name, key_id: meta.keyId, mode: meta.mode, link_id: meta.linkId, bits: meta.bits,
      created_ms: meta.createdMs, expires_ms: meta.expiresMs, owner: meta.owner, readers: [...meta.readers],
      peer_id: meta.peerId, session_id: meta.sessionId, qber: meta.qber, sealed: base64Encode(sealed),
    }));
    this.stagedKeys.push([meta.name, meta]);
  }

  /**
   * The one-shot take: for `reader`, once. Expired keys are deleted (tombstone EXPIRED) and
   * refused. The record goes when its last reader has taken it.
   */
  take(tx: StorageTransaction, name: string, reader: string, nowMs: number): TakeResult {
    const stored = tx.get(KEYS_TABLE, name);
    if (!stored) {
      const spent = tx.get(SPENT_TABLE, name) ?? tx.get(SPENT_TABLE, `${name}#${reader}`);
      if (!spent) return { ok: false, reason: KeyRefReject.UNKNOWN };
      return { ok: false, reason: parse(spent).code as KeyRefReject };
    }
    const r = parse(stored);
    const meta = this.metaOf(r);
    if (nowMs >= meta.expiresMs) {
      this.retire(tx, meta, KeyRefReject.EXPIRED, nowMs);
      return { ok: false, reason: KeyRefReject.EXPIRED, meta };
    }
    if (!meta.readers.includes(reader)) return { ok: false, reason: KeyRefReject.NOT_FOR_CALLER, meta };
    const spentName = meta.readers.length > 1 ? `${name}#${reader}` : name;
    if (tx.get(SPENT_TABLE, spentName)) return { ok: false, reason: KeyRefReject.CONSUMED, meta };
    tx.append(SPENT_TABLE, spentName, canonicalBytes({ code: KeyRefReject.CONSUMED, wall_ms: nowMs }));
    const remaining = meta.readers.filter((s) => s !== reader && !tx.get(SPENT_TABLE, `${name}#${s}`));
    const spentAll = remaining.length === 0;
    if (spentAll) {
      tx.delete(KEYS_TABLE, name);
      this.stagedKeys.push([name, undefined]);
    }
    const key = this.sealer.unseal(base64Decode(r.sealed)!, keyAad(name));
    return { ok: true, meta, key, spentAll };
  }

  /** Deletes a key with a tombstone (expiry or purge). */
  retire(tx: StorageTransaction, meta: KeyMeta, reason: KeyRefReject, nowMs: number): void {
    tx.delete(KEYS_TABLE, meta.name);
    if (!tx.get(SPENT_TABLE, meta.name)) tx.append(SPENT_TABLE, meta.name, canonicalBytes({ code: reason, wall_ms: nowMs }));
    this.stagedKeys.push([meta.name, undefined]);
  }

  /**
   * Deletes, in the caller's transaction, the tombstones written before `cutoffMs` (wall clock), at
   * most `limit`; returns how many. The caller picks the cutoff past the longest TTL plus a clock
   * skew allowance, so every key a pruned tombstone speaks for has expired: take() would refuse it
   * anyway, and its name then answers UNKNOWN (404) like a name never issued. Names are never reused
   * (random ids), and a tombstone whose key record still exists (a multi-reader key one reader has
   * taken) is kept whatever the clock says, so pruning can never let a key be served twice.
   */
  prune(tx: StorageTransaction, cutoffMs: number, limit = 10_000): number {
    let pruned = 0;
    for (const { key, value } of this.storage.list(SPENT_TABLE)) {
      if (pruned >= limit) break;
      if (!(parse(value).wall_ms < cutoffMs)) continue;
      const hash = key.indexOf('#');
      if (tx.get(KEYS_TABLE, hash < 0 ? key : key.slice(0, hash))) continue;
      if (tx.delete(SPENT_TABLE, key)) pruned++;
    }
    return pruned;
  }

  /**
   * Keys whose TTL has run out, oldest first (the service retires them with evidence). The service
   * asks on every tick (4 Hz); a lower bound on the earliest expiry lets it skip the walk over every
   * live key (tens of thousands under load: milliseconds of event loop) until one can be due.
   */
  due(nowMs: number, limit = 256): KeyMeta[] {
    if (nowMs < this.earliestExpiry) return [];
    const out: KeyMeta[] = [];
    let earliest = Infinity;
    for (const m of this.keys.values()) {
      if (m.expiresMs <= nowMs) {
        if (out.length < limit) out.push(m);
        else earliest = Math.min(earliest, m.expiresMs);
      } else earliest = Math.min(earliest, m.expiresMs);
    }
    // the keys returned are retired by the caller, or stay due: either way none is skipped
    this.earliestExpiry = out.length ? Math.min(earliest, nowMs) : earliest;
    return out;
  }

  /** Let the in-memory indexes follow the transaction: applied if it committed, dropped if not. */
  settle(committed: boolean): void {
    if (!committed) for (let i = this.undo.length - 1; i >= 0; i--) this.undo[i]!();
    this.undo = [];
    if (committed) {
      for (const [name, meta] of this.stagedKeys) {
        if (!meta) { this.keys.delete(name); continue; }
        this.keys.set(name, meta);
        if (meta.expiresMs < this.earliestExpiry) this.earliestExpiry = meta.expiresMs;
      }
    }
    this.stagedKeys = [];
  }
}

/** The storage name of a seed-001 key and of an ETSI key. */
export const refName = (keyRefId: string) => `ref:${keyRefId}`;
export const etsiName = (keyId: string) => `etsi:${keyId}`;
