/**
 * Photonics port: the quantum front end. Alice's side emits pulse trains; Bob's side reports
 * detections. One byte per slot keeps the layout identical for the C pulse-timing module.
 *
 * Contract: a PulseTrain is emitted once; slot i of a Detections report refers to slot i of the
 * train emitted in the same frame. Health is reported, never assumed: a front end that is not
 * healthy must not be used to produce key.
 */

/** Encoding of a basis: 0 = rectilinear (Z), 1 = diagonal (X). */
export type Basis = 0 | 1;

/** Intensity classes of decoy-state BB84 (signal, decoy, vacuum); the first slice uses SIGNAL only. */
export const Intensity = { SIGNAL: 0, DECOY: 1, VACUUM: 2 } as const;
export type Intensity = (typeof Intensity)[keyof typeof Intensity];

export interface PulseTrain {
  /** Number of slots. */
  readonly count: number;
  /** bits[i] ∈ {0,1}: the bit Alice encodes in slot i. */
  readonly bits: Uint8Array;
  /** bases[i] ∈ {0,1}: the basis Alice prepares slot i in. */
  readonly bases: Uint8Array;
  /** intensities[i]: the intensity class of slot i. */
  readonly intensities: Uint8Array;
}

export interface Detections {
  /** Slots in which Bob registered a click, strictly increasing. */
  readonly slots: Uint32Array;
  /** Bob's measurement basis per detection. */
  readonly bases: Uint8Array;
  /** Bob's bit per detection (a double click is given a random bit: the squashing convention). */
  readonly bits: Uint8Array;
  /** Detections that were double clicks, counted for the security analysis. */
  readonly doubleClicks: number;
}

export interface PhotonicsHealth {
  readonly healthy: boolean;
  /** Why it is unhealthy, when it is. */
  readonly reason?: string;
}

/** Alice's transmitter. */
export interface PhotonicsTx {
  emit(train: PulseTrain): void;
  health(): PhotonicsHealth;
}

/** Bob's receiver: `collect()` returns the detections of the frame emitted last. */
export interface PhotonicsRx {
  collect(): Detections;
  health(): PhotonicsHealth;
}
