/**
 * Golden-vector suites and inputs of the amplify area (see test/vectors/suites.ts for the conventions).
 *  - amplify-toeplitz: the reference Toeplitz hash (src/qkd/amplify.ts), the specification.
 *  - amplify-toeplitz-runtime: the same cases through the Kernels registered for the runtime under
 *    test (src/kernels/registry.ts): the native kernels once a host registers them (Node-API on
 *    Node, xsmc on XS), so their output is held to the same golden bytes.
 *  - amplify-toeplitz-reject: bad arguments, rejected the same way (error name and message).
 * Inputs too long to spell in hex come from the simulation DRBG (hal/sim/drbg.ts), padding cleared.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ChaCha20Drbg } from '../../../hal/sim/drbg.ts';
import { bytesToHex, hexToBytes } from '../../../src/bytes.ts';
import { runtimeKernels } from '../../../src/kernels/registry.ts';
import { packedLength, toeplitzHash } from '../../../src/qkd/amplify.ts';
import type { Json, VectorInputs, VectorSuites } from '../types.ts';

type Hash = (input: Uint8Array, n: number, seed: Uint8Array, outputBits: number) => Uint8Array;

function drbgBits(seed: number, label: string, bits: number): Uint8Array {
  const out = new ChaCha20Drbg(seed, label).randomBytes(packedLength(bits));
  if (bits & 7) out[out.length - 1]! &= (0xff << (8 - (bits & 7))) & 0xff;
  return out;
}

/** A case's input and seed: given in hex, or drawn from the DRBG under `drbg`. */
function caseBits(input: Json): { x: Uint8Array; s: Uint8Array } {
  if (input.drbg !== undefined)
    return { x: drbgBits(input.drbg, 'amplify:input', input.n), s: drbgBits(input.drbg, 'amplify:seed', input.n + input.outputBits - 1) };
  return { x: hexToBytes(input.inputHex), s: hexToBytes(input.seedHex) };
}

/** Short hashes in full; long ones as their length and SHA-256. */
function describe(y: Uint8Array): Json {
  return y.length <= 64 ? bytesToHex(y) : { bytes: y.length, sha256: bytesToHex(sha256(y)) };
}

function hashCase(hash: Hash, input: Json): Json {
  const { x, s } = caseBits(input);
  return describe(hash(x, input.n, s, input.outputBits));
}

/** The bad call a reject case describes: lengths off by `inputDelta`/`seedDelta`, padding bits set, a wrong type. */
function rejectCase(input: Json): Json {
  const n: number = input.n;
  const l: number = input.outputBits;
  const plausible = (bits: number) => (Number.isSafeInteger(bits) && bits > 0 && bits <= 1 << 20 ? bits : 1);
  const x = new Uint8Array(Math.max(0, packedLength(plausible(n)) + (input.inputDelta ?? 0)));
  const s = new Uint8Array(Math.max(0, packedLength(plausible(n + l - 1)) + (input.seedDelta ?? 0)));
  if (input.inputLast !== undefined) x[x.length - 1] = input.inputLast;
  if (input.seedLast !== undefined) s[s.length - 1] = input.seedLast;
  const inputArg: unknown = input.inputAs === 'array' ? Array.from(x) : x;
  try {
    runtimeKernels().toeplitzHash(inputArg as Uint8Array, n, s, l);
    return { accepted: true };
  } catch (e) {
    return { accepted: false, error: (e as Error).name, message: (e as Error).message };
  }
}

export const amplifySuites: VectorSuites = {
  'amplify-toeplitz': (input) => hashCase(toeplitzHash, input),
  'amplify-toeplitz-runtime': (input) => hashCase((x, n, s, l) => runtimeKernels().toeplitzHash(x, n, s, l), input),
  'amplify-toeplitz-reject': rejectCase,
};

const HASH_CASES = [
  { name: 'n=1, l=1: y0 = seed0 · input0', input: { n: 1, outputBits: 1, inputHex: '80', seedHex: '80' } },
  { name: 'n=4, l=2 by hand: input 1101, seed 10001 → 11', input: { n: 4, outputBits: 2, inputHex: 'd0', seedHex: '88' } },
  { name: 'seed with only bit n−1 set passes the input through', input: { n: 8, outputBits: 8, inputHex: 'a5', seedHex: '0100' } },
  { name: 'all-ones 16 × 16: parity of the window (16 ones) is 0', input: { n: 16, outputBits: 16, inputHex: 'ffff', seedHex: 'fffffffe' } },
  { name: 'drbg n=13, l=5 (padding in both)', input: { n: 13, outputBits: 5, drbg: 1 } },
  { name: 'drbg n=64, l=64 (l = n)', input: { n: 64, outputBits: 64, drbg: 2 } },
  { name: 'drbg n=100, l=37', input: { n: 100, outputBits: 37, drbg: 3 } },
  { name: 'drbg n=1000, l=999', input: { n: 1000, outputBits: 999, drbg: 4 } },
  { name: 'drbg n=1000, l=1', input: { n: 1000, outputBits: 1, drbg: 5 } },
  { name: 'drbg n=4097, l=512 (compression 1/8)', input: { n: 4097, outputBits: 512, drbg: 6 } },
  { name: 'drbg n=20000, l=2500 (the native FFT range)', input: { n: 20000, outputBits: 2500, drbg: 7 } },
];

export const amplifyInputs: VectorInputs = {
  'amplify-toeplitz': {
    description: 'Toeplitz hash y_i = XOR_{j<n} seed_{i-j+n-1} & input_j (src/qkd/amplify.ts, the reference); bits packed MSB first',
    cases: HASH_CASES,
  },
  'amplify-toeplitz-runtime': {
    description: 'the amplify-toeplitz cases through the Kernels registered for the runtime under test (native on Node and XS once registered)',
    cases: HASH_CASES,
  },
  'amplify-toeplitz-reject': {
    description: 'toeplitzHash argument checks through the runtime Kernels: the error and the argument it names',
    cases: [
      { name: 'n = 0', input: { n: 0, outputBits: 1 } },
      { name: 'n > 2^31', input: { n: 2 ** 31 + 1, outputBits: 1 } },
      { name: 'n not an integer', input: { n: 8.5, outputBits: 1 } },
      { name: 'outputBits = 0', input: { n: 8, outputBits: 0 } },
      { name: 'outputBits > n', input: { n: 8, outputBits: 9 } },
      { name: 'input one byte short', input: { n: 12, outputBits: 4, inputDelta: -1 } },
      { name: 'seed one byte long', input: { n: 100, outputBits: 5, seedDelta: 1 } },
      { name: 'input padding bit set', input: { n: 12, outputBits: 4, inputLast: 0x01 } },
      { name: 'seed padding bit set', input: { n: 12, outputBits: 4, seedLast: 0x01 } },
      { name: 'input is a plain array', input: { n: 8, outputBits: 4, inputAs: 'array' } },
    ],
  },
};
