#!/usr/bin/env node
// npm test: the type-checks, then every uvu suite (test/*.test.ts). The XS conformance suite
// (test/xs.test.ts) runs the golden vectors inside lvxs, so the count covers both runtimes.
// Ends with one plain line, `N passed, N failed`, and exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
let passed = 0;
let failed = 0;

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { status: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

if (!existsSync(join(root, 'build', 'host', 'lvxs'))) {
  const b = run(process.execPath, [join(root, 'scripts', 'build-native.mjs')]);
  process.stdout.write(b.out);
}

for (const [name, config] of [['typecheck: whole tree', 'tsconfig.json'], ['typecheck: core without Node types', 'tsconfig.core.json']]) {
  const r = run(bin('tsc'), ['--noEmit', '-p', config]);
  if (r.status === 0) {
    passed++;
    console.log(`✓ ${name}`);
  } else {
    failed++;
    console.log(`✘ ${name}\n${r.out}`);
  }
}

const started = Date.now();
const uvu = run(bin('tsx'), [join(root, 'node_modules', 'uvu', 'bin.js'), 'test', '\\.test\\.ts$', '--no-color']);
process.stdout.write(uvu.out);
const count = (label) => Number(uvu.out.match(new RegExp(`${label}:\\s+(\\d+)`))?.[1] ?? NaN);
const total = count('Total');
const ok = count('Passed');
const skipped = count('Skipped');
if (Number.isNaN(total) || Number.isNaN(ok)) {
  console.log('✘ the uvu run printed no totals');
  failed++;
} else {
  // uvu's Total counts the tests that ran; test.skip ones are only in Skipped.
  passed += ok;
  failed += total - ok;
  if (skipped) console.log(`(${skipped} skipped: what this machine lacks; .ci/run installs it)`);
  if (uvu.status !== 0 && total === ok) failed++; // a suite crashed outside any test
}
console.log(`\nsuites: ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
