/**
 * Finite-key length of decoy-state BB84 with three intensities, after Lim, Curty, Walenta, Xu,
 * Zbinden, "Concise security bounds for practical decoy-state quantum key distribution",
 * PRA 89, 022307 (2014). Notation follows the paper: the key comes from the X basis ("key
 * basis"), the phase error is estimated from the Z basis ("test basis"); intensities
 * μ1 > μ2 + μ3, μ2 > μ3 ≥ 0 (μ3 = 0: a vacuum decoy), sent with probabilities p1, p2, p3.
 *
 *   n^±_k   = (e^{μk}/p_k)·[n_k ± δ],  δ = sqrt((n/2)·ln(21/ε_sec)),  n = Σ_k n_k   (Hoeffding)
 *   τ_j     = Σ_k p_k e^{−μk} μk^j / j!
 *   s_0     ≥ τ_0 (μ2 n^−_3 − μ3 n^+_2) / (μ2 − μ3)
 *   s_1     ≥ τ_1 μ1 [n^−_2 − n^+_3 − ((μ2² − μ3²)/μ1²)(n^+_1 − s_0/τ_0)] / [μ1(μ2 − μ3) − μ2² + μ3²]
 *   v_{Z,1} ≤ τ_1 (m^+_{Z,2} − m^−_{Z,3}) / (μ2 − μ3)
 *   φ_X     ≤ v_{Z,1}/s_{Z,1} + γ(ε_sec, v_{Z,1}/s_{Z,1}, s_{Z,1}, s_{X,1})
 *   γ(a,b,c,d) = sqrt( ((c+d)(1−b)b / (c·d·ln 2)) · log2( ((c+d)/(c·d·(1−b)·b)) · 21²/a² ) )
 *   ℓ       = ⌊ s_{X,0} + s_{X,1} − s_{X,1}·h(φ_X) − λ_EC − 6·log2(21/ε_sec) − log2(2/ε_cor) ⌋
 *
 * The lower bounds are clamped at 0, and at what the detections allow (s_0 ≤ n, s_1 ≤ n − s_0):
 * a lower bound on a count that cannot exceed n stays a lower bound when capped at n, and the
 * cap keeps ℓ ≤ n_X even for counts no honest channel would produce.
 */
import { checkInteger, checkNumber, checkObject } from '../_check.ts';
import { exp, ln, log2 } from '../_libm.ts';
import { binaryEntropy } from './binary-entropy.ts';

export interface DecoySettings {
  /** μ1 (signal), μ2 (weak decoy), μ3 (vacuum or weakest decoy), mean photon numbers. */
  readonly intensities: readonly [number, number, number];
  /** p1, p2, p3: how often each intensity is sent; they sum to 1. */
  readonly probabilities: readonly [number, number, number];
}

export interface BasisCounts {
  /** Sifted detections per intensity, in the order of `DecoySettings.intensities`. */
  readonly detections: readonly [number, number, number];
  /** Bit errors among them. */
  readonly errors: readonly [number, number, number];
}

export interface FiniteKeyInput {
  readonly decoy: DecoySettings;
  /** X: the basis the key is drawn from. */
  readonly keyBasis: BasisCounts;
  /** Z: the basis disclosed for parameter estimation. */
  readonly testBasis: BasisCounts;
  /** λ_EC: bits revealed by error correction. */
  readonly leakedBits: number;
  /** Secrecy and correctness parameters, each in (0, 1). */
  readonly epsSec: number;
  readonly epsCor: number;
}

export interface FiniteKeyBound {
  /** Lower bounds on the vacuum and single-photon events in the key (X) and test (Z) bases. */
  readonly sX0: number;
  readonly sX1: number;
  readonly sZ0: number;
  readonly sZ1: number;
  /** Upper bound on the bit errors of single-photon events in the test basis. */
  readonly vZ1: number;
  /** Upper bound on the single-photon phase error rate in the key basis (1/2 when it cannot be bounded). */
  readonly phiX: number;
  /** ℓ, the secret key length in bits. */
  readonly length: number;
  /** Why `length` is 0, when it is. */
  readonly reason?: string;
}

// The security proof splits ε_sec over 21 events; these constants keep that visible.
const EPS_SPLIT = 21;
/** Mean photon numbers above this are outside any weak-coherent-pulse source (and e^μ would overflow soon after). */
const MAX_INTENSITY = 100;
const SUM_TOLERANCE = 1e-9;

type Triple = [number, number, number];

function checkTriple(field: string, value: unknown, each: (field: string, v: unknown) => number): Triple {
  if (!Array.isArray(value)) throw new TypeError(`"${field}" expected an array of 3 numbers, got ${value === null ? 'null' : typeof value}`);
  if (value.length !== 3) throw new RangeError(`"${field}" expected an array of 3 numbers, got length=${value.length}`);
  return [each(`${field}[0]`, value[0]), each(`${field}[1]`, value[1]), each(`${field}[2]`, value[2])];
}

function checkOpenUnit(field: string, value: unknown): number {
  checkNumber(field, value);
  if ((value as number) <= 0 || (value as number) >= 1) throw new RangeError(`"${field}" expected a number in (0, 1), got ${value}`);
  return value as number;
}

/** Checks three-intensity decoy settings (`field` names them in errors); shared with keyrate.ts. */
export function checkDecoySettings(field: string, value: unknown): DecoySettings {
  const d = checkObject(field, value, ['intensities', 'probabilities']);
  const mu = checkTriple(`${field}.intensities`, d.intensities, (f, v) => checkNumber(f, v, 0, MAX_INTENSITY));
  if (!(mu[0] > mu[1] + mu[2] && mu[1] > mu[2]))
    throw new RangeError(`"${field}.intensities" expected μ1 > μ2 + μ3 and μ2 > μ3 ≥ 0, got [${mu.join(', ')}]`);
  const p = checkTriple(`${field}.probabilities`, d.probabilities, (f, v) => {
    checkNumber(f, v, 0, 1);
    if (v === 0) throw new RangeError(`"${f}" expected a probability in (0, 1], got 0`);
    return v as number;
  });
  const sum = p[0] + p[1] + p[2];
  if (Math.abs(sum - 1) > SUM_TOLERANCE) throw new RangeError(`"${field}.probabilities" expected a sum of 1, got ${sum}`);
  return { intensities: mu, probabilities: p };
}

function checkBasis(field: string, value: unknown): { n: Triple; m: Triple } {
  const b = checkObject(field, value, ['detections', 'errors']);
  const n = checkTriple(`${field}.detections`, b.detections, (f, v) => checkInteger(f, v, 0));
  const m = checkTriple(`${field}.errors`, b.errors, (f, v) => checkInteger(f, v, 0));
  for (let k = 0; k < 3; k++)
    if (m[k]! > n[k]!) throw new RangeError(`"${field}.errors[${k}]" expected at most detections[${k}] = ${n[k]}, got ${m[k]}`);
  return { n, m };
}

/** n^±_k: the Hoeffding interval on the count expected if every pulse had intensity k, scaled by e^{μk}/p_k. */
function deviations(counts: Triple, mu: Triple, p: Triple, lnTerm: number): { lo: Triple; hi: Triple } {
  const delta = Math.sqrt(((counts[0] + counts[1] + counts[2]) / 2) * lnTerm);
  const scale = (k: number) => exp(mu[k]!) / p[k]!;
  return {
    lo: [scale(0) * (counts[0] - delta), scale(1) * (counts[1] - delta), scale(2) * (counts[2] - delta)],
    hi: [scale(0) * (counts[0] + delta), scale(1) * (counts[1] + delta), scale(2) * (counts[2] + delta)],
  };
}

/** s_0 and s_1 of one basis, clamped to [0, n] and [0, n − s_0]. */
function vacuumAndSinglePhoton(n: Triple, mu: Triple, tau0: number, tau1: number, lo: Triple, hi: Triple): [number, number] {
  const [m1, m2, m3] = mu;
  const total = n[0] + n[1] + n[2];
  const s0 = Math.min(total, Math.max(0, (tau0 * (m2 * lo[2] - m3 * hi[1])) / (m2 - m3)));
  const s1 = (tau1 * m1 * (lo[1] - hi[2] - ((m2 * m2 - m3 * m3) / (m1 * m1)) * (hi[0] - s0 / tau0))) /
    (m1 * (m2 - m3) - m2 * m2 + m3 * m3);
  return [s0, Math.min(total - s0, Math.max(0, s1))];
}

/** γ(a, b, c, d) of the phase-error bound; at b = 0 it takes its limit, 0. */
function gamma(a: number, b: number, c: number, d: number): number {
  if (b <= 0) return 0;
  const spread = ((c + d) * (1 - b) * b) / (c * d * Math.LN2);
  const log = log2(((c + d) / (c * d * (1 - b) * b)) * ((EPS_SPLIT * EPS_SPLIT) / (a * a)));
  // A log below 0 only happens for ε_sec near 1 with huge counts: no deviation is needed then.
  return Math.sqrt(Math.max(0, spread * log));
}

export function finiteKeyBound(input: FiniteKeyInput): FiniteKeyBound {
  const i = checkObject('input', input, ['decoy', 'keyBasis', 'testBasis', 'leakedBits', 'epsSec', 'epsCor']);
  const decoy = checkDecoySettings('decoy', i.decoy);
  const mu = decoy.intensities as Triple;
  const p = decoy.probabilities as Triple;
  const x = checkBasis('keyBasis', i.keyBasis);
  const z = checkBasis('testBasis', i.testBasis);
  const leakedBits = checkNumber('leakedBits', i.leakedBits, 0);
  const epsSec = checkOpenUnit('epsSec', i.epsSec);
  const epsCor = checkOpenUnit('epsCor', i.epsCor);

  const lnTerm = ln(EPS_SPLIT / epsSec);
  const weights = [p[0] * exp(-mu[0]), p[1] * exp(-mu[1]), p[2] * exp(-mu[2])];
  const tau0 = weights[0]! + weights[1]! + weights[2]!;
  const tau1 = weights[0]! * mu[0] + weights[1]! * mu[1] + weights[2]! * mu[2];

  const nX = deviations(x.n, mu, p, lnTerm);
  const nZ = deviations(z.n, mu, p, lnTerm);
  const mZ = deviations(z.m, mu, p, lnTerm);
  const [sX0, sX1] = vacuumAndSinglePhoton(x.n, mu, tau0, tau1, nX.lo, nX.hi);
  const [sZ0, sZ1] = vacuumAndSinglePhoton(z.n, mu, tau0, tau1, nZ.lo, nZ.hi);
  // An upper bound on a count below 0 says the count is 0.
  const vZ1 = Math.max(0, (tau1 * (mZ.hi[1] - mZ.lo[2])) / (mu[1] - mu[2]));

  const bounds = { sX0, sX1, sZ0, sZ1, vZ1 };
  if (sX1 <= 0) return { ...bounds, phiX: 0.5, length: 0, reason: 'no single-photon events bounded in the key basis (s_X,1 = 0)' };
  if (sZ1 <= 0) return { ...bounds, phiX: 0.5, length: 0, reason: 'no single-photon events bounded in the test basis (s_Z,1 = 0)' };
  const observed = vZ1 / sZ1;
  const phiX = observed >= 0.5 ? observed : observed + gamma(epsSec, observed, sZ1, sX1);
  if (phiX >= 0.5) return { ...bounds, phiX, length: 0, reason: 'phase error bound ≥ 1/2' };

  const raw = sX0 + sX1 - sX1 * binaryEntropy(phiX) - leakedBits - 6 * log2(EPS_SPLIT / epsSec) - log2(2 / epsCor);
  const length = Math.floor(raw);
  if (length <= 0) return { ...bounds, phiX, length: 0, reason: 'error correction and finite-size terms exceed the bounded secrecy' };
  return { ...bounds, phiX, length };
}
