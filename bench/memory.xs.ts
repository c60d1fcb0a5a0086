/**
 * The XS half of bench/memory.ts: one small post-processing block (sim/qkd-small.ts: sifting,
 * estimation, LDPC reconciliation, verification, Toeplitz amplification, signatures) with the
 * kernels named by scriptArgs[0] ("native": the xsmc kernels registered; "reference": the
 * TypeScript reference), and the XS heap around it. Prints `MEM {json}`.
 */
import { xsHeap } from '../hal/xs/heap.ts';
import { xsKernels } from '../hal/xs/kernels.ts';
import { runtimeKernels, setRuntimeKernels } from '../src/kernels/registry.ts';
import { planReconciliation } from '../src/qkd/ldpc/adapt.ts';
import { ldpcCode } from '../src/qkd/ldpc/code.ts';
import { runSmallBlock } from '../sim/qkd-small.ts';

const which = scriptArgs[0];
if (which === 'native') setRuntimeKernels(xsKernels());
else if (which !== 'reference') throw new Error(`memory.xs: expected "native" or "reference", got ${String(which)}`);
const before = xsHeap(true);
const outcome = runSmallBlock(1, runtimeKernels());
const peak = xsHeap(false);
const after = xsHeap(true);

// One decode alone: what it allocates on the XS heap (chunks in use just after it, no collection
// in between, minus before), for a 16,384-key-bit frame at 2 % (the all-zero word, 2 % of LLRs flipped).
const plan = planReconciliation(0.02, 16_384);
const code = ldpcCode(plan.n, plan.rate, plan.codeSeed);
const llr = new Float64Array(code.n).fill(3.89);
for (let j = 0; j < code.n; j += 50) llr[j] = -3.89;
const syndrome = new Uint8Array((code.m + 7) >>> 3);
const kernels = runtimeKernels();
kernels.ldpcDecode(code, syndrome, llr, 100);
const quiet = xsHeap(true);
const r = kernels.ldpcDecode(code, syndrome, llr, 100);
const busy = xsHeap(false);
const decode = { n: code.n, iterations: r.frames[0]!.iterations, converged: r.frames[0]!.converged, chunks: busy.chunks - quiet.chunks, slots: busy.slots - quiet.slots };
print(`MEM ${JSON.stringify({ which, kernels: outcome.alice!.kernels, id: outcome.alice!.id, keyBits: outcome.alice!.keyBits, before, peak, after, decode })}`);
