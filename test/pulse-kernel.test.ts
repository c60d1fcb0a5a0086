/**
 * The pulse-timing kernel (src/pulse = the specification, native/kernels/pulse.c = the C):
 * the C unit test, known answers and the rejection table of the reference, the Node-API binding
 * equal to the reference bit for bit on random frames and detection batches (valid or not:
 * the same reason at the same index), and the xsmc binding inside lvxs on the same cases.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCUnitTest } from './_c-unit.ts';
// @ts-expect-error: a plain ESM script, no declarations
import { manifestNativeSources, nativeTable } from '../scripts/build-native.mjs';
import { nodePulseKernel } from '../hal/hil/pulse-node.ts';
import { binDetections, type PulseGate } from '../src/pulse/bin.ts';
import { detectionsFromMasks } from '../src/pulse/detections.ts';
import { PulseError, PulseReject } from '../src/pulse/errors.ts';
import { referencePulseKernel, type PulseKernel } from '../src/pulse/kernel.ts';
import { parsePulseWord, pulseSchedule, pulseWord, type PulseTiming } from '../src/pulse/schedule.ts';
import { bundleForXs, ROOT, runOnXs, taggedLines } from './xs/harness.ts';

const work = join(ROOT, 'build', 'pulse-test');
mkdirSync(work, { recursive: true });

test('C unit test native/kernels/test_pulse.c passes (cc -std=c11 -Wall -Wextra)', () => {
  runCUnitTest('pulse');
});

test('manifest.json compiles the pulse kernel and its xsmc binding into lvxs', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8'));
  const sources: string[] = manifestNativeSources(manifest, 'lin');
  assert.ok(sources.some((s) => s.endsWith('native/kernels/pulse.c')));
  const table: string = nativeTable(sources);
  for (const name of ['xs_lv_pulse_schedule', 'xs_lv_pulse_bin']) assert.ok(table.includes(`{ "${name}", lvNativeFunction`), name);
});

// ---- the reference: known answers (the same as test_pulse.c's)

test('modulator words: known answers, even parity, label wrap, and the parser refuses a flipped bit', () => {
  assert.is(pulseWord(0, 0, 0, 0), 0x8001);
  assert.is(pulseWord(5, 1, 1, 1), 0xb80a);
  assert.is(pulseWord(1027, 0, 0, 2), pulseWord(3, 0, 0, 2));
  assert.equal(parsePulseWord(0xb80a), { slotLabel: 5, bit: 1, basis: 1, intensity: 1 });
  for (let b = 0; b < 16; b++) assert.is(parsePulseWord(0xb80a ^ (1 << b)), undefined, `bit ${b} flipped`);
  assert.is(parsePulseWord(0), undefined, 'an idle bus is no slot');
});

test('schedule: known edges; vacuum slots do not fire the laser; the timer wraps modulo 2^32', () => {
  const s = pulseSchedule(Uint8Array.of(0, 1, 0, 1), Uint8Array.of(0, 0, 1, 1), Uint8Array.of(0, 1, 2, 0), 0, { t0: 100, period: 10, delay: 2, width: 3 });
  assert.equal(Array.from(s.edges), [102, 105, 112, 115, 132, 135]);
  assert.is(s.words.length, 4);
  const w = pulseSchedule(Uint8Array.of(0, 0), Uint8Array.of(0, 0), Uint8Array.of(0, 0), 0xffff_ffff, { t0: 0xffff_fff0, period: 16, delay: 15, width: 1 });
  assert.equal(Array.from(w.edges), [0xffff_ffff, 0, 15, 16]);
  assert.is(parsePulseWord(w.words[1]!)!.slotLabel, 0, 'label of slot 2^32 wraps to 0');
});

test('bin: known bins, double clicks, repeats, gate and range', () => {
  const gate: PulseGate = { t0: 0, period: 10, gateOffset: 2, gateWidth: 5, slotCount: 4 };
  // 12 (slot 1, phase 2), 14 (slot 1, again det 0: repeat), 16 (slot 1, det 3: double), 19 (phase 9: outside), 33, 45 (slot 4: out of range)
  const b = binDetections(Uint32Array.of(12, 14, 16, 19, 33, 45), Uint8Array.of(0, 0, 3, 1, 2, 1), gate);
  assert.equal(Array.from(b.slots), [1, 3]);
  assert.equal(Array.from(b.masks), [0b1001, 0b0100]);
  assert.equal(b.stats, { slots: 2, inGate: 4, outsideGate: 1, outOfRange: 1, repeats: 1, doubleClicks: 1, phaseMin: 2, phaseMax: 6, phaseSum: 2 + 4 + 6 + 3 });
  let bits = 0;
  const d = detectionsFromMasks(b.slots, b.masks, () => (bits++ & 1));
  assert.equal({ slots: Array.from(d.slots), bases: Array.from(d.bases), bits: Array.from(d.bits), doubleClicks: d.doubleClicks },
    { slots: [1, 3], bases: [0, 1], bits: [1, 0], doubleClicks: 1 });
});

const T: PulseTiming = { t0: 0, period: 10, delay: 0, width: 1 };
const rejects: Array<[string, () => unknown, number, number | undefined]> = [
  ['bit 2', () => pulseSchedule(Uint8Array.of(0, 2), Uint8Array.of(0, 0), Uint8Array.of(0, 0), 0, T), PulseReject.BIT, 1],
  ['basis 5', () => pulseSchedule(Uint8Array.of(0), Uint8Array.of(5), Uint8Array.of(0), 0, T), PulseReject.BASIS, 0],
  ['intensity 3', () => pulseSchedule(Uint8Array.of(0, 0, 0), Uint8Array.of(0, 0, 0), Uint8Array.of(0, 0, 3), 0, T), PulseReject.INTENSITY, 2],
  ['length mismatch', () => pulseSchedule(Uint8Array.of(0), Uint8Array.of(0, 0), Uint8Array.of(0), 0, T), PulseReject.LENGTH, undefined],
  ['delay + width > period', () => pulseSchedule(new Uint8Array(1), new Uint8Array(1), new Uint8Array(1), 0, { ...T, delay: 10 }), PulseReject.TIMING, undefined],
  ['period 1', () => pulseSchedule(new Uint8Array(1), new Uint8Array(1), new Uint8Array(1), 0, { ...T, period: 1 }), PulseReject.TIMING, undefined],
  ['too many slots', () => pulseSchedule(new Uint8Array(2 ** 21 + 1), new Uint8Array(2 ** 21 + 1), new Uint8Array(2 ** 21 + 1), 0, T), PulseReject.COUNT, undefined],
  ['detector 4', () => binDetections(Uint32Array.of(1, 2), Uint8Array.of(0, 4), { t0: 0, period: 10, gateOffset: 0, gateWidth: 10, slotCount: 1 }), PulseReject.DETECTOR, 1],
  ['stamps backwards', () => binDetections(Uint32Array.of(5, 4), Uint8Array.of(0, 0), { t0: 0, period: 10, gateOffset: 0, gateWidth: 10, slotCount: 1 }), PulseReject.ORDER, 1],
  ['backwards across t0', () => binDetections(Uint32Array.of(0xffff_ffff, 3, 2), Uint8Array.of(0, 0, 0), { t0: 0xffff_fff0, period: 10, gateOffset: 0, gateWidth: 10, slotCount: 9 }), PulseReject.ORDER, 2],
  ['gate past period', () => binDetections(new Uint32Array(0), new Uint8Array(0), { t0: 0, period: 10, gateOffset: 6, gateWidth: 5, slotCount: 1 }), PulseReject.GATE, undefined],
  ['no slots', () => binDetections(new Uint32Array(0), new Uint8Array(0), { t0: 0, period: 10, gateOffset: 0, gateWidth: 5, slotCount: 0 }), PulseReject.GATE, undefined],
];

for (const [name, run, reason, index] of rejects)
  test(`reference rejects ${name} with PulseReject ${reason}`, () => {
    try {
      run();
      assert.unreachable('accepted');
    } catch (e) {
      assert.instance(e, PulseError);
      assert.is((e as PulseError).reason, reason);
      assert.is((e as PulseError).index, index);
    }
  });

test('wrong types are TypeErrors that name the argument', () => {
  assert.throws(() => pulseSchedule([0] as never, new Uint8Array(1), new Uint8Array(1), 0, T), (e: Error) => e instanceof TypeError && /"bits"/.test(e.message));
  assert.throws(() => binDetections([1] as never, new Uint8Array(1), { t0: 0, period: 10, gateOffset: 0, gateWidth: 10, slotCount: 1 }), (e: Error) => e instanceof TypeError && /"stamps"/.test(e.message));
  assert.throws(() => pulseSchedule(new Uint8Array(1), new Uint8Array(1), new Uint8Array(1), 0, { ...T, jitter: 1 } as never), /"timing.jitter" is not a known option/);
});

// ---- native = reference, bit for bit

interface Case { name: string; kind: 'schedule' | 'bin'; [k: string]: any }

function outcome(k: PulseKernel, c: Case): unknown {
  try {
    if (c.kind === 'schedule') {
      const s = k.schedule(Uint8Array.from(c.bits), Uint8Array.from(c.bases), Uint8Array.from(c.intensities), c.firstSlot, c.timing);
      return { words: Array.from(s.words), edges: Array.from(s.edges) };
    }
    const b = k.bin(Uint32Array.from(c.stamps), Uint8Array.from(c.detectors), c.gate);
    return { slots: Array.from(b.slots), masks: Array.from(b.masks), stats: b.stats };
  } catch (e) {
    if (!(e instanceof PulseError)) throw e;
    return { reason: e.reason, index: e.index };
  }
}

const u32 = fc.nat({ max: 0xffff_ffff });
const scheduleCase = fc.record({
  n: fc.nat({ max: 300 }), seed: fc.nat(), firstSlot: u32, t0: u32,
  period: fc.oneof(fc.integer({ min: 0, max: 50 }), u32), delay: fc.oneof(fc.nat({ max: 50 }), u32), width: fc.oneof(fc.nat({ max: 50 }), u32),
  bad: fc.option(fc.record({ at: fc.nat(), field: fc.constantFrom('bits', 'bases', 'intensities'), value: fc.integer({ min: 2, max: 255 }) })),
}).map(({ n, seed, firstSlot, t0, period, delay, width, bad }): Case => {
  let s = seed | 1;
  const next = () => ((s = Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e37 | 0) >>> 0);
  const c: Case = { name: 'random schedule', kind: 'schedule', firstSlot, timing: { t0, period, delay, width },
    bits: Array.from({ length: n }, () => next() & 1), bases: Array.from({ length: n }, () => next() & 1), intensities: Array.from({ length: n }, () => next() % 3) };
  if (bad && n > 0) c[bad.field]![bad.at % n] = bad.value;
  return c;
});
const binCase = fc.record({
  gaps: fc.array(fc.nat({ max: 40 }), { maxLength: 300 }), seed: fc.nat(), t0: u32,
  period: fc.integer({ min: 0, max: 20 }), gateOffset: fc.nat({ max: 20 }), gateWidth: fc.nat({ max: 20 }), slotCount: fc.nat({ max: 400 }),
  badDetector: fc.option(fc.nat()), backwards: fc.option(fc.nat()),
}).map(({ gaps, seed, t0, period, gateOffset, gateWidth, slotCount, badDetector, backwards }): Case => {
  let dt = 0, s = seed | 1;
  const stamps = gaps.map((g) => (t0 + (dt += g)) >>> 0);
  const detectors = gaps.map(() => ((s = Math.imul(s, 0x2c1b3c6d) + 1 | 0) >>> 29) & 3);
  if (badDetector !== null && detectors.length) detectors[badDetector % detectors.length] = 4 + (badDetector & 3);
  if (backwards !== null && stamps.length > 1) { const i = 1 + (backwards % (stamps.length - 1)); stamps[i] = (stamps[i - 1]! - 1 - (backwards & 7)) >>> 0; }
  return { name: 'random bin', kind: 'bin', stamps, detectors, gate: { t0, period, gateOffset, gateWidth, slotCount } };
});

const native = nodePulseKernel();

test('node native = reference on random schedules (valid and not: same reason, same index)', () => {
  assert.is(native.implementation, 'native');
  fc.assert(fc.property(scheduleCase, (c) => assert.equal(outcome(native, c), outcome(referencePulseKernel, c))), { numRuns: 400 });
});

test('node native = reference on random detection batches (gates, wraps, repeats, bad detectors, disorder)', () => {
  fc.assert(fc.property(binCase, (c) => assert.equal(outcome(native, c), outcome(referencePulseKernel, c))), { numRuns: 400 });
});

test('node native = reference on a large frame (2^18 slots) and a dense detection batch', () => {
  const n = 1 << 18;
  const c: Case = { name: 'large', kind: 'schedule', firstSlot: 12345, timing: { t0: 0xfff0_0000, period: 1000, delay: 100, width: 250 },
    bits: Array.from({ length: n }, (_, i) => (i * 7) & 1), bases: Array.from({ length: n }, (_, i) => (i >> 3) & 1), intensities: Array.from({ length: n }, (_, i) => i % 3) };
  assert.equal(outcome(native, c), outcome(referencePulseKernel, c));
  const stamps = Array.from({ length: 100_000 }, (_, i) => (0xffff_0000 + i * 37) >>> 0);
  const b: Case = { name: 'dense', kind: 'bin', stamps, detectors: stamps.map((_, i) => (i * 5) & 3), gate: { t0: 0xffff_0000, period: 100, gateOffset: 10, gateWidth: 60, slotCount: 30_000 } };
  assert.equal(outcome(native, b), outcome(referencePulseKernel, b));
});

// ---- inside lvxs: the xsmc binding on sampled cases

const xsCases: Case[] = [
  ...fc.sample(scheduleCase, { numRuns: 40, seed: 10 }).map((c, i) => ({ ...c, name: `schedule ${i}` })),
  ...fc.sample(binCase, { numRuns: 40, seed: 11 }).map((c, i) => ({ ...c, name: `bin ${i}` })),
];
const casesFile = join(work, `pulse-cases-${process.pid}.json`);
writeFileSync(casesFile, JSON.stringify({ cases: xsCases }));
const bundle = bundleForXs(join(ROOT, 'test', 'xs', 'pulse.xs.ts'), 'pulse');
const xs = runOnXs(bundle, [casesFile], 120_000);
rmSync(bundle);
rmSync(casesFile);
const lines = taggedLines(xs.stdout, 'PULSE');

test('xs: lvxs ran the pulse bundle to the end', () => {
  assert.is(xs.stderr, '', 'lvxs wrote to stderr');
  assert.is(xs.status, 0, `lvxs exited with ${xs.status}`);
  assert.is(lines.length, xsCases.length);
});

test('xs native (xsmc) = reference on XS = reference on Node, case by case', () => {
  for (const c of xsCases) {
    const got = lines.find((l) => l.name === c.name);
    assert.ok(got, `${c.name}: no answer from XS`);
    assert.is(got.runtime, 'xs');
    const want = JSON.parse(JSON.stringify(outcome(referencePulseKernel, c)));
    assert.equal(got.native, want, `${c.name}: native on XS`);
    assert.equal(got.reference, want, `${c.name}: reference on XS`);
  }
});

test.run();
