/**
 * Analytic key-rate models, in secure bits per pulse (DESIGN §5):
 *
 * - asymptotic BB84 from the QBER alone: 1 − 2h(e) (Shor–Preskill);
 * - weak-coherent-pulse BB84 over fiber, the channel model of Lo, Ma, Chen, "Decoy state quantum
 *   key distribution", PRL 94, 230504 (2005): η = η_Bob·10^(−αL/10),
 *   Q_μ = Y0 + 1 − e^{−ημ}, E_μ·Q_μ = e0·Y0 + e_d·(1 − e^{−ημ}), Y1 = Y0 + η − Y0·η,
 *   e1 = (e0·Y0 + e_d·η)/Y1, Q1 = Y1·μ·e^{−μ}, e0 = 1/2; with
 *   · infinitely many decoys (Y1, e1 known):  R = q·(−Q_μ f h(E_μ) + Q1 (1 − h(e1)));
 *   · no decoys (GLLP, all multi-photon pulses tagged):
 *     R = q·(−Q_μ f h(E_μ) + Q_μ Ω (1 − h(E_μ/Ω))), Ω = 1 − (1 − (1 + μ)e^{−μ})/Q_μ;
 *   · vacuum + one weak decoy ν (Ma, Qi, Zhao, Lo, PRA 72, 012326, 2005, the "vacuum+weak" bounds):
 *     Y1^L = (μ/(μν − ν²))·(Q_ν e^ν − Q_μ e^μ ν²/μ² − ((μ² − ν²)/μ²)·Y0),
 *     e1^U = (E_ν Q_ν e^ν − e0 Y0)/(Y1^L ν),  R = q·(−Q_μ f h(E_μ) + Y1^L μ e^{−μ} (1 − h(e1^U)));
 *   · finite key: the expected counts of N pulses through the same channel, fed to the bound of
 *     Lim et al. 2014 (finite-key.ts), λ_EC = f·n_X·h(E_X), rate ℓ/N;
 * - GG02 CV-QKD, Gaussian modulation, homodyne detection, reverse reconciliation, collective
 *   attacks, trusted detector noise (Lodewyck et al., PRA 76, 042305, 2007): K = β·I_AB − χ_BE;
 * - an optimiser over the signal intensity μ.
 *
 * Rates are clamped at 0: a negative bound means no key, not a debt.
 */
import { checkInteger, checkNumber, checkObject } from '../_check.ts';
import { binaryEntropy } from './binary-entropy.ts';
import { checkDecoySettings, finiteKeyBound, type FiniteKeyBound, type FiniteKeyInput } from './finite-key.ts';

/** Parameters of a weak-coherent-pulse BB84 link. */
export interface KeyRateParams {
  /** α, fiber loss in dB/km. */
  readonly attenuationDbPerKm: number;
  /** η_Bob, detection efficiency of Bob's apparatus (detector and optics). */
  readonly bobEfficiency: number;
  /** e_d, probability that a photon hits the wrong detector. */
  readonly misalignment: number;
  /** Y0, background (dark count) yield per pulse. */
  readonly darkYield: number;
  /** f ≥ 1, error-correction leakage relative to the Shannon limit. */
  readonly reconciliationEfficiency: number;
  /** q, the fraction of pulses kept by sifting (1/2 for BB84). */
  readonly siftFactor: number;
}

/** The GYS experiment's parameters, as used by Lo, Ma, Chen 2005. */
export const GYS_PARAMS: KeyRateParams = Object.freeze({
  attenuationDbPerKm: 0.21,
  bobEfficiency: 0.045,
  misalignment: 0.033,
  darkYield: 1.7e-6,
  reconciliationEfficiency: 1.22,
  siftFactor: 0.5,
});

/** e0, the error rate of background counts (random). */
const E0 = 0.5;
/** No weak-coherent source goes above this μ (and e^μ heads for overflow beyond). */
const MU_LIMIT = 100;
/** The optimiser searches μ in (0, MU_SEARCH_MAX]. */
export const MU_SEARCH_MAX = 1.5;
/** The weak decoy of the vacuum+weak model unless one is given. */
export const DEFAULT_WEAK_DECOY = 0.1;

const PARAM_KEYS = Object.keys(GYS_PARAMS);

function checkPositive(field: string, value: unknown, max: number): number {
  checkNumber(field, value, 0, max);
  if ((value as number) <= 0) throw new RangeError(`"${field}" expected a number in (0, ${max}], got ${value}`);
  return value as number;
}

/** The GYS defaults overridden by `params`, each checked. */
export function resolveParams(params: Partial<KeyRateParams> = {}): KeyRateParams {
  const given = checkObject('params', params, PARAM_KEYS);
  const p = { ...GYS_PARAMS, ...given } as KeyRateParams;
  checkNumber('params.attenuationDbPerKm', p.attenuationDbPerKm, 0, 10);
  checkPositive('params.bobEfficiency', p.bobEfficiency, 1);
  checkNumber('params.misalignment', p.misalignment, 0, 0.5);
  checkNumber('params.darkYield', p.darkYield, 0, 0.5);
  checkNumber('params.reconciliationEfficiency', p.reconciliationEfficiency, 1, 10);
  checkPositive('params.siftFactor', p.siftFactor, 1);
  return p;
}

/** Secure fraction of sifted BB84 bits for a QBER e in the asymptotic limit: 1 − 2h(e), at least 0. */
export function asymptoticBb84Rate(qber: number): number {
  checkNumber('qber', qber, 0, 1);
  return qber >= 0.5 ? 0 : Math.max(0, 1 - 2 * binaryEntropy(qber));
}

/** What Bob sees from pulses of mean photon number μ at a given distance. */
export interface ChannelObservables {
  /** η, overall transmittance of channel and Bob. */
  readonly transmittance: number;
  /** Q_μ, the gain (detections per pulse). */
  readonly gain: number;
  /** E_μ, the QBER. */
  readonly qber: number;
  /** Y1, the single-photon yield. */
  readonly singlePhotonYield: number;
  /** e1, the single-photon error rate. */
  readonly singlePhotonError: number;
  /** Q1 = Y1·μ·e^{−μ}, the single-photon gain. */
  readonly singlePhotonGain: number;
}

function transmittance(distanceKm: number, p: KeyRateParams): number {
  return p.bobEfficiency * Math.pow(10, (-p.attenuationDbPerKm * distanceKm) / 10);
}

function observe(mu: number, eta: number, p: KeyRateParams): ChannelObservables {
  const signal = -Math.expm1(-eta * mu); // 1 − e^{−ημ} without cancellation at small ημ
  const gain = p.darkYield + signal;
  const y1 = p.darkYield + eta - p.darkYield * eta;
  return {
    transmittance: eta,
    gain,
    qber: (E0 * p.darkYield + p.misalignment * signal) / gain,
    singlePhotonYield: y1,
    singlePhotonError: (E0 * p.darkYield + p.misalignment * eta) / y1,
    singlePhotonGain: y1 * mu * Math.exp(-mu),
  };
}

export function channelObservables(mu: number, distanceKm: number, params?: Partial<KeyRateParams>): ChannelObservables {
  checkPositive('mu', mu, MU_LIMIT);
  checkNumber('distanceKm', distanceKm, 0);
  const p = resolveParams(params);
  return observe(mu, transmittance(distanceKm, p), p);
}

/** Error-correction cost per pulse sent, before the sifting factor q: Q_μ·f·h(E_μ). */
function leak(o: ChannelObservables, p: KeyRateParams): number {
  return o.gain * p.reconciliationEfficiency * binaryEntropy(o.qber);
}

function decoyCore(mu: number, distanceKm: number, p: KeyRateParams): number {
  const o = observe(mu, transmittance(distanceKm, p), p);
  return Math.max(0, p.siftFactor * (o.singlePhotonGain * (1 - binaryEntropy(o.singlePhotonError)) - leak(o, p)));
}

function gllpCore(mu: number, distanceKm: number, p: KeyRateParams): number {
  const o = observe(mu, transmittance(distanceKm, p), p);
  const multiPhoton = -Math.expm1(-mu) - mu * Math.exp(-mu); // 1 − (1 + μ)e^{−μ}
  const omega = 1 - multiPhoton / o.gain;
  if (omega <= 0 || o.qber / omega >= 0.5) return 0;
  return Math.max(0, p.siftFactor * (o.gain * omega * (1 - binaryEntropy(o.qber / omega)) - leak(o, p)));
}

function vacuumWeakCore(mu: number, distanceKm: number, p: KeyRateParams, nu: number): number {
  if (mu <= nu) return 0; // the bounds need μ > ν
  const eta = transmittance(distanceKm, p);
  const s = observe(mu, eta, p);
  const d = observe(nu, eta, p);
  const y0 = p.darkYield;
  const y1Lower = (mu / (mu * nu - nu * nu)) *
    (d.gain * Math.exp(nu) - s.gain * Math.exp(mu) * ((nu * nu) / (mu * mu)) - ((mu * mu - nu * nu) / (mu * mu)) * y0);
  if (y1Lower <= 0) return 0;
  const e1Upper = Math.max(0, (d.qber * d.gain * Math.exp(nu) - E0 * y0) / (y1Lower * nu));
  if (e1Upper >= 0.5) return 0;
  const q1Lower = y1Lower * mu * Math.exp(-mu);
  return Math.max(0, p.siftFactor * (q1Lower * (1 - binaryEntropy(e1Upper)) - leak(s, p)));
}

/** Decoy-state BB84 with infinitely many decoys (Y1 and e1 known exactly), bits per pulse. */
export function decoyKeyRate(mu: number, distanceKm: number, params?: Partial<KeyRateParams>): number {
  checkPositive('mu', mu, MU_LIMIT);
  checkNumber('distanceKm', distanceKm, 0);
  return decoyCore(mu, distanceKm, resolveParams(params));
}

/** BB84 with weak coherent pulses and no decoys (GLLP), bits per pulse. */
export function gllpKeyRate(mu: number, distanceKm: number, params?: Partial<KeyRateParams>): number {
  checkPositive('mu', mu, MU_LIMIT);
  checkNumber('distanceKm', distanceKm, 0);
  return gllpCore(mu, distanceKm, resolveParams(params));
}

/** Decoy-state BB84 with a vacuum and one weak decoy ν < μ (Ma et al. 2005), bits per pulse; 0 when μ ≤ ν. */
export function vacuumWeakKeyRate(mu: number, distanceKm: number, params?: Partial<KeyRateParams>, nu = DEFAULT_WEAK_DECOY): number {
  checkPositive('mu', mu, MU_LIMIT);
  checkNumber('distanceKm', distanceKm, 0);
  checkPositive('nu', nu, MU_LIMIT);
  return vacuumWeakCore(mu, distanceKm, resolveParams(params), nu);
}

// ── finite key ───────────────────────────────────────────────────────────────────────────────

/** The protocol of a finite-key run: the signal μ1 is the `mu` argument. */
export interface FiniteKeyRateOptions {
  /** N, pulses sent. */
  readonly pulses: number;
  /** q_X, how often Alice (and, unless the next option says otherwise, Bob) picks the key basis. */
  readonly keyBasisProbability: number;
  /**
   * Bob's key-basis probability when it differs from Alice's: 0.5 for a passive 50:50 receiver
   * (hal/sim photonics), where the paper's symmetric choice would over-count key-basis sifting.
   */
  readonly receiverKeyBasisProbability?: number;
  /** μ2, μ3: weak decoy and vacuum (or weakest) decoy. */
  readonly decoyIntensities: readonly [number, number];
  /** p1, p2, p3. */
  readonly probabilities: readonly [number, number, number];
  readonly epsSec: number;
  readonly epsCor: number;
}

/**
 * Everything but N: a near-vacuum μ3, ε_sec = 1e-10, ε_cor = 1e-15, and basis and intensity
 * probabilities picked (on a coarse grid) so that even 10^8 pulses at 10 km give key.
 */
export const FINITE_KEY_DEFAULTS: Omit<FiniteKeyRateOptions, 'pulses'> = Object.freeze({
  keyBasisProbability: 0.6,
  decoyIntensities: Object.freeze([0.15, 0.0002]) as readonly [number, number],
  probabilities: Object.freeze([0.4, 0.3, 0.3]) as readonly [number, number, number],
  epsSec: 1e-10,
  epsCor: 1e-15,
});

const FINITE_KEYS = ['pulses', 'receiverKeyBasisProbability', ...Object.keys(FINITE_KEY_DEFAULTS)];

/**
 * The counts N pulses would produce on average (rounded to whole detections), ready for
 * finiteKeyBound: both parties pick X with probability q_X, so a fraction q_X² of the pulses can
 * give key and (1 − q_X)² can test; λ_EC = f·n_X·h(E_X).
 */
export function finiteKeyExpectation(
  mu: number, distanceKm: number, options: Partial<FiniteKeyRateOptions> & { pulses: number }, params?: Partial<KeyRateParams>,
): FiniteKeyInput {
  checkPositive('mu', mu, MU_LIMIT);
  checkNumber('distanceKm', distanceKm, 0);
  const o = { ...FINITE_KEY_DEFAULTS, ...checkObject('options', options, FINITE_KEYS) } as FiniteKeyRateOptions;
  const pulses = checkInteger('options.pulses', o.pulses, 1);
  const qX = checkNumber('options.keyBasisProbability', o.keyBasisProbability, 0, 1);
  const bX = o.receiverKeyBasisProbability === undefined ? qX : checkNumber('options.receiverKeyBasisProbability', o.receiverKeyBasisProbability, 0, 1);
  const p = resolveParams(params);
  const decoyIntensities = o.decoyIntensities as unknown;
  if (!Array.isArray(decoyIntensities) || decoyIntensities.length !== 2)
    throw new TypeError('"options.decoyIntensities" expected an array of 2 numbers');
  // μ is μ1: errors about the ordering name "options.intensities".
  const { intensities, probabilities } = checkDecoySettings('options',
    { intensities: [mu, decoyIntensities[0], decoyIntensities[1]], probabilities: o.probabilities });
  const eta = transmittance(distanceKm, p);
  const stats = intensities.map((m) => observe(m, eta, p));
  const counts = (fraction: number, errors: boolean) =>
    stats.map((s, k) => Math.round(pulses * probabilities[k]! * fraction * s.gain * (errors ? s.qber : 1))) as unknown as [number, number, number];
  const keyBasis = { detections: counts(qX * bX, false), errors: counts(qX * bX, true) };
  const testBasis = { detections: counts((1 - qX) * (1 - bX), false), errors: counts((1 - qX) * (1 - bX), true) };
  const nX = keyBasis.detections[0] + keyBasis.detections[1] + keyBasis.detections[2];
  const mX = keyBasis.errors[0] + keyBasis.errors[1] + keyBasis.errors[2];
  const leakedBits = nX ? p.reconciliationEfficiency * nX * binaryEntropy(mX / nX) : 0;
  return { decoy: { intensities, probabilities }, keyBasis, testBasis, leakedBits, epsSec: o.epsSec, epsCor: o.epsCor };
}

/** The finite-key bound on the expected counts, and ℓ/N. */
export function finiteKeyAnalysis(
  mu: number, distanceKm: number, options: Partial<FiniteKeyRateOptions> & { pulses: number }, params?: Partial<KeyRateParams>,
): { readonly input: FiniteKeyInput; readonly bound: FiniteKeyBound; readonly rate: number } {
  const input = finiteKeyExpectation(mu, distanceKm, options, params);
  const bound = finiteKeyBound(input);
  return { input, bound, rate: bound.length / options.pulses };
}

/** Finite-key decoy-state BB84 (Lim et al. 2014) on the expected counts of N pulses: ℓ/N bits per pulse. */
export function finiteKeyRate(
  mu: number, distanceKm: number, options: Partial<FiniteKeyRateOptions> & { pulses: number }, params?: Partial<KeyRateParams>,
): number {
  return finiteKeyAnalysis(mu, distanceKm, options, params).rate;
}

// ── optimiser ────────────────────────────────────────────────────────────────────────────────

export interface OptimalRate {
  /** The maximising μ; 0 when no μ in the interval gives key. */
  readonly mu: number;
  readonly rate: number;
}

const GRID = 150;
const GOLDEN_STEPS = 60;
const INV_PHI = (Math.sqrt(5) - 1) / 2;

/**
 * The μ in (min, max] maximising `rateAt`: a grid of 150 points, then golden-section search in
 * the two cells around the best one. Deterministic; never returns less than the best grid point.
 */
export function maximiseOverMu(rateAt: (mu: number) => number, min = 0, max = MU_SEARCH_MAX): OptimalRate {
  checkNumber('min', min, 0);
  checkNumber('max', max, 0);
  if (!(max > min)) throw new RangeError(`"max" expected a number above min = ${min}, got ${max}`);
  const at = (i: number) => min + ((max - min) * i) / GRID;
  let bestI = 0;
  let best = 0;
  for (let i = 1; i <= GRID; i++) {
    const r = rateAt(at(i));
    if (r > best) [best, bestI] = [r, i];
  }
  if (bestI === 0) return { mu: 0, rate: 0 };
  let a = at(bestI - 1);
  let b = at(Math.min(GRID, bestI + 1));
  let c = b - INV_PHI * (b - a);
  let d = a + INV_PHI * (b - a);
  let rc = rateAt(c);
  let rd = rateAt(d);
  for (let step = 0; step < GOLDEN_STEPS; step++) {
    if (rc >= rd) {
      [b, d, rd] = [d, c, rc];
      c = b - INV_PHI * (b - a);
      rc = rateAt(c);
    } else {
      [a, c, rc] = [c, d, rd];
      d = a + INV_PHI * (b - a);
      rd = rateAt(d);
    }
  }
  const [mu, rate] = rc >= rd ? [c, rc] : [d, rd];
  return rate > best ? { mu, rate } : { mu: at(bestI), rate: best };
}

/** The asymptotic weak-coherent-pulse models the optimiser and the CLI know by name. */
export type KeyRateModel = 'decoy' | 'gllp' | 'vacuum-weak';

/** The μ in (0, 1.5] (in (ν, 1.5] for vacuum-weak) that maximises a model's rate at a distance. */
export function optimalMu(model: KeyRateModel, distanceKm: number, params?: Partial<KeyRateParams>, nu = DEFAULT_WEAK_DECOY): OptimalRate {
  checkNumber('distanceKm', distanceKm, 0);
  const p = resolveParams(params);
  switch (model) {
    case 'decoy': return maximiseOverMu((mu) => decoyCore(mu, distanceKm, p));
    case 'gllp': return maximiseOverMu((mu) => gllpCore(mu, distanceKm, p));
    case 'vacuum-weak':
      checkPositive('nu', nu, MU_SEARCH_MAX);
      if (nu >= MU_SEARCH_MAX) throw new RangeError(`"nu" expected a number below ${MU_SEARCH_MAX}, got ${nu}`);
      return maximiseOverMu((mu) => vacuumWeakCore(mu, distanceKm, p, nu), nu);
    default: throw new RangeError(`"model" expected one of decoy, gllp, vacuum-weak, got ${String(model)}`);
  }
}

/** The largest distance (to 0.01 km, searched up to 500 km) at which a model, at its optimal μ, still gives key. */
export function maxDistanceKm(model: KeyRateModel, params?: Partial<KeyRateParams>, nu = DEFAULT_WEAK_DECOY): number {
  const p = resolveParams(params);
  const positive = (km: number) => optimalMu(model, km, p, nu).rate > 0;
  if (!positive(0)) return 0;
  let lo = 0;
  let hi = 500;
  if (positive(hi)) return hi;
  while (hi - lo > 0.01) {
    const mid = (lo + hi) / 2;
    if (positive(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

// ── GG02 CV-QKD ──────────────────────────────────────────────────────────────────────────────

/** GG02 parameters, variances in shot-noise units. */
export interface Gg02Params {
  /** V_A, Alice's modulation variance. */
  readonly modulationVariance: number;
  readonly distanceKm: number;
  /** α in dB/km; 0.2 unless given. */
  readonly attenuationDbPerKm?: number;
  /** ξ, excess noise referred to the channel input. */
  readonly excessNoise: number;
  /** η, homodyne detection efficiency (trusted). */
  readonly detectorEfficiency: number;
  /** v_el, electronic noise (trusted). */
  readonly electronicNoise: number;
  /** β, reconciliation efficiency. */
  readonly reconciliationEfficiency: number;
}

export interface Gg02Rate {
  /** T, channel transmission. */
  readonly transmittance: number;
  /** I_AB, Alice–Bob mutual information (bits per symbol). */
  readonly mutualInformation: number;
  /** χ_BE, Holevo bound on Eve's information on Bob's data (bits per symbol). */
  readonly holevoBound: number;
  /** λ1..λ4, the symplectic eigenvalues (λ5 = 1 contributes nothing). */
  readonly eigenvalues: readonly [number, number, number, number];
  /** K = β·I_AB − χ_BE, at least 0, bits per symbol. */
  readonly rate: number;
}

/** Von Neumann entropy of a thermal mode with symplectic eigenvalue λ ≥ 1. */
function thermalEntropy(lambda: number): number {
  const x = Math.max(0, (lambda - 1) / 2); // rounding can leave λ a hair below 1
  return x === 0 ? 0 : (x + 1) * Math.log2(x + 1) - x * Math.log2(x);
}

/** The two symplectic eigenvalues with λa² + λb² = s and λa²·λb² = t. */
function eigenPair(s: number, t: number): [number, number] {
  const root = Math.sqrt(Math.max(0, s * s - 4 * t));
  return [Math.sqrt((s + root) / 2), Math.sqrt(Math.max(0, (s - root) / 2))];
}

export function gg02KeyRate(params: Gg02Params): Gg02Rate {
  const g = checkObject('params', params, ['modulationVariance', 'distanceKm', 'attenuationDbPerKm', 'excessNoise', 'detectorEfficiency', 'electronicNoise', 'reconciliationEfficiency']);
  const va = checkPositive('params.modulationVariance', g.modulationVariance, 1e6);
  const distanceKm = checkNumber('params.distanceKm', g.distanceKm, 0);
  const alpha = checkNumber('params.attenuationDbPerKm', g.attenuationDbPerKm ?? 0.2, 0, 10);
  const xi = checkNumber('params.excessNoise', g.excessNoise, 0, 10);
  const eta = checkPositive('params.detectorEfficiency', g.detectorEfficiency, 1);
  const vel = checkNumber('params.electronicNoise', g.electronicNoise, 0, 10);
  const beta = checkNumber('params.reconciliationEfficiency', g.reconciliationEfficiency, 0, 1);

  const t = Math.pow(10, (-alpha * distanceKm) / 10);
  const v = va + 1;
  const chiLine = 1 / t - 1 + xi;
  const chiHom = (1 + vel) / eta - 1;
  const chiTot = chiLine + chiHom / t;
  const mutualInformation = 0.5 * Math.log2((v + chiTot) / (1 + chiTot));
  // Eve holds the purification of ρ_AB (λ1, λ2); given Bob's homodyne result, of ρ_AFG (λ3, λ4, λ5 = 1).
  const a = v * v * (1 - 2 * t) + 2 * t + t * t * (v + chiLine) * (v + chiLine);
  const b = t * t * (v * chiLine + 1) * (v * chiLine + 1);
  const sqrtB = Math.sqrt(b);
  const c = (a * chiHom + v * sqrtB + t * (v + chiLine)) / (t * (v + chiTot));
  const d = (sqrtB * (v + sqrtB * chiHom)) / (t * (v + chiTot));
  const [l1, l2] = eigenPair(a, b);
  const [l3, l4] = eigenPair(c, d);
  const holevoBound = thermalEntropy(l1) + thermalEntropy(l2) - thermalEntropy(l3) - thermalEntropy(l4);
  return {
    transmittance: t,
    mutualInformation,
    holevoBound,
    eigenvalues: [l1, l2, l3, l4],
    rate: Math.max(0, beta * mutualInformation - holevoBound),
  };
}
