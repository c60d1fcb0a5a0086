/**
 * Imported for its effect: registers this XS host's PQClean backend (hal/xs/pqc-native.ts) as the
 * runtime's AsymmetricCrypto (src/crypto/pqc-registry.ts), so the golden vectors of the pqc area
 * run through it. Throws at import if the host lacks the binding.
 */
import { setRuntimePqc } from '../../src/crypto/pqc-registry.ts';
import { xsPqc } from './pqc-native.ts';

setRuntimePqc(xsPqc());
