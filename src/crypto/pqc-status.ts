/**
 * The statuses of the native PQC core (native/kernels/pqc_core.h, plus the bindings' X25519
 * rejection) as the AsymmetricCrypto port reports them, shared by the Node-API and the XS
 * backends: OK and INVALID (a signature that does not verify) are answers; a peer's bad key is a
 * PqcRejectError; the rest mean the backend itself failed — a PqcBackendError, never a result.
 */
import { PqcReject, PqcRejectError } from '../../hal/pqc.ts';

/** Why a backend could not answer (stable codes). */
export const PqcBackendFailure = {
  /** The native module is not built or not in this host. */
  MISSING: 1,
  /** The C side refused a shape the TypeScript side let through (a binding mismatch). */
  BAD_ARGUMENT: 2,
  /** PQClean asked for random bytes the call did not provide (never served from the system). */
  RANDOM: 3,
  INTERNAL: 4,
} as const;
export type PqcBackendFailure = (typeof PqcBackendFailure)[keyof typeof PqcBackendFailure];

export class PqcBackendError extends Error {
  constructor(readonly reason: PqcBackendFailure, detail: string) {
    super(`pqc backend: ${detail}`);
    this.name = 'PqcBackendError';
  }
}

// pqc_core.h lvPqcStatus, and LV_PQC_X25519_REJECTED of the bindings
const OK = 0;
const INVALID = 1;
const E_ARGUMENT = 2;
const E_ENCAPSULATION_KEY = 3;
const E_DECAPSULATION_KEY = 4;
const E_RANDOM = 5;
const X25519_REJECTED = 7;

/** true for OK, false for INVALID; throws for everything else. */
export function pqcStatus(status: number, what: string): boolean {
  switch (status) {
    case OK: return true;
    case INVALID: return false;
    case E_ENCAPSULATION_KEY: throw new PqcRejectError(PqcReject.KEM_ENCAPSULATION_KEY, 'ML-KEM-768 encapsulation key fails the modulus check (FIPS 203 §7.2)');
    case E_DECAPSULATION_KEY: throw new PqcRejectError(PqcReject.KEM_DECAPSULATION_KEY, 'ML-KEM-768 decapsulation key fails the hash check (FIPS 203 §7.3)');
    case X25519_REJECTED: throw new PqcRejectError(PqcReject.X25519_LOW_ORDER, 'X25519 result is all zero (low-order public key)');
    case E_ARGUMENT: throw new PqcBackendError(PqcBackendFailure.BAD_ARGUMENT, `${what}: the native side refused the arguments`);
    case E_RANDOM: throw new PqcBackendError(PqcBackendFailure.RANDOM, `${what}: PQClean asked for random bytes this call did not provide`);
    default: throw new PqcBackendError(PqcBackendFailure.INTERNAL, `${what}: native status ${status}`);
  }
}
