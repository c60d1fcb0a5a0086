/**
 * The flash-file Storage backend (hal/moddable/flash-storage.ts) against the Storage contract:
 * the same atomic-commit cases as the memory backend, a model-based property against
 * MemoryStorage (including reopen and compaction), a crash at every single file operation of a
 * transaction (with a torn, half-written file) leaving exactly the old or the new state, and a
 * corrupted committed file refused with a typed reason. Runs on real files (fs with fsync).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FlashStorage, FlashStorageError, FlashStorageReject, type FlashFiles } from '../hal/moddable/flash-storage.ts';
import { MemoryStorage } from '../hal/sim/storage.ts';
import type { Storage } from '../hal/storage.ts';
import { ROOT } from './xs/harness.ts';

const root = join(ROOT, 'build', 'moddable-storage', String(process.pid));
let dirs = 0;

/** FlashFiles on a real directory, each write synced (what a board's file module does). */
function dirFiles(dir = join(root, String(dirs++))): FlashFiles & { dir: string } {
  mkdirSync(dir, { recursive: true });
  return {
    dir,
    read: (n) => (existsSync(join(dir, n)) ? new Uint8Array(readFileSync(join(dir, n))) : undefined),
    write: (n, data) => { const fd = openSync(join(dir, n), 'w'); try { writeSync(fd, data); fsyncSync(fd); } finally { closeSync(fd); } },
    rename: (a, b) => renameSync(join(dir, a), join(dir, b)),
    delete: (n) => { if (existsSync(join(dir, n))) unlinkSync(join(dir, n)); },
    list: () => readdirSync(dir),
  };
}

class Crash extends Error {}

/** Dies at file operation number `at` (0-based); a write it dies in leaves a torn half file. */
function crashing(files: FlashFiles, at: number): FlashFiles & { ops: number } {
  const w = {
    ops: 0,
    read: (n: string) => files.read(n),
    list: () => files.list(),
    write(n: string, data: Uint8Array) { if (w.ops++ === at) { files.write(n, data.subarray(0, data.length >> 1)); throw new Crash(); } files.write(n, data); },
    rename(a: string, b: string) { if (w.ops++ === at) throw new Crash(); files.rename(a, b); },
    delete(n: string) { if (w.ops++ === at) throw new Crash(); files.delete(n); },
  };
  return w;
}

const state = (s: Storage, tables: string[]) => Object.fromEntries(tables.map((t) => [t, s.list(t).map((r) => [r.key, Array.from(r.value)])]));

test('flash storage: a transaction commits all its records or none, and survives a reopen', () => {
  const files = dirFiles();
  const s = new FlashStorage(files);
  s.transaction((tx) => { tx.append('k', 'a', Uint8Array.of(1)); tx.append('k', 'b', Uint8Array.of(2)); });
  assert.throws(() => s.transaction((tx) => { tx.append('k', 'c', Uint8Array.of(3)); throw new Error('crash'); }), /crash/);
  assert.is(s.get('k', 'c'), undefined);
  assert.throws(() => s.transaction((tx) => tx.append('k', 'a', Uint8Array.of(9))), /exists already/);
  assert.equal(s.list('k').map((r) => r.key), ['a', 'b']);
  assert.ok(s.transaction((tx) => tx.delete('k', 'a')));
  assert.equal(s.list('k').map((r) => r.key), ['b']);
  assert.throws(() => s.transaction(() => s.transaction(() => 0)), /do not nest/);
  const again = new FlashStorage(files);
  assert.equal(state(again, ['k']), { k: [['b', [2]]] });
  assert.equal(files.list().sort(), ['tx-0000000001.lv', 'tx-0000000002.lv'], 'one file per committed transaction, none for a failed one');
});

type Step = { kind: 'tx'; ops: Array<{ del: boolean; table: string; key: string; v: number }>; fail: boolean } | { kind: 'reopen' };
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({
    kind: fc.constant('tx' as const),
    ops: fc.array(fc.record({ del: fc.boolean(), table: fc.constantFrom('keys', 'log', 'é'), key: fc.constantFrom('a', 'b', 'c', 'd', ''), v: fc.nat({ max: 255 }) }), { maxLength: 5 }),
    fail: fc.boolean(),
  }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
);

function run(s: Storage, st: Extract<Step, { kind: 'tx' }>): string {
  try {
    s.transaction((tx) => {
      for (const o of st.ops) {
        if (o.del) tx.delete(o.table, o.key);
        else if (tx.get(o.table, o.key) === undefined) tx.append(o.table, o.key, Uint8Array.of(o.v, 7));
      }
      if (st.fail) throw new Error('abort');
    });
    return 'ok';
  } catch (e) {
    return String(e);
  }
}

test('flash storage behaves like the memory storage, across reopens and compactions (property)', () => {
  fc.assert(fc.property(fc.array(step, { maxLength: 30 }), fc.integer({ min: 1, max: 6 }), (steps, compactEvery) => {
    const files = dirFiles();
    const model = new MemoryStorage();
    let s = new FlashStorage(files, { compactEvery });
    for (const st of steps) {
      if (st.kind === 'reopen') s = new FlashStorage(files, { compactEvery });
      else assert.is(run(s, st), run(model, st));
      assert.equal(state(s, ['keys', 'log', 'é']), state(model, ['keys', 'log', 'é']));
    }
    assert.equal(state(new FlashStorage(files), ['keys', 'log', 'é']), state(model, ['keys', 'log', 'é']));
    assert.ok(files.list().length <= compactEvery + 1, `${files.list().length} files with compactEvery ${compactEvery}`);
    rmSync(files.dir, { recursive: true });
  }), { numRuns: 60 });
});

test('a crash at every file operation of a transaction (torn writes included) leaves the old or the new state', () => {
  for (const compactEvery of [1, 3]) {
    for (let at = 0; ; at++) {
      const files = dirFiles();
      const s = new FlashStorage(files, { compactEvery });
      s.transaction((tx) => { tx.append('k', 'a', Uint8Array.of(1)); tx.append('k', 'b', Uint8Array.of(2)); });
      s.transaction((tx) => { tx.append('k', 'c', Uint8Array.of(3)); });
      const before = state(new FlashStorage(files), ['k']);
      const crash = crashing(files, at);
      const c = new FlashStorage(crash, { compactEvery });
      let crashed = false;
      try {
        c.transaction((tx) => { tx.delete('k', 'a'); tx.append('k', 'd', new Uint8Array(300).fill(4)); tx.append('j', 'x', Uint8Array.of(5)); });
      } catch (e) {
        if (!(e instanceof Crash)) throw e;
        crashed = true;
      }
      const after = new FlashStorage(files, { compactEvery });
      const got = state(after, ['k', 'j']);
      const old = { ...before, j: [] };
      const updated = { k: [['b', [2]], ['c', [3]], ['d', Array(300).fill(4)]], j: [['x', [5]]] };
      assert.ok(JSON.stringify(got) === JSON.stringify(old) || JSON.stringify(got) === JSON.stringify(updated), `crash at op ${at}: ${JSON.stringify(got)}`);
      if (crashed && at === 0) assert.equal(got, old, 'a torn write of the new file is never committed');
      assert.ok(!files.list().some((n) => n.endsWith('.tmp')), 'the reopen removed the torn .tmp');
      rmSync(files.dir, { recursive: true });
      if (!crashed) break; // every operation of the transaction has had its crash
    }
  }
});

test('a committed file that fails its CRC refuses to open with FlashStorageReject.CORRUPT', () => {
  const files = dirFiles();
  const s = new FlashStorage(files);
  s.transaction((tx) => tx.append('k', 'a', Uint8Array.of(1, 2, 3)));
  const bytes = files.read('tx-0000000001.lv')!;
  bytes[bytes.length - 6]! ^= 0x10;
  files.write('tx-0000000001.lv', bytes);
  try {
    new FlashStorage(files);
    assert.unreachable('opened');
  } catch (e) {
    assert.instance(e, FlashStorageError);
    assert.is((e as FlashStorageError).reason, FlashStorageReject.CORRUPT);
  }
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
