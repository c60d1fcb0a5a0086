/**
 * The XS half of bench/ldpc-native.ts: each frame of the index file scriptArgs[0] (arrays in its
 * binary blob) decoded by the xsmc kernel, timed, and for the frames marked `reference` by the
 * TypeScript reference too. Prints `BENCH {json}` per frame.
 */
import { XsClock } from '../hal/xs/clock.ts';
import type { LdpcDecodeResult } from '../hal/kernels.ts';
import { xsKernels } from '../hal/xs/kernels.ts';
import { referenceLdpcDecode } from '../src/qkd/ldpc/decode.ts';

const clock = new XsClock();
const read = (path: string) => native('xs_lv_read_file')(path) as ArrayBuffer;
const index = JSON.parse(new TextDecoder().decode(new Uint8Array(read(scriptArgs[0]!))));
const blob = read(index.blob);
const kernels = xsKernels();

function digest(r: LdpcDecodeResult): number {
  let h = 2166136261;
  const fold = (b: number) => { h = Math.imul(h ^ b, 16777619) >>> 0; };
  fold(r.iterations & 0xff); fold(r.iterations >>> 8); fold(r.converged ? 1 : 0);
  for (let j = 0; j < r.bits.length; j++) fold(r.bits[j]!);
  return h;
}

for (const f of index.frames) {
  const code = { n: f.n, m: f.m, checkPtr: new Uint32Array(blob, f.checkPtr, f.m + 1), checkVars: new Uint32Array(blob, f.checkVars, f.edges) };
  const syndrome = new Uint8Array(blob, f.syndrome, f.syndromeLength);
  const llr = new Float64Array(blob, f.llr, f.n);
  let t = clock.monotonicMs();
  const r = kernels.ldpcDecode(code, syndrome, llr, index.maxIterations);
  const nativeMs = clock.monotonicMs() - t;
  const out: Record<string, unknown> = { label: f.label, n: f.n, reference: f.reference, want: f.want, digest: digest(r), nativeMs };
  if (f.reference) {
    t = clock.monotonicMs();
    const ref = referenceLdpcDecode(code, syndrome, llr, index.maxIterations);
    out.referenceMs = clock.monotonicMs() - t;
    out.referenceDigest = digest(ref);
  }
  print(`BENCH ${JSON.stringify(out)}`);
}
