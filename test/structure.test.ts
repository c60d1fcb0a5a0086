/**
 * The house rules that a reviewer would otherwise check by eye: the core is runtime-agnostic and
 * never reaches into a backend; manifest.json lists every core module, names only files that
 * exist, and covers every package the core imports.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
// @ts-expect-error: a plain ESM script, no declarations
import { manifestNativeSources, nativeTable } from '../scripts/build-native.mjs';
import { filesUnder, importsOf, read } from './_files.ts';
import { ROOT } from './xs/harness.ts';

const coreFiles = filesUnder('src', '.ts');
const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8'));

test('src/ has modules to check', () => {
  assert.ok(coreFiles.length >= 5, `only ${coreFiles.length} files found under src/`);
});

test('src/ never imports node:* nor uses Node or DOM globals', () => {
  const offenders: string[] = [];
  for (const f of coreFiles) {
    const text = read(f);
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    for (const spec of importsOf(text)) if (spec.startsWith('node:')) offenders.push(`${f}: imports ${spec}`);
    for (const re of [/\bprocess\./, /\bBuffer\b/, /\brequire\(/, /\bwindow\./, /\bdocument\./, /\bMath\.random\b/, /\bsetTimeout\b/])
      if (re.test(code)) offenders.push(`${f}: uses ${re.source}`);
  }
  assert.equal(offenders, []);
});

test('src/ never imports a backend (hal/sim, hal/node, hal/xs, hal/moddable, hal/hil) nor sim/', () => {
  const offenders = coreFiles.flatMap((f) =>
    importsOf(read(f)).filter((s) => /\/hal\/(sim|node|xs|moddable|hil)\//.test(s) || /(^|\/)sim\//.test(s)).map((s) => `${f}: ${s}`));
  assert.equal(offenders, []);
});

test('hal/sim draws no randomness from Math.random', () => {
  const offenders = filesUnder('hal/sim', '.ts').filter((f) => /\bMath\.random\b/.test(read(f)));
  assert.equal(offenders, []);
});

test('manifest.json lists every core module and every port', () => {
  const listed = new Set(Object.values(manifest.modules as Record<string, string>));
  const expected = [...coreFiles, ...filesUnder('hal', '.ts').filter((f) => /^hal\/[^/]+\.ts$/.test(f))]
    .filter((f) => !f.endsWith('.d.ts'))
    .map((f) => `./${f.slice(0, -3)}`);
  assert.equal(expected.filter((p) => !listed.has(p)), [], 'modules missing from manifest.json');
});

test('every path manifest.json names exists', () => {
  const all = [manifest.modules, ...Object.values(manifest.platforms).map((p: any) => p.modules ?? {})]
    .flatMap((m) => Object.values(m as Record<string, string | string[]>).flat());
  const missing = all.filter((p) => !['.ts', '.js', '.c'].some((ext) => existsSync(join(ROOT, `${p}${ext}`))));
  assert.equal(missing, []);
});

test('every package the core imports is a manifest module', () => {
  const bare = new Set(coreFiles.flatMap((f) => importsOf(read(f))).filter((s) => !s.startsWith('.')));
  assert.ok(bare.size > 0);
  assert.equal([...bare].filter((s) => !(s in manifest.modules)), []);
});

test('the XS host compiles the C modules manifest.json names for lin', () => {
  const sources: string[] = manifestNativeSources(manifest, 'lin');
  assert.ok(sources.some((s) => s.endsWith('native/host/ports.c')));
  const table: string = nativeTable(sources);
  for (const name of ['xs_lv_entropy_fill', 'xs_lv_clock_monotonic', 'xs_lv_clock_wall', 'xs_lv_heap', 'xs_lv_read_file'])
    assert.ok(table.includes(`{ "${name}", lvNativeFunction`), `${name} missing from the native table`);
  assert.ok(table.includes('{ "xs_lv_probe_destructor", lvNativeDestructor'), 'destructors missing from the native table');
});

test('the native table refuses a name defined twice', () => {
  const ports = join(ROOT, 'native/host/ports.c');
  assert.throws(() => nativeTable([ports, ports]), /defined twice/);
});

test.run();
