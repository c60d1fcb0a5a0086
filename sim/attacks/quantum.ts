/**
 * Quantum-channel attacks at key-rate level, for the step engine (run.ts): what each attack does
 * to the detection statistics (counts.ts ChannelTamper) and which monitor, if fitted, raises an
 * alarm. The same attacks at pulse level, against the real engine, are in pulse.ts.
 *
 * - intercept-resend (full or partial, `fraction`): matched-basis errors rise by fraction·25 %;
 *   the QBER policy suspends or halts the link, the finite-key bound leaves no key.
 * - photon-number splitting: the signal gain and the QBER look honest; the decoy classes' yields
 *   do not, and the decoy-state bound on single-photon events collapses (no key on lossy links).
 * - detector blinding: bright light turns Bob's detectors into classical ones Eve drives; the
 *   counts look honest, so only the detector monitor (photocurrent / bright-light watch) sees it.
 *   Without the monitor, every key bit of the window is known to Eve (`eveKnows`).
 * - Trojan-horse probing: Eve reads Alice's modulator with back-reflected light; the isolator and
 *   the transmitter's monitoring photodiode flag it. Without them Eve knows the key.
 * - jamming (quantum-channel DoS): bright noise into Bob's receiver, random clicks; QBER near 1/2,
 *   the link is halted and quarantined, key requests fall back to PQC.
 */
import { enumNames } from '../../src/_enum.ts';
import { NO_TAMPER, type ChannelTamper } from '../channel/counts.ts';

export const QUANTUM_ATTACKS = ['intercept-resend', 'photon-number-splitting', 'detector-blinding', 'trojan-horse', 'jamming'] as const;
export const CLASSICAL_ATTACKS = ['qsp-replay', 'qsp-forgery', 'qsp-delay', 'capsule-replay', 'capsule-forgery', 'capsule-delay'] as const;
/** Against the trusted-node relay hop messages (sim/relay-network.ts): altered or replayed hops. */
export const RELAY_ATTACKS = ['relay-forgery', 'relay-replay'] as const;
export type RelayAttackKind = (typeof RELAY_ATTACKS)[number];
export type QuantumAttackKind = (typeof QUANTUM_ATTACKS)[number];
export type ClassicalAttackKind = (typeof CLASSICAL_ATTACKS)[number];
export type AttackKind = QuantumAttackKind | ClassicalAttackKind | RelayAttackKind;

export interface AttackSpec {
  readonly kind: AttackKind;
  /** The link attacked ("*" or absent: every link). Classical attacks ignore it. */
  readonly link?: string;
  /** Active window in scenario seconds (default: the whole run). */
  readonly startS?: number;
  readonly endS?: number;
  /** intercept-resend: share of pulses intercepted (default 1). */
  readonly fraction?: number;
  /** jamming: extra clicks per slot (default 0.05). */
  readonly jamYield?: number;
}

export interface Countermeasures {
  /** Bob's detector monitor (bright-light / photocurrent watch). Default on. */
  readonly detectorMonitor?: boolean;
  /** Alice's optical isolator + monitoring photodiode. Default on. */
  readonly transmitterMonitor?: boolean;
}

/** Monitor alarms, stable codes (they appear in the policy timeline and the results). */
export const MonitorAlarm = { DETECTOR_BLINDING: 1, TROJAN_HORSE_PROBE: 2 } as const;
export type MonitorAlarm = (typeof MonitorAlarm)[keyof typeof MonitorAlarm];
export const MONITOR_ALARM_NAMES = enumNames(MonitorAlarm);

export const DEFAULT_JAM_YIELD = 0.05;

export interface StepTamper {
  readonly tamper: ChannelTamper;
  /** A fitted monitor saw the attack this step. */
  readonly alarm?: MonitorAlarm;
  /** An unmonitored attack: Eve knows the key made this step. */
  readonly eveKnows: boolean;
}

export const NO_STEP_TAMPER: StepTamper = Object.freeze({ tamper: NO_TAMPER, eveKnows: false });

export function isActive(a: AttackSpec, linkId: string, tS: number): boolean {
  if (a.link !== undefined && a.link !== '*' && a.link !== linkId) return false;
  return tS >= (a.startS ?? 0) && tS < (a.endS ?? Infinity);
}

/** The combined effect of the quantum attacks active on a link at a time. */
export function stepTamper(active: readonly AttackSpec[], cm: Countermeasures): StepTamper {
  if (!active.length) return NO_STEP_TAMPER;
  let interceptFraction = 0;
  let pns = false;
  let jamYield = 0;
  let alarm: MonitorAlarm | undefined;
  let eveKnows = false;
  for (const a of active) {
    switch (a.kind) {
      case 'intercept-resend': interceptFraction = Math.max(interceptFraction, a.fraction ?? 1); break;
      case 'photon-number-splitting': pns = true; break;
      case 'jamming': jamYield += a.jamYield ?? DEFAULT_JAM_YIELD; break;
      case 'detector-blinding':
        if (cm.detectorMonitor ?? true) alarm ??= MonitorAlarm.DETECTOR_BLINDING;
        else eveKnows = true;
        break;
      case 'trojan-horse':
        if (cm.transmitterMonitor ?? true) alarm ??= MonitorAlarm.TROJAN_HORSE_PROBE;
        else eveKnows = true;
        break;
      default: break; // classical attacks act on QSP, not on photons
    }
  }
  return { tamper: { interceptFraction, pns, jamYield }, ...(alarm !== undefined ? { alarm } : {}), eveKnows };
}
