/**
 * The pulse-timing kernel on Node (the HIL bridge and the rig run there): native/kernels/pulse.c
 * through the Node-API addon (native/node/pulse.cc, linked into lv_kernels.node). A missing
 * addon is an error that says how to build it, never a silent fallback to the reference.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { NODE_ADDON_PATH, NativeKernelsMissing } from '../node/kernels.ts';
import type { PulseKernel } from '../../src/pulse/kernel.ts';
import { nativePulseKernel, type PulseNatives } from '../../src/pulse/native.ts';

let kernel: PulseKernel | undefined;

export function nodePulseKernel(): PulseKernel {
  if (kernel) return kernel;
  if (!existsSync(NODE_ADDON_PATH)) throw new NativeKernelsMissing('not built');
  const addon = createRequire(import.meta.url)(NODE_ADDON_PATH) as { pulseSchedule?: PulseNatives['schedule']; pulseBin?: PulseNatives['bin'] };
  if (typeof addon.pulseSchedule !== 'function' || typeof addon.pulseBin !== 'function')
    throw new NativeKernelsMissing('the addon has no pulse kernel (native/node/pulse.cc)');
  kernel = nativePulseKernel({ schedule: addon.pulseSchedule, bin: addon.pulseBin }, 'node');
  return kernel;
}
