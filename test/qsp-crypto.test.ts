/** SymmetricCrypto port: the accelerated Node backend gives the noble reference's bytes. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AeadAlgorithm } from '../hal/crypto.ts';
import { nodeCrypto } from '../hal/node/crypto.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { bytesToHex, hexToBytes } from '../src/bytes.ts';
import { nobleCrypto } from '../src/crypto/noble.ts';

const r = new SimEntropy(11, 'crypto-port');
const backends = [nobleCrypto, nodeCrypto];

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
  }
});

test('HMAC-SHA256 and SHA-256 agree', () => {
  for (const n of [0, 3, 64, 1000]) {
    const [k, m] = [r.randomBytes(32), r.randomBytes(n)];
    assert.is(bytesToHex(nobleCrypto.hmacSha256(k, m)), bytesToHex(nodeCrypto.hmacSha256(k, m)));
    assert.is(bytesToHex(nobleCrypto.sha256(m)), bytesToHex(nodeCrypto.sha256(m)));
  }
});

test.run();
