/**
 * What test/native-ldpc.test.ts runs inside lvxs: the native LDPC decoder through its xsmc
 * binding (hal/xs/kernels.ts), registered as the runtime's kernels, on the cases of the JSON file
 * scriptArgs[0] (random cases with the reference's digest computed on Node; the ldpc-decode
 * golden frames), the C unit test's 400 random cases (rebuilt here), and the binding's own checks.
 * One line per result: `INFO`, `DEC`, `GOLD`, `KAT` or `ERR` {json}.
 */
import type { LdpcCodeView } from '../hal/kernels.ts';
import { xsKernels } from '../hal/xs/kernels.ts';
import { bytesToHex } from '../src/bytes.ts';
import { runtimeKernels, setRuntimeKernels } from '../src/kernels/registry.ts';
import { ldpcOutcomeDigest } from './_ldpc-digest.ts';

/** Byte arrays as JSON arrays of numbers (a long hex string is quadratic to read on XS). */
interface Wire { name: string; n: number; m: number; checkPtr: number[]; checkVars: number[]; syndromes: number[]; llrs: number[]; maxIterations: number }

const input = JSON.parse(new TextDecoder().decode(new Uint8Array(native('xs_lv_read_file')(scriptArgs[0]))));
setRuntimeKernels(xsKernels());
const kernels = runtimeKernels();
print(`INFO ${JSON.stringify({ implementation: kernels.implementation, runtime: kernels.runtime, perKernel: kernels.perKernel })}`);

const copy = (bytes: number[]) => Uint8Array.from(bytes).buffer;
function unwire(w: Wire): { code: LdpcCodeView; syndromes: Uint8Array; llrs: Float64Array } {
  return {
    code: { n: w.n, m: w.m, checkPtr: new Uint32Array(copy(w.checkPtr)), checkVars: new Uint32Array(copy(w.checkVars)) },
    syndromes: Uint8Array.from(w.syndromes), llrs: new Float64Array(copy(w.llrs)),
  };
}

for (const w of input.cases as Wire[]) {
  try {
    const c = unwire(w);
    print(`DEC ${JSON.stringify({ name: w.name, digest: ldpcOutcomeDigest(kernels.ldpcDecode(c.code, c.syndromes, c.llrs, w.maxIterations)) })}`);
  } catch (e) {
    print(`DEC ${JSON.stringify({ name: w.name, error: String(e) })}`);
  }
}

for (const w of input.golden as Wire[]) {
  try {
    const c = unwire(w);
    const r = kernels.ldpcDecode(c.code, c.syndromes, c.llrs, w.maxIterations);
    print(`GOLD ${JSON.stringify({ name: w.name, bits: bytesToHex(r.bits), ...r.frames[0]! })}`);
  } catch (e) {
    print(`GOLD ${JSON.stringify({ name: w.name, error: String(e) })}`);
  }
}

// The C unit test's make_case(), draw for draw (xorshift32), decoded natively: the digest.
{
  let s = 0x4c445043;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
  let h = 2166136261;
  for (let k = 0; k < input.kat; k++) {
    const n = 16 + (next() % 300);
    const m = 1 + (next() % n);
    const constant = next() % 2;
    const dconst = 2 + (next() % 6);
    const checkPtr = new Uint32Array(m + 1);
    const vars: number[] = [];
    for (let r = 0; r < m; r++) {
      const d = constant ? dconst : next() % 9;
      for (let i = 0; i < d; i++) vars.push(next() % n);
      checkPtr[r + 1] = vars.length;
    }
    const syndrome = new Uint8Array((m + 7) >>> 3);
    for (let r = 0; r < m; r++) if (next() & 1) syndrome[r >>> 3]! |= 0x80 >>> (r & 7);
    const llr = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const t = next() % 16;
      llr[j] = t === 0 ? Infinity : t === 1 ? -Infinity : t === 2 ? 0 : t === 3 ? -0 : ((next() % 2001) - 1000) / 64;
    }
    const maxIterations = 1 + (next() % 20);
    h = ldpcOutcomeDigest(kernels.ldpcDecode({ n, m, checkPtr, checkVars: Uint32Array.from(vars) }, syndrome, llr, maxIterations), h);
  }
  print(`KAT ${JSON.stringify({ digest: h.toString(16).padStart(8, '0') })}`);
}

// The binding's own checks, called directly (the TypeScript side checks shapes first in normal use).
const decode = native('xs_lv_ldpc_decode') as (...args: unknown[]) => void;
const syndromeOf = native('xs_lv_ldpc_syndrome') as (...args: unknown[]) => void;
const ptr = Uint32Array.of(0, 2, 4);
const vars = Uint32Array.of(0, 1, 1, 2);
const syn = new Uint8Array(1);
const llr = Float64Array.of(1, 2, 3);
const lying = Uint32Array.of(0, 1, 1, 2);
Object.defineProperty(lying, 'length', { value: 1 << 20 });
const calls: Array<[string, () => unknown]> = [
  ['a good call', () => decode(3, 2, ptr, vars, syn, llr, 5, new Uint8Array(3), new Int32Array(1))],
  ['n = 0', () => decode(0, 2, ptr, vars, syn, llr, 5, new Uint8Array(3), new Int32Array(1))],
  ['checkPtr a plain array', () => decode(3, 2, [0, 2, 4], vars, syn, llr, 5, new Uint8Array(3), new Int32Array(1))],
  ['llr a Float32Array', () => decode(3, 2, ptr, vars, syn, new Float32Array(3), 5, new Uint8Array(3), new Int32Array(1))],
  ['no bits', () => decode(3, 2, ptr, vars, syn, llr, 5)],
  ['checkVars length lies', () => decode(3, 2, ptr, lying, syn, llr, 5, new Uint8Array(3), new Int32Array(1))],
  ['llr NaN', () => decode(3, 2, ptr, vars, syn, Float64Array.of(1, NaN, 3), 5, new Uint8Array(3), new Int32Array(1))],
  ['bits one short', () => decode(3, 2, ptr, vars, syn, llr, 5, new Uint8Array(2), new Int32Array(1))],
  ['column n', () => decode(3, 2, ptr, Uint32Array.of(0, 1, 1, 3), syn, llr, 5, new Uint8Array(3), new Int32Array(1))],
  ['outcomes one short', () => decode(3, 2, ptr, vars, syn, llr, 5, new Uint8Array(3), new Int32Array(0))],
  ['two frames', () => decode(3, 2, ptr, vars, Uint8Array.of(0x40, 0x80), Float64Array.of(1, 2, 3, -1, 2, 3), 5, new Uint8Array(6), new Int32Array(2))],
  ['syndrome out wrong length', () => syndromeOf(3, 2, ptr, vars, new Uint8Array(3), new Uint8Array(2))],
  ['maxIterations 0 (through the port)', () => kernels.ldpcDecode({ n: 3, m: 2, checkPtr: ptr, checkVars: vars }, syn, llr, 0)],
  ['n 2^31 with 3 LLRs (through the port)', () => kernels.ldpcDecode({ n: 2 ** 31, m: 2, checkPtr: ptr, checkVars: vars }, syn, llr, 5)],
];
for (const [name, call] of calls) {
  try {
    call();
    print(`ERR ${JSON.stringify({ name, error: null })}`);
  } catch (e) {
    print(`ERR ${JSON.stringify({ name, error: String(e) })}`);
  }
}
