/**
 * Storage port, simulated: in memory, with the port's atomic-commit contract (a transaction's
 * records appear together or not at all). Crash-safety belongs to the SQLite and flash backends.
 */
import { checkBytes } from '../../src/_check.ts';
import type { Storage, StorageTransaction } from '../storage.ts';

type Table = Map<string, Uint8Array>;

export class MemoryStorage implements Storage {
  private readonly tables = new Map<string, Table>();
  private inTransaction = false;

  transaction<T>(work: (tx: StorageTransaction) => T): T {
    if (this.inTransaction) throw new Error('storage: transactions do not nest');
    const added: Array<[string, string, Uint8Array]> = [];
    const deleted: Array<[string, string]> = [];
    // what the transaction sees: its own appends first (a key deleted and appended again is the
    // new record), then its deletes, then what has committed
    const pending = (table: string, key: string) => {
      const fresh = added.find(([t, k]) => t === table && k === key);
      if (fresh) return fresh[2];
      if (deleted.some(([t, k]) => t === table && k === key)) return undefined;
      return this.get(table, key);
    };
    const tx: StorageTransaction = {
      append: (table, key, value) => {
        checkBytes('value', value);
        if (pending(table, key) !== undefined) throw new Error(`storage: ${table}/${key} exists already`);
        added.push([table, key, value.slice()]);
      },
      delete: (table, key) => {
        if (pending(table, key) === undefined) return false;
        const i = added.findIndex(([t, k]) => t === table && k === key);
        if (i >= 0) added.splice(i, 1);
        else deleted.push([table, key]);
        return true;
      },
      get: pending,
    };
    this.inTransaction = true;
    try {
      const result = work(tx);
      for (const [t, k] of deleted) this.tables.get(t)?.delete(k);
      for (const [t, k, v] of added) {
        let table = this.tables.get(t);
        if (!table) this.tables.set(t, (table = new Map()));
        table.set(k, v);
      }
      return result;
    } finally {
      this.inTransaction = false;
    }
  }

  get(table: string, key: string): Uint8Array | undefined {
    return this.tables.get(table)?.get(key)?.slice();
  }

  list(table: string): Array<{ key: string; value: Uint8Array }> {
    return [...(this.tables.get(table) ?? [])].map(([key, value]) => ({ key, value: value.slice() }));
  }
}
