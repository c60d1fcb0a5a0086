/**
 * The SymmetricCrypto backend of the XS host (hal/xs/crypto.ts → native/host/crypto.c → the
 * system's libcrypto, opened at run time) gives the noble reference's bytes: RFC 5869 / FIPS
 * 180-2 / RFC 4231 / RFC 8439 known answers and random inputs (fast-check samples: every AEAD,
 * empty and odd lengths, forged tags that must open to undefined), run inside lvxs and compared
 * here with noble on Node; the backend names libcrypto's version; bad arguments fail by name.
 * Skipped, saying why, when the host cannot open libcrypto.
 */
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AeadAlgorithm } from '../hal/crypto.ts';
import { bytesToHex, hexToBytes } from '../src/bytes.ts';
import { nobleCrypto } from '../src/crypto/noble.ts';
import { bundleForXs, ROOT, runOnXs, taggedLines } from './xs/harness.ts';

interface Case { name: string; op: 'seal' | 'open' | 'hkdf' | 'hmac' | 'sha256'; aead?: number; args: Uint8Array[]; length?: number; want?: string | null }

const cases: Case[] = [
  // Known answers (the want is the published value; noble must agree too).
  { name: 'SHA-256 "abc" (FIPS 180-2)', op: 'sha256', args: [new TextEncoder().encode('abc')], want: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
  { name: 'SHA-256 of nothing', op: 'sha256', args: [new Uint8Array(0)], want: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
  { name: 'HMAC-SHA256 RFC 4231 case 2', op: 'hmac', args: [new TextEncoder().encode('Jefe'), new TextEncoder().encode('what do ya want for nothing?')], want: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843' },
  {
    name: 'HKDF-SHA256 RFC 5869 case 1', op: 'hkdf', length: 42,
    args: [hexToBytes('0b'.repeat(22)), hexToBytes('000102030405060708090a0b0c'), hexToBytes('f0f1f2f3f4f5f6f7f8f9')],
    want: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
  },
  {
    name: 'HKDF-SHA256 RFC 5869 case 3 (no salt, no info)', op: 'hkdf', length: 42,
    args: [hexToBytes('0b'.repeat(22)), new Uint8Array(0), new Uint8Array(0)],
    want: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
  },
  { name: 'HKDF-SHA256 of empty ikm, salt and info (noble\'s answer)', op: 'hkdf', length: 32, args: [new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)] },
  { name: 'AES-256-GCM, empty plaintext and aad (noble\'s answer)', op: 'seal', aead: AeadAlgorithm.AES_256_GCM, args: [new Uint8Array(32), new Uint8Array(12), new Uint8Array(0), new Uint8Array(0)] },
];
const r = fc.sample(fc.record({
  aead: fc.constantFrom(AeadAlgorithm.AES_256_GCM, AeadAlgorithm.CHACHA20_POLY1305),
  key: fc.uint8Array({ minLength: 32, maxLength: 32 }), nonce: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  aad: fc.uint8Array({ maxLength: 70 }), pt: fc.oneof(fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ minLength: 1000, maxLength: 5000 })),
  flip: fc.nat(), ikm: fc.uint8Array({ maxLength: 100 }), salt: fc.uint8Array({ maxLength: 100 }), length: fc.integer({ min: 1, max: 255 * 32 }),
}), { numRuns: 60, seed: 42 });
r.forEach((x, i) => {
  const sealed = nobleCrypto.seal(x.aead, x.key, x.nonce, x.aad, x.pt);
  const forged = sealed.slice();
  forged[x.flip % forged.length]! ^= 1 << (x.flip % 8);
  cases.push(
    { name: `seal ${i}`, op: 'seal', aead: x.aead, args: [x.key, x.nonce, x.aad, x.pt] },
    { name: `open ${i}`, op: 'open', aead: x.aead, args: [x.key, x.nonce, x.aad, sealed] },
    { name: `open forged ${i}`, op: 'open', aead: x.aead, args: [x.key, x.nonce, x.aad, forged], want: null },
    { name: `hkdf ${i}`, op: 'hkdf', args: [x.ikm, x.salt, x.aad], length: x.length },
    { name: `hmac ${i}`, op: 'hmac', args: [x.salt, x.pt] },
    { name: `sha256 ${i}`, op: 'sha256', args: [x.pt] },
  );
});

/** noble's answer on Node. */
function noble(k: Case): string | null {
  const [a, b, c, d] = k.args;
  const out = k.op === 'seal' ? nobleCrypto.seal(k.aead as AeadAlgorithm, a!, b!, c!, d!)
    : k.op === 'open' ? nobleCrypto.open(k.aead as AeadAlgorithm, a!, b!, c!, d!)
    : k.op === 'hkdf' ? nobleCrypto.hkdf(a!, b!, c!, k.length!)
    : k.op === 'hmac' ? nobleCrypto.hmacSha256(a!, b!) : nobleCrypto.sha256(a!);
  return out === undefined ? null : bytesToHex(out);
}

const work = join(ROOT, 'build', 'native-test');
mkdirSync(work, { recursive: true });
const file = join(work, `xs-crypto-${process.pid}.json`);
writeFileSync(file, JSON.stringify({ cases: cases.map((k) => ({ ...k, args: k.args.map((a) => Array.from(a)) })) }));
const bundle = bundleForXs(join(ROOT, 'test', 'xs-crypto.xs.ts'), 'xs-crypto');
const xs = runOnXs(bundle, [file]);
rmSync(bundle);
rmSync(file);
const info = taggedLines(xs.stdout, 'INFO');
const out = new Map(taggedLines(xs.stdout, 'OUT').map((o) => [o.name as string, o]));
const errs = Object.fromEntries(taggedLines(xs.stdout, 'ERR').map((e) => [e.name, e.error as string | null]));

if (info[0]?.backend === '') {
  console.log('xs-crypto.test: skipped: this lvxs cannot open libcrypto (OpenSSL 3); the XS host uses noble');
  test.skip('xs crypto: libcrypto backend = noble (no libcrypto on this machine)', () => {});
} else {
  test('xs crypto: the host opened libcrypto and names it', () => {
    assert.is(xs.status, 0, `lvxs exited with ${xs.status}: ${xs.stderr}`);
    assert.match(info[0]?.backend ?? '', /^OpenSSL 3\./);
    assert.is(info[1]?.name, `xs:${info[0]?.backend}`);
  });

  test('xs crypto: known answers (FIPS 180-2, RFC 4231, RFC 5869), noble agreeing', () => {
    for (const k of cases.filter((c) => typeof c.want === 'string')) {
      assert.is(noble(k), k.want, `noble: ${k.name}`);
      assert.is(out.get(k.name)?.hex, k.want, k.name);
    }
  });

  test('xs crypto: libcrypto = noble on random AEAD, HKDF, HMAC, SHA-256 inputs; forged frames open to undefined', () => {
    for (const k of cases) {
      const got = out.get(k.name);
      assert.ok(got && got.error === undefined, `${k.name}: ${got?.error}`);
      assert.is(got.hex, noble(k), k.name);
    }
    assert.ok(cases.filter((k) => k.want === null).every((k) => out.get(k.name)?.hex === null));
  });

  test('xs crypto: bad arguments fail by name', () => {
    assert.match(errs['short key'] ?? '', /^RangeError: "key" expected Uint8Array of length 32/);
    assert.match(errs['aead 3'] ?? '', /^RangeError: "aead" expected 1/);
    assert.match(errs['output one short'] ?? '', /^RangeError: "output" expected Uint8Array of length 20/);
    assert.match(errs['hkdf length 0'] ?? '', /^RangeError: "length" expected an integer in \[1, 8160\]/);
    assert.match(errs['binding: out too short'] ?? '', /^RangeError: .*"out" expected Uint8Array of length 32/);
    assert.match(errs['binding: key not bytes'] ?? '', /^TypeError: .*"key" expected Uint8Array/);
  });
}

test.run();
