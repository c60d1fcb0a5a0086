/**
 * Typed rejections of the pulse-timing kernel. The numeric codes are the C statuses of
 * native/kernels/pulse.h (lv_pulse_status), so a native binding maps a status to the same reason.
 */
import { enumNames } from '../_enum.ts';

export const PulseReject = {
  /** More slots or detections than LV_PULSE_MAX_COUNT in one call. */
  COUNT: 1,
  /** A slot's bit is not 0 or 1. */
  BIT: 2,
  /** A slot's basis is not 0 or 1. */
  BASIS: 3,
  /** A slot's intensity class is not signal, decoy or vacuum. */
  INTENSITY: 4,
  /** Slot timing: period < 2, width < 1 or delay + width > period. */
  TIMING: 5,
  /** An output buffer is too small for the worst case. */
  OUTPUT: 6,
  /** A detection's detector index is not 0..3. */
  DETECTOR: 7,
  /** Detection timestamps go backwards (measured from the gate's t0, modulo 2^32). */
  ORDER: 8,
  /** Gate: width < 1, offset + width > period, or slotCount < 1. */
  GATE: 9,
  /** Input arrays of different lengths (or a NULL buffer on the C side). */
  LENGTH: 10,
} as const;
export type PulseReject = (typeof PulseReject)[keyof typeof PulseReject];
export const PulseRejectName = enumNames(PulseReject);

/** A rejected schedule or detection batch; `index` is the offending slot or detection, if any. */
export class PulseError extends RangeError {
  readonly reason: PulseReject;
  readonly index: number | undefined;
  constructor(reason: PulseReject, message: string, index?: number) {
    super(`pulse: ${PulseRejectName[reason]}: ${message}`);
    this.name = 'PulseError';
    this.reason = reason;
    this.index = index;
  }
}
