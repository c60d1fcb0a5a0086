/**
 * `npm run fuzz -- qsp --cases N --steps M --seed S [--mutate-prob P] [--case K] [--crypto noble|node|native] [--xs]`
 * Runs the QSP fuzzer (sim/qsp-fuzz.ts) on Node, or with --xs inside lvxs, and prints, as seed 003
 * §10.3 does: cases, steps/case, mutate_prob and `result: OK`, or the first failing case and the
 * command that replays it. Exit code 0 only when clean.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { nodeCrypto } from '../hal/node/crypto.ts';
import { nativeCrypto } from '../hal/node/crypto-native.ts';
import { checkInteger, checkProbability } from '../src/_check.ts';
import { bundleForXs, ROOT, runOnXs, taggedLines } from '../test/xs/harness.ts';
import { type FuzzReport, runFuzz } from './qsp-fuzz.ts';

function parse(argv: string[]) {
  const [target, ...rest] = argv;
  if (target !== 'qsp') throw new RangeError(`"target" expected "qsp", got ${JSON.stringify(target ?? '')}`);
  const o = { cases: 300, steps: 2000, seed: 1, mutateProb: 0.15, onlyCase: undefined as number | undefined, crypto: 'noble', xs: false };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new RangeError(`"${flag}" expects a value`);
      return v;
    };
    if (flag === '--cases') o.cases = checkInteger('--cases', Number(value()), 1);
    else if (flag === '--steps') o.steps = checkInteger('--steps', Number(value()), 1);
    else if (flag === '--seed') o.seed = checkInteger('--seed', Number(value()));
    else if (flag === '--mutate-prob') o.mutateProb = checkProbability('--mutate-prob', Number(value()));
    else if (flag === '--case') o.onlyCase = checkInteger('--case', Number(value()));
    else if (flag === '--crypto') {
      o.crypto = value();
      if (o.crypto !== 'noble' && o.crypto !== 'node' && o.crypto !== 'native') throw new RangeError(`"--crypto" expected noble, node or native, got ${o.crypto}`);
    } else if (flag === '--xs') o.xs = true;
    else throw new RangeError(`unknown option ${JSON.stringify(flag)} (known: --cases --steps --seed --mutate-prob --case --crypto --xs)`);
  }
  if (o.xs && o.crypto !== 'noble') throw new RangeError(`"--crypto" ${o.crypto} is not available with --xs`);
  return o;
}

let o: ReturnType<typeof parse>;
try {
  o = parse(process.argv.slice(2));
} catch (e) {
  console.error(String(e));
  process.exit(2);
}

const started = performance.now();
let report: FuzzReport;
if (o.xs) {
  const bundle = bundleForXs(join(ROOT, 'sim', 'qsp-fuzz.xs.ts'), 'fuzz-qsp');
  const run = runOnXs(bundle, [o.cases, o.steps, o.seed, o.mutateProb, ...(o.onlyCase !== undefined ? [o.onlyCase] : [])].map(String), 24 * 3600_000);
  rmSync(bundle);
  const line = taggedLines(run.stdout, 'FUZZ')[0];
  if (run.status !== 0 || !line) {
    console.log(`result: FAIL lvxs exited with ${run.status}: ${run.stderr.trim().slice(0, 2000)}`);
    process.exit(1);
  }
  report = line;
} else {
  report = runFuzz({ cases: o.cases, steps: o.steps, seed: o.seed, mutateProb: o.mutateProb, ...(o.onlyCase !== undefined ? { onlyCase: o.onlyCase } : {}),
    ...(o.crypto === 'node' ? { crypto: nodeCrypto } : o.crypto === 'native' ? { crypto: nativeCrypto() } : {}) });
}
const seconds = (performance.now() - started) / 1000;

console.log(`runtime: ${o.xs ? 'xs (lvxs)' : `node (${o.crypto})`}`);
console.log(`cases: ${report.cases}`);
console.log(`steps/case: ${report.steps}`);
console.log(`mutate_prob: ${report.mutateProb}`);
console.log(`elapsed_sec: ${seconds.toFixed(1)}`);
console.log(`totals: ${JSON.stringify(report.totals)}`);
if (report.ok) {
  console.log('result: OK');
} else {
  const f = report.failure!;
  console.log(`result: FAIL case ${f.case} step ${f.step}: ${f.what}`);
  console.log(`replay: npm run fuzz -- qsp --cases ${o.cases} --steps ${o.steps} --seed ${o.seed} --mutate-prob ${o.mutateProb} --case ${f.case}${o.xs ? ' --xs' : ''}`);
  process.exitCode = 1;
}
