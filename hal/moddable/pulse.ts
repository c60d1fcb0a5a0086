/**
 * The pulse-timing kernel on Moddable XS (boards, and lvxs on the desktop): native/kernels/pulse.c
 * through its xsmc binding (native/host/kernels_pulse.c), reached with native("xs_lv_pulse_…").
 * A host without it is reported, never replaced by the reference.
 */
import type { PulseKernel } from '../../src/pulse/kernel.ts';
import { nativePulseKernel, type PulseNatives } from '../../src/pulse/native.ts';

export function xsPulseKernel(): PulseKernel {
  let schedule: PulseNatives['schedule'], bin: PulseNatives['bin'];
  try {
    schedule = native('xs_lv_pulse_schedule') as PulseNatives['schedule'];
    bin = native('xs_lv_pulse_bin') as PulseNatives['bin'];
  } catch (e) {
    throw new Error(`pulse kernel: this host has no xs_lv_pulse_schedule/xs_lv_pulse_bin (build it with native/host/kernels_pulse.c): ${String(e)}`);
  }
  return nativePulseKernel({ schedule, bin }, 'xs');
}
