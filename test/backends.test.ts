/** The sim and Node backends keep their ports' contracts. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NodeClock } from '../hal/node/clock.ts';
import { NodeEntropy } from '../hal/node/entropy.ts';
import { SimClock } from '../hal/sim/clock.ts';
import { ChaCha20Drbg } from '../hal/sim/drbg.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { createLinkPair } from '../hal/sim/link.ts';
import { PhysicsRandom } from '../hal/sim/prng.ts';
import { SimSealer } from '../hal/sim/sealer.ts';
import { MemoryStorage } from '../hal/sim/storage.ts';
import { bytesToHex } from '../src/bytes.ts';

test('DRBG: seeds and labels separate streams; the same pair repeats', () => {
  const a = bytesToHex(new ChaCha20Drbg(1, 'a').randomBytes(32));
  assert.is(bytesToHex(new ChaCha20Drbg(1, 'a').randomBytes(32)), a);
  assert.is.not(bytesToHex(new ChaCha20Drbg(2, 'a').randomBytes(32)), a);
  assert.is.not(bytesToHex(new ChaCha20Drbg(1, 'b').randomBytes(32)), a);
  assert.is.not(bytesToHex(new SimEntropy(1, 'a').randomBytes(32)), a, 'entropy and DRBG labels must not collide');
});

test('DRBG refuses a seed that is not a safe non-negative integer', () => {
  assert.throws(() => new ChaCha20Drbg(-1), /"seed"/);
  assert.throws(() => new ChaCha20Drbg(1.5), /"seed"/);
});

test('physics generator: uniform mean and fair bits within 4σ over 10^5 draws', () => {
  const r = new PhysicsRandom(3, 't');
  const n = 100_000;
  let sum = 0;
  let ones = 0;
  for (let i = 0; i < n; i++) {
    sum += r.uniform();
    ones += r.bit();
  }
  assert.ok(Math.abs(sum / n - 0.5) < 4 * Math.sqrt(1 / 12 / n), `mean ${sum / n}`);
  assert.ok(Math.abs(ones / n - 0.5) < 4 * Math.sqrt(0.25 / n), `ones ${ones / n}`);
});

test('link pair: datagrams arrive whole and in order; oversize ones are refused', () => {
  const [a, b] = createLinkPair(8);
  let readable = 0;
  b.onReadable = () => readable++;
  a.send(Uint8Array.of(1, 2));
  a.send(Uint8Array.of(3));
  assert.is(readable, 2);
  assert.equal(b.receive(), Uint8Array.of(1, 2));
  assert.equal(b.receive(), Uint8Array.of(3));
  assert.is(b.receive(), undefined);
  assert.throws(() => a.send(new Uint8Array(9)), /"datagram" expected at most 8 bytes/);
  a.close();
  assert.throws(() => a.send(Uint8Array.of(1)), /send after close/);
});

test('memory storage: a transaction commits all its records or none', () => {
  const s = new MemoryStorage();
  s.transaction((tx) => { tx.append('k', 'a', Uint8Array.of(1)); tx.append('k', 'b', Uint8Array.of(2)); });
  assert.throws(() => s.transaction((tx) => { tx.append('k', 'c', Uint8Array.of(3)); throw new Error('crash'); }), /crash/);
  assert.is(s.get('k', 'c'), undefined);
  assert.throws(() => s.transaction((tx) => tx.append('k', 'a', Uint8Array.of(9))), /exists already/);
  assert.equal(s.list('k').map((r) => r.key), ['a', 'b']);
  assert.ok(s.transaction((tx) => tx.delete('k', 'a')));
  assert.equal(s.list('k').map((r) => r.key), ['b']);
  assert.throws(() => s.transaction(() => s.transaction(() => 0)), /do not nest/);
});

test('sim sealer: round trip; a changed byte or aad is refused', () => {
  const sealer = new SimSealer(new SimEntropy(1, 'kek'));
  const key = Uint8Array.of(1, 2, 3, 4);
  const aad = Uint8Array.of(9);
  const sealed = sealer.seal(key, aad);
  assert.equal(sealer.unseal(sealed, aad), key);
  const tampered = sealed.slice();
  tampered[20]! ^= 1;
  assert.throws(() => sealer.unseal(tampered, aad));
  assert.throws(() => sealer.unseal(sealed, Uint8Array.of(8)));
  assert.throws(() => sealer.unseal(sealed.subarray(0, 10), aad), /"sealed" expected at least 28 bytes/);
});

test('sim clock moves only when advanced, and never backwards', () => {
  const c = new SimClock(1000);
  assert.is(c.monotonicMs(), 0);
  c.advance(5);
  assert.is(c.monotonicMs(), 5);
  assert.is(c.wallMs(), 1005);
  assert.throws(() => c.advance(-1), /"ms"/);
});

test('node backends: OS entropy of the asked length; a monotonic clock', () => {
  const e = new NodeEntropy();
  assert.is(e.randomBytes(33).length, 33);
  assert.is.not(bytesToHex(e.randomBytes(16)), bytesToHex(e.randomBytes(16)));
  const c = new NodeClock();
  const t = c.monotonicMs();
  assert.ok(c.monotonicMs() >= t);
  assert.ok(Math.abs(c.wallMs() - Date.now()) < 1000);
});

test('memory storage: a key deleted and appended again in one transaction is the new record, once', () => {
  for (const commitFirst of [true, false]) {
    const s = new MemoryStorage();
    if (commitFirst) s.transaction((tx) => tx.append('log', 'a', Uint8Array.of(1)));
    s.transaction((tx) => {
      if (commitFirst) assert.ok(tx.delete('log', 'a'));
      else { tx.append('log', 'a', Uint8Array.of(1)); assert.ok(tx.delete('log', 'a')); }
      assert.is(tx.get('log', 'a'), undefined);
      tx.append('log', 'a', Uint8Array.of(2));
      assert.equal(tx.get('log', 'a'), Uint8Array.of(2), 'the transaction sees its new record');
      assert.throws(() => tx.append('log', 'a', Uint8Array.of(3)), /exists already/);
    });
    assert.equal(s.list('log'), [{ key: 'a', value: Uint8Array.of(2) }]);
  }
});

test('node entropy: small requests come from a pooled buffer that hands each byte out once and wipes it', () => {
  const e = new NodeEntropy();
  const seen = new Set<string>();
  let total = 0;
  // across several refills: every 8-byte draw distinct, every length honoured
  for (let i = 0; i < 2000; i++) {
    const n = 1 + (i % 40);
    const b = e.randomBytes(n);
    assert.is(b.length, n);
    total += n;
    if (n === 8) { const h = bytesToHex(b); assert.not.ok(seen.has(h)); seen.add(h); }
    const pool = (e as any).pool as Uint8Array;
    assert.ok(pool.subarray(0, (e as any).used).every((x: number) => x === 0), 'handed-out bytes are wiped from the pool');
  }
  assert.ok(total > 4096 * 8);
  assert.is(e.randomBytes(0).length, 0);
  assert.is(e.randomBytes(5000).length, 5000);
  assert.throws(() => e.randomBytes(-1), /length/);
  assert.throws(() => e.randomBytes(1.5), /length/);
});

test.run();
