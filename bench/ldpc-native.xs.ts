/**
 * The XS half of bench/ldpc-native.ts: each batch of the index file scriptArgs[0] (arrays in its
 * binary blob) decoded by the xsmc kernel in one call, timed, and for the batches marked
 * `reference` by the TypeScript reference too. Prints `BENCH {json}` per batch.
 */
import { XsClock } from '../hal/xs/clock.ts';
import { xsKernels } from '../hal/xs/kernels.ts';
import { referenceLdpcDecode } from '../src/qkd/ldpc/decode.ts';
import { ldpcOutcomeDigest } from '../test/_ldpc-digest.ts';

const clock = new XsClock();
const read = (path: string) => native('xs_lv_read_file')(path) as ArrayBuffer;
const index = JSON.parse(new TextDecoder().decode(new Uint8Array(read(scriptArgs[0]!))));
const blob = read(index.blob);
const kernels = xsKernels();

for (const f of index.batches) {
  const code = { n: f.n, m: f.m, checkPtr: new Uint32Array(blob, f.checkPtr, f.m + 1), checkVars: new Uint32Array(blob, f.checkVars, f.edges) };
  const syndromes = new Uint8Array(blob, f.syndromes, f.syndromesLength);
  const llrs = new Float64Array(blob, f.llrs, f.n * f.frames);
  kernels.ldpcDecode(code, syndromes, llrs, index.maxIterations); // warm: the binding keeps its work buffer
  let t = clock.monotonicMs();
  const r = kernels.ldpcDecode(code, syndromes, llrs, index.maxIterations);
  const nativeMs = clock.monotonicMs() - t;
  const out: Record<string, unknown> = { label: f.label, n: f.n, frames: f.frames, reference: f.reference, want: f.want, digest: ldpcOutcomeDigest(r), nativeMs };
  if (f.reference) {
    t = clock.monotonicMs();
    const ref = referenceLdpcDecode(code, syndromes, llrs, index.maxIterations);
    out.referenceMs = clock.monotonicMs() - t;
    out.referenceDigest = ldpcOutcomeDigest(ref);
  }
  print(`BENCH ${JSON.stringify(out)}`);
}
