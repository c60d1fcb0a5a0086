/**
 * Tombstone pruning (src/keystore/keystore.ts prune, KeyService.pruneTombstones): tombstones older
 * than the longest TTL + the skew allowance go, in one transaction; a pruned ref answers 404 and is
 * never served; a tombstone whose key record still exists is never pruned, whatever the clock says.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { SimSealer } from '../hal/sim/sealer.ts';
import { MemoryStorage } from '../hal/sim/storage.ts';
import type { Storage, StorageTransaction } from '../hal/storage.ts';
import { DEFAULT_SERVICE_CONFIG } from '../src/agent/service.ts';
import { canonicalBytes } from '../src/evidence/canonical.ts';
import { keyRefId } from '../src/keystore/keyref.ts';
import { KEYS_TABLE, KeyStore, SPENT_TABLE } from '../src/keystore/keystore.ts';
import { fixture, session } from './_keyservice.ts';

/** MemoryStorage that counts the transactions it ran. */
class CountingStorage implements Storage {
  transactions = 0;
  private readonly inner = new MemoryStorage();
  transaction<T>(work: (tx: StorageTransaction) => T): T {
    this.transactions++;
    return this.inner.transaction(work);
  }
  get(table: string, key: string) { return this.inner.get(table, key); }
  list(table: string) { return this.inner.list(table); }
}

const HORIZON_MS = (DEFAULT_SERVICE_CONFIG.maxTtlS + 300) * 1000;

test('prune: tombstones past the longest TTL + skew go in one transaction; the pruned refs answer 404, never a key', () => {
  const storage = new CountingStorage();
  const f = fixture({ storage, blocks: 8 });
  const refs: string[] = [];
  for (let i = 0; i < 5; i++) {
    const s = session(f);
    assert.is(s.status, 201);
    refs.push(s.json.key_ref);
    assert.is(f.call({ method: 'GET', path: `/lightvibes/key/${s.json.key_ref}` }).status, 200);
  }
  const young = session(f);
  assert.is(storage.list(SPENT_TABLE).length, 5);
  assert.is(f.service.pruneTombstones(), 0, 'nothing is old enough yet');
  f.clock.advance(HORIZON_MS - 1000);
  assert.is(f.call({ method: 'GET', path: `/lightvibes/key/${young.json.key_ref}` }).status, 404, 'the young ref expired meanwhile (tombstone EXPIRED, new)');
  assert.is(f.service.pruneTombstones(), 0, 'one second short of the horizon: all kept');
  f.clock.advance(2000);
  const before = storage.transactions;
  assert.is(f.service.pruneTombstones(), 5);
  assert.is(storage.transactions - before, 1, 'one transaction for all of them');
  assert.equal(storage.list(SPENT_TABLE).map((r) => r.key), [`ref:${keyRefId(young.json.key_ref)}`], 'the younger tombstone stays');
  for (const ref of refs) {
    const k = f.call({ method: 'GET', path: `/lightvibes/key/${ref}` });
    assert.is(k.status, 404, ref);
    assert.not.ok('key' in (k.json ?? {}), 'no key material in the answer');
    assert.is(f.storage.get(KEYS_TABLE, `ref:${keyRefId(ref)}`), undefined);
  }
  assert.is(f.service.pruneTombstones(), 0, 'idempotent');
});

test('prune: a tombstone whose key record still exists (one reader of several has taken it) is kept at any age', () => {
  const storage = new MemoryStorage();
  const store = new KeyStore(storage, new SimSealer(new SimEntropy(1, 'sealer')), new SimEntropy(1, 'prune'));
  storage.transaction((tx) => {
    tx.append(KEYS_TABLE, 'ref:00000000000000000000000000000001', canonicalBytes({ name: 'ref:00000000000000000000000000000001' }));
    tx.append(SPENT_TABLE, 'ref:00000000000000000000000000000001#sae-b', canonicalBytes({ code: 2, wall_ms: 0 }));
    tx.append(SPENT_TABLE, 'ref:00000000000000000000000000000002', canonicalBytes({ code: 2, wall_ms: 0 }));
    tx.append(SPENT_TABLE, 'ref:00000000000000000000000000000003', canonicalBytes({ code: 3, wall_ms: 10_000 }));
  });
  assert.is(storage.transaction((tx) => store.prune(tx, 10_000)), 1);
  assert.equal(storage.list(SPENT_TABLE).map((r) => r.key), ['ref:00000000000000000000000000000001#sae-b', 'ref:00000000000000000000000000000003']);
  storage.transaction((tx) => tx.delete(KEYS_TABLE, 'ref:00000000000000000000000000000001'));
  assert.is(storage.transaction((tx) => store.prune(tx, 10_001)), 2, 'once the record is gone, both go');
  assert.equal(storage.list(SPENT_TABLE), []);
});

test('prune: a transaction that fails prunes nothing', () => {
  const storage = new MemoryStorage();
  const store = new KeyStore(storage, new SimSealer(new SimEntropy(1, 'sealer')), new SimEntropy(1, 'prune'));
  storage.transaction((tx) => tx.append(SPENT_TABLE, 'ref:00000000000000000000000000000009', canonicalBytes({ code: 2, wall_ms: 0 })));
  assert.throws(() => storage.transaction((tx) => {
    store.prune(tx, 1);
    throw new Error('crash');
  }), /crash/);
  assert.is(storage.list(SPENT_TABLE).length, 1);
});

test.run();
