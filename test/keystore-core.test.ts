/** The key store through the service on simulated ports: one-shot refs, TTL, zeroisation, sealing, atomicity. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { SimSealer } from '../hal/sim/sealer.ts';
import { MemoryStorage } from '../hal/sim/storage.ts';
import type { Sealer } from '../hal/sealer.ts';
import type { Storage, StorageTransaction } from '../hal/storage.ts';
import { deliveryAad } from '../src/agent/service.ts';
import { base64Decode, base64Encode } from '../src/base64.ts';
import { bytesToHex } from '../src/bytes.ts';
import { isKeyId, isKeyRef, keyRefId, newKeyId, newKeyRef } from '../src/keystore/keyref.ts';
import { KeyStore, KEYS_TABLE, POOL_TABLE } from '../src/keystore/keystore.ts';
import { SimClock } from '../hal/sim/clock.ts';
import { SimKeySupply } from '../sim/key-supply.ts';
import fc from 'fast-check';
import { fixture, session } from './_keyservice.ts';
import { artefact, issuedKey, responseBody } from './_scan.ts';

/** A sealer that remembers every plaintext it was handed and every one it handed out. */
class TrackingSealer implements Sealer {
  readonly name = 'test:tracking';
  readonly seen: Uint8Array[] = [];
  constructor(private readonly inner: Sealer) {}
  seal(p: Uint8Array, aad: Uint8Array) { this.seen.push(p); return this.inner.seal(p, aad); }
  unseal(s: Uint8Array, aad: Uint8Array) { const p = this.inner.unseal(s, aad); this.seen.push(p); return p; }
}

function learn(f: ReturnType<typeof fixture>, ref: string, sealedB64: string): Uint8Array {
  const key = f.sealer.unseal(base64Decode(sealedB64)!, deliveryAad(ref));
  issuedKey(key);
  return key;
}

test('base64 round-trips and refuses non-canonical text', () => {
  const e = new SimEntropy(3, 'b64');
  for (let n = 0; n < 40; n++) {
    const b = e.randomBytes(n);
    assert.equal(base64Decode(base64Encode(b)), b);
  }
  assert.is(base64Encode(new TextEncoder().encode('foobar')), 'Zm9vYmFy');
  for (const bad of ['Zg', 'Zh==', 'Z===', 'Zm9v!mFy', 'Zm9v YmFy']) assert.is(base64Decode(bad), undefined, bad);
});

test('key refs, key IDs: formats and the stored id', () => {
  const e = new SimEntropy(4, 'ids');
  const ref = newKeyRef(e);
  assert.ok(isKeyRef(ref));
  assert.ok(isKeyId(newKeyId(e)));
  assert.is(keyRefId(ref).length, 32);
  assert.is.not(keyRefId(ref), ref.slice(3));
  assert.throws(() => keyRefId('kr-XYZ'), /kr- and 32 hex digits/);
});

test('a key ref is served once; the second fetch is 404 CONSUMED and consumes nothing else', () => {
  const f = fixture();
  const s = session(f);
  assert.is(s.status, 201);
  assert.is(s.json.mode, 'QMK');
  const a = session(f);
  const k1 = f.call({ method: 'GET', path: `/lightvibes/key/${s.json.key_ref}` });
  assert.is(k1.status, 200);
  assert.is(k1.json.usage, 'one-shot');
  const key = learn(f, s.json.key_ref, k1.json.key_sealed);
  assert.is(key.length, 32);
  const k2 = f.call({ method: 'GET', path: `/lightvibes/key/${s.json.key_ref}` });
  assert.is(k2.status, 404);
  assert.is(k2.json.details[1].reason, 'CONSUMED');
  assert.is(f.call({ method: 'GET', path: `/lightvibes/key/${a.json.key_ref}` }).status, 200, 'the other session is untouched');
  f.bodies.forEach((b, i) => responseBody(`keystore-core one-shot #${i}`, b));
});

test('keys are distinct and carved from the pool in order; requested sizes are honoured', () => {
  const f = fixture({ blocks: 2 });
  const before = f.service.keystore.poolBytes('sim-link-1');
  const keys = new Set<string>();
  for (const bits of [256, 512, 1024, 4096, 128]) {
    const s = session(f, { peer_id: 'sae-b', policy: { min_keybits: bits } });
    assert.is(s.status, 201);
    const k = f.call({ method: 'GET', path: `/lightvibes/key/${s.json.key_ref}` });
    assert.is(k.json.bits, bits);
    const key = learn(f, s.json.key_ref, k.json.key_sealed);
    assert.is(key.length * 8, bits);
    keys.add(bytesToHex(key));
  }
  assert.is(keys.size, 5);
  assert.is(f.service.keystore.poolBytes('sim-link-1'), before - (256 + 512 + 1024 + 4096 + 128) / 8);
});

test('TTL: an expired ref is 404 EXPIRED, its record is deleted, and evidence says so', () => {
  const f = fixture();
  const s = session(f, { peer_id: 'sae-b', policy: { min_keybits: 256, ttl_s: 5 } });
  const swept = session(f, { peer_id: 'sae-b', policy: { min_keybits: 256, ttl_s: 5 } });
  f.clock.advance(5_001);
  const k = f.call({ method: 'GET', path: `/lightvibes/key/${s.json.key_ref}` });
  assert.is(k.status, 404);
  assert.is(k.json.details[1].reason, 'EXPIRED');
  f.service.tick(); // the sweep retires the other one
  assert.is(f.storage.get(KEYS_TABLE, `ref:${keyRefId(swept.json.key_ref)}`), undefined);
  assert.is(f.call({ method: 'GET', path: `/lightvibes/key/${swept.json.key_ref}` }).json.details[1].reason, 'EXPIRED');
  const kinds = f.storage.list('evidence').map((r) => JSON.parse(new TextDecoder().decode(r.value)).kind_name);
  assert.is(kinds.filter((k) => k === 'key_expired').length, 2);
  assert.is(f.service.counters.expired, 2);
});

test('the default TTL is 120 s and GET reports what is left', () => {
  const f = fixture();
  const s = session(f, { peer_id: 'sae-b' });
  f.clock.advance(60_000);
  const k = f.call({ method: 'GET', path: `/lightvibes/key/${s.json.key_ref}` });
  assert.is(k.json.ttl_s, 60);
});

test('zeroisation: every plaintext the store handled is zero afterwards, key blocks included', () => {
  const sealer = new TrackingSealer(new SimSealer(new SimEntropy(8, 'track')));
  const f = fixture({ sealer, blocks: 1 });
  const s = session(f);
  const e = f.call({ method: 'POST', path: '/api/v1/keys/sae-b/enc_keys', body: JSON.stringify({ number: 2, size: 512 }) });
  assert.is(e.status, 200);
  for (const k of e.json.keys) issuedKey(base64Decode(k.key)!);
  f.call({ method: 'GET', path: `/lightvibes/key/${s.json.key_ref}` });
  f.call({ method: 'POST', path: '/api/v1/keys/sae-a/dec_keys', caller: 'sae-b', body: JSON.stringify({ key_IDs: e.json.keys.map((k: any) => ({ key_ID: k.key_ID })) }) });
  // the identity seed, pool material, carved keys and delivered keys: all wiped; only the
  // delivery envelope's own plaintext (handed to seal() and wiped after) counts too
  const nonZero = sealer.seen.filter((p) => p.some((b) => b !== 0));
  assert.equal(nonZero.length, 0, `${nonZero.length} plaintext buffer(s) left unwiped`);
  assert.ok(sealer.seen.length > 6);
});

test('sealing: no key byte string issued appears in storage; records are bound to their names', () => {
  const f = fixture();
  const keys: Uint8Array[] = [];
  for (let i = 0; i < 3; i++) {
    const s = session(f);
    const k = f.call({ method: 'GET', path: `/lightvibes/key/${s.json.key_ref}` });
    keys.push(learn(f, s.json.key_ref, k.json.key_sealed));
  }
  const pending = session(f);
  const dump = [POOL_TABLE, KEYS_TABLE, 'spent', 'evidence', 'meta', 'policy'].flatMap((t) => f.storage.list(t).map((r) => bytesToHex(r.value)));
  for (const key of keys) for (const d of dump) assert.not.ok(d.includes(bytesToHex(key)), 'plaintext key in storage');
  // a sealed key moved under another name does not unseal
  const name = `ref:${keyRefId(pending.json.key_ref)}`;
  const rec = JSON.parse(new TextDecoder().decode(f.storage.get(KEYS_TABLE, name)!));
  assert.throws(() => f.sealer.unseal(base64Decode(rec.sealed)!, new TextEncoder().encode('LIGHTVIBES/keystore/key/v1|ref:00000000000000000000000000000000')));
  for (const t of [POOL_TABLE, KEYS_TABLE, 'evidence']) for (const r of f.storage.list(t)) artefact(`keystore-core storage ${t}`, r.value);
});

test('atomicity: a transaction that fails leaves no key, no evidence and the indexes as they were', () => {
  const inner = new MemoryStorage();
  let failOn: string | undefined;
  const storage: Storage = {
    transaction: (work) => inner.transaction((tx) => work({
      append: (t, k, v) => { if (t === failOn) throw new Error('injected'); tx.append(t, k, v); },
      delete: (t, k) => tx.delete(t, k),
      get: (t, k) => tx.get(t, k),
    } satisfies StorageTransaction)),
    get: (t, k) => inner.get(t, k),
    list: (t) => inner.list(t),
  };
  const f = fixture({ storage });
  const pool = f.service.keystore.poolBytes('sim-link-1');
  const head = f.service.evidence.headSeq;
  failOn = 'evidence';
  assert.throws(() => session(f), /injected/);
  assert.is(f.service.keystore.poolBytes('sim-link-1'), pool);
  assert.is(f.service.keystore.storedKeyCount(), 0);
  assert.is(f.service.evidence.headSeq, head);
  assert.is(inner.list(KEYS_TABLE).length, 0);
  failOn = undefined;
  const s = session(f);
  assert.is(s.status, 201);
  failOn = 'spent';
  assert.throws(() => f.call({ method: 'GET', path: `/lightvibes/key/${s.json.key_ref}` }), /injected/);
  failOn = undefined;
  assert.is(f.call({ method: 'GET', path: `/lightvibes/key/${s.json.key_ref}` }).status, 200, 'the failed take consumed nothing');
});

test('pool index: any run of ingest / carve / purge, some failing midway, leaves the index equal to what storage holds', () => {
  const entropy = new SimEntropy(9, 'pool-index');
  const template = new SimKeySupply({ linkId: 'a', entropy, clock: new SimClock(), secureRateBps: 0, blockBits: 64, initialBlocks: 1 }).take()!;
  const op = fc.oneof(
    fc.record({ kind: fc.constant('ingest' as const), link: fc.constantFrom('a', 'b'), bytes: fc.integer({ min: 1, max: 1500 }), fail: fc.boolean() }),
    fc.record({ kind: fc.constant('carve' as const), link: fc.constantFrom('a', 'b'), bytes: fc.integer({ min: 1, max: 1200 }), fail: fc.boolean() }),
    fc.record({ kind: fc.constant('purge' as const), link: fc.constantFrom('a', 'b'), bytes: fc.constant(0), fail: fc.boolean() }),
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
    const inner = new MemoryStorage();
    let failing = false;
    // an injected failure on the last write of the transaction: everything before it was applied
    const storage: Storage = {
      transaction: (work) => inner.transaction((tx) => {
        const r = work(tx);
        if (failing) throw new Error('injected');
        return r;
      }),
      get: (t, k) => inner.get(t, k),
      list: (t) => inner.list(t),
    };
    const store = new KeyStore(storage, new SimSealer(entropy), entropy);
    let n = 0;
    const carved: Record<string, Uint8Array[]> = { a: [], b: [] };
    for (const o of ops) {
      failing = o.fail;
      let ok = false;
      try {
        storage.transaction((tx) => {
          if (o.kind === 'ingest') store.ingest(tx, { ...template, id: `blk-${n++}`, key: entropy.randomBytes(o.bytes), keyBits: o.bytes * 8 }, o.link, 0);
          else if (o.kind === 'carve') { const c = store.carve(tx, o.link, o.bytes, 0); if (c) carved[o.link]!.push(c.key); }
          else store.purgePool(tx, o.link);
        });
        ok = true;
      } catch (e) {
        assert.match(String(e), /injected/);
      } finally {
        store.settle(ok);
      }
      // the index follows storage exactly: per link, the same entries in the same order, the same total
      for (const link of ['a', 'b']) {
        const rows = inner.list(POOL_TABLE).filter((r) => r.key.startsWith(`${link}/`));
        const total = rows.reduce((t, r) => t + JSON.parse(new TextDecoder().decode(r.value)).bytes, 0);
        assert.is(store.poolBytes(link), total, `${link}: total`);
        assert.equal(((store as any).pool.get(link) ?? []).map((e: any) => e.name).sort(), rows.map((r) => r.key).sort(), `${link}: entries`);
      }
    }
    // a fresh store over the same storage reads back the same totals
    const again = new KeyStore(inner, new SimSealer(entropy), entropy);
    for (const link of ['a', 'b']) assert.is(again.poolBytes(link), store.poolBytes(link));
  }), { numRuns: 150 });
});

test.run();
