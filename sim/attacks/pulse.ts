/**
 * Attacked photonics front ends, at pulse level, for the real engine (sim/run-block.ts). The
 * channel attacks the simulated photonics already models (intercept-resend, photon-number
 * splitting) are passed through its `attack` option; jamming raises every detector's click
 * probability; blinding and Trojan-horse probing need Eve inside the hardware, so they wrap the
 * ports here, with the monitors the real front ends carry reporting through `health()`:
 *
 * - detector blinding: Eve measures each pulse in a random basis and, blinding Bob's detectors
 *   with bright light, fires a faked state that clicks only when Bob picks her basis, with her
 *   bit. The sifted QBER stays at Bob's noise level and Eve knows every sifted bit, unless the
 *   detector monitor sees the bright light: then rx.health() is unhealthy and the core aborts
 *   the block (PHOTONICS_UNHEALTHY) before sifting.
 * - Trojan horse: Eve's probe light reads Alice's basis and bit settings from the back-reflection;
 *   the channel itself is honest. The isolator + monitoring photodiode makes tx.health()
 *   unhealthy, and the core refuses to emit.
 *
 * `eve` records what Eve learned: the share of Bob's sifted (matched-basis) bits she holds.
 */
import type { Detections, PhotonicsHealth, PhotonicsRx, PhotonicsTx, PulseTrain } from '../../hal/photonics.ts';
import { createSimPhotonics, type SimPhotonicsConfig } from '../../hal/sim/photonics.ts';
import { PhysicsRandom } from '../../hal/sim/prng.ts';
import type { FrontEnd } from '../run-block.ts';
import type { Countermeasures, QuantumAttackKind } from './quantum.ts';

export interface EveLedger {
  /** Bob's sifted bits (bases matched with Alice) and how many of them Eve holds. */
  sifted: number;
  known: number;
}

export interface AttackedFrontEnd extends FrontEnd {
  readonly eve: EveLedger;
}

export const DETECTOR_MONITOR_REASON = 'detector monitor: bright continuous illumination on the single-photon detectors (blinding)';
export const TX_MONITOR_REASON = 'transmitter monitor: probe light entering the source through the isolator (Trojan horse)';

/** Counts Eve's share of the sifted bits, given her bit per slot (-1: unknown). */
function ledger(train: PulseTrain, d: Detections, eveBits: Int8Array, eve: EveLedger): void {
  for (let i = 0; i < d.slots.length; i++) {
    const slot = d.slots[i]!;
    if (d.bases[i] !== train.bases[slot]) continue;
    eve.sifted++;
    if (eveBits[slot] === d.bits[i]) eve.known++;
  }
}

function blinded(config: SimPhotonicsConfig, seed: number, monitor: boolean): AttackedFrontEnd {
  const random = new PhysicsRandom(seed, 'eve:blinding');
  const eve: EveLedger = { sifted: 0, known: 0 };
  const eta = 10 ** (-config.lossDb / 10) * config.detectorEfficiency;
  let pending: Detections | undefined;
  const tx: PhotonicsTx = {
    emit(train: PulseTrain) {
      const mu = config.meanPhotonNumbers;
      // Eve fires a faked state on a share r of the pulses she saw, so Bob's gain looks honest.
      const r = mu.map((m) => Math.min(1, (2 * -Math.expm1(-eta * m)) / Math.max(1e-12, -Math.expm1(-m))));
      const eveBits = new Int8Array(train.count).fill(-1);
      const slots: number[] = [];
      const bases: number[] = [];
      const bits: number[] = [];
      for (let i = 0; i < train.count; i++) {
        const cls = train.intensities[i]!;
        if (random.uniform() >= -Math.expm1(-mu[cls]!)) continue; // vacuum: nothing to measure
        const eveBasis = random.bit();
        const eveBit = eveBasis === train.bases[i] ? train.bits[i]! : random.bit();
        if (random.uniform() >= r[cls]!) continue;
        const bobBasis = random.bit();
        if (bobBasis !== eveBasis) continue; // a faked state below threshold in the wrong basis: no click
        eveBits[i] = eveBit;
        slots.push(i);
        bases.push(bobBasis);
        bits.push(eveBit);
      }
      const d: Detections = { slots: Uint32Array.from(slots), bases: Uint8Array.from(bases), bits: Uint8Array.from(bits), doubleClicks: 0 };
      ledger(train, d, eveBits, eve);
      pending = d;
    },
    health: () => ({ healthy: true }),
  };
  const rx: PhotonicsRx = {
    collect() {
      const d = pending;
      if (!d) throw new Error('photonics: collect() before a pulse train was emitted');
      pending = undefined;
      return d;
    },
    health: (): PhotonicsHealth => (monitor ? { healthy: false, reason: DETECTOR_MONITOR_REASON } : { healthy: true }),
  };
  return { tx, rx, eve };
}

function trojan(config: SimPhotonicsConfig, seed: number, monitor: boolean): AttackedFrontEnd {
  const inner = createSimPhotonics(config, seed);
  const eve: EveLedger = { sifted: 0, known: 0 };
  let train: PulseTrain | undefined;
  const tx: PhotonicsTx = {
    emit(t: PulseTrain) {
      train = t; // the back-reflection carries Alice's settings out to Eve
      inner.tx.emit(t);
    },
    health: (): PhotonicsHealth => (monitor ? { healthy: false, reason: TX_MONITOR_REASON } : inner.tx.health()),
  };
  const rx: PhotonicsRx = {
    collect() {
      const d = inner.rx.collect();
      if (train) {
        const eveBits = Int8Array.from(train.bits);
        ledger(train, d, eveBits, eve);
      }
      return d;
    },
    health: () => inner.rx.health(),
  };
  return { tx, rx, eve };
}

/** A front end with `attack` mounted (none: the honest channel). */
export function attackedFrontEnd(config: SimPhotonicsConfig, seed: number, attack?: { kind: QuantumAttackKind; fraction?: number; jamYield?: number }, cm: Countermeasures = {}): AttackedFrontEnd {
  const eve: EveLedger = { sifted: 0, known: 0 };
  switch (attack?.kind) {
    case undefined: return { ...createSimPhotonics(config, seed), eve };
    case 'intercept-resend': return { ...createSimPhotonics({ ...config, attack: { kind: 'intercept-resend', fraction: attack.fraction ?? 1 } }, seed), eve };
    case 'photon-number-splitting': return { ...createSimPhotonics({ ...config, attack: { kind: 'photon-number-splitting' } }, seed), eve };
    case 'jamming': {
      // Bright noise: each detector fires at random in a share of the slots (half the jam yield each).
      const pd = Math.min(1, config.darkCountProbability + (attack.jamYield ?? 0.05) / 2);
      return { ...createSimPhotonics({ ...config, darkCountProbability: pd }, seed), eve };
    }
    case 'detector-blinding': return blinded(config, seed, cm.detectorMonitor ?? true);
    case 'trojan-horse': return trojan(config, seed, cm.transmitterMonitor ?? true);
  }
}
