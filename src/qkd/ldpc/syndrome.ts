/**
 * The syndrome s = H·x over GF(2) of an LDPC code (Kernels port conventions): x one bit per
 * byte (0/1), s packed most significant bit first, m bits, zero padding.
 */
import type { LdpcCodeView } from '../../../hal/kernels.ts';
import { checkBytes } from '../../_check.ts';

export function ldpcSyndrome(code: LdpcCodeView, bits: Uint8Array): Uint8Array {
  checkBytes('bits', bits, code.n);
  for (let j = 0; j < bits.length; j++) if (bits[j]! > 1) throw new RangeError(`"bits[${j}]" expected 0 or 1, got ${bits[j]}`);
  const { m, checkPtr, checkVars } = code;
  const out = new Uint8Array((m + 7) >>> 3);
  for (let r = 0; r < m; r++) {
    let parity = 0;
    for (let e = checkPtr[r]!, end = checkPtr[r + 1]!; e < end; e++) parity ^= bits[checkVars[e]!]!;
    if (parity & 1) out[r >>> 3]! |= 0x80 >>> (r & 7);
  }
  return out;
}

/** True when H·bits equals `syndrome` (packed): the decoder's stopping test. */
export function ldpcSyndromeMatches(code: LdpcCodeView, bits: Uint8Array, syndrome: Uint8Array): boolean {
  const { m, checkPtr, checkVars } = code;
  for (let r = 0; r < m; r++) {
    let parity = (syndrome[r >>> 3]! >>> (7 - (r & 7))) & 1;
    for (let e = checkPtr[r]!, end = checkPtr[r + 1]!; e < end; e++) parity ^= bits[checkVars[e]!]!;
    if (parity & 1) return false;
  }
  return true;
}
