/**
 * The XS side of `npm run bench:amplify`: the Toeplitz hash at n = scriptArgs[0] bits for each
 * compression in scriptArgs[1] (comma-separated), native (xsmc binding) and reference
 * (TypeScript interpreted by XS), timed with the host clock. Prints `BENCH {json}` per compression.
 */
import { XsClock } from '../hal/xs/clock.ts';
import { xsKernels } from '../hal/xs/kernels.ts';
import { bytesToHex } from '../src/bytes.ts';
import { packedLength, toeplitzHash } from '../src/qkd/amplify.ts';
import { measure } from './_measure.ts';

const n = Number(scriptArgs[0]);
const compressions = scriptArgs[1]!.split(',').map(Number);
const referenceRuns = Number(scriptArgs[2] ?? 3);
const clock = new XsClock();
const kernels = xsKernels();

function bits(count: number, salt: number): Uint8Array {
  const out = new Uint8Array(packedLength(count));
  let state = salt;
  for (let i = 0; i < out.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out[i] = state >>> 24;
  }
  if (count & 7) out[out.length - 1]! &= (0xff << (8 - (count & 7))) & 0xff;
  return out;
}

for (const c of compressions) {
  const l = Math.round(n * c);
  const x = bits(n, 1);
  const s = bits(n + l - 1, 2);
  let yNative: Uint8Array = new Uint8Array(0);
  let yReference: Uint8Array = new Uint8Array(0);
  const native = measure(() => clock.monotonicMs(), () => (yNative = kernels.toeplitzHash(x, n, s, l)), 15, 2);
  const reference = measure(() => clock.monotonicMs(), () => (yReference = toeplitzHash(x, n, s, l)), referenceRuns, 1);
  const equal = bytesToHex(yNative) === bytesToHex(yReference);
  print(`BENCH ${JSON.stringify({ n, l, compression: c, backend: kernels.backend, native, reference, equal })}`);
}
