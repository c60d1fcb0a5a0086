/**
 * The pulse-timing kernel as a port: the TypeScript reference (schedule.ts, bin.ts) is the
 * specification; a runtime registers its native binding (Node-API or xsmc over
 * native/kernels/pulse.c) once, and drivers ask here. Which one runs is always reported.
 */
import type { KernelImplementation } from '../../hal/kernels.ts';
import { binDetections, type PulseBins, type PulseGate } from './bin.ts';
import { pulseSchedule, type PulseSchedule, type PulseTiming } from './schedule.ts';

export interface PulseKernel {
  readonly implementation: KernelImplementation;
  readonly runtime: string;
  schedule(bits: Uint8Array, bases: Uint8Array, intensities: Uint8Array, firstSlot: number, timing: PulseTiming): PulseSchedule;
  bin(stamps: Uint32Array, detectors: Uint8Array, gate: PulseGate): PulseBins;
}

export const referencePulseKernel: PulseKernel = Object.freeze({
  implementation: 'reference' as const,
  runtime: 'any',
  schedule: pulseSchedule,
  bin: binDetections,
});

let registered: PulseKernel | undefined;

export function setRuntimePulseKernel(kernel: PulseKernel): void {
  if (typeof kernel !== 'object' || kernel === null || typeof kernel.schedule !== 'function' || typeof kernel.bin !== 'function')
    throw new TypeError('"kernel" expected a PulseKernel object');
  registered = kernel;
}

/** The registered pulse kernel, or the reference when none was registered. */
export function runtimePulseKernel(): PulseKernel {
  return registered ?? referencePulseKernel;
}
