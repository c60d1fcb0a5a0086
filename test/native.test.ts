/**
 * The native kernels below the Kernels port: the C unit test of native/kernels/ (compiled with
 * cc and run), the same C inside lvxs through the xsmc binding (every method against the
 * reference, the amplify-toeplitz-runtime golden vectors with the XS kernels registered, the
 * binding's argument checks), the generated native table, and a short libFuzzer run of every
 * target in native/fuzz/ (skipped, saying why, only when clang cannot be installed).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCUnitTest } from './_c-unit.ts';
// @ts-expect-error: a plain ESM script, no declarations
import { manifestNativeSources, nativeTable } from '../scripts/build-native.mjs';
import { nodeKernels } from '../hal/node/kernels.ts';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '../src/bytes.ts';
import { packedLength, toeplitzHash } from '../src/qkd/amplify.ts';
import { xorshiftBits } from './_xorshift-bits.ts';
import type { VectorFile } from './vectors/types.ts';
import { bundleForXs, ROOT, runOnXs, taggedLines } from './xs/harness.ts';

const work = join(ROOT, 'build', 'native-test');
mkdirSync(work, { recursive: true });

function cUnitTest(flags: string[], backend: RegExp): void {
  assert.match(runCUnitTest('toeplitz', flags), backend);
}

test('C unit test native/kernels/test_toeplitz.c passes (cc -std=c11 -Wall -Wextra)', () => {
  cUnitTest([], /fft multiply: /);
});

test('C unit test passes with the 256-bit multiply on any AVX-512 CPU (-DLV_TOEPLITZ_NO_AVX512)', () => {
  cUnitTest(['-DLV_TOEPLITZ_NO_AVX512'], /fft multiply: (vpclmul-avx2|pclmul|portable)\)/);
});

test('C unit test passes in the portable build boards get (-DLV_TOEPLITZ_PORTABLE_ONLY)', () => {
  cUnitTest(['-DLV_TOEPLITZ_PORTABLE_ONLY'], /fft multiply: portable/);
});

test('C unit test native/os/test_scratch.c passes: large scratch in its own huge-page-aligned mapping', () => {
  assert.match(runCUnitTest('os/scratch'), /scratch: \d+ checks, 0 failures/);
});

test('manifest.json compiles the Toeplitz kernel and its xsmc binding into lvxs', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8'));
  const sources: string[] = manifestNativeSources(manifest, 'lin');
  assert.ok(sources.some((s) => s.endsWith('native/kernels/toeplitz.c')), 'native/kernels/toeplitz missing from platforms.lin');
  assert.ok(sources.some((s) => s.endsWith('native/host/kernels.c')), 'native/host/kernels missing from platforms.lin');
  assert.ok(sources.some((s) => s.endsWith('native/os/scratch.c')), 'native/os/scratch missing from platforms.lin');
  const table: string = nativeTable(sources);
  for (const name of ['xs_lv_toeplitz_hash', 'xs_lv_toeplitz_backend', 'xs_lv_toeplitz_auto_method'])
    assert.ok(table.includes(`{ "${name}", lvNativeFunction`), `${name} missing from the native table`);
});

// ---- inside lvxs

const sizes: Array<[number, number, boolean]> = [
  [1, 1, true], [9, 3, true], [64, 64, true], [100, 37, true], [255, 200, true], [1000, 999, true], [3001, 400, true],
  [20_000, 2_500, false], [65_536, 32_768, false], [200_003, 25_001, false],
];
const cases = sizes.map(([n, l, reference], i) => {
  const x = xorshiftBits(n, 2 * i + 1);
  const s = xorshiftBits(n + l - 1, 2 * i + 2);
  return { name: `n=${n}, l=${l}`, n, l, x: bytesToHex(x), s: bytesToHex(s), reference, want: bytesToHex(toeplitzHash(x, n, s, l)) };
});
/*
 * A block with ~9 MB of scratch, which lvxs maps apart from malloc (native/os/scratch.c). lvxs builds
 * it from the seeds and answers with the SHA-256 of its FFT's output, against Node's native FFT
 * (test/amplify.test.ts holds that one to the definition at this size).
 */
const big = (() => {
  const n = 4_000_000;
  const l = n / 2;
  const y = nodeKernels().toeplitzHashWith('fft', xorshiftBits(n, 101), n, xorshiftBits(n + l - 1, 102), l);
  return { name: `n=${n}, l=${l} (scratch mapped apart)`, n, l, seeds: [101, 102], want: bytesToHex(sha256(y)) };
})();
const golden = JSON.parse(readFileSync(join(ROOT, 'test/vectors/amplify-toeplitz-runtime.json'), 'utf8')) as VectorFile;
const casesFile = join(work, `amplify-cases-${process.pid}.json`);
writeFileSync(casesFile, JSON.stringify({ cases, big, golden: golden.cases.map(({ name, input }) => ({ name, input })) }));
const bundle = bundleForXs(join(ROOT, 'test', 'native.xs.ts'), 'native');
const xs = runOnXs(bundle, [casesFile]);
rmSync(bundle);
rmSync(casesFile);
const info = taggedLines(xs.stdout, 'INFO')[0];
const amp = taggedLines(xs.stdout, 'AMP');
const vec = taggedLines(xs.stdout, 'VEC');
const errs = taggedLines(xs.stdout, 'ERR');

test('xs: lvxs ran the native kernel bundle to the end, with the native kernels registered', () => {
  assert.is(xs.stderr, '', 'lvxs wrote to stderr');
  assert.is(xs.status, 0, `lvxs exited with ${xs.status}`);
  assert.equal({ implementation: info?.implementation, runtime: info?.runtime }, { implementation: 'native', runtime: 'xs' });
  assert.is(amp.length, cases.length);
});

for (const c of cases)
  test(`xs native (every method) = reference: ${c.name}`, () => {
    const got = amp.find((a) => a.name === c.name);
    assert.ok(got, 'no answer from XS');
    for (const [method, y] of Object.entries(got.methods)) assert.is(y, c.want, `method ${method}`);
    if (c.reference) assert.is(got.reference, c.want, 'the reference on XS differs from the reference on Node');
  });

test(`xs native fft = node native fft: ${big.name}`, () => {
  const got = taggedLines(xs.stdout, 'BIG')[0];
  assert.ok(got, 'no answer from XS');
  assert.is(got.sha256, big.want);
});

test('xs native: the amplify-toeplitz-runtime golden vectors, with the XS kernels registered', () => {
  assert.is(vec.length, golden.cases.length);
  for (const c of golden.cases) {
    const got = vec.find((v) => v.name === c.name);
    assert.ok(got && got.error === undefined, `${c.name}: ${got?.error}`);
    assert.equal(got.output, c.output, c.name);
  }
});

test('xs native: the binding checks its arguments and names them', () => {
  const by = Object.fromEntries(errs.map((e) => [e.name, e.error as string | null]));
  assert.is(by['seed one byte short'], 'RangeError: "seed" expected Uint8Array of length 2, got length=1');
  assert.is(by['out one byte long'], 'RangeError: "out" expected Uint8Array of length 1');
  assert.is(by['input padding set'], 'RangeError: "input" expected zero padding bits after bit 12');
  assert.match(by['input a plain array'] ?? '', /^TypeError: .*"input" expected Uint8Array/);
  assert.match(by['n = 0'] ?? '', /^RangeError: .*"n" expected an integer in \[1, 2147483648\], got 0/);
  assert.match(by['outputBits > n'] ?? '', /^RangeError: .*"outputBits" expected an integer in \[1, 12\], got 13/);
  assert.match(by['n a string'] ?? '', /^TypeError: .*"n" expected an integer/);
  assert.match(by['method 7'] ?? '', /^RangeError: .*"method"/);
  assert.match(by['no out'] ?? '', /^TypeError: .*"out" expected Uint8Array/);
});

// ---- libFuzzer

const fuzzScript = join(ROOT, 'scripts', 'fuzz-native.mjs');
const clang = spawnSync(process.execPath, [fuzzScript, '--check'], { encoding: 'utf8', timeout: 600_000 });
if (clang.status === 3) {
  console.log(`native.test: fuzz run skipped: ${clang.stderr.trim()}`);
  test.skip('fuzz: every native/fuzz target runs clean for a few seconds (clang unavailable)', () => {});
} else
  test('fuzz: every native/fuzz target runs clean for a second (libFuzzer + ASan + UBSan; npm run fuzz:native for long runs)', () => {
    assert.is(clang.status, 0, `fuzz-native --check failed: ${clang.stderr}`);
    const r = spawnSync(process.execPath, [fuzzScript, '--time', '1'], { encoding: 'utf8', timeout: 120_000 });
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('fuzz: '));
    assert.is(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.ok(lines.length >= 2, `expected a line per target:\n${r.stdout}`);
    for (const l of lines) assert.match(l, /: [1-9]\d* executions in [\d.]+ s, no crash$/);
  });

test.run();
