/**
 * The guard both native LDPC bindings (hal/node/kernels.ts, hal/xs/kernels.ts) run before calling
 * C: the C core reads a call only when its arguments have the shapes below (their contents it
 * checks itself). A call of any other shape is handed to the reference decoder's own checker, so
 * it fails with exactly the error the reference gives.
 */
import type { LdpcCodeView } from '../../hal/kernels.ts';
import { LDPC_MAX_ITERATIONS, referenceLdpcDecode } from '../qkd/ldpc/decode.ts';

function ldpcShapes(code: LdpcCodeView, syndrome: unknown, channelLlr: unknown, maxIterations: unknown): boolean {
  const size = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 2 ** 31;
  return typeof code === 'object' && code !== null && size(code.n) && size(code.m) &&
    code.checkPtr instanceof Uint32Array && code.checkVars instanceof Uint32Array &&
    syndrome instanceof Uint8Array && channelLlr instanceof Float64Array &&
    typeof maxIterations === 'number' && Number.isInteger(maxIterations) && maxIterations >= 1 && maxIterations <= LDPC_MAX_ITERATIONS;
}

export function guardNativeLdpcCall(code: LdpcCodeView, syndrome: Uint8Array, channelLlr: Float64Array, maxIterations: number): void {
  if (ldpcShapes(code, syndrome, channelLlr, maxIterations)) return;
  referenceLdpcDecode(code, syndrome, channelLlr, maxIterations);
  throw new Error('ldpcDecode: the native binding cannot read these arguments, yet the reference accepted them');
}
