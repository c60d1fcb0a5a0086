/** The desktop Storage and Sealer backends: SQLite (WAL, our own fdatasync per commit, secure_delete) and the file-KEK sealer. */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FileSealer } from '../hal/node/file-sealer.ts';
import { nativeCrypto } from '../hal/node/crypto-native.ts';
import { SqliteStorage } from '../hal/node/sqlite-storage.ts';
import { verifyEvidence } from '../src/evidence/verify.ts';
import { fixture, session } from './_keyservice.ts';
import { artefact } from './_scan.ts';
import { SimClock } from '../hal/sim/clock.ts';

const dir = mkdtempSync(join(tmpdir(), 'lv-sqlite-'));
const bytes = (s: string) => new TextEncoder().encode(s);

test('SQLite storage: WAL, synchronous=NORMAL plus our own WAL fdatasync per commit, secure_delete, mode 0600', () => {
  const path = join(dir, 'a.db');
  const s = new SqliteStorage(path);
  s.transaction((tx) => tx.append('t', 'k', bytes('v')));
  s.close();
  const db = new Database(path, { readonly: true });
  assert.is(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
  const again = new SqliteStorage(path) as any;
  assert.is(again.db.pragma('synchronous', { simple: true }), 1, 'NORMAL: the sync is ours');
  const before = again.syncStats.syncs;
  again.transaction((tx: any) => tx.append('t', 'k2', bytes('v')));
  assert.is(again.syncStats.syncs, before + 1, 'a plain transaction returns after its fdatasync');
  again.group(() => again.transaction((tx: any) => tx.append('t', 'k3', bytes('v'))));
  assert.is(again.syncStats.syncs, before + 2, 'a group returns after ONE fdatasync');
  assert.is(again.db.pragma('secure_delete', { simple: true }), 1);
  again.close();
  assert.is(statSync(path).mode & 0o777, 0o600);
});

test('SQLite storage: the port contract — all or nothing, duplicate names throw, order kept, get inside tx', () => {
  const s = new SqliteStorage(join(dir, 'b.db'));
  s.transaction((tx) => { tx.append('t', 'b', bytes('1')); tx.append('t', 'a', bytes('2')); assert.equal(tx.get('t', 'b'), bytes('1')); });
  assert.equal(s.list('t').map((r) => r.key), ['b', 'a']);
  assert.throws(() => s.transaction((tx) => { tx.append('t', 'c', bytes('3')); tx.append('t', 'a', bytes('4')); }), /exists already/);
  assert.is(s.get('t', 'c'), undefined, 'the failed transaction left nothing');
  assert.throws(() => s.transaction((tx) => { tx.delete('t', 'a'); throw new Error('boom'); }), /boom/);
  assert.equal(s.get('t', 'a'), bytes('2'));
  assert.throws(() => s.transaction(() => s.transaction(() => 0)), /do not nest/);
  s.close();
});

test('SQLite group commit: inner transactions are savepoints; a failing one rolls back alone', () => {
  const s = new SqliteStorage(join(dir, 'c.db'));
  s.group(() => {
    s.transaction((tx) => tx.append('t', 'x', bytes('1')));
    assert.throws(() => s.transaction((tx) => { tx.append('t', 'y', bytes('2')); tx.append('t', 'x', bytes('3')); }));
    s.transaction((tx) => tx.append('t', 'z', bytes('4')));
  });
  assert.equal(s.list('t').map((r) => r.key), ['x', 'z']);
  s.close();
});

test('file sealer: KEK outside the database with mode 0600, tamper and wrong aad refused, loose modes refused', () => {
  const kek = join(dir, 'kek.bin');
  const sealer = new FileSealer(kek);
  assert.is(statSync(kek).mode & 0o777, 0o600);
  assert.is(readFileSync(kek).length, 32);
  const sealed = sealer.seal(bytes('secret key bytes'), bytes('aad'));
  assert.equal(sealer.unseal(sealed, bytes('aad')), bytes('secret key bytes'));
  const t = sealed.slice();
  t[20]! ^= 1;
  assert.throws(() => sealer.unseal(t, bytes('aad')));
  assert.throws(() => sealer.unseal(sealed, bytes('other')));
  assert.equal(new FileSealer(kek).unseal(sealed, bytes('aad')), bytes('secret key bytes'), 'the same KEK after a restart');
  const loose = join(dir, 'loose.bin');
  writeFileSync(loose, new Uint8Array(32));
  chmodSync(loose, 0o644);
  assert.throws(() => new FileSealer(loose), /mode 0600/);
});

test('file sealer over the native AEAD backend: the same envelope both ways, tamper refused, KEK released on destroy', () => {
  const kek = join(dir, 'kek-native.bin');
  const plain = new FileSealer(kek);
  const crypto = nativeCrypto();
  const native = new FileSealer(kek, crypto);
  assert.match(native.name, /aes-256-gcm\/file-kek/);
  assert.is.not(native.name, plain.name);
  for (const n of [0, 1, 32, 480, 512]) {
    const secret = Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 255);
    assert.equal(plain.unseal(native.seal(secret, bytes(`aad${n}`)), bytes(`aad${n}`)), secret, `native → node:crypto, ${n} bytes`);
    assert.equal(native.unseal(plain.seal(secret, bytes(`aad${n}`)), bytes(`aad${n}`)), secret, `node:crypto → native, ${n} bytes`);
  }
  const sealed = native.seal(bytes('secret key bytes'), bytes('aad'));
  const t = sealed.slice();
  t[20]! ^= 1;
  assert.throws(() => native.unseal(t, bytes('aad')), /authentication failed/);
  assert.throws(() => native.unseal(sealed, bytes('other')), /authentication failed/);
  const held = crypto.cachedKeys();
  assert.ok(held >= 1);
  native.destroy();
  assert.is(crypto.cachedKeys(), held - 1, 'the KEK schedule is wiped with the sealer');
});

test('the service on SQLite survives a restart: pending refs still served once, consumed ones not, chain intact', () => {
  const path = join(dir, 'svc.db');
  const clock = new SimClock(Date.UTC(2026, 10, 23, 8));
  const sealer = new FileSealer(join(dir, 'svc-kek.bin'));
  let storage = new SqliteStorage(path);
  let f = fixture({ storage, sealer, clock });
  const taken = session(f);
  const pending = session(f);
  assert.is(f.call({ method: 'GET', path: `/lightvibes/key/${taken.json.key_ref}` }).status, 200);
  storage.close();
  storage = new SqliteStorage(path);
  f = fixture({ storage, sealer: new FileSealer(join(dir, 'svc-kek.bin')), clock, seed: 2 });
  assert.is(f.call({ method: 'GET', path: `/lightvibes/key/${taken.json.key_ref}` }).status, 404);
  assert.is(f.call({ method: 'GET', path: `/lightvibes/key/${pending.json.key_ref}` }).status, 200);
  const v = verifyEvidence(storage.list('evidence').map((r) => r.value));
  assert.ok(v.ok);
  storage.close();
  artefact('sqlite database file', new Uint8Array(readFileSync(path)));
  try { artefact('sqlite wal file', new Uint8Array(readFileSync(path + '-wal'))); } catch { /* checkpointed */ }
});

test('SQLite groupDurable, one sync at a time: commits at once, resolves only after a sync begun after its commit', async () => {
  const path = join(dir, 'durable.db');
  const s = new SqliteStorage(path, { maxSyncsInFlight: 1 });
  s.transaction((tx) => tx.append('t', 'x', bytes('0')));
  assert.is(s.syncStats.roundTripNs.max, 0, 'a sync on the calling thread is no round trip');
  const order: string[] = [];
  const first = s.groupDurable(() => s.transaction((tx) => { tx.append('t', 'a', bytes('1')); return 'a'; }));
  assert.is(first.value, 'a');
  assert.equal(s.get('t', 'a'), bytes('1'), 'committed (visible) before it is durable');
  // committed while the first sync is on the thread pool: that sync must not release it
  const second = s.groupDurable(() => s.transaction((tx) => tx.append('t', 'b', bytes('2'))));
  const third = s.groupDurable(() => s.transaction((tx) => tx.append('t', 'c', bytes('3'))));
  const p1 = first.durable.then(() => order.push(`a:${s.syncStats.asyncSyncs}`));
  const p2 = second.durable.then(() => order.push(`b:${s.syncStats.asyncSyncs}`));
  const p3 = third.durable.then(() => order.push(`c:${s.syncStats.asyncSyncs}`));
  await Promise.all([p1, p2, p3]);
  assert.equal(order, ['a:1', 'b:2', 'c:2'], 'the first sync covers the first commit only; one later sync covers the next two');
  const rt = s.syncStats.roundTripNs;
  assert.ok(rt.min >= 1 && rt.max >= rt.min && rt.max < 60e9, `the thread-pool syncs' round trips are recorded: ${rt.min}..${rt.max} ns`);
  assert.throws(() => s.groupDurable(() => s.groupDurable(() => 0)), /do not nest/);
  s.close();
  const again = new SqliteStorage(path);
  assert.equal(again.list('t').map((r) => r.key), ['x', 'a', 'b', 'c']);
  again.close();
});

test('SQLite groupDurable, two syncs at once (the default): a commit made during a sync gets its own at once', async () => {
  const path = join(dir, 'durable-two.db');
  const s = new SqliteStorage(path);
  s.transaction((tx) => tx.append('t', 'x', bytes('0')));
  const commit = (k: string) => s.groupDurable(() => s.transaction((tx) => tx.append('t', k, bytes(k)))).durable;
  // a and b each start a sync; c finds two running and is left to the first of them to end
  const durable = [commit('a'), commit('b'), commit('c')];
  assert.is(s.syncStats.asyncSyncs, 0, 'no sync has ended yet');
  await Promise.all(durable);
  assert.is(s.syncStats.asyncSyncs, 3, 'a and b got a sync each, c one begun after both (one at a time gives 2: a, then b and c)');
  // closing while two syncs run: the last of them to end closes the WAL handle, and nothing is lost
  const late = [commit('d'), commit('e')];
  s.close();
  await Promise.all(late);
  const again = new SqliteStorage(path);
  assert.equal(again.list('t').map((r) => r.key), ['x', 'a', 'b', 'c', 'd', 'e']);
  again.close();
  assert.throws(() => new SqliteStorage(join(dir, 'zero.db'), { maxSyncsInFlight: 0 }), /"maxSyncsInFlight" expected an integer >= 1, got 0/);
});

test('SQLite groupDurable: a failed sync rejects every waiter and refuses later commits (fail closed)', async () => {
  const s = new SqliteStorage(join(dir, 'failing.db')) as any;
  s.transaction((tx: any) => tx.append('t', 'x', bytes('0')));
  const realFd = s.walFd;
  s.walFd = 2 ** 30; // not an open descriptor: fdatasync fails with EBADF
  const g = s.groupDurable(() => s.transaction((tx: any) => tx.append('t', 'a', bytes('1'))));
  let rejected: unknown;
  await g.durable.catch((e: unknown) => { rejected = e; });
  assert.ok(rejected instanceof Error, 'the waiter is told');
  assert.throws(() => s.groupDurable(() => 0), /sync failed/);
  assert.throws(() => s.transaction(() => 0), /sync failed/);
  s.walFd = realFd;
  s.close();
});

test('SQLite checkpointer thread: copies the WAL into the database (synced) while commits go on; everything survives close', async () => {
  const path = join(dir, 'checkpointed.db');
  const s = new SqliteStorage(path, { checkpointInWorker: true, checkpointIntervalMs: 2 });
  const page = new Uint8Array(2000).fill(7);
  for (let i = 0; i < 400; i++) await s.groupDurable(() => s.transaction((tx) => tx.append('t', `k${i}`, page))).durable;
  let stats = await s.checkpointStats();
  for (let i = 0; i < 100 && stats!.runs < 3; i++) {
    await new Promise((r) => setTimeout(r, 10));
    stats = await s.checkpointStats();
  }
  assert.ok(stats!.runs >= 3 && stats!.passes >= stats!.runs, `the worker ran (${JSON.stringify(stats)})`);
  // the worker's copies reached the database file itself: a reader that ignores the WAL sees them
  const raw = readFileSync(path);
  assert.ok(raw.length > 400 * 2000, `database file ${raw.length} bytes: pages were checkpointed into it`);
  s.close();
  await new Promise((r) => setTimeout(r, 50)); // the worker closes its connection and descriptor
  const again = new SqliteStorage(path);
  const rows = again.list('t');
  assert.is(rows.length, 400);
  assert.equal(rows[399]!.value, page);
  again.close();
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
