/**
 * What test/native.test.ts runs inside lvxs: the native Toeplitz kernel through its xsmc binding
 * (hal/xs/kernels.ts), every method, on the cases in the JSON file scriptArgs[0]; the FFT on its
 * `big` block, built here from its seeds and answered with a SHA-256; the golden vectors of
 * amplify-toeplitz-runtime with the XS kernels registered; and the binding's own argument checks.
 * One line per result: `INFO`, `AMP`, `BIG`, `VEC` or `ERR` {json}.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { xsKernels, type ToeplitzMethod } from '../hal/xs/kernels.ts';
import { bytesToHex, hexToBytes } from '../src/bytes.ts';
import { runtimeKernels, setRuntimeKernels } from '../src/kernels/registry.ts';
import { toeplitzHash } from '../src/qkd/amplify.ts';
import { xorshiftBits } from './_xorshift-bits.ts';
import { amplifySuites } from './vectors/areas/amplify.ts';

const input = JSON.parse(new TextDecoder().decode(new Uint8Array(native('xs_lv_read_file')(scriptArgs[0]))));
const kernels = xsKernels();
setRuntimeKernels(kernels);
print(`INFO ${JSON.stringify({ implementation: runtimeKernels().implementation, runtime: runtimeKernels().runtime, backend: kernels.backend })}`);

for (const c of input.cases as Array<{ name: string; n: number; l: number; x: string; s: string; reference: boolean }>) {
  const x = hexToBytes(c.x);
  const s = hexToBytes(c.s);
  const methods: Record<string, string> = {};
  for (const m of ['auto', 'words', 'fft', 'fft-portable'] as ToeplitzMethod[]) methods[m] = bytesToHex(kernels.toeplitzHashWith(m, x, c.n, s, c.l));
  print(`AMP ${JSON.stringify({ name: c.name, methods, reference: c.reference ? bytesToHex(toeplitzHash(x, c.n, s, c.l)) : undefined })}`);
}

{
  const { name, n, l, seeds } = input.big as { name: string; n: number; l: number; seeds: [number, number] };
  const y = kernels.toeplitzHashWith('fft', xorshiftBits(n, seeds[0]), n, xorshiftBits(n + l - 1, seeds[1]), l);
  print(`BIG ${JSON.stringify({ name, sha256: bytesToHex(sha256(y)) })}`);
}

for (const c of input.golden as Array<{ name: string; input: unknown }>) {
  try {
    print(`VEC ${JSON.stringify({ name: c.name, output: amplifySuites['amplify-toeplitz-runtime']!(c.input) })}`);
  } catch (e) {
    print(`VEC ${JSON.stringify({ name: c.name, error: String(e) })}`);
  }
}

// The binding's own checks, called directly (the TypeScript side checks first in normal use).
const hash = native('xs_lv_toeplitz_hash') as (...args: unknown[]) => void;
const calls: Array<[string, unknown[]]> = [
  ['seed one byte short', [new Uint8Array(2), 12, new Uint8Array(1), 4, new Uint8Array(1)]],
  ['out one byte long', [new Uint8Array(2), 12, new Uint8Array(2), 4, new Uint8Array(2)]],
  ['input padding set', [Uint8Array.of(0, 1), 12, new Uint8Array(2), 4, new Uint8Array(1)]],
  ['input a plain array', [[0, 0], 12, new Uint8Array(2), 4, new Uint8Array(1)]],
  ['n = 0', [new Uint8Array(2), 0, new Uint8Array(2), 4, new Uint8Array(1)]],
  ['outputBits > n', [new Uint8Array(2), 12, new Uint8Array(2), 13, new Uint8Array(2)]],
  ['n a string', [new Uint8Array(2), '12', new Uint8Array(2), 4, new Uint8Array(1)]],
  ['method 7', [new Uint8Array(2), 12, new Uint8Array(2), 4, new Uint8Array(1), 7]],
  ['no out', [new Uint8Array(2), 12, new Uint8Array(2), 4]],
];
for (const [name, args] of calls) {
  try {
    hash(...args);
    print(`ERR ${JSON.stringify({ name, error: null })}`);
  } catch (e) {
    print(`ERR ${JSON.stringify({ name, error: String(e) })}`);
  }
}
