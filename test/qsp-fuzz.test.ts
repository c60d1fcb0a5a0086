/** The CI slice of the QSP fuzzer (the long runs are `npm run fuzz -- qsp …`): Node and XS. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runFuzz } from '../sim/qsp-fuzz.ts';
import { nativeCrypto } from '../hal/node/crypto-native.ts';
import { bundleForXs, ROOT, runOnXs, taggedLines } from './xs/harness.ts';

test('fuzz slice on Node: 25 cases × 300 steps clean, every path reached', () => {
  const report = runFuzz({ cases: 25, steps: 300, seed: 20260101 });
  assert.ok(report.ok, JSON.stringify(report.failure));
  for (const k of ['delivered', 'dropped', 'rekeys', 'mutated', 'forged', 'replayed', 'duplicated', 'reordered', 'lost'])
    assert.ok(report.totals[k]! > 0, `${k} never happened`);
});

test('fuzz: a case replays alone to the same totals (--case K)', () => {
  const a = runFuzz({ cases: 1, steps: 300, seed: 5, onlyCase: 3 });
  const b = runFuzz({ cases: 9, steps: 300, seed: 5, onlyCase: 3 });
  assert.equal(a, b);
});

test('fuzz slice on the native backend (--crypto native): clean, the same totals as noble', () => {
  const native = runFuzz({ cases: 12, steps: 300, seed: 77, crypto: nativeCrypto() });
  assert.ok(native.ok, JSON.stringify(native.failure));
  assert.equal(native, runFuzz({ cases: 12, steps: 300, seed: 77 }));
});

test('fuzz slice on XS: 2 cases × 120 steps clean, same totals as Node', () => {
  const bundle = bundleForXs(join(ROOT, 'sim', 'qsp-fuzz.xs.ts'), 'fuzz-qsp-slice');
  const run = runOnXs(bundle, ['2', '120', '11', '0.15']);
  rmSync(bundle);
  assert.is(run.status, 0, run.stderr);
  const xs = taggedLines(run.stdout, 'FUZZ')[0];
  assert.ok(xs.ok, JSON.stringify(xs.failure));
  assert.equal(xs, runFuzz({ cases: 2, steps: 120, seed: 11, mutateProb: 0.15 }));
});

test.run();
