/**
 * The replay ledger: every capsule id a node accepted, persisted (Storage port) until its
 * not_after plus the skew allowance has passed — after that the time box alone refuses it. Ids
 * enter only inside the transaction that accepts the capsule, so a rejected capsule leaves nothing.
 */
import type { Storage, StorageTransaction } from '../../hal/storage.ts';
import { bytesToHex } from '../bytes.ts';
import { decodeCbor, encodeCbor } from './cbor.ts';

export const SEEN_TABLE = 'capsule-seen';

export class ReplayLedger {
  private readonly seen = new Map<string, number>();

  constructor(private readonly storage: Storage, private readonly table = SEEN_TABLE) {
    for (const { key, value } of storage.list(table)) this.seen.set(key, decodeCbor(value) as number);
  }

  has(capsuleId: Uint8Array): boolean {
    return this.seen.has(bytesToHex(capsuleId));
  }

  get size(): number {
    return this.seen.size;
  }

  /** Stages the id in `tx`; call `settle` once the transaction committed. */
  stage(tx: StorageTransaction, capsuleId: Uint8Array, notAfterMs: number): string {
    const id = bytesToHex(capsuleId);
    tx.append(this.table, id, encodeCbor(notAfterMs));
    return id;
  }

  settle(id: string, notAfterMs: number): void {
    this.seen.set(id, notAfterMs);
  }

  /** Forgets ids whose time box closed before `nowMs - skewMs`; returns how many. */
  purge(nowMs: number, skewMs: number): number {
    const old = [...this.seen].filter(([, notAfter]) => notAfter + skewMs < nowMs).map(([id]) => id);
    if (!old.length) return 0;
    this.storage.transaction((tx) => { for (const id of old) tx.delete(this.table, id); });
    for (const id of old) this.seen.delete(id);
    return old.length;
  }
}
