/**
 * `npm run bench:qkd`: one small decoy-BB84 block (sim/qkd-small.ts) end to end — simulation,
 * sifting, estimation, LDPC reconciliation, verification, Toeplitz amplification, two ML-DSA-65
 * signatures and verifications per side — on Node and on XS, one run side by side. Reports
 * key-basis sifted bits in and secret bits out per second, and the XS/Node time ratio.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runtimeKernels } from '../src/kernels/registry.ts';
import { runSmallBlock } from '../sim/qkd-small.ts';
import { bundleForXs, ROOT, runOnXs, taggedLines } from '../test/xs/harness.ts';
import { measure } from './_measure.ts';

let outcome = runSmallBlock(1, runtimeKernels());
const node = measure(() => performance.now(), () => (outcome = runSmallBlock(1, runtimeKernels())), 5, 1);
const a = outcome.alice!;
const sifted = a.stats.keyBasis.reduce((x, y) => x + y, 0);
const bundle = bundleForXs(join(ROOT, 'bench', 'qkd.xs.ts'), 'bench-qkd');
const run = runOnXs(bundle, ['1'], 900_000);
rmSync(bundle);
if (run.status !== 0) throw new Error(`lvxs failed: ${run.stderr}`);
const xs = taggedLines(run.stdout, 'BENCH')[0];
const rate = (bits: number, ms: number) => `${((bits / ms) * 1000).toFixed(0)} bit/s`;
console.log(`QKD block, ${outcome.alice!.stats.pulses} pulses, ${sifted} key-basis sifted bits → ${a.keyBits} key bits`);
console.log(`  node  ${node.medianMs.toFixed(0)} ms  sifted in ${rate(sifted, node.medianMs)}, key out ${rate(a.keyBits, node.medianMs)}  [${a.kernels}]`);
console.log(`  xs    ${xs.timing.medianMs.toFixed(0)} ms  sifted in ${rate(xs.sifted, xs.timing.medianMs)}, key out ${rate(xs.keyBits, xs.timing.medianMs)}  [${xs.kernels}]`);
console.log(`  xs / node time ratio  ${(xs.timing.medianMs / node.medianMs).toFixed(1)}×; same key block: ${xs.id === a.id ? 'yes' : 'NO'}`);
if (xs.id !== a.id) process.exitCode = 1;
