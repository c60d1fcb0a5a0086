/**
 * A PulseKernel over a native binding of native/kernels/pulse.c: the xsmc binding
 * (native/host/kernels_pulse.c, reached with native("xs_lv_pulse_…") on XS hosts and boards) and
 * the Node-API one (native/node/pulse.cc) share one calling convention, so this one wrapper
 * serves both. Types, lengths and option names are checked here as the reference checks them;
 * values are checked by the C core in the reference's order, and its status and index come back
 * as the same PulseError (reason and index; the message is the native one).
 */
import { PulseError, PulseReject } from './errors.ts';
import { checkPulseDetections, checkPulseGate, type PulseBins, type PulseGate } from './bin.ts';
import { checkPulseFrameShape, type PulseSchedule, type PulseTiming } from './schedule.ts';
import type { PulseKernel } from './kernel.ts';
import { checkInteger, checkObject } from '../_check.ts';

type View = Uint8Array | Uint16Array | Uint32Array;

export interface PulseNatives {
  schedule(bits: Uint8Array, bases: Uint8Array, intensities: Uint8Array, firstSlot: number, t0: number, period: number, delay: number, width: number,
    words: View, edges: View, result: View): void;
  bin(stamps: View, detectors: Uint8Array, t0: number, period: number, gateOffset: number, gateWidth: number, slotCount: number,
    slots: View, masks: Uint8Array, result: View): void;
}

/** XS reads only byte views (xsmcGetBuffer); Node-API takes any typed array. Bytes suit both. */
function bytes(a: Uint16Array | Uint32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function fail(status: number, where: number): never {
  const indexed = status === PulseReject.BIT || status === PulseReject.BASIS || status === PulseReject.INTENSITY ||
    status === PulseReject.DETECTOR || status === PulseReject.ORDER;
  throw new PulseError(status as PulseReject, `native kernel rejected the input${indexed ? ` at index ${where}` : ''}`, indexed ? where : undefined);
}

export function nativePulseKernel(natives: PulseNatives, runtime: string): PulseKernel {
  const schedule = (bits: Uint8Array, bases: Uint8Array, intensities: Uint8Array, firstSlot: number, timing: PulseTiming): PulseSchedule => {
    // Types and lengths here; the per-slot values and the timing in C (same order, same index).
    const count = checkPulseFrameShape(bits, bases, intensities);
    checkInteger('firstSlot', firstSlot, 0, 0xffff_ffff);
    const t = checkObject('timing', timing, ['t0', 'period', 'delay', 'width']);
    for (const k of ['t0', 'period', 'delay', 'width']) checkInteger(`timing.${k}`, t[k], 0, 0xffff_ffff);
    const words = new Uint16Array(count);
    const edges = new Uint32Array(2 * count);
    const result = new Uint32Array(3);
    natives.schedule(bits, bases, intensities, firstSlot, timing.t0, timing.period, timing.delay, timing.width, bytes(words), bytes(edges), bytes(result));
    if (result[0] !== 0) fail(result[0]!, result[1]!);
    return { words, edges: edges.slice(0, result[2]!) };
  };
  const bin = (stamps: Uint32Array, detectors: Uint8Array, gate: PulseGate): PulseBins => {
    const { t0, period, gateOffset, gateWidth, slotCount } = checkPulseGate(gate);
    const count = checkPulseDetections(stamps, detectors, t0);
    const slots = new Uint32Array(count);
    const masks = new Uint8Array(count);
    const r = new Uint32Array(12);
    natives.bin(bytes(stamps), detectors, t0, period, gateOffset, gateWidth, slotCount, bytes(slots), masks, bytes(r));
    if (r[0] !== 0) fail(r[0]!, r[1]!);
    const n = r[2]!;
    return {
      slots: slots.slice(0, n),
      masks: masks.slice(0, n),
      stats: {
        slots: n, inGate: r[3]!, outsideGate: r[4]!, outOfRange: r[5]!, repeats: r[6]!, doubleClicks: r[7]!,
        phaseMin: r[8]!, phaseMax: r[9]!, phaseSum: r[10]! + r[11]! * 0x1_0000_0000,
      },
    };
  };
  return Object.freeze({ implementation: 'native' as const, runtime, schedule, bin });
}
