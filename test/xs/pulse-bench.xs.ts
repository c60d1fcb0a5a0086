/**
 * What bench/pulse.ts runs inside lvxs: the pulse kernel's schedule and bin throughput on XS,
 * native (xsmc) against the reference interpreted. One line: `PULSEXS {json}`.
 */
import { xsPulseKernel } from '../../hal/moddable/pulse.ts';
import { referencePulseKernel, type PulseKernel } from '../../src/pulse/kernel.ts';

const now = native('xs_lv_clock_monotonic') as () => number;
const n = Number(scriptArgs[0] ?? 100_000);
const bits = new Uint8Array(n), bases = new Uint8Array(n), ints = new Uint8Array(n);
for (let i = 0; i < n; i++) { bits[i] = (i * 7) & 1; bases[i] = (i >> 3) & 1; ints[i] = i % 3 === 2 ? 2 : i % 5 === 0 ? 1 : 0; }
const clicks: number[] = [];
for (let i = 0; i < n; i += 20) clicks.push(i * 1000 + 480 + (i % 41));
const stamps = Uint32Array.from(clicks), detectors = Uint8Array.from(clicks, (_, i) => i & 3);
const gate = { t0: 0, period: 1000, gateOffset: 450, gateWidth: 100, slotCount: n };
const time = (k: PulseKernel, f: (k: PulseKernel) => unknown) => { f(k); const t = now(); f(k); return now() - t; };
const r: Record<string, number> = {};
for (const [name, k] of [['native', xsPulseKernel()], ['reference', referencePulseKernel]] as const) {
  r[`schedule_${name}_ms`] = time(k, (x) => x.schedule(bits, bases, ints, 0, { t0: 0, period: 1000, delay: 100, width: 200 }));
  r[`bin_${name}_ms`] = time(k, (x) => x.bin(stamps, detectors, gate));
}
print(`PULSEXS ${JSON.stringify({ slots: n, detections: stamps.length, ...r })}`);
