/**
 * The SymmetricCrypto port's batched calls (hal/crypto.ts): sealFrame / openFrame (frames in place,
 * nonce from its parts) and hkdfWithDigest (a key-schedule step in one call). Every backend — the
 * noble reference and node:crypto through the default, the lv_crypto addon and the XS host's
 * libcrypto natively — gives the bytes of a reference built here from noble's seal, hkdf and
 * sha256 with the nonce and associated data spelt out; forgeries open to undefined; bad
 * arguments fail by name; the QSP key schedule's batched step equals the single calls.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AeadAlgorithm, frameCrypto, hkdfWithDigest, openFrame, sealFrame, type SymmetricCrypto } from '../hal/crypto.ts';
import { nodeCrypto } from '../hal/node/crypto.ts';
import { NATIVE_CRYPTO_PATH, nativeCrypto, NativeCryptoError, NativeCryptoFailure } from '../hal/node/crypto-native.ts';
import { bytesToHex, concatBytes, hexToBytes } from '../src/bytes.ts';
import { nobleCrypto } from '../src/crypto/noble.ts';
import { deriveEpochKeys, deriveEpochKeysWithDigest, epochKeyBuffer } from '../src/qsp/key-schedule.ts';
import { decodeRekey, encodeRekeyAck, encodeRekeyInit, readRekey } from '../src/qsp/rekey.ts';
import { bundleForXs, ROOT, runOnXs, taggedLines } from './xs/harness.ts';

const native = nativeCrypto();
const backends: SymmetricCrypto[] = [nobleCrypto, nodeCrypto, native];
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

/** nonce = fixed (u32) ‖ counter (u64), big-endian, spelt out with BigInt (independent of the code under test). */
function nonceOf(fixed: number, counter: number): Uint8Array {
  const n = (BigInt(fixed) << 64n) | BigInt(counter);
  return hexToBytes(n.toString(16).padStart(24, '0'));
}

/** header ‖ nonce ‖ noble.seal(key, nonce, prefix ‖ header, plaintext). */
function referenceFrame(aead: AeadAlgorithm, key: Uint8Array, prefix: Uint8Array, header: Uint8Array, fixed: number, counter: number, pt: Uint8Array): Uint8Array {
  const nonce = nonceOf(fixed, counter);
  return concatBytes(header, nonce, nobleCrypto.seal(aead, key, nonce, concatBytes(prefix, header), pt));
}

const frameCase = fc.record({
  aead: fc.constantFrom(AeadAlgorithm.AES_256_GCM, AeadAlgorithm.CHACHA20_POLY1305),
  key: bytes(32, 32),
  prefix: bytes(0, 32),
  header: bytes(0, 64),
  fixed: fc.integer({ min: 0, max: 0xffffffff }),
  counter: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
  pt: fc.oneof(bytes(0, 70), bytes(1000, 1100)),
});

test('sealFrame / openFrame: every backend gives the reference frame and opens it (fast-check)', () => {
  fc.assert(fc.property(frameCase, ({ aead, key, prefix, header, fixed, counter, pt }) => {
    const want = bytesToHex(referenceFrame(aead, key, prefix, header, fixed, counter, pt));
    for (const x of backends) {
      const frame = new Uint8Array(header.length + 12 + pt.length + 16);
      frame.set(header);
      sealFrame(x, aead, key, prefix, header.length, fixed, counter, pt, frame);
      assert.is(bytesToHex(frame), want, x.name);
      assert.is(bytesToHex(openFrame(x, aead, key, prefix, header.length, frame)!), bytesToHex(pt), x.name);
      const direct = frameCrypto(x).openFrame(aead, key, prefix, header.length, hexToBytes(want));
      assert.is(bytesToHex(direct!), bytesToHex(pt), `${x.name} through frameCrypto`);
    }
  }), { numRuns: 150, seed: 31 });
});

test('openFrame: any single-bit change to header, nonce, ciphertext or tag, or another prefix → undefined (fast-check)', () => {
  fc.assert(fc.property(frameCase, fc.nat(), fc.integer({ min: 0, max: 7 }), ({ aead, key, prefix, header, fixed, counter, pt }, at, bit) => {
    const frame = referenceFrame(aead, key, prefix, header, fixed, counter, pt);
    const forged = frame.slice();
    forged[at % forged.length]! ^= 1 << bit;
    const otherPrefix = concatBytes(prefix.subarray(0, 31), Uint8Array.of(prefix.length ? prefix[0]! ^ 1 : 1));
    for (const x of backends) {
      assert.is(openFrame(x, aead, key, prefix, header.length, forged), undefined, `${x.name} flip ${at % forged.length}.${bit}`);
      assert.is(openFrame(x, aead, key, otherPrefix, header.length, frame), undefined, `${x.name} prefix`);
      assert.is(openFrame(x, aead, key, prefix, header.length, frame.subarray(0, header.length + 27)), undefined, `${x.name} short`);
    }
  }), { numRuns: 150, seed: 32 });
});

test('sealFrame / openFrame: bad arguments fail by name on every backend; the addon refuses partial overlaps', () => {
  const key = new Uint8Array(32);
  const none = new Uint8Array(0);
  for (const x of backends) {
    assert.throws(() => sealFrame(x, 1, key.subarray(1), none, 22, 1, 1, none, new Uint8Array(50)), /"key"/, x.name);
    assert.throws(() => sealFrame(x, 1, key, new Uint8Array(33), 22, 1, 1, none, new Uint8Array(50)), /"aadPrefix"/, x.name);
    assert.throws(() => sealFrame(x, 1, key, none, 65, 1, 1, none, new Uint8Array(93)), /"headerBytes"/, x.name);
    assert.throws(() => sealFrame(x, 1, key, none, 22, 1, 1, none, new Uint8Array(49)), /"frame"/, x.name);
    assert.throws(() => sealFrame(x, 1, key, none, 22, 2 ** 32, 1, none, new Uint8Array(50)), /"nonceFixed"/, x.name);
    assert.throws(() => sealFrame(x, 1, key, none, 22, 1, 2 ** 53, none, new Uint8Array(50)), /"nonceCounter"/, x.name);
    assert.throws(() => sealFrame(x, 3 as AeadAlgorithm, key, none, 22, 1, 1, none, new Uint8Array(50)), /"aead"/, x.name);
    assert.throws(() => openFrame(x, 1, key, none, -1, new Uint8Array(50)), /"headerBytes"/, x.name);
    assert.is(openFrame(x, 1, key, none, 22, new Uint8Array(49)), undefined, x.name);
  }
  const addon = createRequire(import.meta.url)(NATIVE_CRYPTO_PATH);
  const frame = new Uint8Array(22 + 12 + 10 + 16);
  assert.is(addon.aeadSealFrame(1, key, none, 22, 1, 1, frame.subarray(0, 10), frame), 2, 'plaintext over the header');
  assert.is(addon.aeadSealFrame(1, key, none, 22, 1, 1, frame.subarray(35, 45), frame), 2, 'plaintext partly over the sealed bytes');
  assert.is(addon.aeadSealFrame(1, key, none, 22, 1, 1, frame.subarray(34, 44), frame), 0, 'in place is allowed');
  assert.is(addon.aeadSealFrame(1, key, none, 22, 1, 1.5, new Uint8Array(10), frame), 2, 'counter not an integer');
  assert.is(addon.aeadOpenFrame(1, key, none, 22, frame, new Uint8Array(9)), 2, 'out of the wrong length');
  assert.throws(() => native.sealFrame!(1, key, none, 22, 1, 1, frame.subarray(0, 10), frame), (e: unknown) => e instanceof NativeCryptoError && e.reason === NativeCryptoFailure.BAD_ARGUMENT);
});

test('hkdfWithDigest: every backend = hkdf + sha256 (RFC 5869 case 1 with SHA-256 "abc"; fast-check)', () => {
  const ikm = hexToBytes('0b'.repeat(22));
  const salt = hexToBytes('000102030405060708090a0b0c');
  const info = hexToBytes('f0f1f2f3f4f5f6f7f8f9');
  for (const x of backends) {
    const [okm, digest] = [new Uint8Array(42), new Uint8Array(32)];
    hkdfWithDigest(x, ikm, salt, info, okm, new TextEncoder().encode('abc'), digest);
    assert.is(bytesToHex(okm), '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865', x.name);
    assert.is(bytesToHex(digest), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', x.name);
  }
  fc.assert(fc.property(bytes(0, 100), bytes(0, 100), bytes(0, 80), fc.integer({ min: 1, max: 300 }), bytes(0, 150), (i, s, f, length, d) => {
    const want = bytesToHex(nobleCrypto.hkdf(i, s, f, length)) + bytesToHex(nobleCrypto.sha256(d));
    for (const x of backends) {
      const [okm, digest] = [new Uint8Array(length), new Uint8Array(32)];
      hkdfWithDigest(x, i, s, f, okm, d, digest);
      assert.is(bytesToHex(okm) + bytesToHex(digest), want, x.name);
    }
  }), { numRuns: 200, seed: 33 });
});

test('hkdfWithDigest: bad shapes are refused — a digest not 32 bytes, okm out of range, okm over an input (native)', () => {
  const k = new Uint8Array(32);
  for (const x of backends) {
    assert.throws(() => hkdfWithDigest(x, k, k, k, new Uint8Array(32), k, new Uint8Array(31)), /"digest"/, x.name);
    assert.throws(() => hkdfWithDigest(x, k, k, k, new Uint8Array(0), k, new Uint8Array(32)), /length/, x.name);
  }
  const m = new Uint8Array(64);
  assert.throws(() => native.hkdfWithDigest!(k, k, m.subarray(0, 20), m.subarray(10, 42), k, new Uint8Array(32)),
    (e: unknown) => e instanceof NativeCryptoError && e.reason === NativeCryptoFailure.BAD_ARGUMENT);
  assert.throws(() => native.hkdfWithDigest!(m.subarray(0, 32), k, k, m.subarray(16, 48), k, new Uint8Array(32)), (e: unknown) => e instanceof NativeCryptoError);
});

test('native: release takes both directions of an epoch in one call', () => {
  native.close();
  const [k1, k2, nonce] = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2), new Uint8Array(12)];
  native.seal(1, k1, nonce, new Uint8Array(0), new Uint8Array(5));
  native.seal(2, k2, nonce, new Uint8Array(0), new Uint8Array(5));
  assert.is(native.cachedKeys(), 2);
  assert.is(native.release(concatBytes(k1, k2)), 2);
  assert.is(native.cachedKeys(), 0);
  assert.throws(() => native.release(new Uint8Array(33)), /"keys"/);
  assert.throws(() => native.release(new Uint8Array(0)), /"keys"/);
});

test('key schedule: the batched rekey step = deriveEpochKeys + SHA-256, into a reusable buffer', () => {
  fc.assert(fc.property(bytes(32, 32), bytes(32, 64), fc.integer({ min: 1, max: 0xffffffff }), bytes(16, 16), bytes(35, 35), (chain, ikm, epoch, id, input) => {
    const want = deriveEpochKeys(nobleCrypto, chain, ikm, epoch, id, true);
    for (const x of backends) {
      const into = epochKeyBuffer();
      const digest = new Uint8Array(32);
      const keys = deriveEpochKeysWithDigest(x, chain, ikm, epoch, id, true, into, input, digest);
      assert.is(bytesToHex(keys.okm), bytesToHex(want.okm), x.name);
      assert.is(bytesToHex(keys.trafficKeys), bytesToHex(concatBytes(want.clientToServer, want.serverToClient)));
      assert.is(keys.secret.buffer, into.okm.buffer);
      assert.is(bytesToHex(digest), bytesToHex(nobleCrypto.sha256(input)));
      assert.is(keys.epoch, epoch);
    }
  }), { numRuns: 60, seed: 34 });
});

test('rekey: readRekey gives views into the plaintext, decodeRekey copies; both refuse what is malformed', () => {
  const material = new Uint8Array(32).fill(5);
  const id = new Uint8Array(16).fill(9);
  const init = encodeRekeyInit(7, material, id);
  const view = readRekey(init);
  assert.ok(view && view.type === 1);
  if (view.type === 1) {
    assert.is(view.material.buffer, init.buffer);
    assert.is(bytesToHex(view.keyBlockId), bytesToHex(id));
  }
  const copy = decodeRekey(init);
  init.fill(0);
  assert.ok(copy && copy.type === 1 && copy.material[0] === 5 && copy.newEpoch === 7);
  const ack = encodeRekeyAck(8, material);
  assert.equal(decodeRekey(ack), { type: 2, newEpoch: 8, confirm: material });
  assert.is(readRekey(ack.subarray(1)), undefined);
  assert.is(readRekey(Uint8Array.from([0x52, 0x4b, 0x35, 0x35, 2, 0, 0, 0, 8, ...material])), undefined);
});

// ------------------------------------------------------------------------------------------- XS

interface XsCase { name: string; op: 'sealFrame' | 'openFrame' | 'hkdfWithDigest'; aead?: number; headerBytes?: number; fixed?: number; counter?: number; okmLength?: number; args: Uint8Array[]; want: string | null }

const xsCases: XsCase[] = [];
fc.sample(fc.record({ f: frameCase, flip: fc.nat(), okmLength: fc.integer({ min: 1, max: 200 }), ikm: bytes(0, 80), salt: bytes(0, 80) }), { numRuns: 40, seed: 35 })
  .forEach(({ f, flip, okmLength, ikm, salt }, i) => {
    const frame = referenceFrame(f.aead, f.key, f.prefix, f.header, f.fixed, f.counter, f.pt);
    const forged = frame.slice();
    forged[flip % forged.length]! ^= 1 << (flip % 8);
    xsCases.push(
      { name: `seal ${i}`, op: 'sealFrame', aead: f.aead, headerBytes: f.header.length, fixed: f.fixed, counter: f.counter, args: [f.key, f.prefix, f.header, f.pt], want: bytesToHex(frame) },
      { name: `open ${i}`, op: 'openFrame', aead: f.aead, headerBytes: f.header.length, args: [f.key, f.prefix, frame], want: bytesToHex(f.pt) },
      { name: `open forged ${i}`, op: 'openFrame', aead: f.aead, headerBytes: f.header.length, args: [f.key, f.prefix, forged], want: null },
      { name: `hkdf+digest ${i}`, op: 'hkdfWithDigest', okmLength, args: [ikm, salt, f.prefix, f.pt], want: bytesToHex(nobleCrypto.hkdf(ikm, salt, f.prefix, okmLength)) + bytesToHex(nobleCrypto.sha256(f.pt)) },
    );
  });

const work = join(ROOT, 'build', 'native-test');
mkdirSync(work, { recursive: true });
const file = join(work, `qsp-frames-${process.pid}.json`);
writeFileSync(file, JSON.stringify({ cases: xsCases.map((k) => ({ ...k, args: k.args.map((a) => Array.from(a)) })) }));
const bundle = bundleForXs(join(ROOT, 'test', 'xs', 'qsp-frames.xs.ts'), 'qsp-frames');
const xs = runOnXs(bundle, [file]);
rmSync(bundle);
rmSync(file);
const xsBackend = taggedLines(xs.stdout, 'INFO')[0]?.backend as string | undefined;

if (xsBackend === '') {
  console.log('qsp-frames.test: XS part skipped: this lvxs cannot open libcrypto (OpenSSL 3)');
  test.skip('xs: the libcrypto backend\'s batched calls (no libcrypto here)', () => {});
} else {
  test('xs: the libcrypto backend seals and opens frames and runs the batched rekey step as the reference does', () => {
    assert.is(xs.status, 0, `lvxs exited with ${xs.status}: ${xs.stderr}`);
    const out = new Map(taggedLines(xs.stdout, 'OUT').map((o) => [o.name as string, o]));
    for (const k of xsCases) {
      const got = out.get(k.name);
      assert.ok(got && got.error === undefined, `${k.name}: ${got?.error}`);
      assert.is(got.hex, k.want, k.name);
    }
  });

  test('xs: bad arguments to the batched calls fail by name, in the host', () => {
    const errs = Object.fromEntries(taggedLines(xs.stdout, 'ERR').map((e) => [e.name, e]));
    const expect: Record<string, RegExp> = {
      'seal: short key': /RangeError: .*"key" expected Uint8Array of length 32/,
      'seal: aead 3': /RangeError: .*"aead" expected 1/,
      'seal: prefix too long': /RangeError: .*"aadPrefix"/,
      'seal: header 65': /RangeError: .*"headerBytes"/,
      'seal: frame one short': /RangeError: .*"frame" expected Uint8Array of length 50/,
      'seal: fixed 2^32': /RangeError: .*"nonceFixed"/,
      'seal: counter 2^53': /RangeError: .*"nonceCounter"/,
      'seal: counter 1.5': /RangeError: .*"nonceCounter"/,
      'seal: plaintext over the header': /RangeError: .*"plaintext" overlaps/,
      'open: frame not bytes': /TypeError: .*"frame" expected Uint8Array/,
      'hkdf+digest: digest 31': /RangeError: .*"digest" expected Uint8Array of length 32/,
      'hkdf+digest: okm 0': /RangeError: .*"okm.length"/,
      'hkdf+digest: okm over info': /RangeError: .*"okm" must not overlap/,
    };
    for (const [name, pattern] of Object.entries(expect)) assert.match(errs[name]?.error ?? 'no error', pattern, name);
    assert.is(errs['open: too short']?.error, null);
    assert.is(errs['open: too short']?.result, 'undefined');
  });
}

test.run();
