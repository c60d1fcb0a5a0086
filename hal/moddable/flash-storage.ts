/**
 * Storage port on flash files (boards; the same code runs on any runtime given its file
 * primitives): the atomic-commit contract of hal/storage.ts by write-new-then-rename.
 *
 * Each committed transaction is one file `tx-<seq>.lv`: written in full as `tx-<seq>.tmp`,
 * synced, then renamed — the rename is the commit point (atomic on LittleFS and POSIX). A crash
 * before it leaves a `.tmp` that is ignored and removed at the next open; after it, the whole
 * transaction is there. Every file carries a CRC-32C; a committed file that fails it (flash
 * corruption) refuses to open with a typed reason rather than serve partial state. Every
 * `compactEvery` transactions the state is written as `snap-<seq>.lv` the same way and the
 * files it covers are deleted (a crash in between leaves duplicates that replay skips by seq).
 *
 * File layout (big-endian): magic "LVTX" or "LVSN" · version 1 · seq u32 · ops u32 · ops · crc u32;
 * an op is kind u8 (1 append, 2 delete) · table (u16 length + UTF-8) · key (same) · for an
 * append, value (u32 length + bytes). A snapshot holds appends only, in insertion order.
 */
import { checkBytes } from '../../src/_check.ts';
import { enumNames } from '../../src/_enum.ts';
import { crc32c } from '../hil/crc32c.ts';
import type { Storage, StorageTransaction } from '../storage.ts';

/** The file primitives a board gives (Moddable's `file` module; fs on the desktop; natives in lvxs). */
export interface FlashFiles {
  /** The whole file, or undefined if it does not exist. */
  read(name: string): Uint8Array | undefined;
  /** Creates or replaces the file with `data` and syncs it to the medium before returning. */
  write(name: string, data: Uint8Array): void;
  /** Atomically replaces `to` with `from`. */
  rename(from: string, to: string): void;
  delete(name: string): void;
  /** The names of the files in the store. */
  list(): string[];
}

export const FlashStorageReject = {
  /** A committed file fails its CRC or its layout. */
  CORRUPT: 1,
  /** A file of another format version. */
  VERSION: 2,
} as const;
export type FlashStorageReject = (typeof FlashStorageReject)[keyof typeof FlashStorageReject];
export const FlashStorageRejectName = enumNames(FlashStorageReject);

export class FlashStorageError extends Error {
  readonly reason: FlashStorageReject;
  constructor(reason: FlashStorageReject, detail: string) {
    super(`flash storage: ${FlashStorageRejectName[reason]}: ${detail}`);
    this.name = 'FlashStorageError';
    this.reason = reason;
  }
}

type Op = { kind: 1; table: string; key: string; value: Uint8Array } | { kind: 2; table: string; key: string };

const TX = 'LVTX', SNAP = 'LVSN', VERSION = 1;
const utf8 = new TextEncoder(), fromUtf8 = new TextDecoder('utf-8', { fatal: true });

function encodeFile(magic: string, seq: number, ops: readonly Op[]): Uint8Array {
  let size = 13 + 4;
  const enc = ops.map((op) => {
    const t = utf8.encode(op.table), k = utf8.encode(op.key);
    if (t.length > 0xffff || k.length > 0xffff) throw new RangeError('"table"/"key" expected at most 65535 UTF-8 bytes');
    size += 5 + t.length + k.length + (op.kind === 1 ? 4 + op.value.length : 0);
    return { op, t, k };
  });
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  out.set(utf8.encode(magic), 0);
  out[4] = VERSION;
  v.setUint32(5, seq);
  v.setUint32(9, ops.length);
  let at = 13;
  for (const { op, t, k } of enc) {
    out[at++] = op.kind;
    v.setUint16(at, t.length); out.set(t, at + 2); at += 2 + t.length;
    v.setUint16(at, k.length); out.set(k, at + 2); at += 2 + k.length;
    if (op.kind === 1) { v.setUint32(at, op.value.length); out.set(op.value, at + 4); at += 4 + op.value.length; }
  }
  v.setUint32(at, crc32c(out.subarray(0, at)));
  return out;
}

function decodeFile(name: string, data: Uint8Array, magic: string): { seq: number; ops: Op[] } {
  const bad = (why: string) => new FlashStorageError(FlashStorageReject.CORRUPT, `${name}: ${why}`);
  if (data.length < 17) throw bad('truncated');
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (v.getUint32(data.length - 4) !== crc32c(data.subarray(0, data.length - 4))) throw bad('CRC-32C mismatch');
  if (fromUtf8.decode(data.subarray(0, 4)) !== magic) throw bad('wrong magic');
  if (data[4] !== VERSION) throw new FlashStorageError(FlashStorageReject.VERSION, `${name}: version ${data[4]}`);
  const seq = v.getUint32(5), n = v.getUint32(9), end = data.length - 4;
  const ops: Op[] = [];
  let at = 13;
  const take = (len: number) => {
    if (at + len > end) throw bad('op runs past the end');
    const s = data.subarray(at, at + len);
    at += len;
    return s;
  };
  const str = () => { const l = take(2); return fromUtf8.decode(take((l[0]! << 8) | l[1]!)); };
  for (let i = 0; i < n; i++) {
    const kind = take(1)[0];
    const table = str(), key = str();
    if (kind === 1) { const l = take(4); ops.push({ kind: 1, table, key, value: take(((l[0]! << 24) | (l[1]! << 16) | (l[2]! << 8) | l[3]!) >>> 0).slice() }); }
    else if (kind === 2) ops.push({ kind: 2, table, key });
    else throw bad(`op kind ${kind}`);
  }
  if (at !== end) throw bad('trailing bytes');
  return { seq, ops };
}

const TX_NAME = /^tx-(\d{10})\.lv$/, SNAP_NAME = /^snap-(\d{10})\.lv$/;
const pad = (seq: number) => String(seq).padStart(10, '0');

export class FlashStorage implements Storage {
  readonly #files: FlashFiles;
  readonly #compactEvery: number;
  readonly #tables = new Map<string, Map<string, Uint8Array>>();
  #seq = 0;
  #sinceSnapshot = 0;
  #inTransaction = false;

  /** Opens (and recovers) the store: removes uncommitted `.tmp` files, replays snapshot + transactions. */
  constructor(files: FlashFiles, options: { compactEvery?: number } = {}) {
    this.#files = files;
    this.#compactEvery = options.compactEvery ?? 64;
    const names = files.list();
    for (const n of names) if (n.endsWith('.tmp')) files.delete(n);
    const snaps = names.map((n) => SNAP_NAME.exec(n)).filter((m) => m).map((m) => Number(m![1])).sort((a, b) => a - b);
    let base = 0;
    if (snaps.length) {
      base = snaps.at(-1)!;
      const name = `snap-${pad(base)}.lv`;
      for (const op of decodeFile(name, files.read(name)!, SNAP).ops) this.#apply(op);
    }
    const txs = names.map((n) => TX_NAME.exec(n)).filter((m) => m).map((m) => Number(m![1])).sort((a, b) => a - b);
    this.#seq = base;
    for (const seq of txs) {
      const name = `tx-${pad(seq)}.lv`;
      if (seq <= base) { files.delete(name); continue; } // covered by the snapshot (a crash after it, before the cleanup)
      const f = decodeFile(name, files.read(name)!, TX);
      if (f.seq !== seq) throw new FlashStorageError(FlashStorageReject.CORRUPT, `${name} says seq ${f.seq}`);
      for (const op of f.ops) this.#apply(op);
      this.#seq = seq;
      this.#sinceSnapshot++;
    }
    for (const s of snaps.slice(0, -1)) files.delete(`snap-${pad(s)}.lv`);
  }

  #apply(op: Op): void {
    let t = this.#tables.get(op.table);
    if (op.kind === 1) {
      if (!t) this.#tables.set(op.table, (t = new Map()));
      t.set(op.key, op.value);
    } else t?.delete(op.key);
  }

  #commit(name: string, bytes: Uint8Array): void {
    const tmp = name.replace(/\.lv$/, '.tmp');
    this.#files.write(tmp, bytes);
    this.#files.rename(tmp, name);
  }

  transaction<T>(work: (tx: StorageTransaction) => T): T {
    if (this.#inTransaction) throw new Error('storage: transactions do not nest');
    const ops: Op[] = [];
    const added = new Map<string, Uint8Array>(), deleted = new Set<string>();
    const id = (t: string, k: string) => `${t.length}:${t}/${k}`;
    const pending = (table: string, key: string) => {
      const i = id(table, key);
      if (added.has(i)) return added.get(i);
      return deleted.has(i) ? undefined : this.get(table, key);
    };
    const tx: StorageTransaction = {
      append: (table, key, value) => {
        checkBytes('value', value);
        if (pending(table, key) !== undefined) throw new Error(`storage: ${table}/${key} exists already`);
        const copy = value.slice();
        added.set(id(table, key), copy);
        ops.push({ kind: 1, table, key, value: copy });
      },
      delete: (table, key) => {
        if (pending(table, key) === undefined) return false;
        const i = id(table, key);
        if (added.delete(i)) {
          const at = ops.findIndex((o) => o.kind === 1 && o.table === table && o.key === key);
          ops.splice(at, 1);
        } else {
          deleted.add(i);
          ops.push({ kind: 2, table, key });
        }
        return true;
      },
      get: (table, key) => pending(table, key)?.slice(),
    };
    this.#inTransaction = true;
    try {
      const result = work(tx);
      if (ops.length) {
        const seq = this.#seq + 1;
        this.#commit(`tx-${pad(seq)}.lv`, encodeFile(TX, seq, ops)); // the commit point
        this.#seq = seq;
        for (const op of ops) this.#apply(op);
        if (++this.#sinceSnapshot >= this.#compactEvery) this.#compact();
      }
      return result;
    } finally {
      this.#inTransaction = false;
    }
  }

  /** Writes the state as one snapshot and deletes the transaction files it covers. */
  #compact(): void {
    const ops: Op[] = [];
    for (const [table, t] of this.#tables) for (const [key, value] of t) ops.push({ kind: 1, table, key, value });
    this.#commit(`snap-${pad(this.#seq)}.lv`, encodeFile(SNAP, this.#seq, ops));
    for (const n of this.#files.list()) {
      const m = TX_NAME.exec(n) ?? SNAP_NAME.exec(n);
      if (m && Number(m[1]) <= this.#seq && n !== `snap-${pad(this.#seq)}.lv`) this.#files.delete(n);
    }
    this.#sinceSnapshot = 0;
  }

  get(table: string, key: string): Uint8Array | undefined {
    return this.#tables.get(table)?.get(key)?.slice();
  }

  list(table: string): Array<{ key: string; value: Uint8Array }> {
    return [...(this.#tables.get(table) ?? [])].map(([key, value]) => ({ key, value: value.slice() }));
  }
}
