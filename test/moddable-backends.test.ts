/**
 * The board backends of hal/moddable, unchanged, inside lvxs on the desktop stand-ins of
 * embedded:io (native/host/io.c, mapped in by the bundler the way a board's manifest maps the
 * real modules): the ECMA-419 photonics driver over the native pulse module (the bus carries the
 * schedule's words, the pin the trigger edges, the detector FIFO's clicks come back binned and
 * equal to the channel's detections, a torn FIFO makes it unhealthy), the timed output's rate
 * and jitter, and the flash store on real files through the host's file primitives. Also checks
 * that manifest.json builds what the board backends need, per platform.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
// @ts-expect-error: a plain ESM script, no declarations
import { manifestNativeSources, nativeTable } from '../scripts/build-native.mjs';
import { ROOT, runOnXs, taggedLines } from './xs/harness.ts';

const work = join(ROOT, 'build', 'moddable-test', String(process.pid));
mkdirSync(join(work, 'flash'), { recursive: true });
const bundle = join(work, 'moddable.js');
buildSync({
  entryPoints: [join(ROOT, 'test/xs/moddable.xs.ts')], outfile: bundle, bundle: true, format: 'iife', platform: 'neutral',
  mainFields: ['module', 'main'], target: 'es2022', supported: { 'class-static-field': false }, logLevel: 'error',
  alias: { 'embedded:io/digital': join(ROOT, 'hal/moddable/sim/digital.ts'), 'embedded:io/spi': join(ROOT, 'hal/moddable/sim/spi.ts'),
    'embedded:io/socket/udp': join(ROOT, 'hal/moddable/sim/udp.ts') },
});
const xs = runOnXs(bundle, [join(work, 'flash')], 120_000);
const drv = taggedLines(xs.stdout, 'DRV');
const perf = taggedLines(xs.stdout, 'PERF');
const store = taggedLines(xs.stdout, 'STORE')[0];
const heap = taggedLines(xs.stdout, 'HEAP');
const ports = taggedLines(xs.stdout, 'PORTS')[0];
console.log(`moddable-backends: ${JSON.stringify({ perf, heap })}`);

test('lvxs ran the board backends to the end', () => {
  assert.is(xs.stderr, '', 'lvxs wrote to stderr');
  assert.is(xs.status, 0, `lvxs exited with ${xs.status}\n${xs.stdout.slice(-2000)}`);
});

test('driver write(): the modulator bus carries the native schedule, the trigger pin one edge pair per non-vacuum slot', () => {
  const d = drv[0];
  assert.is(d.runtime, 'xs');
  assert.ok(d.sameWords, 'words on the bus = the reference schedule');
  assert.is(d.words, 16_000);
  assert.is(d.edges, d.wantEdges);
  assert.ok(d.edges > 16_000 && d.edges < 32_000);
  assert.ok(d.decoded);
  assert.is(d.writable, 2, 'onWritable at construction and after the frame');
});

test('driver read(): the channel\'s clicks come back binned through the gate, equal to the channel\'s detections', () => {
  const d = drv[0];
  assert.is(d.readable, 1, 'onReadable when the front end had data');
  assert.ok(d.detections > 1000, `${d.detections} detections`);
  assert.is(d.detections, d.truth);
  assert.ok(d.slotsMatchTruth && d.basesMatchTruth && d.bitsMatchTruth);
  assert.ok(d.matchesReference, 'native binning = the reference on XS');
  assert.ok(d.strayRejected >= 35, `stray clicks outside the gate dropped: ${d.strayRejected}`);
  assert.equal(d.health, { healthy: true });
});

test('driver read() of a torn FIFO: unhealthy, with the reason', () => {
  const d = drv[1];
  assert.match(d.torn, /not whole 5-byte records/);
  assert.is(d.health.healthy, false);
  assert.match(d.health.reason, /not whole 5-byte records/);
});

test('timed output: every edge played, unpaced and paced (rate and lateness reported by the C player)', () => {
  const [fast, paced] = perf;
  assert.ok(fast.play.edges > 200_000 && fast.play.edges < 400_000);
  assert.is(paced.play.edges % 2, 0);
  assert.ok(paced.play.elapsedNs >= 9_000 * 10_000 * 0.9, 'paced: the frame takes its slots\' time');
});

test('flash store in lvxs: commits survive a reopen, an aborted transaction and a torn .tmp leave no trace', () => {
  assert.equal(store.keys, ['k1', 'k2', 'k3', 'k4', 'k5']);
  assert.ok(store.aborted);
  assert.ok(!store.files.some((f: string) => f.endsWith('.tmp')));
  assert.ok(store.files.some((f: string) => f.startsWith('snap-')), 'compaction wrote a snapshot');
});

test('board ports in lvxs: TRNG entropy, getRandomValues installed only when missing, the clock, the sealer hook, the UDP link', () => {
  assert.equal(ports.entropy, { length: 32, differ: true, source: 'board:trng' });
  assert.equal(ports.getRandomValues, { hostHad: true, installed: true, filled: true, floatRefused: true });
  assert.equal(ports.clock, { monotonic: true, wall: true });
  assert.is(ports.sealer, 'SealerError 1', 'no secure element here: UNAVAILABLE, never a software stand-in');
  assert.equal(ports.link.got, [1, 2, 3]);
  assert.is(ports.link.strangerDropped, 1);
  assert.ok(ports.link.afterStranger && ports.link.bReadable === 2);
  assert.match(ports.link.oversize, /"datagram" expected at most 1400 bytes/);
});

test('manifest.json: lin builds the pulse module and the io stand-ins; esp32 names the board backends and the pulse module', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8'));
  const table: string = nativeTable(manifestNativeSources(manifest, 'lin'));
  for (const name of ['xs_lv_pulse_schedule', 'xs_lv_pulse_bin', 'xs_lv_io_play', 'xs_lv_io_write', 'xs_lv_file_write', 'xs_lv_file_rename'])
    assert.ok(table.includes(`{ "${name}", lvNativeFunction`), name);
  const esp32: string[] = manifestNativeSources(manifest, 'esp32');
  assert.ok(esp32.some((s) => s.endsWith('native/kernels/pulse.c')) && esp32.some((s) => s.endsWith('native/host/kernels_pulse.c')), 'esp32 compiles the pulse module');
  assert.ok(!esp32.some((s) => s.endsWith('native/host/io.c')), 'esp32 uses the real embedded:io, not the stand-ins');
  const mods = { ...manifest.modules, ...manifest.platforms.esp32.modules };
  assert.ok(esp32.some((s) => s.endsWith('native/moddable/esp32/ports.c')), 'esp32 compiles its TRNG and timer ports');
  for (const m of ['lightvibes/hal/moddable/photonics', 'lightvibes/hal/moddable/pulse', 'lightvibes/hal/moddable/flash-storage',
    'lightvibes/hal/moddable/entropy', 'lightvibes/hal/moddable/clock', 'lightvibes/hal/moddable/sealer', 'lightvibes/hal/moddable/udp-link'])
    assert.ok(m in mods, `${m} missing for esp32`);
});

test.after(() => rmSync(work, { recursive: true, force: true }));
test.run();
