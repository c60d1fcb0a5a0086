/**
 * What both native LDPC bindings (hal/node/kernels.ts, hal/xs/kernels.ts) share around the C
 * call. The guard runs first: the C core reads a call only when its arguments have the shapes
 * below (their contents it checks itself); a call of any other shape is handed to the reference
 * decoder's own checker, so it fails with exactly the error the reference gives. The outcomes
 * come back from C as one integer a frame: iterations, negated when the frame did not converge.
 */
import type { LdpcCodeView, LdpcFrameOutcome } from '../../hal/kernels.ts';
import { checkLdpcDecodeArgs, LDPC_MAX_ITERATIONS } from '../qkd/ldpc/decode.ts';

function ldpcShapes(code: LdpcCodeView, syndromes: unknown, channelLlrs: unknown, maxIterations: unknown): boolean {
  const size = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 2 ** 31;
  return typeof code === 'object' && code !== null && size(code.n) && size(code.m) &&
    code.checkPtr instanceof Uint32Array && code.checkVars instanceof Uint32Array &&
    syndromes instanceof Uint8Array && channelLlrs instanceof Float64Array &&
    typeof maxIterations === 'number' && Number.isInteger(maxIterations) && maxIterations >= 1 && maxIterations <= LDPC_MAX_ITERATIONS;
}

export function guardNativeLdpcCall(code: LdpcCodeView, syndromes: Uint8Array, channelLlrs: Float64Array, maxIterations: number): void {
  if (ldpcShapes(code, syndromes, channelLlrs, maxIterations)) return;
  checkLdpcDecodeArgs(code, syndromes, channelLlrs, maxIterations);
  throw new Error('ldpcDecode: the native binding cannot read these arguments, yet the reference accepted them');
}

/** The frames' outcomes from the binding's integers. */
export function ldpcOutcomes(outcomes: Int32Array): LdpcFrameOutcome[] {
  return Array.from(outcomes, (o) => ({ iterations: o < 0 ? -o : o, converged: o > 0 }));
}

/** The frame count the C core will see (0 when it will refuse the LLRs' length), so outputs are sized only for real frames. */
export function ldpcFrameCount(code: LdpcCodeView, channelLlrs: Float64Array): number {
  return channelLlrs.length > 0 && channelLlrs.length % code.n === 0 ? channelLlrs.length / code.n : 0;
}
