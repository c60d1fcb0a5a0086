/**
 * One number for a decode's outcomes, so the LDPC tests and benches compare implementations and
 * runtimes cheaply: FNV-1a 32 over each frame's iterations (4 bytes, little-endian), converged
 * and word, as native/kernels/test_ldpc.c folds them; `h` chains several decodes.
 */
import type { LdpcDecodeResult } from '../hal/kernels.ts';

export function ldpcOutcomeDigest(r: LdpcDecodeResult, h = 2166136261): number {
  const fold = (b: number) => { h = Math.imul(h ^ b, 16777619) >>> 0; };
  const n = r.bits.length / r.frames.length;
  r.frames.forEach((o, f) => {
    for (let k = 0; k < 4; k++) fold((o.iterations >>> (8 * k)) & 0xff);
    fold(o.converged ? 1 : 0);
    for (let j = f * n; j < (f + 1) * n; j++) fold(r.bits[j]!);
  });
  return h;
}
