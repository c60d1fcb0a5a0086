/**
 * Pulse timing, emit side (the specification; native/kernels/pulse.c must match it bit for bit).
 *
 * A frame of slots (bit, basis, intensity; one byte each, as in hal/photonics.ts PulseTrain)
 * becomes what a modulator driver clocks out:
 *  - one 16-bit SPI word per slot for the polarisation and intensity modulators:
 *      bit 15      1 (start marker: an idle or stuck-low bus never reads as a slot)
 *      bits 14..13 intensity class (0 signal, 1 decoy, 2 vacuum)
 *      bit 12      basis (0 Z, 1 X)
 *      bit 11      bit value
 *      bits 10..1  slot label, (firstSlot + i) mod 1024, so the peripheral can see a lost word
 *      bit 0       even parity over the whole word
 *  - the laser-trigger GPIO edges, a (rise, fall) pair of tick stamps per non-vacuum slot
 *    (vacuum slots do not fire the laser): rise = t0 + i·period + delay, fall = rise + width,
 *    all modulo 2^32 so a free-running 32-bit timer wraps without a special case.
 */
import { checkBytes, checkInteger, checkObject } from '../_check.ts';
import { PulseError, PulseReject } from './errors.ts';

/** At most this many slots (or detections) per call: keeps every sum exact in a double. */
export const PULSE_MAX_COUNT = 1 << 21;
export const PULSE_WORD_START = 0x8000;
export const PULSE_VACUUM = 2;

export interface PulseTiming {
  /** Timer tick of the start of slot 0 of this frame. */
  readonly t0: number;
  /** Ticks per slot, ≥ 2. */
  readonly period: number;
  /** Ticks from the slot start to the laser trigger's rising edge. */
  readonly delay: number;
  /** Ticks the trigger stays high, ≥ 1; delay + width ≤ period. */
  readonly width: number;
}

export interface PulseSchedule {
  /** One modulator word per slot. */
  readonly words: Uint16Array;
  /** Laser-trigger edges: rise, fall, rise, fall, … for the non-vacuum slots in order. */
  readonly edges: Uint32Array;
}

const U32 = 0xffff_ffff;

export function checkPulseTiming(timing: unknown, field = 'timing'): PulseTiming {
  const t = checkObject(field, timing, ['t0', 'period', 'delay', 'width']);
  checkInteger(`${field}.t0`, t.t0, 0, U32);
  checkInteger(`${field}.period`, t.period, 0, U32);
  checkInteger(`${field}.delay`, t.delay, 0, U32);
  checkInteger(`${field}.width`, t.width, 0, U32);
  const { period, delay, width } = t as unknown as PulseTiming;
  if (period < 2 || width < 1 || delay + width > period)
    throw new PulseError(PulseReject.TIMING, `"${field}" expected period ≥ 2, width ≥ 1 and delay + width ≤ period, got period=${period}, delay=${delay}, width=${width}`);
  return t as unknown as PulseTiming;
}

/** The modulator word of one slot (layout in the module header). */
export function pulseWord(slotLabel: number, bit: number, basis: number, intensity: number): number {
  let w = PULSE_WORD_START | (intensity << 13) | (basis << 12) | (bit << 11) | ((slotLabel & 0x3ff) << 1);
  let p = w;
  p ^= p >> 8; p ^= p >> 4; p ^= p >> 2; p ^= p >> 1;
  return w | (p & 1);
}

/** Types, equal lengths and the count limit of a frame; returns the slot count. */
export function checkPulseFrameShape(bits: unknown, bases: unknown, intensities: unknown): number {
  const count = checkBytes('bits', bits).length;
  checkBytes('bases', bases);
  checkBytes('intensities', intensities);
  if ((bases as Uint8Array).length !== count || (intensities as Uint8Array).length !== count)
    throw new PulseError(PulseReject.LENGTH, `"bases" and "intensities" expected length ${count} like "bits", got ${(bases as Uint8Array).length} and ${(intensities as Uint8Array).length}`);
  if (count > PULSE_MAX_COUNT) throw new PulseError(PulseReject.COUNT, `expected at most ${PULSE_MAX_COUNT} slots, got ${count}`);
  return count;
}

/** Checks a frame in full (types, lengths, every slot's values) before anything is written. */
export function checkPulseFrame(bits: unknown, bases: unknown, intensities: unknown): number {
  const count = checkPulseFrameShape(bits, bases, intensities);
  const b = bits as Uint8Array, ba = bases as Uint8Array, it = intensities as Uint8Array;
  for (let i = 0; i < count; i++) {
    if (b[i]! > 1) throw new PulseError(PulseReject.BIT, `"bits[${i}]" expected 0 or 1, got ${b[i]}`, i);
    if (ba[i]! > 1) throw new PulseError(PulseReject.BASIS, `"bases[${i}]" expected 0 or 1, got ${ba[i]}`, i);
    if (it[i]! > PULSE_VACUUM) throw new PulseError(PulseReject.INTENSITY, `"intensities[${i}]" expected 0, 1 or 2, got ${it[i]}`, i);
  }
  return count;
}

/** Edge entries (rise + fall) the frame needs: 2 per non-vacuum slot. */
export function pulseEdgeCount(intensities: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < intensities.length; i++) if (intensities[i] !== PULSE_VACUUM) n += 2;
  return n;
}

/** The schedule of one frame whose slot 0 is labelled `firstSlot` (reference implementation). */
export function pulseSchedule(bits: Uint8Array, bases: Uint8Array, intensities: Uint8Array, firstSlot: number, timing: PulseTiming): PulseSchedule {
  const count = checkPulseFrame(bits, bases, intensities);
  checkInteger('firstSlot', firstSlot, 0, U32);
  const { t0, period, delay, width } = checkPulseTiming(timing);
  const words = new Uint16Array(count);
  const edges = new Uint32Array(pulseEdgeCount(intensities));
  let e = 0;
  for (let i = 0; i < count; i++) {
    words[i] = pulseWord((firstSlot + i) >>> 0, bits[i]!, bases[i]!, intensities[i]!);
    if (intensities[i] === PULSE_VACUUM) continue;
    // i·period modulo 2^32 is Math.imul's low word: the same wrap as the C uint32 product.
    const rise = (t0 + (Math.imul(i, period) >>> 0) + delay) >>> 0;
    edges[e++] = rise;
    edges[e++] = (rise + width) >>> 0;
  }
  return { words, edges };
}

/** Decodes a modulator word; undefined if its start marker or parity is wrong (a corrupt word). */
export function parsePulseWord(word: number): { slotLabel: number; bit: number; basis: number; intensity: number } | undefined {
  if ((word & ~0xffff) !== 0 || (word & PULSE_WORD_START) === 0) return undefined;
  let p = word;
  p ^= p >> 8; p ^= p >> 4; p ^= p >> 2; p ^= p >> 1;
  if (p & 1) return undefined;
  const intensity = (word >> 13) & 3;
  if (intensity > PULSE_VACUUM) return undefined;
  return { slotLabel: (word >> 1) & 0x3ff, bit: (word >> 11) & 1, basis: (word >> 12) & 1, intensity };
}
