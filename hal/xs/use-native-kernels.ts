/**
 * Imported for its effect: registers this XS host's native kernels (hal/xs/kernels.ts) as the
 * runtime's Kernels (src/kernels/registry.ts), and its PQClean backend as the runtime's
 * AsymmetricCrypto (use-native-pqc.ts). Throws at import if the host lacks them.
 */
import { setRuntimeKernels } from '../../src/kernels/registry.ts';
import { xsKernels } from './kernels.ts';
import './use-native-pqc.ts';

setRuntimeKernels(xsKernels());
