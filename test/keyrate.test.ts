/**
 * Key-rate models (src/qkd/keyrate.ts) against the facts they must reproduce: the GYS link of
 * Lo–Ma–Chen 2005 gives decoy-state key to ≈ 142 km at μ ≈ 0.48 and GLLP without decoys only
 * tens of km; rates fall with distance; finite-key rates sit below the asymptotic one and close
 * in on it as N grows; GG02's symplectic eigenvalues agree with closed forms; the CLI's JSON.
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { binaryEntropy } from '../src/qkd/binary-entropy.ts';
import {
  asymptoticBb84Rate, channelObservables, decoyKeyRate, FINITE_KEY_DEFAULTS, finiteKeyAnalysis, finiteKeyExpectation, finiteKeyRate, gg02KeyRate,
  gllpKeyRate, GYS_PARAMS, maxDistanceKm, maximiseOverMu, optimalMu, vacuumWeakKeyRate, type Gg02Params,
} from '../src/qkd/keyrate.ts';
import { ROOT } from './xs/harness.ts';

function near(actual: number, expected: number, tolerance: number, what = '') {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what} ${actual} is not within ${tolerance} of ${expected}`);
}

function throwsNaming(run: () => unknown, kind: ErrorConstructor, message: RegExp) {
  try {
    run();
    assert.unreachable('accepted');
  } catch (e: any) {
    assert.instance(e, kind);
    assert.match(e.message, message);
  }
}

// ── binary entropy and the asymptotic BB84 fraction ──────────────────────────────────────────

test('binary entropy: h(0) = h(1) = 0, h(1/2) = 1, symmetric, h(0.11) ≈ 1/2', () => {
  assert.is(binaryEntropy(0), 0);
  assert.is(binaryEntropy(1), 0);
  assert.is(binaryEntropy(0.5), 1);
  near(binaryEntropy(0.2), binaryEntropy(0.8), 1e-15);
  near(binaryEntropy(0.25), 0.8112781244591328, 1e-15);
  near(binaryEntropy(0.11), 0.5, 1e-3);
  throwsNaming(() => binaryEntropy(-0.1), RangeError, /"p" expected a number in \[0, 1\]/);
  throwsNaming(() => binaryEntropy(NaN), TypeError, /"p" expected a finite number/);
});

test('asymptotic BB84: 1 − 2h(e), zero from ≈ 11 %', () => {
  assert.is(asymptoticBb84Rate(0), 1);
  near(asymptoticBb84Rate(0.03), 1 - 2 * binaryEntropy(0.03), 1e-15);
  assert.ok(asymptoticBb84Rate(0.11) > 0);
  assert.is(asymptoticBb84Rate(0.111), 0);
  assert.is(asymptoticBb84Rate(0.7), 0);
  throwsNaming(() => asymptoticBb84Rate(1.2), RangeError, /"qber"/);
});

// ── the Lo–Ma–Chen channel model ─────────────────────────────────────────────────────────────

test('channel model: gain, QBER and single-photon terms follow the formulas', () => {
  const eta = 0.045 * 10 ** (-0.21 * 50 / 10);
  const o = channelObservables(0.48, 50);
  near(o.transmittance, eta, 1e-18);
  near(o.gain, 1.7e-6 + 1 - Math.exp(-eta * 0.48), 1e-15);
  near(o.qber * o.gain, 0.5 * 1.7e-6 + 0.033 * (1 - Math.exp(-eta * 0.48)), 1e-15);
  near(o.singlePhotonYield, 1.7e-6 + eta - 1.7e-6 * eta, 1e-18);
  near(o.singlePhotonError, (0.5 * 1.7e-6 + 0.033 * eta) / o.singlePhotonYield, 1e-15);
  near(o.singlePhotonGain, o.singlePhotonYield * 0.48 * Math.exp(-0.48), 1e-18);
  // Far away only dark counts arrive, and they are random.
  near(channelObservables(0.48, 1000).qber, 0.5, 1e-9);
});

test('GYS decoy state (infinitely many decoys): key at 140 km, none at 145 km; reach ≈ 142 km', () => {
  assert.ok(optimalMu('decoy', 140).rate > 0);
  assert.is(optimalMu('decoy', 145).rate, 0);
  near(maxDistanceKm('decoy'), 142, 1);
});

test('GYS decoy state: the optimal μ is 0.48 ± 0.05 at mid distances', () => {
  for (const km of [25, 50, 75, 100]) near(optimalMu('decoy', km).mu, 0.48, 0.05, `μ at ${km} km:`);
});

test('GLLP without decoys: key at 25 km with a small μ, none beyond 35 km', () => {
  const at25 = optimalMu('gllp', 25);
  assert.ok(at25.rate > 0 && at25.mu < 0.05);
  for (const km of [35, 40, 60, 100]) assert.is(optimalMu('gllp', km).rate, 0);
  const reach = maxDistanceKm('gllp');
  assert.ok(reach > 20 && reach < 35, `GLLP reach ${reach} km`);
});

test('vacuum + weak decoy: below the ideal decoy rate, reach within a few km of it', () => {
  for (let km = 0; km <= 140; km += 20) {
    const ideal = optimalMu('decoy', km).rate;
    const practical = optimalMu('vacuum-weak', km).rate;
    assert.ok(practical <= ideal, `${km} km`);
    if (km <= 120) assert.ok(practical > 0.8 * ideal, `${km} km: ${practical} vs ${ideal}`);
  }
  const reach = maxDistanceKm('vacuum-weak');
  assert.ok(reach > 135 && reach <= maxDistanceKm('decoy'), `vacuum+weak reach ${reach} km`);
  // A weaker decoy estimates Y1 better (Ma et al.: ν → 0 approaches the ideal).
  assert.ok(optimalMu('vacuum-weak', 100, undefined, 0.02).rate > optimalMu('vacuum-weak', 100, undefined, 0.2).rate);
  assert.is(vacuumWeakKeyRate(0.05, 10), 0, 'μ ≤ ν gives no bound');
});

test('rates fall with distance, at a fixed μ and at the optimal μ', () => {
  for (const rate of [(km: number) => decoyKeyRate(0.5, km), (km: number) => gllpKeyRate(0.02, km), (km: number) => vacuumWeakKeyRate(0.45, km),
    (km: number) => optimalMu('decoy', km).rate, (km: number) => optimalMu('gllp', km).rate, (km: number) => optimalMu('vacuum-weak', km).rate]) {
    let previous = Infinity;
    for (let km = 0; km <= 160; km += 5) {
      const r = rate(km);
      assert.ok(r >= 0 && (r < previous || r === 0), `rate rose at ${km} km`);
      previous = r;
    }
  }
});

test('worse links give less key: more misalignment, more dark counts, worse reconciliation', () => {
  const base = decoyKeyRate(0.48, 50);
  assert.ok(decoyKeyRate(0.48, 50, { misalignment: 0.05 }) < base);
  assert.ok(decoyKeyRate(0.48, 50, { darkYield: 1e-5 }) < base);
  assert.ok(decoyKeyRate(0.48, 50, { reconciliationEfficiency: 1.5 }) < base);
  near(decoyKeyRate(0.48, 50, { siftFactor: 1 }), 2 * base, 1e-18);
});

test('the optimiser finds the maximum of a known curve, and reports μ = 0 when nothing is positive', () => {
  const peak = maximiseOverMu((mu) => 1 - (mu - 0.7321) ** 2);
  near(peak.mu, 0.7321, 1e-6);
  near(peak.rate, 1, 1e-12);
  assert.equal(maximiseOverMu(() => 0), { mu: 0, rate: 0 });
  const edge = maximiseOverMu((mu) => mu, 0, 1.5);
  assert.is(edge.mu, 1.5);
  assert.equal(optimalMu('decoy', 50), optimalMu('decoy', 50), 'deterministic');
});

test('model inputs are checked and errors name the field', () => {
  throwsNaming(() => decoyKeyRate(0, 10), RangeError, /"mu" expected a number in \(0, 100\]/);
  throwsNaming(() => decoyKeyRate(0.5, -1), RangeError, /"distanceKm"/);
  throwsNaming(() => gllpKeyRate(0.5, 10, { misalignment: 0.6 }), RangeError, /"params\.misalignment" expected a number in \[0, 0\.5\]/);
  throwsNaming(() => gllpKeyRate(0.5, 10, { alpha: 0.2 } as any), RangeError, /"params\.alpha" is not a known option/);
  throwsNaming(() => decoyKeyRate(0.5, 10, { reconciliationEfficiency: 0.9 }), RangeError, /"params\.reconciliationEfficiency"/);
  throwsNaming(() => decoyKeyRate(0.5, 10, { bobEfficiency: '0.1' } as any), TypeError, /"params\.bobEfficiency" expected a finite number/);
  throwsNaming(() => vacuumWeakKeyRate(0.5, 10, undefined, 0), RangeError, /"nu"/);
  throwsNaming(() => optimalMu('nope' as any, 10), RangeError, /"model"/);
  throwsNaming(() => finiteKeyRate(0.5, 10, { pulses: 0 }), RangeError, /"options\.pulses" expected an integer in \[1, /);
  throwsNaming(() => finiteKeyRate(0.1, 10, { pulses: 1e9 }), RangeError, /"options\.intensities" expected μ1 > μ2 \+ μ3/);
  throwsNaming(() => finiteKeyRate(0.5, 10, { pulses: 1e9, probabilities: [0.5, 0.5, 0.5] }), RangeError, /"options\.probabilities" expected a sum of 1/);
});

// ── finite key ───────────────────────────────────────────────────────────────────────────────

test('finite key: below the asymptotic rate, and closer to it as N grows (10^8, 10^10, 10^12)', () => {
  const km = 10;
  const qX = FINITE_KEY_DEFAULTS.keyBasisProbability;
  // The same sifting with infinitely many decoys and no statistical fluctuation: a ceiling.
  const asymptotic = optimalMu('decoy', km, { siftFactor: qX * qX }).rate;
  const best = (pulses: number) => maximiseOverMu((mu) => finiteKeyRate(mu, km, { pulses }), 0.1502).rate;
  const rates = [1e8, 1e10, 1e12, 1e15].map(best);
  assert.ok(rates[0]! > 0, 'no key from 10^8 pulses at 10 km');
  for (let i = 1; i < rates.length; i++) assert.ok(rates[i]! > rates[i - 1]!, `rate fell from N #${i - 1} to #${i}: ${rates}`);
  assert.ok(rates[3]! < asymptotic);
  // The three-intensity protocol converges: 10^12 pulses are within 2 % of 10^15.
  assert.ok(rates[2]! > 0.98 * rates[3]!, `${rates}`);
});

test('finite key: the expected counts follow the channel model and λ_EC = f·n_X·h(E_X)', () => {
  const { input, bound, rate } = finiteKeyAnalysis(0.4, 10, { pulses: 1e10 });
  const o = channelObservables(0.4, 10);
  assert.is(input.keyBasis.detections[0], Math.round(1e10 * 0.4 * 0.36 * o.gain));
  assert.is(input.testBasis.errors[0], Math.round(1e10 * 0.4 * 0.16 * o.gain * o.qber));
  const nX = input.keyBasis.detections.reduce((a, b) => a + b, 0);
  const eX = input.keyBasis.errors.reduce((a, b) => a + b, 0) / nX;
  near(input.leakedBits, 1.22 * nX * binaryEntropy(eX), 1e-6);
  assert.is(rate, bound.length / 1e10);
  assert.ok(bound.length > 0 && bound.length < nX);
});

test('finite key: no key far away for a small block, key for a large one', () => {
  assert.is(maximiseOverMu((mu) => finiteKeyRate(mu, 100, { pulses: 1e8 }), 0.1502).rate, 0);
  assert.ok(maximiseOverMu((mu) => finiteKeyRate(mu, 100, { pulses: 1e12 }), 0.1502).rate > 0);
});

test('property: a finite-key rate never beats infinitely many decoys with the same basis sifting, and ℓ ≤ n_X', () => {
  const arb = fc.record({
    mu: fc.double({ min: 0.16, max: 1.5, noNaN: true }),
    km: fc.double({ min: 0, max: 150, noNaN: true }),
    log10N: fc.integer({ min: 6, max: 15 }),
    qX: fc.double({ min: 0.1, max: 0.95, noNaN: true }),
  });
  fc.assert(fc.property(arb, ({ mu, km, log10N, qX }) => {
    const { input, bound, rate } = finiteKeyAnalysis(mu, km, { pulses: 10 ** log10N, keyBasisProbability: qX });
    assert.ok(bound.length <= input.keyBasis.detections.reduce((a, b) => a + b, 0));
    assert.ok(rate <= optimalMu('decoy', km, { siftFactor: qX * qX }).rate, `${rate} at μ ${mu}, ${km} km, 10^${log10N}`);
  }), { numRuns: 200 });
});

// ── GG02 ─────────────────────────────────────────────────────────────────────────────────────

const FIBER_CV: Gg02Params = { modulationVariance: 18.5, distanceKm: 25, excessNoise: 0.005, detectorEfficiency: 0.606, electronicNoise: 0.041, reconciliationEfficiency: 0.898 };
const IDEAL_CV: Gg02Params = { modulationVariance: 10, distanceKm: 0, excessNoise: 0, detectorEfficiency: 1, electronicNoise: 0, reconciliationEfficiency: 1 };

test('GG02: no channel, no noise: Eve learns nothing and K = ½·log2(V)', () => {
  const r = gg02KeyRate(IDEAL_CV);
  near(r.holevoBound, 0, 1e-12);
  near(r.rate, 0.5 * Math.log2(11), 1e-12);
  for (const l of r.eigenvalues) near(l, 1, 1e-9);
});

test('GG02: λ1, λ2 are the symplectic eigenvalues of γ_AB; λ3, λ4 match the conditional state for a perfect detector', () => {
  for (const distanceKm of [5, 40, 120]) {
    const p = { ...IDEAL_CV, distanceKm, excessNoise: 0.01 };
    const r = gg02KeyRate(p);
    const v = 11;
    const t = 10 ** (-0.2 * distanceKm / 10);
    const vb = t * (v - 1) + 1 + t * 0.01; // Bob's variance: T(V + χ_line)
    const c2 = t * (v * v - 1); // squared correlation
    const [l1, l2, l3, l4] = r.eigenvalues;
    near(l1 * l1 + l2 * l2, v * v + vb * vb - 2 * c2, 1e-9 * v * v, 'Δ');
    near(l1 * l2, v * vb - c2, 1e-9 * v, 'sqrt(det γ_AB)');
    // After homodyne on B: γ_A|x = diag(V − c²/V_B, V).
    near(l3, Math.sqrt(v * (v - c2 / vb)), 1e-9 * v, 'λ3');
    near(l4, 1, 1e-9, 'λ4');
  }
});

test('GG02: trusted detector noise is never worse than handing the detector loss to Eve', () => {
  for (const distanceKm of [0, 10, 30]) {
    const trusted = gg02KeyRate({ ...FIBER_CV, distanceKm, electronicNoise: 0 });
    const eveHoldsLoss = gg02KeyRate({ ...FIBER_CV, electronicNoise: 0, detectorEfficiency: 1,
      distanceKm: distanceKm - (10 * Math.log10(FIBER_CV.detectorEfficiency)) / 0.2 });
    near(trusted.mutualInformation, eveHoldsLoss.mutualInformation, 1e-9);
    assert.ok(trusted.holevoBound <= eveHoldsLoss.holevoBound + 1e-12);
  }
});

test('GG02: key falls with distance and excess noise; imperfect reconciliation limits reach to tens of km', () => {
  let previous = Infinity;
  for (let km = 0; km <= 100; km += 5) {
    const r = gg02KeyRate({ ...FIBER_CV, distanceKm: km }).rate;
    assert.ok(r < previous || r === 0);
    previous = r;
  }
  assert.ok(gg02KeyRate(FIBER_CV).rate > 0);
  assert.is(gg02KeyRate({ ...FIBER_CV, distanceKm: 50 }).rate, 0);
  assert.ok(gg02KeyRate({ ...FIBER_CV, excessNoise: 0.05 }).rate < gg02KeyRate(FIBER_CV).rate);
  // Reverse reconciliation beats the 3 dB loss limit: a perfect system still has key at 100 km.
  assert.ok(gg02KeyRate({ ...IDEAL_CV, distanceKm: 100 }).rate > 0);
  throwsNaming(() => gg02KeyRate({ ...FIBER_CV, reconciliationEfficiency: 1.1 }), RangeError, /"params\.reconciliationEfficiency"/);
  throwsNaming(() => gg02KeyRate({ ...FIBER_CV, modulationVariance: 0 }), RangeError, /"params\.modulationVariance"/);
});

// ── the CLI ──────────────────────────────────────────────────────────────────────────────────

const cli = (...args: string[]) =>
  spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'sim', 'keyrate-cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });

test('CLI --json: only a JSON array of the agreed rows, 0–160 km, with the 142 km and GLLP facts', () => {
  const r = cli('--json');
  assert.is(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout);
  assert.ok(Array.isArray(rows));
  assert.equal(rows.map((row: any) => row.km), Array.from({ length: 17 }, (_, i) => 10 * i));
  for (const row of rows) {
    assert.equal(Object.keys(row).sort(), ['km', 'mu_decoy', 'mu_nodecoy', 'rate_decoy', 'rate_nodecoy', 'rate_vacuum_weak']);
    for (const v of Object.values(row)) assert.type(v, 'number');
  }
  const at = (km: number) => rows.find((row: any) => row.km === km);
  assert.ok(at(140).rate_decoy > 0);
  assert.is(at(150).rate_decoy, 0);
  near(at(50).mu_decoy, 0.48, 0.05);
  assert.ok(at(30).rate_nodecoy > 0);
  assert.is(at(40).rate_nodecoy, 0);
});

test('CLI: flags override parameters; bad flags exit 2 naming the flag', () => {
  const worse = JSON.parse(cli('--json', '--ed', '0.05').stdout);
  assert.ok(worse[5].rate_decoy < optimalMu('decoy', 50).rate, 'e_d = 5 % should cost key');
  assert.is(worse[14].rate_decoy, 0, 'e_d = 5 % should shorten the reach');
  assert.equal(worse[5].rate_decoy, optimalMu('decoy', 50, { ...GYS_PARAMS, misalignment: 0.05 }).rate);
  for (const [args, flag] of [[['--ed', '0.7'], '--ed'], [['--alpha', 'x'], '--alpha'], [['--bogus'], '--bogus'], [['--nu', '-1'], '--nu']] as const) {
    const r = cli(...args);
    assert.is(r.status, 2, `${args.join(' ')} exited ${r.status}`);
    assert.ok(r.stderr.includes(flag), r.stderr);
  }
});

test('finite-key expectation: a passive 50:50 receiver sifts q_X/2 into the key basis, not q_X²', () => {
  const sum = (c: readonly number[]) => c[0]! + c[1]! + c[2]!;
  const both = finiteKeyExpectation(0.5, 10, { pulses: 1e9, keyBasisProbability: 0.6 });
  const passive = finiteKeyExpectation(0.5, 10, { pulses: 1e9, keyBasisProbability: 0.6, receiverKeyBasisProbability: 0.5 });
  const ratio = (a: number, b: number) => Math.abs(a / b);
  assert.ok(Math.abs(ratio(sum(passive.keyBasis.detections), sum(both.keyBasis.detections)) - 0.3 / 0.36) < 1e-4);
  assert.ok(Math.abs(ratio(sum(passive.testBasis.detections), sum(both.testBasis.detections)) - 0.2 / 0.16) < 1e-4);
  throwsNaming(() => finiteKeyExpectation(0.5, 10, { pulses: 1e9, receiverKeyBasisProbability: 1.5 }), RangeError, /"options\.receiverKeyBasisProbability"/);
});

test.run();
