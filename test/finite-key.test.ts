/**
 * The finite-key bound of Lim et al. 2014 (src/qkd/finite-key.ts): worked cases whose figures were
 * computed step by step from the paper's formulas outside this code base (a separate Python
 * transcription), the ways the bound says "no key", input checks that name the field, and a
 * property: ℓ never exceeds the key-basis detections.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { binaryEntropy } from '../src/qkd/binary-entropy.ts';
import { finiteKeyBound, type FiniteKeyInput } from '../src/qkd/finite-key.ts';

type Triple = [number, number, number];
const basis = (detections: Triple, errors: Triple) => ({ detections, errors });

function close(actual: number, expected: number, relative = 1e-9, what = '') {
  assert.ok(Math.abs(actual - expected) <= relative * Math.max(1, Math.abs(expected)), `${what} ${actual} ≠ ${expected}`);
}

/** A weak vacuum: 5,000 vacuum detections out of 125,000, so s_0 > 0. */
const DARK: FiniteKeyInput = {
  decoy: { intensities: [0.6, 0.2, 0], probabilities: [0.5, 0.25, 0.25] },
  keyBasis: basis([100_000, 20_000, 5_000], [3_000, 1_000, 500]),
  testBasis: basis([100_000, 20_000, 5_000], [3_000, 1_000, 500]),
  leakedBits: 20_000,
  epsSec: 1e-9,
  epsCor: 1e-12,
};

/** The expected counts of 10^10 pulses at 10 km (GYS channel, μ = 0.4, q_X = 0.6), rounded. */
const FIBER: FiniteKeyInput = {
  decoy: { intensities: [0.4, 0.15, 0.0002], probabilities: [0.4, 0.3, 0.3] },
  keyBasis: basis([15_896_227, 4_487_472, 7_829], [525_719, 148_944, 1_116]),
  testBasis: basis([7_064_990, 1_994_432, 3_480], [233_653, 66_197, 496]),
  leakedBits: 5_221_900,
  epsSec: 1e-10,
  epsCor: 1e-15,
};

/** A vacuum decoy whose counts are too few for δ: s_0 clamps to 0. */
const VACUUM: FiniteKeyInput = {
  decoy: { intensities: [0.5, 0.1, 0], probabilities: [0.6, 0.2, 0.2] },
  keyBasis: basis([1_000_000, 67_000, 100], [33_000, 2_300, 50]),
  testBasis: basis([1_000_000, 67_000, 100], [33_000, 2_300, 50]),
  leakedBits: 270_000,
  epsSec: 1e-10,
  epsCor: 1e-15,
};

const worked: Array<[string, FiniteKeyInput, Record<string, number>]> = [
  ['dark vacuum: s_0 > 0', DARK,
    { sX0: 11027.301895697943, sX1: 42520.95767682843, sZ0: 11027.301895697943, sZ1: 42520.95767682843, vZ1: 5078.265667217308, phiX: 0.13967827380179515, length: 8495 }],
  ['fiber at 10 km, 10^10 pulses', FIBER,
    { sX0: 0, sX1: 13878014.098197715, sZ0: 0, sZ1: 6124275.99461832, vZ1: 262226.76093093085, phiX: 0.04371452297875727, length: 5060442 }],
  ['vacuum decoy, s_0 clamped at 0', VACUUM,
    { sX0: 0, sX1: 550530.0535558916, sZ0: 0, sZ1: 550530.0535558916, vZ1: 39220.17785262358, phiX: 0.07584272276102565, length: 67000 }],
];

for (const [name, input, expected] of worked)
  test(`worked case: ${name}`, () => {
    const b = finiteKeyBound(input);
    for (const [key, value] of Object.entries(expected)) close((b as any)[key], value, 1e-9, key);
    assert.is(b.reason, undefined);
  });

test('ℓ is the paper\'s sum: one more leaked bit costs one bit, h(φ) enters as s_X,1·h(φ_X)', () => {
  const b = finiteKeyBound(DARK);
  const raw = b.sX0 + b.sX1 - b.sX1 * binaryEntropy(b.phiX) - DARK.leakedBits - 6 * Math.log2(21 / DARK.epsSec) - Math.log2(2 / DARK.epsCor);
  assert.is(b.length, Math.floor(raw));
  assert.is(finiteKeyBound({ ...DARK, leakedBits: DARK.leakedBits + 1000 }).length, b.length - 1000);
});

test('stricter ε cost key; the ε terms are 6·log2(21/ε_sec) + log2(2/ε_cor)', () => {
  const loose = finiteKeyBound(FIBER).length;
  assert.ok(finiteKeyBound({ ...FIBER, epsSec: 1e-15 }).length < loose);
  assert.ok(finiteKeyBound({ ...FIBER, epsCor: 1e-20 }).length < loose);
  assert.ok(finiteKeyBound({ ...FIBER, epsCor: 1e-20 }).length >= loose - Math.ceil(Math.log2(1e5)) - 1);
});

test('no key: too few counts to bound single-photon events', () => {
  const b = finiteKeyBound({ ...FIBER, keyBasis: basis([100, 30, 10], [3, 1, 5]), testBasis: basis([50, 10, 5], [2, 1, 2]), leakedBits: 10 });
  assert.is(b.length, 0);
  assert.is(b.sX1, 0);
  assert.match(b.reason!, /s_X,1/);
});

test('no key: a test basis with 40 % errors puts the phase error bound at or above 1/2', () => {
  const b = finiteKeyBound({ ...FIBER, testBasis: basis([7_064_990, 1_994_432, 3_480], [2_800_000, 800_000, 1_700]) });
  assert.is(b.length, 0);
  assert.ok(b.phiX >= 0.5);
  assert.is(b.reason, 'phase error bound ≥ 1/2');
});

test('no key: error correction leaks more than the bounded secrecy', () => {
  const b = finiteKeyBound({ ...FIBER, leakedBits: 2e7 });
  assert.is(b.length, 0);
  assert.ok(b.phiX < 0.5 && b.sX1 > 0);
  assert.match(b.reason!, /exceed/);
});

test('zero test errors: v_Z,1 = 0, γ takes its limit 0, φ_X = 0', () => {
  const b = finiteKeyBound({ ...FIBER, testBasis: basis([7_064_990, 1_994_432, 3_480], [0, 0, 0]) });
  assert.is(b.vZ1, 0);
  assert.is(b.phiX, 0);
  assert.ok(b.length > finiteKeyBound(FIBER).length);
});

const bad: Array<[string, (i: any) => void, RegExp, ErrorConstructor]> = [
  ['input not an object', () => undefined, /"input" expected an object/, TypeError],
  ['unknown field', (i) => (i.leakBits = 1), /"input\.leakBits" is not a known option/, RangeError],
  ['intensities not an array', (i) => (i.decoy.intensities = 0.5), /"decoy\.intensities" expected an array of 3 numbers/, TypeError],
  ['two intensities', (i) => (i.decoy.intensities = [0.5, 0.1]), /"decoy\.intensities" expected an array of 3 numbers, got length=2/, RangeError],
  ['negative intensity', (i) => (i.decoy.intensities = [0.5, 0.1, -0.01]), /"decoy\.intensities\[2\]" expected a number in \[0, 100\]/, RangeError],
  ['NaN intensity', (i) => (i.decoy.intensities = [NaN, 0.1, 0]), /"decoy\.intensities\[0\]" expected a finite number/, TypeError],
  ['μ1 ≤ μ2 + μ3', (i) => (i.decoy.intensities = [0.3, 0.2, 0.1]), /"decoy\.intensities" expected μ1 > μ2 \+ μ3 and μ2 > μ3 ≥ 0/, RangeError],
  ['μ2 ≤ μ3', (i) => (i.decoy.intensities = [0.9, 0.1, 0.1]), /"decoy\.intensities" expected μ1 > μ2 \+ μ3/, RangeError],
  ['zero probability', (i) => (i.decoy.probabilities = [0.8, 0.2, 0]), /"decoy\.probabilities\[2\]" expected a probability in \(0, 1\]/, RangeError],
  ['probabilities not summing to 1', (i) => (i.decoy.probabilities = [0.5, 0.3, 0.3]), /"decoy\.probabilities" expected a sum of 1, got 1\.1/, RangeError],
  ['probability as a string', (i) => (i.decoy.probabilities = ['0.4', 0.3, 0.3]), /"decoy\.probabilities\[0\]" expected a finite number, got "0\.4"/, TypeError],
  ['fractional detections', (i) => (i.keyBasis.detections[1] = 10.5), /"keyBasis\.detections\[1\]" expected an integer/, TypeError],
  ['negative detections', (i) => (i.testBasis.detections[0] = -1), /"testBasis\.detections\[0\]" expected an integer in \[0, /, RangeError],
  ['more errors than detections', (i) => (i.testBasis.errors[2] = 3_481), /"testBasis\.errors\[2\]" expected at most detections\[2\] = 3480, got 3481/, RangeError],
  ['missing errors', (i) => delete i.keyBasis.errors, /"keyBasis\.errors" expected an array/, TypeError],
  ['negative leaked bits', (i) => (i.leakedBits = -1), /"leakedBits" expected a number in \[0, Infinity\]/, RangeError],
  ['ε_sec = 0', (i) => (i.epsSec = 0), /"epsSec" expected a number in \(0, 1\), got 0/, RangeError],
  ['ε_cor = 1', (i) => (i.epsCor = 1), /"epsCor" expected a number in \(0, 1\), got 1/, RangeError],
  ['ε_cor missing', (i) => delete i.epsCor, /"epsCor" expected a finite number, got undefined/, TypeError],
];

for (const [name, spoil, message, kind] of bad)
  test(`rejects ${name}`, () => {
    let input: any = structuredClone(FIBER);
    const replaced = spoil(input);
    if (name === 'input not an object') input = replaced;
    try {
      finiteKeyBound(input);
      assert.unreachable('a bad input was accepted');
    } catch (e: any) {
      assert.instance(e, kind);
      assert.match(e.message, message);
    }
  });

/** Any valid input: ordered intensities, probabilities summing to 1, errors ≤ detections. */
const count = fc.oneof(fc.nat({ max: 50 }), fc.nat({ max: 100_000 }), fc.nat({ max: 1e9 }));
const triple = fc.tuple(count, count, count);
const basisArb = fc.tuple(triple, fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })))
  .map(([n, f]) => basis(n, n.map((x, k) => Math.floor(x * f[k]!)) as Triple));
const inputArb: fc.Arbitrary<FiniteKeyInput> = fc.record({
  mu3: fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 0.05, noNaN: true })),
  gap2: fc.double({ min: 1e-3, max: 0.5, noNaN: true }),
  gap1: fc.double({ min: 1e-3, max: 2, noNaN: true }),
  weights: fc.tuple(fc.double({ min: 0.01, max: 1, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true })),
  keyBasis: basisArb,
  testBasis: basisArb,
  leakedBits: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e9, noNaN: true })),
  epsSec: fc.double({ min: 1e-20, max: 0.5, noNaN: true }),
  epsCor: fc.double({ min: 1e-20, max: 0.5, noNaN: true }),
}).map(({ mu3, gap2, gap1, weights, ...rest }) => {
  const mu2 = mu3 + gap2;
  const total = weights[0] + weights[1] + weights[2];
  const p = weights.map((w) => w / total) as Triple;
  return { ...rest, decoy: { intensities: [mu2 + mu3 + gap1, mu2, mu3] as Triple, probabilities: p } };
});

test('property: ℓ is a whole number of bits in [0, n_X], and a positive ℓ comes with φ_X < 1/2', () => {
  fc.assert(fc.property(inputArb, (input) => {
    const b = finiteKeyBound(input);
    const nX = input.keyBasis.detections.reduce((a, n) => a + n, 0);
    assert.ok(Number.isSafeInteger(b.length) && b.length >= 0 && b.length <= nX, `ℓ = ${b.length}, n_X = ${nX}`);
    assert.ok(b.sX0 >= 0 && b.sX1 >= 0 && b.sX0 + b.sX1 <= nX);
    if (b.length > 0) assert.ok(b.phiX < 0.5 && b.reason === undefined);
    else assert.type(b.reason, 'string');
  }), { numRuns: 2000 });
});

test.run();
