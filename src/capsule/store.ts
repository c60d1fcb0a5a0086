/**
 * The capsule store: capsules this node holds in custody, persisted through the Storage port
 * (SQLite on the desktop, flash files on boards). Custody semantics, as in DTN custody transfer:
 * an entry is deleted only when the next hop acknowledged it (then a tombstone remembers the id and
 * the hop count it came with, so a late retransmission is acknowledged without being taken again)
 * or when its time box closed. A capsule that comes back with a higher hop count went round a
 * loop in the contact plan: the node that released it takes custody again, or it would be lost.
 * One entry per (capsule, destination): a capsule for two recipients travels as two entries.
 *
 *   <prefix>custody   key "<capsule id hex>><destination>"   CBOR [capsule bytes, not_after, received_ms]
 *   <prefix>done      key the same                          CBOR [not_after, hop_count received with]  (released; kept until not_after)
 *   <prefix>contacts  key "<from>><to>@<start_ms>+<end_ms>"   CBOR [bytes reserved, end_ms]  (kept until end_ms)
 *
 * A contact's capacity is reserved here, durably, before the bytes go out: after a restart the
 * forwarder finds what it already sent, so no contact carries more than its capacity.
 */
import type { Storage, StorageTransaction } from '../../hal/storage.ts';
import { bytesToHex } from '../bytes.ts';
import { decodeCbor, encodeCbor } from './cbor.ts';

export interface CustodyEntry {
  readonly key: string;
  readonly capsuleId: string;
  readonly destination: string;
  readonly bytes: Uint8Array;
  readonly notAfterMs: number;
  readonly receivedMs: number;
}

export function custodyKey(capsuleId: Uint8Array | string, destination: string): string {
  return `${typeof capsuleId === 'string' ? capsuleId : bytesToHex(capsuleId)}>${destination}`;
}

/** A contact's name in the store: stable across restarts and plan reloads. */
export function contactKey(c: { from: string; to: string; startMs: number; endMs: number }): string {
  return `${c.from}>${c.to}@${c.startMs}+${c.endMs}`;
}

export class CapsuleStore {
  private readonly custody = new Map<string, CustodyEntry>();
  /** Released entries: not_after, and the hop count the capsule had when this node took it. */
  private readonly done = new Map<string, readonly [number, number]>();
  readonly custodyTable: string;
  readonly doneTable: string;
  readonly contactsTable: string;
  /** Bytes reserved per contact key, with the contact's end (to drop the row after it). */
  private readonly reserved = new Map<string, readonly [number, number]>();

  constructor(readonly storage: Storage, prefix = 'capsule-') {
    this.custodyTable = `${prefix}custody`;
    this.doneTable = `${prefix}done`;
    this.contactsTable = `${prefix}contacts`;
    for (const { key, value } of storage.list(this.custodyTable)) this.custody.set(key, entryFrom(key, value));
    for (const { key, value } of storage.list(this.doneTable)) this.done.set(key, decodeCbor(value, { maxDepth: 2, maxItems: 3, maxBytes: 64 }) as [number, number]);
    for (const { key, value } of storage.list(this.contactsTable)) this.reserved.set(key, decodeCbor(value, { maxDepth: 2, maxItems: 3, maxBytes: 64 }) as [number, number]);
  }

  /** Bytes of a contact's capacity already reserved (sent or about to be), across restarts. */
  reservedOn(contactKey: string): number {
    return this.reserved.get(contactKey)?.[0] ?? 0;
  }

  /** Durably raises the bytes reserved on contacts (one transaction) before anything is sent. */
  reserve(totals: ReadonlyMap<string, readonly [bytes: number, endMs: number]>): void {
    if (!totals.size) return;
    this.storage.transaction((tx) => {
      for (const [key, v] of totals) {
        if (this.reserved.has(key)) tx.delete(this.contactsTable, key);
        tx.append(this.contactsTable, key, encodeCbor([v[0], v[1]]));
      }
    });
    for (const [key, v] of totals) this.reserved.set(key, v);
  }

  get size(): number {
    return this.custody.size;
  }

  /** Held now, or released before (a duplicate). */
  knows(key: string): boolean {
    return this.custody.has(key) || this.done.has(key);
  }

  /**
   * Held now, or released before having come with at least `hopCount` hops — a retransmission of
   * what this node already passed on. A released capsule offered again with more hops has gone
   * round a loop, and is not a duplicate.
   */
  hasSeen(key: string, hopCount: number): boolean {
    const d = this.done.get(key);
    return this.custody.has(key) || (d !== undefined && hopCount <= d[1]);
  }

  holds(key: string): boolean {
    return this.custody.has(key);
  }

  /** Takes custody inside `tx`; the entry is visible once `settle` runs after the commit. */
  stage(tx: StorageTransaction, capsuleId: Uint8Array, destination: string, bytes: Uint8Array, notAfterMs: number, nowMs: number): CustodyEntry {
    const key = custodyKey(capsuleId, destination);
    tx.append(this.custodyTable, key, encodeCbor([bytes, notAfterMs, nowMs]));
    return { key, capsuleId: bytesToHex(capsuleId), destination, bytes, notAfterMs, receivedMs: nowMs };
  }

  settle(entries: readonly CustodyEntry[]): void {
    for (const e of entries) this.custody.set(e.key, e);
  }

  /**
   * The next hop acknowledged: delete the entry and leave a tombstone, in one transaction.
   * `hopCount` is the count the capsule had when this node took it (0 for its own).
   */
  release(key: string, hopCount: number): void {
    const e = this.custody.get(key);
    if (!e) return;
    const tomb = [e.notAfterMs, hopCount] as const;
    this.storage.transaction((tx) => {
      tx.delete(this.custodyTable, key);
      if (this.done.has(key)) tx.delete(this.doneTable, key);
      tx.append(this.doneTable, key, encodeCbor([...tomb]));
    });
    this.custody.delete(key);
    this.done.set(key, tomb);
  }

  /**
   * Drops entries and tombstones whose time box closed before `nowMs - skewMs`; returns the dropped
   * entries. `extra` commits in the same transaction (e.g. the time reached, for an audit).
   */
  expire(nowMs: number, skewMs: number, extra?: (tx: StorageTransaction) => void): CustodyEntry[] {
    const dead = [...this.custody.values()].filter((e) => e.notAfterMs + skewMs < nowMs);
    const tombs = [...this.done].filter(([, [na]]) => na + skewMs < nowMs).map(([k]) => k);
    const closed = [...this.reserved].filter(([, [, endMs]]) => endMs < nowMs).map(([k]) => k);
    if (!dead.length && !tombs.length && !closed.length) return [];
    this.storage.transaction((tx) => {
      for (const e of dead) tx.delete(this.custodyTable, e.key);
      for (const k of tombs) tx.delete(this.doneTable, k);
      for (const k of closed) tx.delete(this.contactsTable, k);
      extra?.(tx);
    });
    for (const e of dead) this.custody.delete(e.key);
    for (const k of tombs) this.done.delete(k);
    for (const k of closed) this.reserved.delete(k);
    return dead;
  }

  /** Entries by priority: earliest not_after first (then the oldest). */
  byExpiry(): CustodyEntry[] {
    return [...this.custody.values()].sort((x, y) => x.notAfterMs - y.notAfterMs || x.receivedMs - y.receivedMs || (x.key < y.key ? -1 : 1));
  }
}

function entryFrom(key: string, value: Uint8Array): CustodyEntry {
  const [bytes, notAfterMs, receivedMs] = decodeCbor(value, { maxDepth: 2, maxItems: 4, maxBytes: 16_384 }) as [Uint8Array, number, number];
  const at = key.indexOf('>');
  return { key, capsuleId: key.slice(0, at), destination: key.slice(at + 1), bytes, notAfterMs, receivedMs };
}
