/**
 * The AsymmetricCrypto backend of the runtime in use, registered once by whoever wires the
 * runtime (a topology, a test entry), as src/kernels/registry.ts does for the Kernels:
 * runtime-agnostic code such as the golden-vector suites asks here instead of importing a
 * backend. Until a host registers one, the noble reference stands in, and `runtimePqc().name`
 * says so. The QSP handshake does not read this: it takes its backend from its peer options.
 */
import type { AsymmetricCrypto } from '../../hal/pqc.ts';
import { noblePqc } from './pqc-noble.ts';

let registered: AsymmetricCrypto | undefined;

export function setRuntimePqc(pqc: AsymmetricCrypto): void {
  if (typeof pqc !== 'object' || pqc === null || typeof pqc.mlDsa65Sign !== 'function')
    throw new TypeError('"pqc" expected an AsymmetricCrypto object');
  registered = pqc;
}

/** The registered backend, or the noble reference when none was registered. */
export function runtimePqc(): AsymmetricCrypto {
  return registered ?? noblePqc;
}
