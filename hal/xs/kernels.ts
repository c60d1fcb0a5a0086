/**
 * Kernels port on an XS host: the C kernels of native/kernels/ through their xsmc bindings
 * (native/host/kernels.c for Toeplitz, native/host/kernels_ldpc.c for LDPC, listed for the lin
 * platform in manifest.json). Arguments are checked by the reference's checker first (Toeplitz),
 * or their shapes here and their contents by the C core in the reference's order and words (LDPC:
 * a JS pass over every edge would cost more on XS than the decode), so every implementation
 * fails the same way; a host without a kernel is reported, never replaced by the reference.
 */
import { checkToeplitzArgs, packedLength } from '../../src/qkd/amplify.ts';
import { guardNativeLdpcCall, ldpcFrameCount, ldpcOutcomes } from '../../src/kernels/native-ldpc-guard.ts';
import type { Kernels, LdpcCodeView, LdpcDecodeResult } from '../kernels.ts';

/** The FFT or word method of the C kernel, for tests and benchmarks; `auto` is what the port uses. */
export type ToeplitzMethod = 'auto' | 'words' | 'fft' | 'fft-portable';
const METHODS: Record<ToeplitzMethod, number> = { auto: 0, words: 1, fft: 2, 'fft-portable': 3 };

type HashNative = (input: Uint8Array, n: number, seed: Uint8Array, outputBits: number, out: Uint8Array, method?: number) => void;
/** Writes the frames' words to `bits` and each frame's iterations to `outcomes`, negated when it did not converge. */
type LdpcDecodeNative = (n: number, m: number, checkPtr: Uint32Array, checkVars: Uint32Array, syndromes: Uint8Array,
  channelLlrs: Float64Array, maxIterations: number, bits: Uint8Array, outcomes: Int32Array) => void;
type LdpcSyndromeNative = (n: number, m: number, checkPtr: Uint32Array, checkVars: Uint32Array, bits: Uint8Array, out: Uint8Array) => void;
type LdpcWorkNative = (n: number, m: number, checkPtr: Uint32Array, checkVars: Uint32Array, frames: number) => number;

function lookup<T>(name: string): T {
  try {
    return native(name) as T;
  } catch (e) {
    throw new Error(`XS kernels: this host has no ${name} (build it with the native modules manifest.json lists for "lin": npm run build:native): ${String(e)}`);
  }
}

export interface XsKernels extends Kernels {
  /** Which carry-less multiply the C kernel uses on this machine. */
  readonly backend: string;
  /** toeplitzHash with an explicit method of the C kernel. */
  toeplitzHashWith(method: ToeplitzMethod, input: Uint8Array, n: number, seed: Uint8Array, outputBits: number): Uint8Array;
  /** H·bits packed (bits one per byte), by the C kernel: the same as src/qkd/ldpc/syndrome.ts. */
  ldpcSyndrome(code: LdpcCodeView, bits: Uint8Array): Uint8Array;
  /** Bytes of work (C heap, not the XS heap) the C decoder allocates to decode `frames` frames of this code. */
  ldpcWorkBytes(code: LdpcCodeView, frames: number): number;
}

/** The native kernels of this XS host; throws at once if the host lacks them. */
export function xsKernels(): XsKernels {
  const hash = lookup<HashNative>('xs_lv_toeplitz_hash');
  const backend = lookup<() => string>('xs_lv_toeplitz_backend')();
  const decode = lookup<LdpcDecodeNative>('xs_lv_ldpc_decode');
  const syndrome = lookup<LdpcSyndromeNative>('xs_lv_ldpc_syndrome');
  const workBytes = lookup<LdpcWorkNative>('xs_lv_ldpc_work_bytes');
  const toeplitzHashWith = (method: ToeplitzMethod, input: Uint8Array, n: number, seed: Uint8Array, outputBits: number) => {
    if (!(method in METHODS)) throw new RangeError(`"method" expected one of ${Object.keys(METHODS).join(', ')}, got ${String(method)}`);
    checkToeplitzArgs(input, n, seed, outputBits);
    const out = new Uint8Array(packedLength(outputBits));
    hash(input, n, seed, outputBits, out, METHODS[method]);
    return out;
  };
  return Object.freeze({
    implementation: 'native' as const,
    perKernel: Object.freeze({ toeplitzHash: 'native' as const, ldpcDecode: 'native' as const }),
    runtime: 'xs',
    backend,
    toeplitzHashWith,
    toeplitzHash: (input: Uint8Array, n: number, seed: Uint8Array, outputBits: number) => toeplitzHashWith('auto', input, n, seed, outputBits),
    ldpcDecode: (code: LdpcCodeView, s: Uint8Array, channelLlrs: Float64Array, maxIterations: number): LdpcDecodeResult => {
      guardNativeLdpcCall(code, s, channelLlrs, maxIterations);
      // outputs only once the caller's LLRs show the frames are real; else the C refuses the call before writing
      const frames = ldpcFrameCount(code, channelLlrs);
      const bits = new Uint8Array(frames * code.n);
      const outcomes = new Int32Array(frames);
      decode(code.n, code.m, code.checkPtr, code.checkVars, s, channelLlrs, maxIterations, bits, outcomes);
      return { bits, frames: ldpcOutcomes(outcomes) };
    },
    ldpcSyndrome: (code: LdpcCodeView, bits: Uint8Array) => {
      const real = bits instanceof Uint8Array && bits.length === code.n && code.checkPtr?.length === code.m + 1;
      const out = new Uint8Array(real ? (code.m + 7) >>> 3 : 0);
      syndrome(code.n, code.m, code.checkPtr, code.checkVars, bits, out);
      return out;
    },
    ldpcWorkBytes: (code: LdpcCodeView, frames: number) => workBytes(code.n, code.m, code.checkPtr, code.checkVars, frames),
  });
}
