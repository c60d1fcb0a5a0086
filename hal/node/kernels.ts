/**
 * Kernels port on Node: the C kernels of native/kernels/ through the Node-API addon
 * (native/node, built at npm install by scripts/build-native.mjs). Arguments are checked by the
 * reference's checker first (Toeplitz), or their shapes here and their contents by the C core
 * in the reference's order and words (LDPC), so every implementation fails the same way. A
 * missing addon, or one built before a kernel existed, is an error that says how to build it;
 * it is never replaced by the reference.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { checkToeplitzArgs } from '../../src/qkd/amplify.ts';
import { guardNativeLdpcCall, ldpcOutcomes } from '../../src/kernels/native-ldpc-guard.ts';
import type { Kernels, LdpcCodeView, LdpcDecodeResult } from '../kernels.ts';

/** Where build-native.mjs (node-gyp) puts the addon. */
export const NODE_ADDON_PATH = fileURLToPath(new URL('../../native/node/build/Release/lv_kernels.node', import.meta.url));

/** The C kernel's methods: `auto` is what the port uses; the others are for tests and benchmarks. */
export type ToeplitzMethod = 'auto' | 'words' | 'fft' | 'fft-portable';
const METHODS: Record<ToeplitzMethod, number> = { auto: 0, words: 1, fft: 2, 'fft-portable': 3 };

interface Addon {
  toeplitzHash(input: Uint8Array, n: number, seed: Uint8Array, outputBits: number, method?: number): Uint8Array;
  backend(): string;
  autoMethod(n: number, outputBits: number): number;
  ldpcDecode(code: LdpcCodeView, syndromes: Uint8Array, channelLlrs: Float64Array, maxIterations: number): { bits: Uint8Array; outcomes: Int32Array };
  ldpcSyndrome(code: LdpcCodeView, bits: Uint8Array): Uint8Array;
  ldpcWorkBytes(code: LdpcCodeView, frames: number): number;
}

export class NativeKernelsMissing extends Error {
  constructor(detail: string) {
    super(`native kernels for Node are missing (${NODE_ADDON_PATH}): ${detail}; build them with \`npm run build:native\``);
    this.name = 'NativeKernelsMissing';
  }
}

let addon: Addon | undefined;

function loadAddon(): Addon {
  if (addon) return addon;
  if (!existsSync(NODE_ADDON_PATH)) throw new NativeKernelsMissing('not built');
  try {
    addon = createRequire(import.meta.url)(NODE_ADDON_PATH) as Addon;
  } catch (e) {
    throw new NativeKernelsMissing(`cannot load: ${(e as Error).message}`);
  }
  for (const name of ['toeplitzHash', 'ldpcDecode', 'ldpcSyndrome', 'ldpcWorkBytes'] as const)
    if (typeof addon[name] !== 'function') {
      addon = undefined;
      throw new NativeKernelsMissing(`it has no ${name} (built before that kernel existed)`);
    }
  return addon;
}

export interface NodeKernels extends Kernels {
  /** Which carry-less multiply the C kernel uses on this machine. */
  readonly backend: string;
  /** toeplitzHash with an explicit method of the C kernel. */
  toeplitzHashWith(method: ToeplitzMethod, input: Uint8Array, n: number, seed: Uint8Array, outputBits: number): Uint8Array;
  /** The method `auto` picks for these sizes. */
  autoMethod(n: number, outputBits: number): 'words' | 'fft';
  /** H·bits packed (bits one per byte), by the C kernel: the same as src/qkd/ldpc/syndrome.ts. */
  ldpcSyndrome(code: LdpcCodeView, bits: Uint8Array): Uint8Array;
  /** Bytes of work the C decoder allocates to decode `frames` frames of this code (native/kernels/ldpc.h). */
  ldpcWorkBytes(code: LdpcCodeView, frames: number): number;
}

/** The native kernels on Node; throws NativeKernelsMissing at once if the addon is not there. */
export function nodeKernels(): NodeKernels {
  const a = loadAddon();
  const toeplitzHashWith = (method: ToeplitzMethod, input: Uint8Array, n: number, seed: Uint8Array, outputBits: number) => {
    if (!(method in METHODS)) throw new RangeError(`"method" expected one of ${Object.keys(METHODS).join(', ')}, got ${String(method)}`);
    checkToeplitzArgs(input, n, seed, outputBits);
    return a.toeplitzHash(input, n, seed, outputBits, METHODS[method]);
  };
  return Object.freeze({
    implementation: 'native' as const,
    perKernel: Object.freeze({ toeplitzHash: 'native' as const, ldpcDecode: 'native' as const }),
    runtime: 'node',
    backend: a.backend(),
    toeplitzHashWith,
    toeplitzHash: (input: Uint8Array, n: number, seed: Uint8Array, outputBits: number) => toeplitzHashWith('auto', input, n, seed, outputBits),
    autoMethod: (n: number, outputBits: number) => (a.autoMethod(n, outputBits) === 2 ? 'fft' as const : 'words' as const),
    ldpcDecode: (code: LdpcCodeView, syndromes: Uint8Array, channelLlrs: Float64Array, maxIterations: number): LdpcDecodeResult => {
      guardNativeLdpcCall(code, syndromes, channelLlrs, maxIterations);
      const { bits, outcomes } = a.ldpcDecode(code, syndromes, channelLlrs, maxIterations);
      if (!(outcomes instanceof Int32Array)) throw new NativeKernelsMissing('its ldpcDecode was built before multi-frame decoding');
      return { bits, frames: ldpcOutcomes(outcomes) };
    },
    ldpcSyndrome: (code: LdpcCodeView, bits: Uint8Array) => a.ldpcSyndrome(code, bits),
    ldpcWorkBytes: (code: LdpcCodeView, frames: number) => a.ldpcWorkBytes(code, frames),
  });
}
