/**
 * Kernels port on an XS host: the C kernels of native/kernels/ through their xsmc binding
 * (native/host/kernels.c, listed for the lin platform in manifest.json). Arguments are checked
 * by the reference's checker first, so every implementation fails the same way; a host without
 * the kernels is reported, never replaced by the reference.
 */
import { checkToeplitzArgs, packedLength } from '../../src/qkd/amplify.ts';
import { referenceLdpcDecode } from '../../src/qkd/ldpc/decode.ts';
import type { Kernels } from '../kernels.ts';

/** The FFT or word method of the C kernel, for tests and benchmarks; `auto` is what the port uses. */
export type ToeplitzMethod = 'auto' | 'words' | 'fft' | 'fft-portable';
const METHODS: Record<ToeplitzMethod, number> = { auto: 0, words: 1, fft: 2, 'fft-portable': 3 };

type HashNative = (input: Uint8Array, n: number, seed: Uint8Array, outputBits: number, out: Uint8Array, method?: number) => void;

function lookup<T>(name: string): T {
  try {
    return native(name) as T;
  } catch (e) {
    throw new Error(`XS kernels: this host has no ${name} (build it with native/host/kernels.c and native/kernels/toeplitz.c): ${String(e)}`);
  }
}

export interface XsKernels extends Kernels {
  /** Which carry-less multiply the C kernel uses on this machine. */
  readonly backend: string;
  /** toeplitzHash with an explicit method of the C kernel. */
  toeplitzHashWith(method: ToeplitzMethod, input: Uint8Array, n: number, seed: Uint8Array, outputBits: number): Uint8Array;
}

/** The native kernels of this XS host; throws at once if the host lacks them. */
export function xsKernels(): XsKernels {
  const hash = lookup<HashNative>('xs_lv_toeplitz_hash');
  const backend = lookup<() => string>('xs_lv_toeplitz_backend')();
  const toeplitzHashWith = (method: ToeplitzMethod, input: Uint8Array, n: number, seed: Uint8Array, outputBits: number) => {
    if (!(method in METHODS)) throw new RangeError(`"method" expected one of ${Object.keys(METHODS).join(', ')}, got ${String(method)}`);
    checkToeplitzArgs(input, n, seed, outputBits);
    const out = new Uint8Array(packedLength(outputBits));
    hash(input, n, seed, outputBits, out, METHODS[method]);
    return out;
  };
  return Object.freeze({
    implementation: 'native' as const,
    perKernel: Object.freeze({ toeplitzHash: 'native' as const, ldpcDecode: 'reference' as const }),
    runtime: 'xs',
    backend,
    toeplitzHashWith,
    toeplitzHash: (input: Uint8Array, n: number, seed: Uint8Array, outputBits: number) => toeplitzHashWith('auto', input, n, seed, outputBits),
    // No native LDPC decoder yet: the reference runs, and perKernel says so in every key block.
    ldpcDecode: referenceLdpcDecode,
  });
}
