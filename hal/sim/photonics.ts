/**
 * Photonics port, simulated: a weak coherent source, a lossy channel and Bob's passive-basis
 * receiver with two threshold detectors per basis.
 *
 * Per slot with mean photon number μ (of the slot's intensity class), the photons reaching
 * Bob's detectors are Poisson with mean μ·η, η = 10^(−lossDb/10) · detectorEfficiency (thinning
 * of a Poisson source). Each arriving photon lands on the detector of Alice's bit when the bases
 * match, flipped with probability `misalignment`; on either detector at random when they don't.
 * Each detector also fires with `darkCountProbability`. Both detectors firing is a double click:
 * Bob keeps it with a random bit (the squashing convention) and it is counted. After a click the
 * receiver is blind for `deadTimeSlots` slots.
 *
 * Attacks (an eavesdropper right after Alice's source, who controls the channel):
 * - intercept-resend: on a `fraction` of slots Eve measures in a random basis (an ideal detector:
 *   she sees the pulse unless it is vacuum) and resends a pulse of the same mean photon number
 *   in her basis with her result, so Bob's gain is unchanged and matched-basis errors reach 25 %.
 * - photon-number splitting: Eve counts the photons of every pulse, keeps one of each multi-photon
 *   pulse and forwards the rest over a lossless channel, and shapes what she forwards so that
 *   the signal class's gain equals the honest channel's: she blocks a fraction of single-photon
 *   pulses, or, on a lossy enough link, all of them and a fraction of the multi-photon rest too.
 *   The error rate stays at the misalignment level; only the decoy classes' yields betray her.
 *   (On a link with little loss she cannot block every single photon without the gain dropping,
 *   and the decoy bound then rightly credits the single photons she had to let through.)
 */
import { checkInteger, checkNumber, checkObject, checkProbability } from '../../src/_check.ts';
import type { Detections, PhotonicsHealth, PhotonicsRx, PhotonicsTx, PulseTrain } from '../photonics.ts';
import { PhysicsRandom } from './prng.ts';

export interface SimPhotonicsConfig {
  /** Channel loss in dB (fiber: α·km; free space: the link budget), ≥ 0. */
  readonly lossDb: number;
  /** Bob's detection efficiency η_Bob, in [0, 1]. */
  readonly detectorEfficiency: number;
  /** Probability that one detector fires in a slot with no photon (dark count / background), in [0, 1]. */
  readonly darkCountProbability: number;
  /** Probability e_d that a photon lands on the wrong detector in the matching basis, in [0, 0.5]. */
  readonly misalignment: number;
  /** Mean photon number per intensity class, indexed by Intensity (signal, decoy, vacuum). */
  readonly meanPhotonNumbers: readonly number[];
  /** Slots the receiver stays blind after a click (default 0). */
  readonly deadTimeSlots?: number;
  /** An eavesdropper on the channel (default none). */
  readonly attack?: SimAttack;
}

export type SimAttack =
  | { readonly kind: 'intercept-resend'; readonly fraction: number }
  | { readonly kind: 'photon-number-splitting' };

const FIELDS = ['lossDb', 'detectorEfficiency', 'darkCountProbability', 'misalignment', 'meanPhotonNumbers', 'deadTimeSlots', 'attack'] as const;

/** Checks every field before anything runs; the error names the field. */
export function checkSimPhotonicsConfig(config: unknown, field = 'photonics'): SimPhotonicsConfig {
  const c = checkObject(field, config, FIELDS);
  checkNumber(`${field}.lossDb`, c.lossDb, 0, 1000);
  checkProbability(`${field}.detectorEfficiency`, c.detectorEfficiency);
  checkProbability(`${field}.darkCountProbability`, c.darkCountProbability);
  checkNumber(`${field}.misalignment`, c.misalignment, 0, 0.5);
  const mu = c.meanPhotonNumbers;
  if (!Array.isArray(mu) || mu.length < 1 || mu.length > 3)
    throw new TypeError(`"${field}.meanPhotonNumbers" expected an array of 1 to 3 numbers`);
  mu.forEach((m, i) => checkNumber(`${field}.meanPhotonNumbers[${i}]`, m, 0, 100));
  if (c.deadTimeSlots !== undefined) checkInteger(`${field}.deadTimeSlots`, c.deadTimeSlots, 0, 1_000_000);
  if (c.attack !== undefined) {
    const a = checkObject(`${field}.attack`, c.attack, ['kind', 'fraction']);
    if (a.kind === 'intercept-resend') checkProbability(`${field}.attack.fraction`, a.fraction);
    else if (a.kind !== 'photon-number-splitting')
      throw new RangeError(`"${field}.attack.kind" expected "intercept-resend" or "photon-number-splitting", got ${JSON.stringify(a.kind)}`);
  }
  return c as unknown as SimPhotonicsConfig;
}

/** Counters a simulation reports; Bob's hardware could not know `photonsArrived`. */
export interface SimPhotonicsStats {
  slots: number;
  photonsArrived: number;
  darkClicks: number;
  /** Slots in which a click was lost to dead time. */
  deadTimeLosses: number;
  /** Slots Eve measured (intercept-resend) or photons she kept (photon-number splitting). */
  eveInterventions: number;
}

class SimReceiver implements PhotonicsRx {
  pending: Detections | undefined;

  collect(): Detections {
    const d = this.pending;
    if (!d) throw new Error('photonics: collect() before a pulse train was emitted');
    this.pending = undefined;
    return d;
  }

  health(): PhotonicsHealth {
    return { healthy: true };
  }
}

class SimTransmitter implements PhotonicsTx {
  constructor(
    private readonly config: SimPhotonicsConfig,
    private readonly random: PhysicsRandom,
    private readonly receiver: SimReceiver,
    readonly stats: SimPhotonicsStats,
  ) {}

  emit(train: PulseTrain): void {
    this.receiver.pending = propagate(train, this.config, this.random, this.stats);
  }

  health(): PhotonicsHealth {
    return { healthy: true };
  }
}

/** A linked transmitter and receiver; `seed` fixes every physical outcome. */
export function createSimPhotonics(config: SimPhotonicsConfig, seed: number | Uint8Array) {
  checkSimPhotonicsConfig(config);
  const stats: SimPhotonicsStats = { slots: 0, photonsArrived: 0, darkClicks: 0, deadTimeLosses: 0, eveInterventions: 0 };
  const rx = new SimReceiver();
  const tx = new SimTransmitter(config, new PhysicsRandom(seed, 'channel'), rx, stats);
  return { tx: tx as PhotonicsTx, rx: rx as PhotonicsRx, stats };
}

/** Poisson(λ) from one uniform draw by inverting the CDF (λ here is at most a few photons). */
function poisson(lambda: number, u: number): number {
  let k = 0;
  let pk = Math.exp(-lambda);
  let cdf = pk;
  while (u >= cdf && k < 64) {
    k++;
    pk *= lambda / k;
    cdf += pk;
  }
  return k;
}

/**
 * Eve's PNS policy for a signal intensity: the fraction of single-photon pulses she blocks and
 * the fraction of multi-photon remainders she forwards, so that the signal gain looks honest.
 */
function pnsPolicy(muSignal: number, eta: number, etaBob: number): { blockSingles: number; forwardMulti: number } {
  const honest = -Math.expm1(-muSignal * eta);
  let multi = 0;
  let pk = Math.exp(-muSignal);
  for (let k = 1; k < 64; k++) {
    pk *= muSignal / k;
    if (k >= 2) multi += pk * (1 - (1 - etaBob) ** (k - 1));
  }
  const single = Math.exp(-muSignal) * muSignal * etaBob;
  if (honest >= multi) return { blockSingles: Math.min(1, Math.max(0, 1 - (honest - multi) / single)), forwardMulti: 1 };
  return { blockSingles: 1, forwardMulti: honest / multi };
}

function propagate(train: PulseTrain, c: SimPhotonicsConfig, random: PhysicsRandom, stats: SimPhotonicsStats): Detections {
  const eta = 10 ** (-c.lossDb / 10) * c.detectorEfficiency;
  // Per intensity class: P(at least one photon arrives) and e^{-λ}, λ = μη.
  const lambda = c.meanPhotonNumbers.map((mu) => mu * eta);
  const pArrive = lambda.map((l) => -Math.expm1(-l));
  const pd = c.darkCountProbability;
  const pDark0 = pd * (1 - pd); // only detector 0
  const pDarkAny = 1 - (1 - pd) * (1 - pd);
  const deadTime = c.deadTimeSlots ?? 0;
  const attack = c.attack;
  const pns = attack?.kind === 'photon-number-splitting' ? pnsPolicy(c.meanPhotonNumbers[0]!, eta, c.detectorEfficiency) : undefined;
  const slots: number[] = [];
  const bases: number[] = [];
  const bits: number[] = [];
  let doubleClicks = 0;
  let blindUntil = -1;
  for (let i = 0; i < train.count; i++) {
    const cls = train.intensities[i]!;
    const l = lambda[cls];
    if (l === undefined) throw new RangeError(`"train.intensities[${i}]" is ${cls}, a class with no mean photon number`);
    // The state reaching Bob: Alice's, or the one Eve resends.
    let stateBasis = train.bases[i]!;
    let stateBit = train.bits[i]!;
    let k = 0;
    if (pns) {
      const n = poisson(c.meanPhotonNumbers[cls]!, random.uniform());
      const forwarded = n >= 2 ? (random.uniform() < pns.forwardMulti ? n - 1 : 0) : n === 1 && random.uniform() >= pns.blockSingles ? 1 : 0;
      if (n >= 2) stats.eveInterventions++;
      for (let j = 0; j < forwarded; j++) if (random.uniform() < c.detectorEfficiency) k++;
    } else {
      let arriving = l;
      let u = random.uniform();
      if (attack?.kind === 'intercept-resend' && random.uniform() < attack.fraction) {
        stats.eveInterventions++;
        // Eve sees the pulse unless it is vacuum; she resends her result in her basis.
        if (random.uniform() < -Math.expm1(-c.meanPhotonNumbers[cls]!)) {
          const eveBasis = random.bit();
          stateBit = eveBasis === stateBasis ? stateBit : random.bit();
          stateBasis = eveBasis;
        } else arriving = 0;
      }
      if (arriving > 0 && u < pArrive[cls]!) {
        // Photons arriving, given at least one: invert the Poisson CDF from k = 1 with the same draw.
        k = 1;
        let pk = Math.exp(-l) * l;
        let cdf = pk;
        while (u >= cdf && k < 64) {
          k++;
          pk *= l / k;
          cdf += pk;
        }
      }
    }
    let click0 = 0;
    let click1 = 0;
    let basis = -1;
    if (k > 0) {
      stats.photonsArrived += k;
      basis = random.bit();
      const match = basis === stateBasis;
      for (let j = 0; j < k; j++) {
        const detector = match ? stateBit ^ (random.uniform() < c.misalignment ? 1 : 0) : random.bit();
        if (detector) click1 = 1;
        else click0 = 1;
      }
    }
    const d = random.uniform();
    if (d < pDarkAny) {
      stats.darkClicks++;
      if (d < pDark0) click0 = 1;
      else if (d < 2 * pDark0) click1 = 1;
      else click0 = click1 = 1;
    }
    if (!click0 && !click1) continue;
    if (i <= blindUntil) {
      stats.deadTimeLosses++;
      continue;
    }
    blindUntil = i + deadTime;
    if (basis < 0) basis = random.bit();
    let bit = click1;
    if (click0 && click1) {
      doubleClicks++;
      bit = random.bit();
    }
    slots.push(i);
    bases.push(basis);
    bits.push(bit);
  }
  stats.slots += train.count;
  return {
    slots: Uint32Array.from(slots),
    bases: Uint8Array.from(bases),
    bits: Uint8Array.from(bits),
    doubleClicks,
  };
}
