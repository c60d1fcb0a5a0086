/**
 * Imported for its effect: registers the Node-API native kernels (hal/node/kernels.ts) as the
 * runtime's Kernels (src/kernels/registry.ts). Throws NativeKernelsMissing at import if the addon
 * is not built: a missing addon is reported, never replaced by the reference.
 */
import { setRuntimeKernels } from '../../src/kernels/registry.ts';
import { nodeKernels } from './kernels.ts';

setRuntimeKernels(nodeKernels());
