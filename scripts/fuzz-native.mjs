#!/usr/bin/env node
// `npm run fuzz:native`: builds the libFuzzer targets of native/fuzz/ (clang, with
// -fsanitize=fuzzer,address,undefined) against the C kernels and runs each in turn.
//   node scripts/fuzz-native.mjs [--time SECONDS | --runs N] [--targets a,b] [--check]
//   (or FUZZ_TIME / FUZZ_RUNS in the environment; the default is 60 s per target)
// Corpora persist in build/fuzz/corpus-<target>; a crash leaves build/fuzz/crash-* and exits 1.
// clang comes from the distribution: when it is missing and we are root, `apt-get install clang`.
// --check only makes sure clang can build a fuzzer (installing it if needed): exit 0 if so,
// 3 (with the reason on stderr) if clang cannot be had. Prints one summary line per target.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build', 'fuzz');
const CANNOT = 3;

function arg(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

/** clang able to link -fsanitize=fuzzer, installing Debian's clang if missing; else the reason. */
export function ensureClang() {
  if (!has('clang')) {
    if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { ok: false, reason: 'clang is not installed and installing it needs root (apt-get install clang)' };
    if (!has('apt-get')) return { ok: false, reason: 'clang is not installed and there is no apt-get to install it' };
    console.error('fuzz-native: installing clang (apt-get install clang)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-qq'], { encoding: 'utf8', env });
    const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', '-qq', 'clang'], { encoding: 'utf8', env }) : update;
    if (install.status !== 0 || !has('clang')) return { ok: false, reason: `apt-get install clang failed: ${(install.stderr || install.stdout || '').trim().split('\n').slice(-2).join(' ')}` };
  }
  mkdirSync(out, { recursive: true });
  const probe = join(out, 'probe.c');
  writeFileSync(probe, 'int LLVMFuzzerTestOneInput(const unsigned char* d, unsigned long n) { return 0; }\n');
  const r = spawnSync('clang', ['-fsanitize=fuzzer,address,undefined', probe, '-o', join(out, 'probe')], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, reason: `clang cannot link a libFuzzer target: ${r.stderr.trim().split('\n').slice(-1)[0]}` };
  return { ok: true };
}

export function fuzzTargets() {
  return readdirSync(join(root, 'native', 'fuzz')).filter((f) => /^fuzz_.*\.c$/.test(f)).map((f) => f.slice(0, -2)).sort();
}

/** The kernel a target exercises, from its name: fuzz_<kernel>_<what>.c links native/kernels/<kernel>.c (pqc: pqc_core.c). */
function kernelOf(target) {
  const kernel = target.split('_')[1];
  const file = kernel === 'pqc' ? 'pqc_core' : kernel;
  if (!existsSync(join(root, 'native', 'kernels', `${file}.c`))) throw new Error(`fuzz-native: ${target} names no kernel (native/kernels/${file}.c)`);
  return file;
}

/** The pqc kernel is PQClean's ML-DSA-65 and ML-KEM-768 clean C (from npm pqclean, as the addon and lvxs build it), one group of sources a directory. */
function librarySources(kernel) {
  if (kernel !== 'pqc_core') return { groups: [], includes: [] };
  const pqclean = join(root, 'node_modules', 'pqclean', 'deps', 'PQClean');
  if (!existsSync(join(pqclean, 'common', 'fips202.c'))) throw new Error(`fuzz-native: PQClean sources not found at ${pqclean} (npm install brings them)`);
  const cFiles = (d) => readdirSync(d).filter((f) => f.endsWith('.c')).map((f) => join(d, f));
  const groups = [
    { name: 'common', sources: [join(pqclean, 'common', 'fips202.c')] },
    { name: 'ml-dsa-65', sources: cFiles(join(pqclean, 'crypto_sign', 'ml-dsa-65', 'clean')) },
    { name: 'ml-kem-768', sources: cFiles(join(pqclean, 'crypto_kem', 'ml-kem-768', 'clean')) },
  ];
  return { groups, includes: [pqclean, join(pqclean, 'common')] };
}

const SANITIZE = ['-g', '-O1', '-std=gnu11', '-ffp-contract=off', '-fno-sanitize-recover=undefined'];

/*
 * A library's sources are compiled apart, with ASan, UBSan and the fuzzer's edge coverage like
 * ours, but without its comparison tracing (trace-cmp): in PQClean's NTT and Keccak loops every
 * compare called back into libFuzzer, about 60 % of fuzz_pqc_api's time (perf), and hints about
 * arithmetic inside a lattice scheme do not steer inputs through our wrapper's checks. Without it
 * the target runs about 5 times as many inputs a second; every access is still checked.
 */
function libraryObjects(target, groups, includes) {
  return groups.flatMap(({ name, sources }) => {
    const dir = join(out, `${target}-lib`, name); /* a directory each: the schemes share file names */
    mkdirSync(dir, { recursive: true });
    const r = spawnSync('clang', [
      '-c', ...SANITIZE, '-fsanitize=fuzzer-no-link,address,undefined', '-fno-sanitize-coverage=trace-cmp',
      ...includes.map((d) => `-I${d}`), ...sources,
    ], { encoding: 'utf8', cwd: dir });
    if (r.status !== 0) throw new Error(`fuzz-native: cannot build ${name} for ${target}:\n${r.stderr}`);
    return sources.map((f) => join(dir, f.slice(f.lastIndexOf('/') + 1, -2) + '.o'));
  });
}

function build(target) {
  const exe = join(out, target);
  const kernel = kernelOf(target);
  const lib = librarySources(kernel);
  const sources = [join(root, 'native', 'fuzz', `${target}.c`), ...[`${kernel}.c`, `${kernel}.h`].map((f) => join(root, 'native', 'kernels', f))];
  if (existsSync(exe) && [...sources, fileURLToPath(import.meta.url)].every((f) => statSync(f).mtimeMs < statSync(exe).mtimeMs)) return exe;
  const objects = libraryObjects(target, lib.groups, lib.includes);
  const r = spawnSync('clang', [
    ...SANITIZE, '-fsanitize=fuzzer,address,undefined',
    `-I${join(root, 'native', 'kernels')}`, ...lib.includes.map((d) => `-I${d}`),
    join(root, 'native', 'fuzz', `${target}.c`), join(root, 'native', 'kernels', `${kernel}.c`), ...objects,
    '-o', exe,
  ], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fuzz-native: cannot build ${target}:\n${r.stderr}`);
  return exe;
}

function run(target, exe, limit) {
  const corpus = join(out, `corpus-${target}`);
  mkdirSync(corpus, { recursive: true });
  const started = Date.now();
  const r = spawnSync(exe, [corpus, ...limit, `-artifact_prefix=${out}/`, '-print_final_stats=1'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const log = `${r.stdout}${r.stderr}`;
  const execs = Number(log.match(/stat::number_of_executed_units:\s*(\d+)/)?.[1] ?? log.match(/Done (\d+) runs/)?.[1] ?? NaN);
  return { target, ok: r.status === 0, execs, seconds: (Date.now() - started) / 1000, log };
}

function main() {
  const check = ensureClang();
  if (!check.ok) {
    console.error(`fuzz-native: ${check.reason}`);
    process.exit(CANNOT);
  }
  if (process.argv.includes('--check')) return;
  const runs = arg('runs') ?? process.env.FUZZ_RUNS;
  const time = arg('time') ?? process.env.FUZZ_TIME ?? (runs ? undefined : '60');
  const limit = [...(runs ? [`-runs=${Number(runs)}`] : []), ...(time ? [`-max_total_time=${Number(time)}`] : [])];
  const wanted = arg('targets')?.split(',');
  const targets = fuzzTargets().filter((t) => !wanted || wanted.includes(t));
  let failed = 0;
  for (const target of targets) {
    const result = run(target, build(target), limit);
    console.log(`fuzz: ${target}: ${result.execs} executions in ${result.seconds.toFixed(1)} s, ${result.ok ? 'no crash' : 'CRASH'}`);
    if (!result.ok) {
      failed++;
      console.log(result.log.split('\n').filter((l) => /ERROR|SUMMARY|crash-|abort|Test unit/.test(l)).slice(0, 20).join('\n'));
    }
  }
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
