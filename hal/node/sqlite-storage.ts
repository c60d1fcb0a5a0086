/**
 * Storage port on the desktop: SQLite through better-sqlite3 in WAL mode, so a transaction that
 * returned is on disk (its WAL frames fdatasynced) and one that did not leaves nothing (SQLite's
 * rollback of an incomplete WAL tail). secure_delete=ON overwrites deleted records' bytes in the
 * database pages (key records are sealed anyway).
 *
 * Durability is ours, not SQLite's: the connection runs synchronous=NORMAL (SQLite keeps the WAL
 * consistent and syncs it around checkpoints, but not at each commit) and this class fdatasyncs the
 * WAL file itself after every commit — exactly the sync synchronous=FULL would issue. `transaction`
 * and `group` sync before they return, as before. `groupDurable` commits and hands back a promise
 * that settles once an fdatasync begun AFTER that commit has finished: the sync runs on libuv's
 * thread pool, so the event loop keeps handling the next requests while the disk works, and one
 * sync covers every commit made before it started (the WAL is one append-only file). Up to two
 * run at once (`maxSyncsInFlight`), so a commit made while a sync runs does not wait for that sync
 * to end before its own begins. Nothing a group did may be acknowledged before its promise resolves.
 *
 * One sync stays on the calling thread, and it is SQLite's: when a commit finds the WAL wholly
 * checkpointed it starts the WAL again from its beginning, and syncs the new WAL header before
 * writing frames over the old ones (SQLite ticket ff5be73dee). Only synchronous=OFF skips it, and
 * OFF would also drop the syncs of this connection's own checkpoints. Under `npm run bench:keys`
 * at 1000 requests/s, strace on the event loop counted about six a second, 0.84 ms at the median.
 *
 * One table of records:
 *
 *   records(id INTEGER PRIMARY KEY, tbl TEXT, k TEXT, v BLOB, UNIQUE (tbl, k))  — insertion order by id
 *
 * The UNIQUE (tbl, k) constraint is what makes `append` of a name that exists throw, inside the
 * same transaction as everything else: the one-shot guarantee of the key store rests on it.
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, fdatasync, fdatasyncSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createHistogram } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Storage, StorageTransaction } from '../storage.ts';

export interface SqliteStorageOptions {
  /**
   * Move WAL checkpoints off the calling thread: SQLite's automatic checkpoint runs inside the
   * COMMIT that crosses 1000 WAL pages (about once a second at 1000 requests/s), copying pages and
   * syncing WAL and database on the event loop. With this set, a second connection on a worker
   * thread runs PASSIVE checkpoints (synchronous=FULL: WAL synced before, database after; and the
   * database synced after every run) every `checkpointIntervalMs`, repeated until it catches up,
   * and this connection's own automatic checkpoint only backs it up at 8192 pages. The server
   * sets it; tests and the crash child keep SQLite's default.
   */
  readonly checkpointInWorker?: boolean;
  readonly checkpointIntervalMs?: number;
  /**
   * Thread-pool syncs `groupDurable` may have running at once (default 2). With one, a commit made
   * while a sync runs waits for that sync to end and then for a whole sync of its own; with two it
   * gets its own sync at once. Either way a commit is released only by a sync begun after it.
   */
  readonly maxSyncsInFlight?: number;
}

/** The checkpointer thread (CommonJS, eval'd): its own connection, PASSIVE checkpoints on a timer. */
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const { closeSync, fdatasyncSync, openSync } = require('node:fs');
const db = new Database(workerData.path);
db.pragma('synchronous = FULL');
const dbFd = openSync(workerData.path, 'r');
const stats = { runs: 0, passes: 0, busy: 0, complete: 0, ms: 0, maxLogFrames: 0 };
let timer;
const run = () => {
  const t0 = performance.now();
  stats.runs++;
  for (let i = 0; i < 8; i++) {
    const r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    stats.passes++;
    if (r.log > stats.maxLogFrames) stats.maxLogFrames = r.log;
    if (r.busy) stats.busy++;
    if (r.log === r.checkpointed) { stats.complete++; break; }
  }
  // A PASSIVE checkpoint that new commits overtook copies pages into the database file but does
  // not sync it (the WAL still holds them). Unsynced, they piled up for the one checkpoint that
  // completes — most often the writer's backstop, inside a COMMIT on the event loop — whose sync
  // then took 5–15 ms (strace of the server at 1000 requests/s). Synced here, off that loop, it
  // finds a few pages: 2–3 ms.
  fdatasyncSync(dbFd);
  stats.ms += performance.now() - t0;
  timer = setTimeout(run, workerData.intervalMs);
};
parentPort.on('message', (m) => {
  if (m === 'stats') parentPort.postMessage(stats);
  if (m === 'stop') { clearTimeout(timer); db.close(); closeSync(dbFd); parentPort.close(); }
});
run();
`;

export class SqliteStorage implements Storage {
  private readonly db: Database;
  private readonly stmts: Record<'get' | 'ins' | 'del' | 'list', ReturnType<Database['prepare']>>;
  private inTransaction = false;
  private grouping = false;
  /** Our handle on the WAL file, for fdatasync (opened once the WAL exists; kept open). */
  private walFd: number | undefined;
  private readonly walPath: string | undefined;
  /** Commits made, and commits known durable (a sync that started after them has finished). */
  private committed = 0;
  private synced = 0;
  /** Thread-pool syncs running, at most `maxSyncsInFlight`. */
  private syncsInFlight = 0;
  private readonly maxSyncsInFlight: number;
  /** The commit count the latest thread-pool sync was begun at: commits up to it need no new sync. */
  private syncRequested = 0;
  private failed: Error | undefined;
  private closing = false;
  private waiters: Array<{ readonly seq: number; readonly resolve: () => void; readonly reject: (e: Error) => void }> = [];
  /**
   * Durability statistics (bench/keys.ts prints them): syncs issued and their total time, and for
   * the thread-pool syncs the whole durable round trip, from asking for the sync to its callback
   * on the event loop (ns), which every acknowledgement waits for.
   */
  readonly syncStats = { syncs: 0, asyncSyncs: 0, ms: 0, roundTripNs: createHistogram() };

  private readonly checkpointer: Worker | undefined;
  /**
   * The transaction wrappers, made once: better-sqlite3 builds a wrapper per `db.transaction(fn)`
   * call, which cost more than the statements of a key request. `nested` is a SAVEPOINT inside a
   * group (one request's writes roll back alone), `immediate` a BEGIN IMMEDIATE transaction.
   */
  private readonly nested: <T>(work: (tx: StorageTransaction) => T) => T;
  private readonly immediate: <T>(work: () => T) => T;

  constructor(readonly path: string, opts: SqliteStorageOptions = {}) {
    this.maxSyncsInFlight = opts.maxSyncsInFlight ?? 2;
    if (!Number.isInteger(this.maxSyncsInFlight) || this.maxSyncsInFlight < 1)
      throw new RangeError(`"maxSyncsInFlight" expected an integer >= 1, got ${opts.maxSyncsInFlight}`);
    const fresh = !existsSync(path);
    this.db = new Database(path);
    if (fresh) chmodSync(path, 0o600);
    // a database without a WAL (":memory:") has nothing to sync
    this.walPath = this.db.pragma('journal_mode = WAL', { simple: true }) === 'wal' ? path + '-wal' : undefined;
    // NORMAL: no sync inside COMMIT; syncNow() issues the sync FULL would (see the header)
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('secure_delete = ON');
    this.db.pragma('foreign_keys = OFF');
    // 64 MiB of page cache (the default is 2 MiB): pool, keys and the evidence tail stay in memory,
    // so a request's reads are not system calls
    this.db.pragma('cache_size = -65536');
    // No AUTOINCREMENT (it writes sqlite_sequence on every insert): a new rowid is max(rowid) + 1,
    // so ORDER BY id is still insertion order among the rows that exist. Databases made with
    // AUTOINCREMENT by earlier versions keep it and work the same.
    this.db.exec('CREATE TABLE IF NOT EXISTS records (id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, k TEXT NOT NULL, v BLOB NOT NULL, UNIQUE (tbl, k))');
    this.stmts = {
      get: this.db.prepare('SELECT v FROM records WHERE tbl = ? AND k = ?'),
      ins: this.db.prepare('INSERT INTO records (tbl, k, v) VALUES (?, ?, ?)'),
      del: this.db.prepare('DELETE FROM records WHERE tbl = ? AND k = ?'),
      list: this.db.prepare('SELECT k, v FROM records WHERE tbl = ? ORDER BY id'),
    };
    const nested = this.db.transaction((work: (tx: StorageTransaction) => unknown) => work(this.tx));
    this.nested = nested as <T>(work: (tx: StorageTransaction) => T) => T;
    const outer = this.db.transaction((work: () => unknown) => work());
    this.immediate = outer.immediate as <T>(work: () => T) => T;
    if (opts.checkpointInWorker && this.walPath) {
      // backstop only: under sustained writes the worker's checkpoints rarely end exactly between
      // two commits, which the writer needs to restart the WAL from its start. Past 8192 pages
      // (32 MiB) this connection checkpoints the little the worker has not copied yet, and the WAL
      // restarts; without it the WAL grew to 200 MB in a 90 s run.
      this.db.pragma('wal_autocheckpoint = 8192');
      const driver = createRequire(import.meta.url).resolve('better-sqlite3');
      this.checkpointer = new Worker(CHECKPOINTER, { eval: true, workerData: { driver, path, intervalMs: opts.checkpointIntervalMs ?? 50 } });
      this.checkpointer.unref();
      this.checkpointer.on('error', (e) => { this.fail(new Error(`storage: the WAL checkpointer stopped: ${e.message}`)); });
    }
  }

  /** The checkpointer thread's figures (bench/keys.ts prints them); undefined without one. */
  checkpointStats(): Promise<{ runs: number; passes: number; ms: number; maxLogFrames: number } | undefined> {
    const w = this.checkpointer;
    if (!w) return Promise.resolve(undefined);
    return new Promise((resolve) => { w.once('message', resolve); w.postMessage('stats'); });
  }

  transaction<T>(work: (tx: StorageTransaction) => T): T {
    if (this.inTransaction) throw new Error('storage: transactions do not nest');
    if (this.grouping) {
      // inside a group: a SAVEPOINT (better-sqlite3 nests transaction functions that way), so this
      // transaction still commits or rolls back as a unit; it is durable when the group commits
      this.inTransaction = true;
      try {
        return this.nested(work);
      } finally {
        this.inTransaction = false;
      }
    }
    this.checkHealthy();
    const tx = this.tx;
    this.inTransaction = true;
    try {
      const result = this.immediate(() => work(tx));
      this.committed++;
      this.syncNow();
      return result;
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
    const result = this.groupCommit(work);
    this.syncNow();
    return result;
  }

  /**
   * Group commit with the sync off the event loop: commits `work` as `group` does and returns at
   * once with `durable`, which resolves when the commit is on disk and rejects if the sync failed
   * (then the process must stop: the commit may be lost while memory moved on). Acknowledge
   * nothing done inside before `durable` resolves.
   */
  groupDurable<T>(work: () => T): { readonly value: T; readonly durable: Promise<void> } {
    const value = this.groupCommit(work);
    const seq = this.committed;
    const durable = new Promise<void>((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
    this.kick();
    return { value, durable };
  }

  private groupCommit<T>(work: () => T): T {
    if (this.grouping || this.inTransaction) throw new Error('storage: groups do not nest');
    this.checkHealthy();
    this.grouping = true;
    try {
      const result = this.immediate(work);
      this.committed++;
      return result;
    } finally {
      this.grouping = false;
    }
  }

  private checkHealthy(): void {
    if (this.closing) throw new Error('storage: closed');
    if (this.failed) throw new Error(`storage: a WAL sync failed earlier (${this.failed.message}); refusing to commit`);
  }

  private wal(): number | undefined {
    if (this.walFd === undefined && this.walPath !== undefined) this.walFd = openSync(this.walPath, 'r');
    return this.walFd;
  }

  private fail(e: Error): Error {
    this.failed ??= e;
    for (const w of this.waiters.splice(0)) w.reject(this.failed);
    return this.failed;
  }

  /** fdatasync of the WAL on the calling thread: every commit so far is on disk when it returns. */
  private syncNow(): void {
    const target = this.committed;
    const t0 = performance.now();
    try {
      const fd = this.wal();
      if (fd !== undefined) fdatasyncSync(fd);
    } catch (e) {
      throw this.fail(e instanceof Error ? e : new Error(String(e)));
    }
    this.syncStats.syncs++;
    this.syncStats.ms += performance.now() - t0;
    this.release(target);
  }

  /**
   * Starts a thread-pool fdatasync covering every commit so far, unless one begun after the last
   * commit is running already or `maxSyncsInFlight` are (then the first to end starts it).
   */
  private kick(): void {
    if (this.syncsInFlight >= this.maxSyncsInFlight || this.failed || Math.max(this.synced, this.syncRequested) >= this.committed) return;
    let fd: number | undefined;
    try {
      fd = this.wal();
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    if (fd === undefined) { this.release(this.committed); return; }
    const target = this.committed;
    const t0 = performance.now();
    this.syncRequested = target;
    this.syncsInFlight++;
    fdatasync(fd, (err) => {
      this.syncsInFlight--;
      // closed meanwhile: SQLite's close checkpointed and synced every commit; the last sync to end closes the handle
      if (this.closing) {
        if (this.syncsInFlight === 0) { closeSync(fd); this.walFd = undefined; }
        this.release(this.committed);
        return;
      }
      if (err) { this.fail(err); return; }
      const ms = performance.now() - t0;
      this.syncStats.syncs++;
      this.syncStats.asyncSyncs++;
      this.syncStats.ms += ms;
      this.syncStats.roundTripNs.record(Math.max(1, Math.round(ms * 1e6)));
      this.release(target);
      this.kick();
    });
  }

  private release(upto: number): void {
    if (upto > this.synced) this.synced = upto;
    if (!this.waiters.length) return;
    const done = this.waiters.filter((w) => w.seq <= this.synced);
    this.waiters = this.waiters.filter((w) => w.seq > this.synced);
    for (const w of done) w.resolve();
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

  /** Closes the database (its own close checkpoints and syncs); wait for outstanding `durable` promises first. */
  close(): void {
    this.checkpointer?.postMessage('stop');
    if (this.db.open) this.db.close();
    // a sync still on the thread pool closes the handle when it ends
    if (this.walFd !== undefined && this.syncsInFlight === 0) closeSync(this.walFd);
    if (this.syncsInFlight === 0) this.walFd = undefined;
    this.closing = true;
  }
}
