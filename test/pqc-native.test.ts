/**
 * AsymmetricCrypto port (hal/pqc.ts): the native PQClean backend (hal/node/pqc-native.ts, the
 * lv_pqc addon) gives the noble reference's bytes — golden vectors, fast-check properties over
 * random seeds, messages, contexts and rnd, tampered inputs — and both refuse bad input the same
 * way, in TypeScript and again in C.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NATIVE_PQC_PATH, nativePqc } from '../hal/node/pqc-native.ts';
import { type AsymmetricCrypto, PqcReject, PqcRejectError } from '../hal/pqc.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { bytesToHex } from '../src/bytes.ts';
import { noblePqc } from '../src/crypto/pqc-noble.ts';
import { runtimePqc, setRuntimePqc } from '../src/crypto/pqc-registry.ts';
import { PqcBackendError, PqcBackendFailure, pqcStatus } from '../src/crypto/pqc-status.ts';
import { pqcSuites } from './vectors/areas/pqc.ts';

// the addon is built at npm install (scripts/build-native.mjs); a missing one fails here, loudly
const native = nativePqc();
const hex = bytesToHex;
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const r = new SimEntropy(7, 'pqc-native');

test('names say which backend runs', () => {
  assert.is(noblePqc.name, 'noble');
  assert.is(native.name, 'node:pqclean');
  assert.match(native.version, /PQClean.*OpenSSL/);
});

test('golden vectors (written with noble) through the native backend, registered as the runtime backend', () => {
  const golden = JSON.parse(readFileSync(new URL('./vectors/pqc-roundtrip.json', import.meta.url), 'utf8'));
  assert.is(runtimePqc(), noblePqc, 'noble until a host registers a backend');
  setRuntimePqc(native);
  try {
    for (const c of golden.cases) assert.equal(pqcSuites['pqc-roundtrip']!(c.input), c.output, c.name);
  } finally {
    setRuntimePqc(noblePqc);
  }
  assert.throws(() => setRuntimePqc({} as AsymmetricCrypto), TypeError);
});

test('ML-DSA-65: same keys and hedged signatures for any seed, message, context and rnd; verify agrees', () => {
  fc.assert(
    fc.property(bytes(32), fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 255 }), bytes(32), fc.nat(), (seed, message, context, rnd, flip) => {
      const a = noblePqc.mlDsa65Keygen(seed);
      const b = native.mlDsa65Keygen(seed);
      assert.is(hex(b.publicKey), hex(a.publicKey));
      assert.is(hex(b.secretKey), hex(a.secretKey));
      const sig = noblePqc.mlDsa65Sign(a.secretKey, message, context, rnd);
      assert.is(hex(native.mlDsa65Sign(a.secretKey, message, context, rnd)), hex(sig));
      const tampered = sig.slice();
      tampered[flip % sig.length]! ^= 1 << (flip % 8);
      const otherMessage = Uint8Array.from([...message, 0]);
      for (const x of [noblePqc, native]) {
        assert.ok(x.mlDsa65Verify(a.publicKey, message, context, sig), `${x.name}: valid`);
        assert.not.ok(x.mlDsa65Verify(a.publicKey, otherMessage, context, sig), `${x.name}: other message`);
      }
      assert.is(native.mlDsa65Verify(a.publicKey, message, context, tampered), noblePqc.mlDsa65Verify(a.publicKey, message, context, tampered), 'tampered');
    }),
    { numRuns: 25, seed: 404 },
  );
});

test('ML-DSA-65: malformed signatures (other lengths, all zero, all 0xff) are false on both, never a throw', () => {
  const id = noblePqc.mlDsa65Keygen(r.randomBytes(32));
  const m = r.randomBytes(32);
  for (const sig of [new Uint8Array(0), new Uint8Array(3308), new Uint8Array(3310), new Uint8Array(3309), new Uint8Array(3309).fill(0xff)])
    for (const x of [noblePqc, native]) assert.is(x.mlDsa65Verify(id.publicKey, m, new Uint8Array(0), sig), false, `${x.name}: ${sig.length} bytes`);
});

test('ML-KEM-768: same ek/dk/ct/ss for any seed and m; a tampered ciphertext gives the same implicit-rejection secret', () => {
  fc.assert(
    fc.property(bytes(64), bytes(32), fc.nat(), (seed, m, flip) => {
      const a = noblePqc.mlKem768Keygen(seed);
      const b = native.mlKem768Keygen(seed);
      assert.is(hex(b.publicKey), hex(a.publicKey));
      assert.is(hex(b.secretKey), hex(a.secretKey));
      const ea = noblePqc.mlKem768Encapsulate(a.publicKey, m);
      const eb = native.mlKem768Encapsulate(a.publicKey, m);
      assert.is(hex(eb.cipherText), hex(ea.cipherText));
      assert.is(hex(eb.sharedSecret), hex(ea.sharedSecret));
      assert.is(hex(native.mlKem768Decapsulate(ea.cipherText, a.secretKey)), hex(ea.sharedSecret));
      const bad = ea.cipherText.slice();
      bad[flip % bad.length]! ^= 1 << (flip % 8);
      const rejected = noblePqc.mlKem768Decapsulate(bad, a.secretKey);
      assert.is(hex(native.mlKem768Decapsulate(bad, a.secretKey)), hex(rejected));
      assert.is.not(hex(rejected), hex(ea.sharedSecret));
    }),
    { numRuns: 60, seed: 203 },
  );
});

test('ML-KEM-768: keys that fail the FIPS 203 input checks → PqcRejectError with the same reason on both', () => {
  const kem = noblePqc.mlKem768Keygen(r.randomBytes(64));
  const m = r.randomBytes(32);
  const ct = noblePqc.mlKem768Encapsulate(kem.publicKey, m).cipherText;
  const badEk: Uint8Array[] = [];
  for (const at of [0, 1, 600, 1150]) {
    const ek = kem.publicKey.slice();
    // a 12-bit coefficient of 0xfff (≥ q = 3329) at byte offset `at` (either half of a triple)
    if (at % 3 === 0) { ek[at] = 0xff; ek[at + 1]! |= 0x0f; } else { ek[at]! |= 0xf0; ek[at + 1] = 0xff; }
    badEk.push(ek);
  }
  const dk = kem.secretKey.slice();
  dk[1152 + 5]! ^= 1; // the embedded ek no longer matches its hash
  const dkHash = kem.secretKey.slice();
  dkHash[2336]! ^= 1;
  for (const x of [noblePqc, native]) {
    for (const ek of badEk) {
      const e = (() => { try { x.mlKem768Encapsulate(ek, m); } catch (err) { return err; } })();
      assert.instance(e, PqcRejectError, `${x.name}: bad ek accepted`);
      assert.is((e as PqcRejectError).reason, PqcReject.KEM_ENCAPSULATION_KEY);
    }
    for (const key of [dk, dkHash]) {
      const e = (() => { try { x.mlKem768Decapsulate(ct, key); } catch (err) { return err; } })();
      assert.instance(e, PqcRejectError, `${x.name}: bad dk accepted`);
      assert.is((e as PqcRejectError).reason, PqcReject.KEM_DECAPSULATION_KEY);
    }
  }
  // the largest valid coefficient (3328 = 0xd00) passes on both
  const edge = kem.publicKey.slice();
  edge[0] = 0x00; edge[1] = (edge[1]! & 0xf0) | 0x0d;
  assert.is(hex(native.mlKem768Encapsulate(edge, m).cipherText), hex(noblePqc.mlKem768Encapsulate(edge, m).cipherText));
});

test('X25519: same public keys and shared secrets; low-order points rejected alike', () => {
  fc.assert(
    fc.property(bytes(32), bytes(32), (a, b) => {
      const pa = noblePqc.x25519PublicKey(a);
      assert.is(hex(native.x25519PublicKey(a)), hex(pa));
      const pb = native.x25519PublicKey(b);
      assert.is(hex(native.x25519SharedSecret(b, pa)), hex(noblePqc.x25519SharedSecret(a, pb)));
    }),
    { numRuns: 100, seed: 7748 },
  );
  // RFC 7748 §5.2 / §6.1 test vector (Alice and Bob)
  const alice = Uint8Array.from(Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex'));
  const bobPublic = Uint8Array.from(Buffer.from('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f', 'hex'));
  assert.is(hex(native.x25519PublicKey(alice)), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
  assert.is(hex(native.x25519SharedSecret(alice, bobPublic)), '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
  const lowOrder = ['0000000000000000000000000000000000000000000000000000000000000000', '0100000000000000000000000000000000000000000000000000000000000000',
    'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'];
  for (const u of lowOrder)
    for (const x of [noblePqc, native]) {
      const e = (() => { try { x.x25519SharedSecret(alice, Uint8Array.from(Buffer.from(u, 'hex'))); } catch (err) { return err; } })();
      assert.instance(e, PqcRejectError, `${x.name}: ${u}`);
      assert.is((e as PqcRejectError).reason, PqcReject.X25519_LOW_ORDER);
    }
});

test('bad input: wrong types and lengths throw the same TypeError / RangeError naming the argument on both', () => {
  const u = (n: number) => new Uint8Array(n);
  const cases: Array<[string, (x: AsymmetricCrypto) => unknown, RegExp]> = [
    ['keygen seed 31', (x) => x.mlDsa65Keygen(u(31)), /"seed" expected Uint8Array of length 32, got length=31/],
    ['sign secretKey', (x) => x.mlDsa65Sign(u(4031), u(1), u(0), u(32)), /"secretKey" expected Uint8Array of length 4032/],
    ['sign rnd 31', (x) => x.mlDsa65Sign(u(4032), u(1), u(0), u(31)), /"rnd" expected Uint8Array of length 32/],
    ['sign context 256', (x) => x.mlDsa65Sign(u(4032), u(1), u(256), u(32)), /"context" expected Uint8Array of at most 255 bytes, got length=256/],
    ['sign message string', (x) => x.mlDsa65Sign(u(4032), 'hi' as never, u(0), u(32)), /"message" expected Uint8Array/],
    ['verify publicKey', (x) => x.mlDsa65Verify(u(1951), u(1), u(0), u(3309)), /"publicKey" expected Uint8Array of length 1952/],
    ['verify context 256', (x) => x.mlDsa65Verify(u(1952), u(1), u(256), u(3309)), /"context" expected Uint8Array of at most 255/],
    ['verify signature array', (x) => x.mlDsa65Verify(u(1952), u(1), u(0), [1, 2] as never), /"signature" expected Uint8Array/],
    ['kem seed 32', (x) => x.mlKem768Keygen(u(32)), /"seed" expected Uint8Array of length 64/],
    ['encaps publicKey', (x) => x.mlKem768Encapsulate(u(1183), u(32)), /"publicKey" expected Uint8Array of length 1184/],
    ['encaps message', (x) => x.mlKem768Encapsulate(u(1184), u(33)), /"message" expected Uint8Array of length 32/],
    ['decaps cipherText', (x) => x.mlKem768Decapsulate(u(1087), u(2400)), /"cipherText" expected Uint8Array of length 1088/],
    ['decaps secretKey', (x) => x.mlKem768Decapsulate(u(1088), u(2399)), /"secretKey" expected Uint8Array of length 2400/],
    ['x25519 public', (x) => x.x25519PublicKey(u(31)), /"secretKey" expected Uint8Array of length 32/],
    ['x25519 shared peer', (x) => x.x25519SharedSecret(u(32), u(33)), /"publicKey" expected Uint8Array of length 32/],
    ['x25519 shared undefined', (x) => x.x25519SharedSecret(undefined as never, u(32)), /"secretKey" expected Uint8Array/],
  ];
  for (const [name, call, message] of cases)
    for (const x of [noblePqc, native]) {
      const e = (() => { try { call(x); } catch (err) { return err; } })() as Error;
      assert.ok(e instanceof TypeError || e instanceof RangeError, `${x.name} / ${name}: ${String(e)}`);
      assert.match(e.message, message, `${x.name} / ${name}`);
    }
});

test('the C side checks lengths too: the raw addon answers BAD_ARGUMENT, never reads past a buffer', () => {
  const addon = createRequire(import.meta.url)(NATIVE_PQC_PATH);
  const u = (n: number) => new Uint8Array(n);
  const E_ARGUMENT = 2;
  assert.is(addon.mlDsa65Keygen(u(31), u(1952), u(4032)), E_ARGUMENT);
  assert.is(addon.mlDsa65Keygen(u(32), u(1951), u(4032)), E_ARGUMENT);
  assert.is(addon.mlDsa65Sign(u(4031), u(1), u(0), u(32), u(3309)), E_ARGUMENT);
  assert.is(addon.mlDsa65Sign(u(4032), u(1), u(256), u(32), u(3309)), E_ARGUMENT);
  assert.is(addon.mlDsa65Sign(u(4032), u(1), u(0), u(33), u(3309)), E_ARGUMENT);
  assert.is(addon.mlDsa65Sign(u(4032), u(1), u(0), u(32), u(3308)), E_ARGUMENT);
  assert.is(addon.mlDsa65Verify(u(1953), u(1), u(0), u(3309)), E_ARGUMENT);
  assert.is(addon.mlKem768Keygen(u(63), u(1184), u(2400)), E_ARGUMENT);
  assert.is(addon.mlKem768Encapsulate(u(1184), u(31), u(1088), u(32)), E_ARGUMENT);
  assert.is(addon.mlKem768Encapsulate(u(1184), u(32), u(1088), u(31)), E_ARGUMENT);
  assert.is(addon.mlKem768Decapsulate(u(1089), u(2400), u(32)), E_ARGUMENT);
  assert.is(addon.x25519PublicKey(u(32), u(31)), E_ARGUMENT);
  assert.is(addon.x25519SharedSecret(u(32), u(31), u(32)), E_ARGUMENT);
  assert.is(addon.mlKem768Decapsulate(u(1088), new Uint16Array(1200), u(32)), E_ARGUMENT, 'not a Uint8Array');
  assert.is(addon.mlDsa65Sign(u(4032), u(1)), E_ARGUMENT, 'missing arguments');
});

test('no system randomness inside: PQClean randombytes.c is compiled nowhere; the core defines randombytes itself', () => {
  for (const build of ['native/node/binding.gyp', 'native/host/Makefile']) {
    const text = readFileSync(new URL(`../${build}`, import.meta.url), 'utf8');
    assert.ok(text.includes('fips202.c'), `${build} compiles PQClean`);
    assert.not.ok(/randombytes/.test(text), `${build} names randombytes`);
  }
  const core = readFileSync(new URL('../native/kernels/pqc_core.c', import.meta.url), 'utf8');
  assert.match(core, /^int randombytes\(uint8_t\* output, size_t n\)$/m);
  assert.not.ok(/getrandom|\/dev\/u?random|arc4random|RAND_bytes/.test(core));
});

test('statuses map to typed answers; a backend failure is never a result', () => {
  assert.is(pqcStatus(0, 'x'), true);
  assert.is(pqcStatus(1, 'x'), false);
  const reasonOf = (status: number) => { try { pqcStatus(status, 'x'); } catch (e) { return e; } };
  assert.is((reasonOf(3) as PqcRejectError).reason, PqcReject.KEM_ENCAPSULATION_KEY);
  assert.is((reasonOf(4) as PqcRejectError).reason, PqcReject.KEM_DECAPSULATION_KEY);
  assert.is((reasonOf(7) as PqcRejectError).reason, PqcReject.X25519_LOW_ORDER);
  assert.is((reasonOf(2) as PqcBackendError).reason, PqcBackendFailure.BAD_ARGUMENT);
  assert.is((reasonOf(5) as PqcBackendError).reason, PqcBackendFailure.RANDOM);
  assert.is((reasonOf(6) as PqcBackendError).reason, PqcBackendFailure.INTERNAL);
  assert.is((reasonOf(99) as PqcBackendError).reason, PqcBackendFailure.INTERNAL);
});

test('inputs are not modified, outputs are fresh arrays', () => {
  const seed = r.randomBytes(32);
  const id = native.mlDsa65Keygen(seed);
  const m = r.randomBytes(40);
  const rnd = r.randomBytes(32);
  const before = [hex(seed), hex(id.secretKey), hex(m), hex(rnd)];
  const s1 = native.mlDsa65Sign(id.secretKey, m, new Uint8Array(0), rnd);
  const s2 = native.mlDsa65Sign(id.secretKey, m, new Uint8Array(0), rnd);
  assert.equal([hex(seed), hex(id.secretKey), hex(m), hex(rnd)], before);
  assert.is(hex(s1), hex(s2), 'same rnd, same signature: no hidden randomness');
  assert.is.not(s1.buffer, s2.buffer);
  assert.is.not(hex(native.mlDsa65Sign(id.secretKey, m, new Uint8Array(0), r.randomBytes(32))), hex(s1), 'another rnd, another signature');
});

test.run();
