/**
 * Storage port: append-only records with atomic commit (SQLite with WAL and full sync on the
 * desktop, write-new-then-rename flash files on boards).
 *
 * Contract: records appended inside `transaction()` become visible together when it returns,
 * and survive a crash from then on; if it throws, none of them exist. Keys are strings chosen by
 * the caller; a record never changes once committed, it can only be deleted.
 */
export interface Storage {
  transaction<T>(work: (tx: StorageTransaction) => T): T;
  get(table: string, key: string): Uint8Array | undefined;
  /** Every record of a table in insertion order. */
  list(table: string): Array<{ key: string; value: Uint8Array }>;
}

export interface StorageTransaction {
  /** Adds a record; throws if the key exists already in that table. */
  append(table: string, key: string, value: Uint8Array): void;
  delete(table: string, key: string): boolean;
  get(table: string, key: string): Uint8Array | undefined;
}
