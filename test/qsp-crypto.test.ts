/** SymmetricCrypto port: the accelerated Node backends (node:crypto, the lv_crypto addon) give the noble reference's bytes. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AeadAlgorithm } from '../hal/crypto.ts';
import { nodeCrypto } from '../hal/node/crypto.ts';
import { NATIVE_CRYPTO_PATH, nativeCrypto, NativeCryptoError, NativeCryptoFailure } from '../hal/node/crypto-native.ts';
import { runScenario, type ScenarioSpec } from '../sim/qsp-pair.ts';
import { runFuzz } from '../sim/qsp-fuzz.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { bytesToHex, hexToBytes } from '../src/bytes.ts';
import { nobleCrypto } from '../src/crypto/noble.ts';

const r = new SimEntropy(11, 'crypto-port');
// the addon is built at npm install (scripts/build-native.mjs); a missing one fails here, loudly
const native = nativeCrypto();
const backends = [nobleCrypto, nodeCrypto, native];

test('AEAD: noble and OpenSSL agree on seal, and open each other (AES-256-GCM, ChaCha20-Poly1305)', () => {
  for (const aead of [AeadAlgorithm.AES_256_GCM, AeadAlgorithm.CHACHA20_POLY1305])
    for (const n of [0, 1, 15, 16, 17, 255, 1024, 4099, 65536]) {
      const key = r.randomBytes(32);
      const nonce = r.randomBytes(12);
      const aad = r.randomBytes(n % 40);
      const pt = r.randomBytes(n);
      const a = nobleCrypto.seal(aead, key, nonce, aad, pt);
      const b = nodeCrypto.seal(aead, key, nonce, aad, pt);
      assert.is(bytesToHex(a), bytesToHex(b), `aead ${aead}, ${n} bytes`);
      assert.is(bytesToHex(native.seal(aead, key, nonce, aad, pt)), bytesToHex(a), `native, aead ${aead}, ${n} bytes`);
      for (const x of backends) assert.is(bytesToHex(x.open(aead, key, nonce, aad, a)!), bytesToHex(pt));
    }
});

test('AEAD: forged tag, ciphertext, aad or nonce → undefined from both, never a throw', () => {
  for (const aead of [AeadAlgorithm.AES_256_GCM, AeadAlgorithm.CHACHA20_POLY1305]) {
    const key = r.randomBytes(32);
    const nonce = r.randomBytes(12);
    const aad = r.randomBytes(7);
    const sealed = nobleCrypto.seal(aead, key, nonce, aad, r.randomBytes(100));
    for (const x of backends) {
      for (const i of [0, 50, 99, 100, 115]) {
        const bad = sealed.slice();
        bad[i]! ^= 1;
        assert.is(x.open(aead, key, nonce, aad, bad), undefined, `${x.name} flip ${i}`);
      }
      assert.is(x.open(aead, key, nonce, r.randomBytes(7), sealed), undefined);
      assert.is(x.open(aead, key, r.randomBytes(12), aad, sealed), undefined);
      assert.is(x.open(aead, key, nonce, aad, sealed.subarray(0, 15)), undefined);
      assert.throws(() => x.seal(aead, key.subarray(1), nonce, aad, sealed), /"key"/);
      assert.throws(() => x.seal(3 as AeadAlgorithm, key, nonce, aad, sealed), /"aead"/);
    }
  }
});

test('AEAD: seal into a caller buffer (a frame tail) gives the same bytes, and checks its length', () => {
  for (const x of backends)
    for (const aead of [AeadAlgorithm.AES_256_GCM, AeadAlgorithm.CHACHA20_POLY1305]) {
      const [key, nonce, pt] = [r.randomBytes(32), r.randomBytes(12), r.randomBytes(300)];
      const frame = new Uint8Array(34 + 316);
      assert.is(x.seal(aead, key, nonce, new Uint8Array(0), pt, frame.subarray(34)).byteOffset, 34);
      assert.is(bytesToHex(frame.subarray(34)), bytesToHex(nobleCrypto.seal(aead, key, nonce, new Uint8Array(0), pt)));
      assert.throws(() => x.seal(aead, key, nonce, new Uint8Array(0), pt, new Uint8Array(315)), /"output"/);
    }
});

test('HKDF-SHA256: RFC 5869 test case 1 on both backends, and agreement on random inputs', () => {
  const ikm = hexToBytes('0b'.repeat(22));
  const salt = hexToBytes('000102030405060708090a0b0c');
  const info = hexToBytes('f0f1f2f3f4f5f6f7f8f9');
  const okm = '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865';
  for (const x of backends) assert.is(bytesToHex(x.hkdf(ikm, salt, info, 42)), okm, x.name);
  for (const n of [0, 32, 64]) {
    const [i, s, f] = [r.randomBytes(n), r.randomBytes(n ? 32 : 0), r.randomBytes(20)];
    assert.is(bytesToHex(nobleCrypto.hkdf(i, s, f, 96)), bytesToHex(nodeCrypto.hkdf(i, s, f, 96)));
    assert.is(bytesToHex(nobleCrypto.hkdf(i, s, f, 96)), bytesToHex(native.hkdf(i, s, f, 96)));
  }
});

test('HMAC-SHA256 and SHA-256 agree', () => {
  for (const n of [0, 3, 64, 1000]) {
    const [k, m] = [r.randomBytes(32), r.randomBytes(n)];
    assert.is(bytesToHex(nobleCrypto.hmacSha256(k, m)), bytesToHex(nodeCrypto.hmacSha256(k, m)));
    assert.is(bytesToHex(nobleCrypto.sha256(m)), bytesToHex(nodeCrypto.sha256(m)));
    assert.is(bytesToHex(nobleCrypto.hmacSha256(k, m)), bytesToHex(native.hmacSha256(k, m)));
    assert.is(bytesToHex(nobleCrypto.sha256(m)), bytesToHex(native.sha256(m)));
  }
  // RFC 4231 test case 6: a key longer than the block (hashed first)
  const key = hexToBytes('aa'.repeat(131));
  const msg = new TextEncoder().encode('Test Using Larger Than Block-Size Key - Hash Key First');
  for (const x of backends) assert.is(bytesToHex(x.hmacSha256(key, msg)), '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54', x.name);
});

// ------------------------------------------------------------------------------ native (lv_crypto)

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

test('native: fast-check — seal, open, HKDF, HMAC and SHA-256 equal noble on random inputs', () => {
  fc.assert(fc.property(fc.constantFrom(AeadAlgorithm.AES_256_GCM, AeadAlgorithm.CHACHA20_POLY1305), bytes(32, 32), bytes(12, 12), bytes(0, 64), bytes(0, 600),
    (aead, key, nonce, aad, pt) => {
      const sealed = nobleCrypto.seal(aead, key, nonce, aad, pt);
      assert.is(bytesToHex(native.seal(aead, key, nonce, aad, pt)), bytesToHex(sealed));
      assert.is(bytesToHex(native.open(aead, key, nonce, aad, sealed)!), bytesToHex(pt));
    }), { numRuns: 300, seed: 7 });
  fc.assert(fc.property(bytes(0, 100), bytes(0, 100), bytes(0, 80), fc.integer({ min: 1, max: 300 }), (ikm, salt, info, length) => {
    assert.is(bytesToHex(native.hkdf(ikm, salt, info, length)), bytesToHex(nobleCrypto.hkdf(ikm, salt, info, length)));
    assert.is(bytesToHex(native.hmacSha256(salt, ikm)), bytesToHex(nobleCrypto.hmacSha256(salt, ikm)));
    assert.is(bytesToHex(native.sha256(info)), bytesToHex(nobleCrypto.sha256(info)));
  }), { numRuns: 300, seed: 8 });
});

test('native: fast-check — any single-bit change to sealed, aad or nonce is refused with undefined', () => {
  fc.assert(fc.property(fc.constantFrom(AeadAlgorithm.AES_256_GCM, AeadAlgorithm.CHACHA20_POLY1305), bytes(32, 32), bytes(12, 12), bytes(1, 40), bytes(0, 200), fc.nat(), fc.integer({ min: 0, max: 7 }), fc.constantFrom('sealed', 'aad', 'nonce'),
    (aead, key, nonce, aad, pt, at, bit, where) => {
      const sealed = native.seal(aead, key, nonce, aad, pt);
      const [s2, a2, n2] = [sealed.slice(), aad.slice(), nonce.slice()];
      const target = where === 'sealed' ? s2 : where === 'aad' ? a2 : n2;
      target[at % target.length]! ^= 1 << bit;
      assert.is(native.open(aead, key, n2, a2, s2), undefined);
    }), { numRuns: 300, seed: 9 });
});

test('native: kept contexts are found by key bytes — more keys than slots, a key changed in place, both algorithms on one key', () => {
  const keys = Array.from({ length: 40 }, () => r.randomBytes(32));
  const nonce = r.randomBytes(12);
  const pt = r.randomBytes(70);
  for (let round = 0; round < 3; round++)
    for (const [i, key] of keys.entries()) {
      const aead = (i + round) % 2 ? AeadAlgorithm.CHACHA20_POLY1305 : AeadAlgorithm.AES_256_GCM;
      assert.is(bytesToHex(native.seal(aead, key, nonce, new Uint8Array(0), pt)), bytesToHex(nobleCrypto.seal(aead, key, nonce, new Uint8Array(0), pt)), `key ${i} round ${round}`);
    }
  const key = r.randomBytes(32);
  native.seal(1, key, nonce, new Uint8Array(0), pt);
  key[5]! ^= 0x80; // the same array, other bytes: another key
  assert.is(bytesToHex(native.seal(1, key, nonce, new Uint8Array(0), pt)), bytesToHex(nobleCrypto.seal(1, key, nonce, new Uint8Array(0), pt)));
  assert.is(bytesToHex(native.seal(1, key.slice(), nonce, new Uint8Array(0), pt)), bytesToHex(nobleCrypto.seal(1, key, nonce, new Uint8Array(0), pt)));
});

test('native: release and close wipe kept contexts; a released key still works (rekeyed on use)', () => {
  native.close();
  assert.is(native.cachedKeys(), 0);
  const [k1, k2, nonce, pt] = [r.randomBytes(32), r.randomBytes(32), r.randomBytes(12), r.randomBytes(10)];
  native.seal(1, k1, nonce, new Uint8Array(0), pt);
  native.seal(2, k2, nonce, new Uint8Array(0), pt);
  assert.is(native.cachedKeys(), 2);
  assert.is(native.release(k1), 1);
  assert.is(native.release(k1), 0);
  assert.is(native.cachedKeys(), 1);
  assert.is(bytesToHex(native.seal(1, k1, nonce, new Uint8Array(0), pt)), bytesToHex(nobleCrypto.seal(1, k1, nonce, new Uint8Array(0), pt)));
  native.close();
  assert.is(native.cachedKeys(), 0);
  assert.throws(() => native.release(k1.subarray(1)), /"keys"/);
});

test('native: opened plaintexts never share an ArrayBuffer with derived keys (slab results)', () => {
  const key = native.hkdf(r.randomBytes(32), r.randomBytes(32), r.randomBytes(8), 32);
  const nonce = r.randomBytes(12);
  const opened = native.open(1, key, nonce, new Uint8Array(0), native.seal(1, key, nonce, new Uint8Array(0), r.randomBytes(40)))!;
  assert.is.not(opened.buffer, key.buffer);
  assert.is.not(opened.buffer, native.hmacSha256(key, opened).buffer);
  const [a, b] = [native.sha256(nonce), native.sha256(nonce)];
  a.fill(0xff); // views never overlap
  assert.is(bytesToHex(b), bytesToHex(nobleCrypto.sha256(nonce)));
});

test('native: a QSP session releases its epoch keys from the addon as it drops them, and holds none after close', () => {
  native.close();
  const spec: ScenarioSpec = { seed: 5, frames: 30, rekeys: 6, payloadBytes: 100, aead: AeadAlgorithm.AES_256_GCM } as ScenarioSpec;
  runScenario(spec, native);
  assert.is(native.cachedKeys(), 0);
});

test('native: the QSP golden sessions give the stored bytes with the native backend', () => {
  const suite = JSON.parse(readFileSync(new URL('./vectors/qsp-session.json', import.meta.url), 'utf8'));
  for (const c of suite.cases) assert.equal(JSON.parse(JSON.stringify(runScenario(c.input as ScenarioSpec, native))), c.output, c.name);
});

test('native: a fuzz slice (mutated, forged, replayed, reordered frames, interleaved rekeys) is clean and counts exactly as noble does', () => {
  const slice = { cases: 12, steps: 600, seed: 4 };
  const withNative = runFuzz({ ...slice, crypto: native });
  assert.ok(withNative.ok, JSON.stringify(withNative.failure));
  assert.equal(withNative.totals, runFuzz(slice).totals);
});

test('native: typed failures — bad shapes refused by the addon with a status, by the backend with named errors', () => {
  const addon = createRequire(import.meta.url)(NATIVE_CRYPTO_PATH);
  const k = new Uint8Array(32);
  const n = new Uint8Array(12);
  const e = new Uint8Array(0);
  assert.is(addon.aeadSeal(1, k.subarray(1), n, e, e, new Uint8Array(16)), 2);
  assert.is(addon.aeadSeal(3, k, n, e, e, new Uint8Array(16)), 2);
  assert.is(addon.aeadSeal(1, k, n, e, e, new Uint8Array(15)), 2);
  assert.is(addon.aeadOpen(1, k, n, e, new Uint8Array(15), e), 2);
  assert.is(addon.hkdf(e, e, e, new Uint8Array(0)), 2);
  assert.is(addon.sha256([1, 2], new Uint8Array(32)), 2);
  assert.is(addon.hmac(e, e, new Uint8Array(31)), 2);
  assert.throws(() => native.seal(1, k, n.subarray(1), e, e), /"nonce"/);
  assert.throws(() => native.seal(9 as AeadAlgorithm, k, n, e, e), /"aead"/);
  assert.throws(() => native.hkdf(e, e, e, 0), /"length"/);
  assert.throws(() => native.sha256([1] as unknown as Uint8Array), /"data"/);
  const err = new NativeCryptoError(NativeCryptoFailure.LIBCRYPTO, 'x');
  assert.is(err.reason, 3);
  assert.ok(native.openssl.startsWith('OpenSSL'));
});

test.run();
