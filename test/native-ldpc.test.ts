/**
 * The native LDPC decoder (native/kernels/ldpc.c) against the TypeScript reference
 * (src/qkd/ldpc/decode.ts), bit for bit: the C unit test in its SIMD and portable builds, whose
 * known-answer digest is recomputed here with the reference; the Node-API kernel on random codes
 * and LLRs (fast-check: repeated columns, rows of degree 0 and 1, ±Infinity, ±0, huge and tiny
 * values) and on real codes with punctured and shortened bits; the ldpc-decode golden vectors
 * through the native set; bad input failing exactly as the reference fails; and the same C
 * inside lvxs through its xsmc binding (random cases, golden vectors, the binding's own checks).
 * The fuzz targets native/fuzz/fuzz_ldpc_*.c run (briefly) in test/native.test.ts with the rest.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCUnitTest } from './_c-unit.ts';
// @ts-expect-error: a plain ESM script, no declarations
import { manifestNativeSources, nativeTable } from '../scripts/build-native.mjs';
import { NODE_ADDON_PATH, nodeKernels } from '../hal/node/kernels.ts';
import type { LdpcCodeView, LdpcDecodeResult } from '../hal/kernels.ts';
import { bytesToHex, hexToBytes, packBits } from '../src/bytes.ts';
import { LdpcRandom } from '../src/qkd/ldpc/_prng.ts';
import { aliceFrame, bobChannelLlr, frameKeyBits, frameLayout } from '../src/qkd/ldpc/adapt.ts';
import { buildLdpcCode } from '../src/qkd/ldpc/code.ts';
import { referenceLdpcDecode } from '../src/qkd/ldpc/decode.ts';
import { ldpcSyndrome } from '../src/qkd/ldpc/syndrome.ts';
import type { VectorFile } from './vectors/types.ts';
import { bundleForXs, ROOT, runOnXs, taggedLines } from './xs/harness.ts';
import { ldpcOutcomeDigest } from './_ldpc-digest.ts';

const work = join(ROOT, 'build', 'native-test');
mkdirSync(work, { recursive: true });

/** One decode call: one or more frames of one code, back to back. */
interface LdpcCase {
  readonly code: LdpcCodeView;
  readonly syndromes: Uint8Array;
  readonly channelLlrs: Float64Array;
  readonly maxIterations: number;
}

// ---- the C unit test and its known answer

/** xorshift32, the generator of native/kernels/test_ldpc.c. */
class Xorshift32 {
  constructor(private state: number) {}
  next(): number {
    let s = this.state;
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return (this.state = s);
  }
}

/** draw_syndrome() of test_ldpc.c: m bits. */
function drawSyndrome(rng: Xorshift32, m: number): Uint8Array {
  const syndrome = new Uint8Array((m + 7) >>> 3);
  for (let r = 0; r < m; r++) if (rng.next() & 1) syndrome[r >>> 3]! |= 0x80 >>> (r & 7);
  return syndrome;
}

/** draw_llrs() of test_ldpc.c: n LLRs, ±∞, ±0 or k/64. */
function drawLlrs(rng: Xorshift32, n: number): Float64Array {
  const channelLlr = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const t = rng.next() % 16;
    channelLlr[j] = t === 0 ? Infinity : t === 1 ? -Infinity : t === 2 ? 0 : t === 3 ? -0 : ((rng.next() % 2001) - 1000) / 64;
  }
  return channelLlr;
}

/** make_case() of test_ldpc.c, draw for draw. */
function katCase(rng: Xorshift32): LdpcCase {
  const n = 16 + (rng.next() % 300);
  const m = 1 + (rng.next() % n);
  const constant = rng.next() % 2;
  const dconst = 2 + (rng.next() % 6);
  const checkPtr = new Uint32Array(m + 1);
  const vars: number[] = [];
  for (let r = 0; r < m; r++) {
    const d = constant ? dconst : rng.next() % 9;
    for (let i = 0; i < d; i++) vars.push(rng.next() % n);
    checkPtr[r + 1] = vars.length;
  }
  const syndromes = drawSyndrome(rng, m);
  const channelLlrs = drawLlrs(rng, n);
  return { code: { n, m, checkPtr, checkVars: Uint32Array.from(vars) }, syndromes, channelLlrs, maxIterations: 1 + (rng.next() % 20) };
}

/** kat_multi_digest() of test_ldpc.c: each call a make_case(), then F = 1 + rnd() % 40, then frames 1 … F − 1 (syndrome, LLRs). */
function katMultiCase(rng: Xorshift32): LdpcCase {
  const first = katCase(rng);
  const frames = 1 + (rng.next() % 40);
  const { n, m } = first.code;
  const bytes = (m + 7) >>> 3;
  const syndromes = new Uint8Array(frames * bytes);
  const channelLlrs = new Float64Array(frames * n);
  syndromes.set(first.syndromes);
  channelLlrs.set(first.channelLlrs);
  for (let f = 1; f < frames; f++) {
    syndromes.set(drawSyndrome(rng, m), f * bytes);
    channelLlrs.set(drawLlrs(rng, n), f * n);
  }
  return { ...first, syndromes, channelLlrs };
}

const KAT_CASES = 400;
function katDigest(decode: (c: LdpcCase) => LdpcDecodeResult): string {
  const rng = new Xorshift32(0x4c445043);
  let h = 2166136261;
  for (let k = 0; k < KAT_CASES; k++) h = ldpcOutcomeDigest(decode(katCase(rng)), h);
  return h.toString(16).padStart(8, '0');
}

const KAT_MULTI_CALLS = 24;
function katMultiDigest(decode: (c: LdpcCase) => LdpcDecodeResult): string {
  const rng = new Xorshift32(0x4c44504d);
  let h = 2166136261;
  for (let k = 0; k < KAT_MULTI_CALLS; k++) h = ldpcOutcomeDigest(decode(katMultiCase(rng)), h);
  return h.toString(16).padStart(8, '0');
}

const reference = (c: LdpcCase) => referenceLdpcDecode(c.code, c.syndromes, c.channelLlrs, c.maxIterations);
const nativeDecode = (c: LdpcCase) => native.ldpcDecode(c.code, c.syndromes, c.channelLlrs, c.maxIterations);
const referenceKat = katDigest(reference);
const referenceMulti = katMultiDigest(reference);
const katLine = new RegExp(`digest ${referenceKat} over ${KAT_CASES} random decodes; multi-frame digest ${referenceMulti} over ${KAT_MULTI_CALLS} calls`);

const cUnitTest = (flags: string[]) => runCUnitTest('ldpc', flags);

test('the C known-answer digests (one frame a call, and 1 to 40 frames a call) are the TypeScript reference\'s', () => {
  const source = readFileSync(join(ROOT, 'native/kernels/test_ldpc.c'), 'utf8');
  assert.is(source.match(/#define KAT_DIGEST 0x([0-9a-f]{8})u/)?.[1], referenceKat);
  assert.is(source.match(/#define KAT_MULTI_DIGEST 0x([0-9a-f]{8})u/)?.[1], referenceMulti);
});

test('C unit test native/kernels/test_ldpc.c passes (16 frames in AVX2 lanes where the CPU has AVX2)', () => {
  assert.match(cUnitTest([]), katLine);
});

test('C unit test passes without the AVX2 lanes (-DLV_LDPC_NO_AVX2: what a CPU without AVX2 runs)', () => {
  assert.match(cUnitTest(['-DLV_LDPC_NO_AVX2']), katLine);
});

test('C unit test passes in the portable build boards get (-DLV_LDPC_PORTABLE: a frame at a time, no intrinsics)', () => {
  assert.match(cUnitTest(['-DLV_LDPC_PORTABLE']), katLine);
});

test('manifest.json compiles the LDPC kernel and its xsmc binding into lvxs', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8'));
  const sources: string[] = manifestNativeSources(manifest, 'lin');
  assert.ok(sources.some((s) => s.endsWith('native/kernels/ldpc.c')), 'native/kernels/ldpc missing from platforms.lin');
  assert.ok(sources.some((s) => s.endsWith('native/host/kernels_ldpc.c')), 'native/host/kernels_ldpc missing from platforms.lin');
  const table: string = nativeTable(sources);
  for (const name of ['xs_lv_ldpc_decode', 'xs_lv_ldpc_syndrome', 'xs_lv_ldpc_work_bytes'])
    assert.ok(table.includes(`{ "${name}", lvNativeFunction`), `${name} missing from the native table`);
});

// ---- Node-API

const native = nodeKernels();
const show = (r: LdpcDecodeResult) => ({ bits: bytesToHex(r.bits), frames: r.frames });

test('node: the native set runs the native LDPC decoder and says so', () => {
  assert.equal(native.perKernel, { toeplitzHash: 'native', ldpcDecode: 'native' });
  assert.is(native.implementation, 'native');
});

test('node: N-API = reference on the C unit test\'s 400 random cases and its 24 multi-frame calls (digests)', () => {
  assert.is(katDigest(nativeDecode), referenceKat);
  assert.is(katMultiDigest(nativeDecode), referenceMulti);
});

/**
 * LLRs from every corner: ±∞, ±0, around saturation (±127.99…, 128) and the rounding of the
 * fixed point (halves of 1/256 and the doubles beside them), huge, tiny, subnormal, any doubles.
 */
const llrValue = fc.oneof(
  fc.constantFrom(Infinity, -Infinity, 0, -0, 127.998046875, -127.998046875, 127.99609375, 128, -128, 1 / 512, -1 / 512, 3 / 512,
    0.49999999999999994 / 256, -0.49999999999999994 / 256, 2.75, -2.75, 5e-324, -1e-310, 1e308, -1.7976931348623157e308),
  fc.double({ noNaN: true, min: -40, max: 40 }),
  fc.double({ noNaN: true }),
);

/** Random codes (rows of degree 0 to 10, repeated columns) with 1 to 40 frames: more than 16 make the native lanes refill. */
const randomCase = fc.record({
  n: fc.integer({ min: 1, max: 160 }), m: fc.integer({ min: 1, max: 80 }), frames: fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 40 })),
}).chain(({ n, m, frames }) =>
  fc.record({
    degrees: fc.array(fc.oneof(fc.integer({ min: 0, max: 10 }), fc.constant(4)), { minLength: m, maxLength: m }),
    vars: fc.array(fc.nat({ max: n - 1 }), { minLength: 10 * m, maxLength: 10 * m }),
    syndromeBits: fc.array(fc.uint8Array({ minLength: m, maxLength: m, max: 1 }), { minLength: frames, maxLength: frames }),
    llr: fc.array(llrValue, { minLength: n * frames, maxLength: n * frames }),
    maxIterations: fc.integer({ min: 1, max: 25 }),
  }).map(({ degrees, vars, syndromeBits, llr, maxIterations }): LdpcCase => {
    const checkPtr = new Uint32Array(m + 1);
    for (let r = 0; r < m; r++) checkPtr[r + 1] = checkPtr[r]! + degrees[r]!;
    const syndromes = new Uint8Array(frames * ((m + 7) >>> 3));
    syndromeBits.forEach((bits, f) => syndromes.set(packBits(bits), f * ((m + 7) >>> 3)));
    return { code: { n, m, checkPtr, checkVars: Uint32Array.from(vars.slice(0, checkPtr[m]!)) }, syndromes, channelLlrs: Float64Array.from(llr), maxIterations };
  }));

test('node: N-API = reference on random codes and LLRs (fast-check)', () => {
  fc.assert(fc.property(randomCase, (c) => {
    assert.equal(show(nativeDecode(c)), show(reference(c)));
  }), { numRuns: 400 });
});

/** Real frames (1 to 24): a code of the family, BSC words, punctured (LLR 0) and shortened (±∞) positions. */
const realFrame = fc.record({
  n: fc.integer({ min: 256, max: 3000 }), rate: fc.double({ min: 0.4, max: 0.8, noNaN: true }), seed: fc.nat(),
  p: fc.double({ min: 0.005, max: 0.12, noNaN: true }), punctured: fc.integer({ min: 0, max: 30 }), shortened: fc.integer({ min: 0, max: 30 }),
  negativeShortened: fc.boolean(), maxIterations: fc.integer({ min: 1, max: 60 }), frames: fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 24 })),
}).map(({ n, rate, seed, p, punctured, shortened, negativeShortened, maxIterations, frames }): LdpcCase => {
  const code = buildLdpcCode(n, rate, seed);
  const rng = new LdpcRandom([seed, 7]);
  const bytes = (code.m + 7) >>> 3;
  const syndromes = new Uint8Array(frames * bytes);
  const channelLlrs = new Float64Array(frames * n);
  for (let f = 0; f < frames; f++) {
    const x = Uint8Array.from({ length: n }, () => rng.nextUint32() >>> 31);
    const mag = Math.log((1 - p) / p);
    const llr = Float64Array.from(x, (b) => ((b ^ (rng.nextUint32() < p * 4294967296 ? 1 : 0)) ? -mag : mag));
    for (let k = 0; k < punctured; k++) llr[rng.below(n)] = 0;
    for (let k = 0; k < shortened; k++) {
      const j = rng.below(n);
      llr[j] = x[j] ? -Infinity : negativeShortened && k % 3 === 0 ? -Infinity : Infinity; // some shortened bits lie
    }
    syndromes.set(ldpcSyndrome(code, x), f * bytes);
    channelLlrs.set(llr, f * n);
  }
  return { code, syndromes, channelLlrs, maxIterations };
});

test('node: N-API = reference on frames of the code family with punctured and shortened bits (fast-check)', () => {
  fc.assert(fc.property(realFrame, (c) => {
    assert.equal(show(nativeDecode(c)), show(reference(c)));
  }), { numRuns: 40 });
});

test('node: N-API syndrome = reference syndrome (fast-check)', () => {
  fc.assert(fc.property(randomCase, fc.nat(), (c, seed) => {
    const rng = new LdpcRandom([seed]);
    const x = Uint8Array.from({ length: c.code.n }, () => rng.nextUint32() >>> 31);
    assert.is(bytesToHex(native.ldpcSyndrome(c.code, x)), bytesToHex(ldpcSyndrome(c.code, x)));
  }), { numRuns: 200 });
});

/** The ldpc-decode golden suite's frames (test/vectors/areas/ldpc.ts), decoded by `decode`. */
const golden = JSON.parse(readFileSync(join(ROOT, 'test/vectors/ldpc-decode.json'), 'utf8')) as VectorFile;
function goldenFrame(input: any): { c: LdpcCase; check: (r: LdpcDecodeResult) => unknown } {
  const code = buildLdpcCode(input.n, input.rate, input.seed);
  const layout = frameLayout(code.n, input.punctured, input.shortened, input.layoutSeed);
  const rng = new LdpcRandom([input.wordSeed]);
  const bits = (k: number) => Uint8Array.from({ length: k }, () => rng.nextUint32() >>> 31);
  const aliceKey = bits(layout.keyPositions.length);
  const frame = aliceFrame(layout, aliceKey, bits(layout.punctured));
  const bobKey = aliceKey.slice();
  const perm = Uint32Array.from(aliceKey, (_, i) => i);
  for (let i = 0; i < input.errors; i++) {
    const k = i + rng.below(aliceKey.length - i);
    const t = perm[i]!;
    perm[i] = perm[k]!;
    perm[k] = t;
    bobKey[perm[i]!]! ^= 1;
  }
  const c = { code, syndromes: ldpcSyndrome(code, frame), channelLlrs: bobChannelLlr(layout, bobKey, input.llrMagnitude), maxIterations: input.maxIterations };
  return {
    c,
    check: (r) => {
      const key = frameKeyBits(layout, r.bits);
      let errorsLeft = 0;
      for (let i = 0; i < aliceKey.length; i++) errorsLeft += key[i]! ^ aliceKey[i]!;
      return { converged: r.frames[0]!.converged, iterations: r.frames[0]!.iterations, bits: bytesToHex(sha256(packBits(r.bits))), errorsLeft };
    },
  };
}
const goldenFrames = golden.cases.map((g) => ({ name: g.name, output: g.output, ...goldenFrame(g.input) }));

test('node: the ldpc-decode golden vectors through the native set', () => {
  for (const g of goldenFrames) {
    assert.equal(g.check(reference(g.c)), g.output, `${g.name} (reference: the frames are rebuilt as the suite builds them)`);
    assert.equal(g.check(nativeDecode(g.c)), g.output, g.name);
  }
});

// Bad input: lengths that don't match, wrong types, absurd sizes, codes that don't exist.
const ok = katCase(new Xorshift32(99));
const { n, m } = ok.code;
const withCode = (patch: object): LdpcCase => ({ ...ok, code: { ...ok.code, ...patch } as LdpcCodeView });
const nanAt = (j: number) => { const l = ok.channelLlrs.slice(); l[j] = NaN; return l; };
const badCases: Array<[string, LdpcCase]> = [
  ['code null', { ...ok, code: null as unknown as LdpcCodeView }],
  ['code.n = 0', withCode({ n: 0 })],
  ['code.n = 1.5', withCode({ n: 1.5 })],
  ['code.n absurd (2^40)', withCode({ n: 2 ** 40 })],
  ['code.m a string', withCode({ m: '3' })],
  ['code.m = m + 1 (checkPtr too short)', withCode({ m: m + 1 })],
  ['checkPtr a plain array', withCode({ checkPtr: Array.from(ok.code.checkPtr) })],
  ['checkPtr an Int32Array', withCode({ checkPtr: Int32Array.from(ok.code.checkPtr) })],
  ['checkPtr[0] = 1', withCode({ checkPtr: Uint32Array.from(ok.code.checkPtr, (v, i) => (i === 0 ? 1 : v)) })],
  ['checkPtr decreases', withCode({ checkPtr: Uint32Array.from(ok.code.checkPtr, (v, i) => (i === 1 ? ok.code.checkVars.length : v)) })],
  ['checkVars one short', withCode({ checkVars: ok.code.checkVars.subarray(1) })],
  ['checkVars names column n (a code that does not exist)', withCode({ checkVars: Uint32Array.from(ok.code.checkVars, (v, i) => (i === 3 ? n : v)) })],
  ['checkVars names column 2^32 − 1', withCode({ checkVars: Uint32Array.from(ok.code.checkVars, (v, i) => (i === 0 ? 0xffffffff : v)) })],
  ['syndromes a Uint16Array', { ...ok, syndromes: new Uint16Array(ok.syndromes.length) as unknown as Uint8Array }],
  ['syndromes one byte long', { ...ok, syndromes: new Uint8Array(ok.syndromes.length + 1) }],
  ['syndromes padding set', { ...ok, syndromes: Uint8Array.from(ok.syndromes, (v, i) => (i === ok.syndromes.length - 1 ? v | 1 : v)) }],
  ['syndromes for one frame, LLRs for two', { ...ok, channelLlrs: new Float64Array(2 * n) }],
  ['padding set in the second of two frames', { ...ok, syndromes: Uint8Array.from({ length: 2 * ok.syndromes.length }, (_, i) => (i === 2 * ok.syndromes.length - 1 ? 1 : 0)), channelLlrs: new Float64Array(2 * n) }],
  ['channelLlrs a Float32Array', { ...ok, channelLlrs: new Float32Array(n) as unknown as Float64Array }],
  ['channelLlrs one short', { ...ok, channelLlrs: ok.channelLlrs.subarray(1) }],
  ['channelLlrs empty', { ...ok, channelLlrs: new Float64Array(0) }],
  ['channelLlrs NaN at 5', { ...ok, channelLlrs: nanAt(5) }],
  ['maxIterations 0', { ...ok, maxIterations: 0 }],
  ['maxIterations 2.5', { ...ok, maxIterations: 2.5 }],
  ['maxIterations 100001', { ...ok, maxIterations: 100_001 }],
  ['maxIterations NaN', { ...ok, maxIterations: NaN }],
  ['several faults: the reference\'s order', { ...withCode({ checkVars: Uint32Array.from(ok.code.checkVars, (v, i) => (i === 3 ? n : v)) }), channelLlrs: nanAt(2), maxIterations: 0 }],
];
if (m % 8 === 0) throw new Error('the bad-input base case needs syndrome padding bits');

test('node: bad input fails exactly as the reference fails (type, message)', () => {
  for (const [name, c] of badCases) {
    let want = '';
    let got = '';
    try { reference(c); } catch (e) { want = String(e); }
    try { nativeDecode(c); } catch (e) { got = String(e); }
    assert.ok(want, `${name}: the reference accepted it`);
    assert.is(got, want, name);
  }
});

test('node: the addon itself (no TypeScript checks in front) refuses bad calls with clear errors', () => {
  const addon = createRequire(import.meta.url)(NODE_ADDON_PATH);
  assert.throws(() => addon.ldpcDecode(), /expected \(code, syndromes, channelLlrs, maxIterations\)/);
  assert.throws(() => addon.ldpcDecode({ ...ok.code, n: 2 ** 40 }, ok.syndromes, ok.channelLlrs, 5), /"code.n" expected an integer in \[1, 2147483648\]/);
  assert.throws(() => addon.ldpcDecode({ ...ok.code, checkVars: [1, 2] }, ok.syndromes, ok.channelLlrs, 5), /"code.checkVars" expected Uint32Array/);
  assert.throws(() => addon.ldpcDecode(ok.code, null, ok.channelLlrs, 5), /"syndromes" expected Uint8Array/);
  // n at the limit with small arrays: refused on the LLRs' length, without allocating n bytes first
  assert.throws(() => addon.ldpcDecode({ ...ok.code, n: 2 ** 31 }, ok.syndromes, ok.channelLlrs, 5), /"channelLlrs" expected Float64Array of a positive multiple of n = 2147483648 values, got \d+/);
  assert.throws(() => addon.ldpcSyndrome({ ...ok.code, n: 2 ** 31, m: 2 ** 31 }, new Uint8Array(4)), /"code.checkPtr" expected Uint32Array of length 2147483649/);
  assert.throws(() => addon.ldpcDecode(ok.code, ok.syndromes, ok.channelLlrs, 1e9), /"maxIterations" expected an integer in \[1, 100000\]/);
  assert.throws(() => addon.ldpcSyndrome(ok.code, new Uint8Array(n).fill(2)), /"bits\[0\]" expected 0 or 1, got 2/);
  assert.throws(() => addon.ldpcSyndrome(ok.code, new Uint8Array(n + 1)), /"bits" expected Uint8Array of length/);
  assert.is(addon.ldpcWorkBytes(ok.code, 3), native.ldpcWorkBytes(ok.code, 3));
  assert.throws(() => addon.ldpcWorkBytes(ok.code, 0), /"frames" expected an integer in \[1, 4294967295\]/);
});

// ---- inside lvxs

// Byte arrays travel as JSON arrays of numbers: XS strings are UTF-8, so reading a long hex string
// one character at a time is quadratic there.
const hexOf = (a: ArrayBufferView) => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
const wire = (c: LdpcCase) => ({
  n: c.code.n, m: c.code.m, checkPtr: hexOf(c.code.checkPtr), checkVars: hexOf(c.code.checkVars),
  syndromes: hexOf(c.syndromes), llrs: hexOf(c.channelLlrs), maxIterations: c.maxIterations,
});
const xsRandom = fc.sample(randomCase, { numRuns: 150, seed: 5 }).concat(fc.sample(realFrame, { numRuns: 12, seed: 6 }));
const xsCases = xsRandom.map((c, i) => ({ name: `random ${i}`, ...wire(c), want: ldpcOutcomeDigest(reference(c)) }));
const xsGolden = goldenFrames.map((g) => ({ name: g.name, ...wire(g.c) }));
const casesFile = join(work, `ldpc-cases-${process.pid}.json`);
writeFileSync(casesFile, JSON.stringify({ cases: xsCases, golden: xsGolden, kat: KAT_CASES }));
const bundle = bundleForXs(join(ROOT, 'test', 'native-ldpc.xs.ts'), 'native-ldpc');
const xs = runOnXs(bundle, [casesFile]);
rmSync(bundle);
rmSync(casesFile);
const info = taggedLines(xs.stdout, 'INFO')[0];
const dec = taggedLines(xs.stdout, 'DEC');
const gold = taggedLines(xs.stdout, 'GOLD');
const errs = taggedLines(xs.stdout, 'ERR');
const kat = taggedLines(xs.stdout, 'KAT')[0];

test('xs: lvxs ran the LDPC bundle to the end, with the native kernels registered and saying ldpc native', () => {
  assert.is(xs.stderr, '', 'lvxs wrote to stderr');
  assert.is(xs.status, 0, `lvxs exited with ${xs.status}\n${xs.stdout.slice(-2000)}`);
  assert.equal(info, { implementation: 'native', runtime: 'xs', perKernel: { toeplitzHash: 'native', ldpcDecode: 'native' } });
});

test('xs: xsmc = reference on random codes and frames (fast-check samples)', () => {
  assert.is(dec.length, xsCases.length);
  for (const c of xsCases) {
    const got = dec.find((d) => d.name === c.name);
    assert.ok(got && got.error === undefined, `${c.name}: ${got?.error}`);
    assert.is(got.digest, c.want, c.name);
  }
});

test('xs: xsmc = reference on the C unit test\'s 400 random cases (digest)', () => {
  assert.is(kat?.digest, referenceKat);
});

test('xs: the ldpc-decode golden vectors through the XS native set', () => {
  assert.is(gold.length, goldenFrames.length);
  for (const g of goldenFrames) {
    const got = gold.find((v) => v.name === g.name);
    assert.ok(got && got.error === undefined, `${g.name}: ${got?.error}`);
    const r = { bits: hexToBytes(got.bits), frames: [{ iterations: got.iterations, converged: got.converged }] };
    assert.equal(g.check(r), g.output, g.name);
  }
});

test('xs: the binding checks its arguments, names them and stays inside the buffers', () => {
  const by = Object.fromEntries(errs.map((e) => [e.name, e.error as string | null]));
  assert.is(by['a good call'], null);
  assert.match(by['n = 0'] ?? '', /^RangeError: .*"code.n" expected an integer in \[1, 2147483648\], got 0/);
  assert.match(by['checkPtr a plain array'] ?? '', /^TypeError: .*"code.checkPtr" expected Uint32Array/);
  assert.match(by['llr a Float32Array'] ?? '', /^TypeError: .*"channelLlrs" expected Float64Array/);
  assert.match(by['no bits'] ?? '', /^TypeError: .*"bits" expected Uint8Array, got undefined/);
  assert.match(by['checkVars length lies'] ?? '', /^TypeError: .*"code.checkVars" is not a well-formed Uint32Array/);
  assert.match(by['llr NaN'] ?? '', /^RangeError: .*"channelLlrs\[1\]" is NaN/);
  assert.match(by['outcomes one short'] ?? '', /^RangeError: .*"outcomes" expected Int32Array of length 1/);
  assert.is(by['two frames'], null);
  assert.match(by['bits one short'] ?? '', /^RangeError: .*"bits" expected Uint8Array of length/);
  assert.match(by['column n'] ?? '', /^RangeError: .*is not a column of n/);
  assert.match(by['syndrome out wrong length'] ?? '', /^RangeError: .*"out" expected Uint8Array of length/);
  assert.match(by['maxIterations 0 (through the port)'] ?? '', /^RangeError: "maxIterations" expected an integer in \[1, 100000\], got 0/);
  assert.match(by['n 2^31 with 3 LLRs (through the port)'] ?? '', /^RangeError: "channelLlrs" expected Float64Array of a positive multiple of n = 2147483648 values, got 3/);
});

test.run();
