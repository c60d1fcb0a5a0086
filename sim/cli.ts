/**
 * The desktop simulator's command line.
 *
 *   npm start                                   the default scenario (lab-fiber), KPI table
 *   npx lightvibes sim <scenario|file> [--seed N] [--out DIR] [--json] [--no-engine]
 *   npx lightvibes sim --list
 *
 * A progress bar on long runs (terminal only), the KPI table at the end; with --out, results.json
 * (machine-readable: seed, scenario hash, code version, every KPI, passes, blocks, transitions)
 * and report.html (vega-lite plots rendered to SVG); with --json, the results on stdout.
 * Exit codes: 0 done, 2 bad arguments or a refused scenario (the message names file and field).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { nodeKernels } from '../hal/node/kernels.ts';
import { bytesToHex } from '../src/bytes.ts';
import { formatKpis } from './kpi.ts';
import { renderReport } from './report/html.ts';
import { runScenario, type RunResult } from './run.ts';
import { listScenarios, loadScenario, ScenarioError } from './scenario.ts';

export const DEFAULT_SCENARIO = 'lab-fiber';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** package version, git commit when there is one, and a hash of the code that ran (src, hal, sim). */
export function codeVersion(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  let commit = 'nogit';
  try {
    commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch { /* not a checkout */ }
  const h = sha256.create();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') || name.endsWith('.json') || name.endsWith('.tle')) {
        h.update(new TextEncoder().encode(`${relative(ROOT, p)}\n`));
        h.update(new Uint8Array(readFileSync(p)));
      }
    }
  };
  for (const d of ['src', 'hal', 'sim']) walk(join(ROOT, d));
  return `${pkg.version}+${commit}.code-${bytesToHex(h.digest()).slice(0, 12)}`;
}

function fail(message: string): never {
  console.error(`lightvibes: ${message}`);
  process.exit(2);
}

async function progressBar(total: number, enabled: boolean) {
  if (!enabled) return { update: (_: number) => {}, stop: () => {} };
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar({ format: 'simulating [{bar}] {percentage}% | {value}/{total} steps | ETA {eta}s', hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
  bar.start(total, 0);
  return { update: (n: number) => bar.update(n), stop: () => bar.stop() };
}

export async function simCommand(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: { seed: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' }, list: { type: 'boolean' }, 'no-engine': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    fail((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log('usage: lightvibes sim <scenario|file.json> [--seed N] [--out DIR] [--json] [--no-engine]\n       lightvibes sim --list');
    return;
  }
  if (values.list) {
    console.log(listScenarios().join('\n'));
    return;
  }
  if (positionals.length > 1) fail(`expected one scenario, got ${positionals.length}: ${positionals.join(' ')}`);
  const name = positionals[0] ?? DEFAULT_SCENARIO;
  let seed = 1;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!/^\d+$/.test(values.seed) || !Number.isSafeInteger(seed)) fail(`--seed expected a non-negative integer, got "${values.seed}"`);
  }
  let loaded;
  try {
    loaded = loadScenario(name);
  } catch (e) {
    if (e instanceof ScenarioError) fail(`scenario refused (${e.reason === 6 ? 'missing file' : 'invalid'}): ${e.message}`);
    throw e;
  }
  const steps = Math.floor(loaded.scenario.durationS / loaded.scenario.stepS);
  const bar = await progressBar(steps, !values.json && process.stderr.isTTY === true && steps >= 20_000);
  // The engine's calibration block runs on the native kernels (same bits as the reference, ~3× faster).
  const run = runScenario(loaded, { seed, onProgress: (n) => bar.update(n), calibrate: !values['no-engine'], ...(values['no-engine'] ? {} : { kernels: nodeKernels() }) });
  bar.stop();
  const result: RunResult & { codeVersion: string; runtime: string } = { ...run, codeVersion: codeVersion(), runtime: `node ${process.versions.node}` };
  const text = formatKpis(result);
  if (values.out) {
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, 'results.json'), `${JSON.stringify(result, null, 1)}\n`);
    writeFileSync(join(values.out, 'report.html'), await renderReport(result, loaded.scenario, text));
  }
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(text);
    console.log(`code ${result.codeVersion}`);
    if (values.out) console.log(`wrote ${join(values.out, 'results.json')} and ${join(values.out, 'report.html')}`);
  }
}

// `npm start` (tsx sim/cli.ts [args]) runs the sim command; `lightvibes sim …` comes through bin/lightvibes.mjs.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  simCommand(args[0] === 'sim' ? args.slice(1) : args).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
