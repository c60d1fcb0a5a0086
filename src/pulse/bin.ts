/**
 * Pulse timing, detect side (the specification; native/kernels/pulse.c must match it bit for bit).
 *
 * Detector clicks arrive as timer stamps (uint32 ticks, the same timer as the emit side) with
 * the index of the detector that fired: 0 = Z/0, 1 = Z/1, 2 = X/0, 3 = X/1 (basis·2 + bit).
 * Each is binned into a slot with a gate:
 *   dt = (stamp − t0) mod 2^32, slot = ⌊dt / period⌋, phase = dt − slot·period;
 *   slot ≥ slotCount → out of range; phase ∉ [gateOffset, gateOffset + gateWidth) → outside the
 *   gate (stray light, afterpulses between slots); otherwise the click counts.
 * Clicks of one slot merge into a 4-bit detector mask; a detector firing twice in a slot is a
 * repeat (counted, merged), a mask with two or more detectors is a double click (counted; the
 * squashing convention is applied later, by detectionsFromMasks). The stamps must not go
 * backwards (measured from t0). Phase statistics of the clicks inside the gate give the timing
 * jitter the front end sees: min, max and an exact sum (< 2^53 because count ≤ 2^21).
 */
import { checkInteger, checkObject } from '../_check.ts';
import { PulseError, PulseReject } from './errors.ts';
import { PULSE_MAX_COUNT } from './schedule.ts';

export interface PulseGate {
  readonly t0: number;
  readonly period: number;
  readonly gateOffset: number;
  readonly gateWidth: number;
  /** Slots in the frame; clicks binned at or past it are out of range. */
  readonly slotCount: number;
}

export interface PulseBinStats {
  /** Slots with at least one click (entries written). */
  slots: number;
  inGate: number;
  outsideGate: number;
  outOfRange: number;
  repeats: number;
  doubleClicks: number;
  /** Phase (ticks into the slot) of the clicks inside the gate: min, max and sum; 0 when none. */
  phaseMin: number;
  phaseMax: number;
  phaseSum: number;
}

export interface PulseBins {
  /** Slots with a click, strictly increasing. */
  readonly slots: Uint32Array;
  /** Detector mask per slot (bit d set when detector d fired). */
  readonly masks: Uint8Array;
  readonly stats: PulseBinStats;
}

const U32 = 0xffff_ffff;

export function checkPulseGate(gate: unknown, field = 'gate'): PulseGate {
  const g = checkObject(field, gate, ['t0', 'period', 'gateOffset', 'gateWidth', 'slotCount']);
  for (const k of ['t0', 'period', 'gateOffset', 'gateWidth', 'slotCount']) checkInteger(`${field}.${k}`, g[k], 0, U32);
  const { period, gateOffset, gateWidth, slotCount } = g as unknown as PulseGate;
  if (period < 1 || gateWidth < 1 || gateOffset + gateWidth > period || slotCount < 1)
    throw new PulseError(PulseReject.GATE, `"${field}" expected period ≥ 1, gateWidth ≥ 1, gateOffset + gateWidth ≤ period and slotCount ≥ 1, got period=${period}, gateOffset=${gateOffset}, gateWidth=${gateWidth}, slotCount=${slotCount}`);
  return g as unknown as PulseGate;
}

/** Checks a detection batch in full (types, lengths, detectors, order) before anything is binned. */
export function checkPulseDetections(stamps: unknown, detectors: unknown, t0: number): number {
  if (!(stamps instanceof Uint32Array)) throw new TypeError('"stamps" expected Uint32Array');
  if (!(detectors instanceof Uint8Array)) throw new TypeError('"detectors" expected Uint8Array');
  const count = stamps.length;
  if (detectors.length !== count)
    throw new PulseError(PulseReject.LENGTH, `"detectors" expected length ${count} like "stamps", got ${detectors.length}`);
  if (count > PULSE_MAX_COUNT) throw new PulseError(PulseReject.COUNT, `expected at most ${PULSE_MAX_COUNT} detections, got ${count}`);
  let last = 0;
  for (let i = 0; i < count; i++) {
    if (detectors[i]! > 3) throw new PulseError(PulseReject.DETECTOR, `"detectors[${i}]" expected 0..3, got ${detectors[i]}`, i);
    const dt = (stamps[i]! - t0) >>> 0;
    if (dt < last) throw new PulseError(PulseReject.ORDER, `"stamps[${i}]" goes backwards (${dt} ticks after t0, previous ${last})`, i);
    last = dt;
  }
  return count;
}

/** Bins one batch of clicks into slots (reference implementation). */
export function binDetections(stamps: Uint32Array, detectors: Uint8Array, gate: PulseGate): PulseBins {
  const { t0, period, gateOffset, gateWidth, slotCount } = checkPulseGate(gate);
  const count = checkPulseDetections(stamps, detectors, t0);
  const slots = new Uint32Array(count);
  const masks = new Uint8Array(count);
  const s: PulseBinStats = { slots: 0, inGate: 0, outsideGate: 0, outOfRange: 0, repeats: 0, doubleClicks: 0, phaseMin: 0, phaseMax: 0, phaseSum: 0 };
  let current = -1, mask = 0;
  const flush = () => {
    if (current < 0) return;
    slots[s.slots] = current;
    masks[s.slots++] = mask;
    if (mask & (mask - 1)) s.doubleClicks++;
  };
  for (let i = 0; i < count; i++) {
    const dt = (stamps[i]! - t0) >>> 0;
    const slot = Math.floor(dt / period);
    if (slot >= slotCount) { s.outOfRange++; continue; }
    const phase = dt - slot * period;
    if (phase < gateOffset || phase - gateOffset >= gateWidth) { s.outsideGate++; continue; }
    if (s.inGate === 0 || phase < s.phaseMin) s.phaseMin = phase;
    if (s.inGate === 0 || phase > s.phaseMax) s.phaseMax = phase;
    s.inGate++;
    s.phaseSum += phase;
    if (slot !== current) { flush(); current = slot; mask = 0; }
    const bit = 1 << detectors[i]!;
    if (mask & bit) s.repeats++;
    mask |= bit;
  }
  flush();
  return { slots: slots.slice(0, s.slots), masks: masks.slice(0, s.slots), stats: s };
}
