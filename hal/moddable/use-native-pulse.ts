/**
 * Imported for its effect: registers this XS host's (or board's) native pulse-timing module
 * (hal/moddable/pulse.ts) as the runtime's pulse kernel (src/pulse/kernel.ts). Throws at import
 * if the host lacks it.
 */
import { setRuntimePulseKernel } from '../../src/pulse/kernel.ts';
import { xsPulseKernel } from './pulse.ts';

setRuntimePulseKernel(xsPulseKernel());
