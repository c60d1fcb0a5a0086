/**
 * Storage port on the desktop: SQLite through better-sqlite3, in WAL mode with synchronous=FULL, so
 * a transaction that returned is on disk (its WAL frames fsynced) and one that did not leaves
 * nothing (SQLite's rollback of an incomplete WAL tail). secure_delete=ON overwrites deleted
 * records' bytes in the database pages (key records are sealed anyway). One table of records:
 *
 *   records(tbl TEXT, k TEXT, v BLOB, PRIMARY KEY (tbl, k))  — insertion order by rowid
 *
 * The UNIQUE primary key is what makes `append` of a name that exists throw, inside the same
 * transaction as everything else: the one-shot guarantee of the key store rests on it.
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync } from 'node:fs';
import type { Storage, StorageTransaction } from '../storage.ts';

export class SqliteStorage implements Storage {
  private readonly db: Database;
  private readonly stmts: Record<'get' | 'ins' | 'del' | 'list', ReturnType<Database['prepare']>>;
  private inTransaction = false;
  private grouping = false;

  constructor(readonly path: string) {
    const fresh = !existsSync(path);
    this.db = new Database(path);
    if (fresh) chmodSync(path, 0o600);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('secure_delete = ON');
    this.db.pragma('foreign_keys = OFF');
    this.db.exec('CREATE TABLE IF NOT EXISTS records (id INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL, k TEXT NOT NULL, v BLOB NOT NULL, UNIQUE (tbl, k))');
    this.stmts = {
      get: this.db.prepare('SELECT v FROM records WHERE tbl = ? AND k = ?'),
      ins: this.db.prepare('INSERT INTO records (tbl, k, v) VALUES (?, ?, ?)'),
      del: this.db.prepare('DELETE FROM records WHERE tbl = ? AND k = ?'),
      list: this.db.prepare('SELECT k, v FROM records WHERE tbl = ? ORDER BY id'),
    };
  }

  transaction<T>(work: (tx: StorageTransaction) => T): T {
    if (this.inTransaction) throw new Error('storage: transactions do not nest');
    if (this.grouping) {
      // inside a group: a SAVEPOINT (better-sqlite3 nests transaction functions that way), so this
      // transaction still commits or rolls back as a unit; it is durable when the group commits
      this.inTransaction = true;
      try {
        return this.db.transaction(() => work(this.tx))();
      } finally {
        this.inTransaction = false;
      }
    }
    const tx = this.tx;
    this.inTransaction = true;
    try {
      return this.db.transaction(() => work(tx)).immediate();
    } finally {
      this.inTransaction = false;
    }
  }

  /**
   * Group commit: every `transaction()` run inside `work` becomes a savepoint of one SQLite
   * transaction, made durable by ONE fsync when `work` returns. Callers must not acknowledge
   * anything done inside until `group` has returned (the HTTP adapter answers afterwards). If the
   * final commit fails the process must stop: the in-memory indexes already moved.
   */
  group<T>(work: () => T): T {
    if (this.grouping || this.inTransaction) throw new Error('storage: groups do not nest');
    this.grouping = true;
    try {
      return this.db.transaction(work).immediate();
    } finally {
      this.grouping = false;
    }
  }

  private readonly tx: StorageTransaction = {
    append: (table, key, value) => {
      try {
        this.stmts.ins.run(table, key, value);
      } catch (e: any) {
        if (String(e?.code).startsWith('SQLITE_CONSTRAINT')) throw new Error(`storage: ${table}/${key} exists already`);
        throw e;
      }
    },
    delete: (table, key) => this.stmts.del.run(table, key).changes > 0,
    get: (table, key) => this.get(table, key),
  };

  get(table: string, key: string): Uint8Array | undefined {
    const row = this.stmts.get.get(table, key);
    return row ? new Uint8Array(row.v.buffer, row.v.byteOffset, row.v.byteLength).slice() : undefined;
  }

  list(table: string): Array<{ key: string; value: Uint8Array }> {
    return this.stmts.list.all(table).map((r: any) => ({ key: r.k, value: new Uint8Array(r.v.buffer, r.v.byteOffset, r.v.byteLength).slice() }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
