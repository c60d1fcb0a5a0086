/**
 * Detection statistics per time step, at key-rate level: the weak-coherent-pulse channel of
 * Lo, Ma, Chen (PRL 94, 230504, 2005), the same model as src/qkd/keyrate.ts, per intensity class:
 *
 *   η = η_Bob·10^(−loss/10),  Q_k = Y0 + 1 − e^{−ημ_k},  E_k·Q_k = Y0/2 + e_d(1 − e^{−ημ_k})
 *
 * with the channel tampering of attacks.ts folded in (intercept-resend errors, photon-number
 * splitting yields, jamming light). Counts are split by basis: Alice prepares the key basis X with
 * probability q_X, Bob's receiver picks its basis passively with a 50:50 beam splitter (as the
 * simulated photonics, hal/sim/photonics.ts, and passive-basis hardware do), so q_X/2 of the pulses
 * give key-basis detections and (1 − q_X)/2 test-basis ones — not q_X² and (1 − q_X)², which
 * assume an active, biased choice at Bob and were what made the model and the engine disagree. They are
 * drawn with Poisson/binomial noise from a seeded generator, so a run is reproducible and its
 * QBER readings scatter as real ones do. A block's accumulated counts feed the finite-key bound
 * of src/qkd/finite-key.ts (Lim et al. 2014) exactly as the pulse-level engine's do.
 */
import type { PhysicsRandom } from '../../hal/sim/prng.ts';

export interface SourceSpec {
  readonly repetitionRateHz: number;
  /** μ1 > μ2 + μ3, μ2 > μ3 ≥ 0 (signal, decoy, vacuum or weakest). */
  readonly intensities: readonly [number, number, number];
  readonly probabilities: readonly [number, number, number];
  readonly keyBasisProbability: number;
}

export interface ReceiverSpec {
  readonly detectorEfficiency: number;
  /** Per detector, per slot. */
  readonly darkCountProbability: number;
  readonly misalignment: number;
  /**
   * f ≥ 1 of λ_EC = f·n_X·h(E_X), a what-if for a reconciler other than ours; absent (the default)
   * models what the engine's LDPC reconciler really leaks (block-key.ts).
   */
  readonly reconciliationEfficiency?: number;
}

/** What attacks do to the quantum channel in one step (attacks.ts builds it). */
export interface ChannelTamper {
  /** Share of pulses Eve measures and resends (0 = none). */
  readonly interceptFraction: number;
  /** Photon-number splitting on every pulse. */
  readonly pns: boolean;
  /** Extra clicks per slot from jamming light (random bits). */
  readonly jamYield: number;
}

export const NO_TAMPER: ChannelTamper = Object.freeze({ interceptFraction: 0, pns: false, jamYield: 0 });

/** Per class: the gain Q_k and the error rate per pulse E_k·Q_k. */
export interface ClassYields {
  readonly gain: [number, number, number];
  readonly errors: [number, number, number];
}

function poissonTerms(mu: number, etaBob: number): { single: number; multi: number } {
  let multi = 0;
  let pk = Math.exp(-mu);
  for (let k = 1; k < 40; k++) {
    pk *= mu / k;
    if (k >= 2) multi += pk * (1 - (1 - etaBob) ** (k - 1));
  }
  return { single: Math.exp(-mu) * mu * etaBob, multi };
}

/**
 * Eve's PNS policy for a signal μ over a channel of transmittance η: the share of single-photon
 * pulses she blocks and of multi-photon remainders she forwards (over her lossless line, one
 * photon kept) so that the signal gain looks honest.
 */
export function pnsPolicy(muSignal: number, eta: number, etaBob: number): { blockSingles: number; forwardMulti: number } {
  const honest = -Math.expm1(-muSignal * eta);
  const { single, multi } = poissonTerms(muSignal, etaBob);
  if (honest >= multi) return { blockSingles: Math.min(1, Math.max(0, 1 - (honest - multi) / single)), forwardMulti: 1 };
  return { blockSingles: 1, forwardMulti: honest / multi };
}

export function classYields(lossDb: number, darkYield: number, source: SourceSpec, rx: ReceiverSpec, tamper: ChannelTamper = NO_TAMPER): ClassYields {
  const eta = rx.detectorEfficiency * 10 ** (-lossDb / 10);
  const y0 = darkYield + tamper.jamYield;
  const ed = rx.misalignment;
  const f = tamper.interceptFraction;
  // Matched-basis error of a signal click: Eve's basis is wrong half the time, then the bit is random.
  const eSignal = f * (ed / 2 + 0.25) + (1 - f) * ed;
  const gain: [number, number, number] = [0, 0, 0];
  const errors: [number, number, number] = [0, 0, 0];
  const policy = tamper.pns ? pnsPolicy(source.intensities[0], eta, rx.detectorEfficiency) : undefined;
  for (let k = 0; k < 3; k++) {
    const mu = source.intensities[k]!;
    let signal: number;
    if (policy) {
      const t = poissonTerms(mu, rx.detectorEfficiency);
      signal = (1 - policy.blockSingles) * t.single + policy.forwardMulti * t.multi;
    } else signal = -Math.expm1(-eta * mu);
    gain[k] = y0 + signal;
    errors[k] = y0 / 2 + signal * (policy ? ed : eSignal);
  }
  return { gain, errors };
}

/** Accumulated block counts: [nX(3), mX(3), nZ(3), mZ(3)]. */
export type BlockCounts = Float64Array;
export const newBlockCounts = (): BlockCounts => new Float64Array(12);

/** A Poisson draw; a normal approximation above a mean of 30 (where it is within a fraction of σ). */
export function poissonSample(random: PhysicsRandom, mean: number): number {
  if (mean <= 0) return 0;
  if (mean < 30) {
    const u = random.uniform();
    let k = 0;
    let p = Math.exp(-mean);
    let cdf = p;
    while (u > cdf && k < 200) {
      k++;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }
  const u = 1 - random.uniform();
  const v = random.uniform();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
}

/** A binomial draw by the same approximations (Poisson of the mean for rare errors), at most n. */
export function binomialSample(random: PhysicsRandom, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const mean = n * p;
  if (mean < 30) return Math.min(n, poissonSample(random, mean));
  const u = 1 - random.uniform();
  const v = random.uniform();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.min(n, Math.max(0, Math.round(mean + Math.sqrt(mean * (1 - p)) * z)));
}

/** Adds one step's drawn counts (`pulses` sent) to `block`; returns the signal class's key-basis (detections, errors). */
/** Bob's passive basis choice: the share of his detections measured in the key basis. */
export const BOB_KEY_BASIS_SHARE = 0.5;

/** Shares of all pulses whose sifted detections land in the key and in the test basis. */
export function basisShares(source: SourceSpec): [number, number] {
  const qX = source.keyBasisProbability;
  return [qX * BOB_KEY_BASIS_SHARE, (1 - qX) * (1 - BOB_KEY_BASIS_SHARE)];
}

/** The mean counts of `pulses` pulses (the no-noise block the key-rate model evaluates). */
export function expectedBlockCounts(pulses: number, y: ClassYields, source: SourceSpec): BlockCounts {
  const block = newBlockCounts();
  const shares = basisShares(source);
  for (let b = 0; b < 2; b++) {
    for (let k = 0; k < 3; k++) {
      const n = pulses * shares[b]! * source.probabilities[k]!;
      block[6 * b + k] = n * y.gain[k]!;
      block[6 * b + 3 + k] = n * y.errors[k]!;
    }
  }
  return block;
}

export function drawStepCounts(random: PhysicsRandom, block: BlockCounts, pulses: number, y: ClassYields, source: SourceSpec): [number, number] {
  const shares = basisShares(source);
  let signalN = 0;
  let signalM = 0;
  for (let b = 0; b < 2; b++) {
    for (let k = 0; k < 3; k++) {
      const n = poissonSample(random, pulses * shares[b]! * source.probabilities[k]! * y.gain[k]!);
      const m = binomialSample(random, n, y.errors[k]! / y.gain[k]!);
      block[6 * b + k]! += n;
      block[6 * b + 3 + k]! += m;
      if (b === 0 && k === 0) [signalN, signalM] = [n, m];
    }
  }
  return [signalN, signalM];
}
