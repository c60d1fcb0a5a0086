/**
 * `npm run bench` starts here, then runs (package.json) bench/ldpc.ts (20 frames per QBER: f and
 * FER; then 100 native frames of 10^6 bits at f 1.10), bench/ldpc-native.ts 64 (the C decoder's
 * Mbit/s and its ratios to the reference on Node and XS), bench/memory.ts (work per decoded bit,
 * XS heap with and without the native kernels), bench/qkd.ts, bench/amplify.ts (Toeplitz PA),
 * bench/pulse.ts and bench/qsp.ts. Timing figures, one run side by side on this machine. Ratios
 * are what to quote (machines are shared and noisy); absolute times are for orientation.
 *   - the 100,000-pulse BB84 sifting slice (sim/bb84-slice.ts) on Node and on XS (lvxs)
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_SLICE, runBb84Slice } from '../sim/bb84-slice.ts';
import { bundleForXs, ROOT, runOnXs, taggedLines } from '../test/xs/harness.ts';
import { measure } from './_measure.ts';

const runs = Number(process.env.BENCH_RUNS ?? 7);
const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`;

let transcript = '';
const node = measure(() => performance.now(), () => (transcript = runBb84Slice(DEFAULT_SLICE).aliceTranscript), 3 * runs, 3);
const bundle = bundleForXs(join(ROOT, 'bench', 'slice.xs.ts'), 'bench-slice');
const run = runOnXs(bundle, [String(runs)]);
rmSync(bundle);
if (run.status !== 0) throw new Error(`lvxs failed: ${run.stderr}`);
const xs = taggedLines(run.stdout, 'BENCH')[0];

console.log(`BB84 sifting slice, 100,000 pulses (10 km GYS fiber, seed 1), median of ${3 * runs} runs on Node, ${runs} on XS`);
console.log(`  node  ${node.medianMs.toFixed(1)} ms  (min ${node.minMs.toFixed(1)}, max ${node.maxMs.toFixed(1)})`);
console.log(`  xs    ${xs.timing.medianMs.toFixed(1)} ms  (min ${xs.timing.minMs.toFixed(1)}, max ${xs.timing.maxMs.toFixed(1)})`);
console.log(`  xs / node time ratio  ${(xs.timing.medianMs / node.medianMs).toFixed(1)}×`);
console.log(`  transcript digests equal: ${transcript === xs.transcript ? 'yes' : 'NO'} (${transcript.slice(0, 16)}…)`);
console.log(`  xs heap after GC: chunks ${kib(xs.heap.after.chunks)}, slots ${kib(xs.heap.after.slots)}; peak chunks ${kib(xs.heap.after.peakChunks)}, peak slots ${kib(xs.heap.after.peakSlots)}`);
if (transcript !== xs.transcript) process.exitCode = 1;
