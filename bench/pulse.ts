/**
 * `npm run bench:pulse`: the pulse-timing kernel.
 *   1. schedule and bin throughput (slots/s, detections/s), reference vs native on Node;
 *   2. the simulated modulator peripheral (sim/rig/peripheral.ts) fed by the native schedule:
 *      slots/s it sustains unpaced, and the edge timing jitter paced at a 20 µs slot period
 *      (ticks = ns of process.hrtime);
 *   3. the detection side: clicks with Gaussian-like timing jitter binned by the native kernel,
 *      and the jitter the kernel reports (phase spread of the clicks inside the gate).
 *   4. on XS (lvxs): the kernel native (xsmc) vs the reference, and the board driver
 *      (hal/moddable/photonics.ts) on the desktop stand-ins of embedded:io: slots/s unpaced and the
 *      edge lateness the C player reports paced at 10 µs slots, plus the XS heap around a frame.
 * BENCH_PULSE_SLOTS (default 2^20) sets the frame size of part 1.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildSync } from 'esbuild';
import { bundleForXs, ROOT, runOnXs, taggedLines } from '../test/xs/harness.ts';
import { nodePulseKernel } from '../hal/hil/pulse-node.ts';
import { referencePulseKernel } from '../src/pulse/kernel.ts';
import { jitterOf, SimModulatorPeripheral } from '../sim/rig/peripheral.ts';
import { measure } from './_measure.ts';

const n = Number(process.env.BENCH_PULSE_SLOTS ?? 1 << 20);
const native = nodePulseKernel();
let s = 12345;
const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) | 0) >>> 8) / 16777216;
const bits = Uint8Array.from({ length: n }, () => (rnd() < 0.5 ? 1 : 0));
const bases = Uint8Array.from({ length: n }, () => (rnd() < 0.5 ? 1 : 0));
const ints = Uint8Array.from({ length: n }, () => (rnd() < 0.7 ? 0 : rnd() < 0.5 ? 1 : 2));
const timing = { t0: 1000, period: 1000, delay: 100, width: 200 };
const now = () => performance.now();
const rate = (count: number, ms: number) => `${(count / (ms / 1000) / 1e6).toFixed(1)} M/s`;

console.log(`pulse kernel, ${n} slots per frame (median of 5 runs)`);
for (const [name, k] of [['reference', referencePulseKernel], ['native', native]] as const) {
  const t = measure(now, () => k.schedule(bits, bases, ints, 0, timing), 5);
  console.log(`  schedule ${name.padEnd(9)} ${t.medianMs.toFixed(1).padStart(7)} ms  ${rate(n, t.medianMs)} slots`);
}
// Detections: ~5 % of slots click, with a triangular jitter of ±40 ticks around the gate centre.
const clicks: number[] = [];
for (let i = 0; i < n; i++) if (rnd() < 0.05) clicks.push(1000 + i * 1000 + 500 + Math.round((rnd() + rnd() - 1) * 40));
const stamps = Uint32Array.from(clicks);
const detectors = Uint8Array.from(clicks, () => (rnd() * 4) | 0);
const gate = { t0: 1000, period: 1000, gateOffset: 450, gateWidth: 100, slotCount: n };
for (const [name, k] of [['reference', referencePulseKernel], ['native', native]] as const) {
  const t = measure(now, () => k.bin(stamps, detectors, gate), 5);
  console.log(`  bin      ${name.padEnd(9)} ${t.medianMs.toFixed(1).padStart(7)} ms  ${rate(stamps.length, t.medianMs)} detections`);
}
const st = native.bin(stamps, detectors, gate).stats;
console.log(`  detector jitter the kernel reports: phase ${st.phaseMin}..${st.phaseMax} ticks (peak-to-peak ${st.phaseMax - st.phaseMin}), mean ${(st.phaseSum / st.inGate).toFixed(2)}; simulated ±40 around 500`);

// The simulated peripheral, ticks = ns.
const hr = () => Number(process.hrtime.bigint() & 0xffff_ffffn);
const periph = new SimModulatorPeripheral({ now: hr });
const m = 1 << 16;
const frame = native.schedule(bits.subarray(0, m), bases.subarray(0, m), ints.subarray(0, m), 0, { t0: 0, period: 1000, delay: 100, width: 200 });
const t0 = performance.now();
const free = periph.play(frame, false);
const freeMs = performance.now() - t0;
console.log(`peripheral unpaced: ${m} slots (${free.actual.length} edges) in ${freeMs.toFixed(1)} ms = ${rate(m, freeMs)} slots; corrupt words ${free.corruptWords}`);
const period = 20_000; // 20 µs slots
const p = 5000;
const start = (hr() + 1_000_000) >>> 0;
const paced = native.schedule(bits.subarray(0, p), bases.subarray(0, p), ints.subarray(0, p), 0, { t0: start, period, delay: 1000, width: 2000 });
const t1 = performance.now();
const rec = periph.play(paced, true);
const pacedMs = performance.now() - t1 - 1;
const j = jitterOf(rec);
console.log(`peripheral paced at ${period / 1000} µs/slot: ${p} slots in ${pacedMs.toFixed(1)} ms (${rate(p, pacedMs).replace(' M/s', ' M/s')}); edge lateness p50 ${j.p50} ns, p99 ${j.p99} ns, max ${j.max} ns over ${j.edges} edges`);

// 4. XS
const xsN = 100_000;
const kb = bundleForXs(join(ROOT, 'test/xs/pulse-bench.xs.ts'), 'pulse-bench');
const k = taggedLines(runOnXs(kb, [String(xsN)]).stdout, 'PULSEXS')[0];
rmSync(kb);
console.log(`XS kernel, ${xsN} slots: schedule native ${k.schedule_native_ms.toFixed(1)} ms (${rate(xsN, k.schedule_native_ms)}), reference ${k.schedule_reference_ms.toFixed(0)} ms (${rate(xsN, k.schedule_reference_ms)}); ` +
  `bin ${k.detections} clicks native ${k.bin_native_ms.toFixed(1)} ms, reference ${k.bin_reference_ms.toFixed(0)} ms`);
const dir = join(ROOT, 'build', 'bench-pulse', String(process.pid));
mkdirSync(join(dir, 'flash'), { recursive: true });
const bundle = join(dir, 'moddable.js');
buildSync({
  entryPoints: [join(ROOT, 'test/xs/moddable.xs.ts')], outfile: bundle, bundle: true, format: 'iife', platform: 'neutral', mainFields: ['module', 'main'],
  target: 'es2022', supported: { 'class-static-field': false }, logLevel: 'error',
  alias: { 'embedded:io/digital': join(ROOT, 'hal/moddable/sim/digital.ts'), 'embedded:io/spi': join(ROOT, 'hal/moddable/sim/spi.ts'),
    'embedded:io/socket/udp': join(ROOT, 'hal/moddable/sim/udp.ts') },
});
const run = runOnXs(bundle, [join(dir, 'flash')]);
rmSync(dir, { recursive: true, force: true });
const [fast, xsPaced] = taggedLines(run.stdout, "PERF");
console.log(`XS board driver, unpaced: ${fast.slots} slots written in ${fast.ms.toFixed(0)} ms = ${rate(fast.slots, fast.ms)} slots (schedule + modulator words + trigger edges); the C player alone: ${fast.play.edges} edges in ${(fast.play.elapsedNs / 1e6).toFixed(1)} ms`);
console.log(`XS board driver, paced at 10 µs/slot: ${xsPaced.slots} slots (${xsPaced.play.edges} edges) in ${(xsPaced.play.elapsedNs / 1e6).toFixed(1)} ms; edge lateness p50 ${xsPaced.play.lateP50} ns, p99 ${xsPaced.play.lateP99} ns, max ${xsPaced.play.lateMax} ns`);
const heap = taggedLines(run.stdout, 'HEAP');
const kib = (h: any) => `${((h.chunks + h.slots) / 1024).toFixed(0)} KiB (chunks ${(h.chunks / 1024).toFixed(0)} + slots ${(h.slots / 1024).toFixed(0)})`;
console.log(`XS heap: at start ${kib(heap[0].start)}, with the driver open and a 16,000-slot train (3 × 16 KB) held ${kib(heap[0].before)}; after that frame out and its detections in, before a collection (test channel model and records included) ${kib(heap[0].peak)}`);
