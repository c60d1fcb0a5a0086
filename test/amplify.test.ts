/**
 * Toeplitz privacy amplification (src/qkd/amplify.ts): the word-parallel reference against the
 * definition (toeplitzHashNaive), its algebra (linearity, the window of a polynomial product), its
 * argument checks, and the native kernels on Node (Node-API, every method) against the reference.
 * The same cases on XS are in test/native.test.ts and the golden vectors (amplify-toeplitz*).
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nodeKernels } from '../hal/node/kernels.ts';
import { referenceLdpcDecode } from '../src/qkd/ldpc/decode.ts';
import { referenceKernels } from '../src/kernels/reference.ts';
import { runtimeKernels, runtimeKernelsRegistered } from '../src/kernels/registry.ts';
import { packedLength, toeplitzBitNaive, toeplitzHash, toeplitzHashNaive } from '../src/qkd/amplify.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bit = (b: Uint8Array, k: number) => (b[k >>> 3]! >>> (7 - (k & 7))) & 1;

function clearPadding(bytes: Uint8Array, bits: number): Uint8Array {
  if (bits & 7) bytes[bytes.length - 1]! &= (0xff << (8 - (bits & 7))) & 0xff;
  return bytes;
}

/** n ≤ maxN, 1 ≤ ℓ ≤ n, and random input and seed bits of the right packed lengths. */
function blocks(maxN: number, bias = false) {
  return fc.integer({ min: 1, max: maxN }).chain((n) => fc.integer({ min: 1, max: n }).chain((l) => fc.record({
    n: fc.constant(n),
    l: fc.constant(l),
    x: fc.uint8Array({ minLength: packedLength(n), maxLength: packedLength(n) }).map((b) => clearPadding(bias ? b.map((v) => v & (v >>> 3) & 0x11) : b, n)),
    s: fc.uint8Array({ minLength: packedLength(n + l - 1), maxLength: packedLength(n + l - 1) }).map((b) => clearPadding(b, n + l - 1)),
  })));
}

test('reference = the definition (random sizes up to 300 bits, dense and sparse inputs)', () => {
  fc.assert(fc.property(blocks(300), ({ n, l, x, s }) => hex(toeplitzHash(x, n, s, l)) === hex(toeplitzHashNaive(x, n, s, l))), { numRuns: 300 });
  fc.assert(fc.property(blocks(300, true), ({ n, l, x, s }) => hex(toeplitzHash(x, n, s, l)) === hex(toeplitzHashNaive(x, n, s, l))), { numRuns: 100 });
});

test('reference = the definition on every n mod 32 and ℓ at the edges', () => {
  for (let n = 1; n <= 70; n++)
    for (const l of new Set([1, 2, n >> 1 || 1, n - 1 || 1, n].filter((v) => v <= n))) {
      const x = clearPadding(Uint8Array.from({ length: packedLength(n) }, (_, i) => (i * 73 + n) & 0xff), n);
      const s = clearPadding(Uint8Array.from({ length: packedLength(n + l - 1) }, (_, i) => (i * 151 + l * 7) & 0xff), n + l - 1);
      assert.is(hex(toeplitzHash(x, n, s, l)), hex(toeplitzHashNaive(x, n, s, l)), `n=${n} l=${l}`);
    }
});

test('the hash is linear in the input: H(x ⊕ x′) = H(x) ⊕ H(x′)', () => {
  fc.assert(fc.property(blocks(2000), fc.integer(), ({ n, l, x, s }, salt) => {
    const x2 = clearPadding(x.map((v, i) => (v * 31 + i + salt) & 0xff), n);
    const sum = x.map((v, i) => v ^ x2[i]!);
    const h = toeplitzHash(x, n, s, l).map((v, i) => v ^ toeplitzHash(x2, n, s, l)[i]!);
    return hex(toeplitzHash(sum, n, s, l)) === hex(h);
  }), { numRuns: 50 });
});

test('toeplitzBitNaive = the bits of toeplitzHashNaive; its index is checked', () => {
  fc.assert(fc.property(blocks(200), ({ n, l, x, s }) => {
    const y = toeplitzHashNaive(x, n, s, l);
    for (let i = 0; i < l; i++) if (toeplitzBitNaive(x, n, s, l, i) !== bit(y, i)) return false;
    return true;
  }), { numRuns: 100 });
  assert.throws(() => toeplitzBitNaive(new Uint8Array(2), 12, new Uint8Array(2), 4, 4), /"index" expected/);
});

test('y_i is bit n−1+i of the GF(2) product seed(z)·input(z) (coefficient k = bit k)', () => {
  const n = 37, l = 11;
  const x = clearPadding(Uint8Array.of(0xb3, 0x5c, 0x0f, 0xe1, 0x88), n);
  const s = clearPadding(Uint8Array.of(0x6d, 0x01, 0xfa, 0x93, 0x27, 0x4c), n + l - 1);
  const product = new Uint8Array(n + (n + l - 1));
  for (let a = 0; a < n + l - 1; a++) for (let j = 0; j < n; j++) product[a + j]! ^= bit(s, a) & bit(x, j);
  const y = toeplitzHash(x, n, s, l);
  for (let i = 0; i < l; i++) assert.is(bit(y, i), product[n - 1 + i], `bit ${i}`);
});

test('arguments are checked first, each error naming its argument', () => {
  const x = new Uint8Array(2);
  const s = new Uint8Array(2);
  assert.throws(() => toeplitzHash([0, 0] as unknown as Uint8Array, 12, s, 4), (e: Error) => e instanceof TypeError && /"input" expected Uint8Array/.test(e.message));
  assert.throws(() => toeplitzHash(x, 0, s, 1), (e: Error) => e instanceof RangeError && /"n" expected an integer in \[1, 2147483648\], got 0/.test(e.message));
  assert.throws(() => toeplitzHash(x, 2 ** 31 + 1, s, 1), (e: Error) => e instanceof RangeError && /"n"/.test(e.message));
  assert.throws(() => toeplitzHash(x, 12, s, 13), (e: Error) => e instanceof RangeError && /"outputBits" expected an integer in \[1, 12\], got 13/.test(e.message));
  assert.throws(() => toeplitzHash(x, 12, s, 0), (e: Error) => e instanceof RangeError && /"outputBits"/.test(e.message));
  assert.throws(() => toeplitzHash(x, 12, s, 4.5), (e: Error) => e instanceof TypeError && /"outputBits" expected an integer/.test(e.message));
  assert.throws(() => toeplitzHash(new Uint8Array(1), 12, s, 4), (e: Error) => e instanceof RangeError && e.message === '"input" expected Uint8Array of length 2, got length=1');
  assert.throws(() => toeplitzHash(new Uint8Array(13), 100, new Uint8Array(12), 5), (e: Error) => e instanceof RangeError && e.message === '"seed" expected Uint8Array of length 13, got length=12');
  assert.throws(() => toeplitzHash(Uint8Array.of(0, 0x01), 12, s, 4), (e: Error) => e instanceof RangeError && e.message === '"input" expected zero padding bits after bit 12');
  assert.throws(() => toeplitzHash(x, 12, Uint8Array.of(0, 0x01), 4), (e: Error) => e instanceof RangeError && e.message === '"seed" expected zero padding bits after bit 15');
});

test('the reference Kernels say what they are, kernel by kernel', () => {
  assert.is(referenceKernels.implementation, 'reference');
  assert.is(referenceKernels.toeplitzHash, toeplitzHash);
  assert.is(referenceKernels.ldpcDecode, referenceLdpcDecode);
  assert.equal(referenceKernels.perKernel, { toeplitzHash: 'reference', ldpcDecode: 'reference' });
  if (!runtimeKernelsRegistered()) assert.is(runtimeKernels(), referenceKernels);
});

// Native (Node-API): a missing addon fails here, loudly, never falls back.
const native = nodeKernels();
const METHODS = ['auto', 'words', 'fft', 'fft-portable'] as const;

test(`node native (${native.backend}): every method = reference, random sizes up to 3000 bits`, () => {
  assert.is(native.implementation, 'native');
  assert.is(native.runtime, 'node');
  fc.assert(fc.property(blocks(3000), fc.constantFrom(...METHODS), ({ n, l, x, s }, method) =>
    hex(native.toeplitzHashWith(method, x, n, s, l)) === hex(toeplitzHash(x, n, s, l))), { numRuns: 300 });
});

test('node native = reference on larger blocks (several FFT parts and transforms)', () => {
  fc.assert(fc.property(fc.integer({ min: 20_000, max: 120_000 }), fc.double({ min: 0.01, max: 1, noNaN: true }), fc.integer(), (n, ratio, salt) => {
    const l = Math.max(1, Math.min(n, Math.round(n * ratio)));
    const x = clearPadding(Uint8Array.from({ length: packedLength(n) }, (_, i) => (Math.imul(i ^ salt, 0x9e3779b1) >>> 24)), n);
    const s = clearPadding(Uint8Array.from({ length: packedLength(n + l - 1) }, (_, i) => (Math.imul(i + salt, 0x85ebca6b) >>> 23) & 0xff), n + l - 1);
    const want = hex(toeplitzHash(x, n, s, l));
    return hex(native.toeplitzHashWith('fft', x, n, s, l)) === want && hex(native.toeplitzHashWith('auto', x, n, s, l)) === want;
  }), { numRuns: 6 });
});

test('node native on a block whose scratch is its own huge-page mapping (n = 4·10^6): fft = fft-portable = the definition', () => {
  // ~9 MB of scratch: past the 4 MiB from which native/os/scratch.c maps it apart from malloc
  const n = 4_000_000;
  const l = n / 2;
  const x = clearPadding(Uint8Array.from({ length: packedLength(n) }, (_, i) => Math.imul(i, 0x9e3779b1) >>> 24), n);
  const s = clearPadding(Uint8Array.from({ length: packedLength(n + l - 1) }, (_, i) => Math.imul(i ^ 0x5bd1, 0x85ebca6b) >>> 24), n + l - 1);
  const y = native.toeplitzHashWith('fft', x, n, s, l);
  assert.is(hex(native.toeplitzHashWith('fft-portable', x, n, s, l)), hex(y));
  // a few bits from the definition, spread over the output
  for (const i of [0, 1, 777_777, l >>> 1, l - 2, l - 1]) assert.is(bit(y, i), toeplitzBitNaive(x, n, s, l, i), `output bit ${i}`);
});

test('node native rejects bad arguments exactly as the reference does', () => {
  const cases: Array<[unknown, unknown, unknown, unknown]> = [
    [new Uint8Array(2), 0, new Uint8Array(2), 1],
    [new Uint8Array(2), 12, new Uint8Array(2), 13],
    [new Uint8Array(1), 12, new Uint8Array(2), 4],
    [new Uint8Array(2), 12, new Uint8Array(3), 4],
    [Uint8Array.of(0, 1), 12, new Uint8Array(2), 4],
    ['xx', 12, new Uint8Array(2), 4],
  ];
  for (const [x, n, s, l] of cases) {
    let want = '';
    let got = '';
    try { toeplitzHash(x as Uint8Array, n as number, s as Uint8Array, l as number); } catch (e) { want = String(e); }
    try { native.toeplitzHash(x as Uint8Array, n as number, s as Uint8Array, l as number); } catch (e) { got = String(e); }
    assert.ok(want, 'the reference accepted a bad call');
    assert.is(got, want);
  }
  assert.throws(() => native.toeplitzHashWith('fast' as 'fft', new Uint8Array(1), 8, new Uint8Array(2), 8), /"method" expected one of auto, words, fft, fft-portable/);
  // The LDPC decoder is native too (its equality with the reference: test/native-ldpc.test.ts).
  assert.is.not(native.ldpcDecode, referenceLdpcDecode);
  assert.equal(native.perKernel, { toeplitzHash: 'native', ldpcDecode: 'native' });
});

test.run();
