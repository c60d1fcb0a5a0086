/**
 * The conformance run on XS: the golden vectors through the same suites inside lvxs, compared
 * with the golden outputs and with Node's outputs computed here, byte for byte; then the checks
 * only an XS host can answer (getRandomValues, noble on XS, the host's ports).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadVectorFiles } from './vectors/load.ts';
import { vectorSuites } from './vectors/suites.ts';
import { bundleForXs, ROOT, runOnXs, taggedLines } from './xs/harness.ts';
import '../hal/node/use-native-kernels.ts';

const files = loadVectorFiles();
const cases = files.flatMap((f) => f.cases.map((c) => ({ suite: f.suite, name: c.name, input: c.input, output: c.output })));
const casesFile = join(ROOT, 'build', 'xs', `cases-${process.pid}.json`);
const bundle = bundleForXs(join(ROOT, 'test', 'xs', 'entry.ts'), 'conformance');
writeFileSync(casesFile, JSON.stringify({ cases: cases.map(({ suite, name, input }) => ({ suite, name, input })) }));
const run = runOnXs(bundle, [casesFile]);
rmSync(bundle);
rmSync(casesFile);
const xsVectors = taggedLines(run.stdout, 'VEC');
const xsChecks = taggedLines(run.stdout, 'CHECK');

test('xs: the host ran the conformance bundle to the end', () => {
  assert.is(run.stderr, '', 'lvxs wrote to stderr');
  assert.is(run.status, 0, `lvxs exited with ${run.status}`);
  assert.is(xsVectors.length, cases.length, 'XS answered a different number of vector cases');
  assert.is(xsChecks.length, 8, 'XS ran a different number of host checks');
});

for (const c of cases)
  test(`xs: ${c.suite} / ${c.name}`, () => {
    const got = xsVectors.find((v) => v.suite === c.suite && v.name === c.name);
    assert.ok(got, 'no answer from XS');
    assert.is(got.error, undefined, `XS threw: ${got.error}`);
    assert.equal(got.output, c.output, 'XS differs from the golden vector');
    assert.equal(got.output, vectorSuites[c.suite]!(c.input), 'XS differs from Node');
  });

for (const name of [
  'crypto.getRandomValues is installed and fills',
  "noble's randomBytes works on XS",
  'ML-KEM-768 and X25519 agree on XS',
  'Entropy port: XsEntropy draws from the host',
  'Clock port: XsClock is monotonic and near the wall clock',
  'native() caches and refuses unknown names',
  'Native() classes: host data, receiver checks, close, destructor on GC',
  'heap counters report chunks and slots',
])
  test(`xs host: ${name}`, () => {
    const got = xsChecks.find((c) => c.name === name);
    assert.ok(got, 'the check did not run');
    assert.ok(got.ok, got.detail);
  });

test.run();
