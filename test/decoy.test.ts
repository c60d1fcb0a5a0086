/** Decoy-state preparation and the simulated channel's attack models. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { createSimPhotonics, type SimPhotonicsConfig } from '../hal/sim/photonics.ts';
import { checkDecoySource, KEY_BASIS, prepareDecoyTrain, type DecoySource } from '../src/qkd/decoy.ts';

const source: DecoySource = { intensities: [0.5, 0.1, 0], probabilities: [0.7, 0.2, 0.1], keyBasisProbability: 0.9 };

test('the source quantises its probabilities to what the 16/15-bit draws implement', () => {
  const s = checkDecoySource(source);
  assert.is(s.probabilities.reduce((a, b) => a + b, 0), 1);
  for (const p of s.probabilities) assert.is(p * 65536, Math.round(p * 65536));
  assert.ok(Math.abs(s.probabilities[0] - 0.7) < 2 ** -16);
  assert.is(s.keyBasisProbability * 32768, Math.round(s.keyBasisProbability * 32768));
});

test('bad sources are refused with the field named', () => {
  assert.throws(() => checkDecoySource({ ...source, intensities: [0.1, 0.5, 0] }), /"source\.intensities" expected μ1 > μ2 \+ μ3/);
  assert.throws(() => checkDecoySource({ ...source, intensities: [0.5, 0.1, 0.1] }), /μ2 > μ3/);
  assert.throws(() => checkDecoySource({ ...source, probabilities: [0.7, 0.2, 0.2] }), /"source\.probabilities" expected to sum to 1/);
  assert.throws(() => checkDecoySource({ ...source, keyBasisProbability: 1 }), /"source\.keyBasisProbability"/);
  assert.throws(() => checkDecoySource({ ...source, extra: 1 }), /"source\.extra" is not a known option/);
  assert.throws(() => prepareDecoyTrain(new SimEntropy(1, 'a'), 0, source), /"count"/);
});

test('classes, bases and bits follow the configured probabilities within 4σ', () => {
  const n = 200_000;
  const t = prepareDecoyTrain(new SimEntropy(2, 'alice'), n, source);
  const s = checkDecoySource(source);
  const within = (count: number, p: number, what: string) =>
    assert.ok(Math.abs(count / n - p) < 4 * Math.sqrt(p * (1 - p) / n), `${what}: ${count / n} vs ${p}`);
  for (const c of [0, 1, 2]) within(t.intensities.filter((x) => x === c).length, s.probabilities[c]!, `class ${c}`);
  within(t.bases.filter((b) => b === KEY_BASIS).length, s.keyBasisProbability, 'key basis');
  within(t.bits.reduce((a, b) => a + b, 0), 0.5, 'ones');
});

const honest: SimPhotonicsConfig = { lossDb: 5, detectorEfficiency: 0.5, darkCountProbability: 1e-6, misalignment: 0.01, meanPhotonNumbers: [0.5, 0.1, 0] };

function matchedErrorRate(config: SimPhotonicsConfig, seed: number) {
  const t = prepareDecoyTrain(new SimEntropy(seed, 'alice'), 300_000, source);
  const p = createSimPhotonics(config, seed);
  p.tx.emit(t);
  const d = p.rx.collect();
  const perClass = [0, 1, 2].map(() => ({ detections: 0, matched: 0, errors: 0 }));
  d.slots.forEach((slot, i) => {
    const c = perClass[t.intensities[slot]!]!;
    c.detections++;
    if (d.bases[i] === t.bases[slot]) {
      c.matched++;
      if (d.bits[i] !== t.bits[slot]) c.errors++;
    }
  });
  const gain = (cls: number) => perClass[cls]!.detections / t.intensities.filter((x) => x === cls).length;
  const all = perClass.reduce((a, c) => ({ matched: a.matched + c.matched, errors: a.errors + c.errors }), { matched: 0, errors: 0 });
  return { qber: all.errors / all.matched, gain, stats: p.stats };
}

test('full intercept-resend drives the matched-basis error rate to about 25 %', () => {
  const r = matchedErrorRate({ ...honest, attack: { kind: 'intercept-resend', fraction: 1 } }, 3);
  assert.ok(Math.abs(r.qber - 0.25) < 0.02, `QBER ${r.qber}`);
  assert.ok(r.stats.eveInterventions > 0);
});

test('photon-number splitting keeps the error rate and the signal gain honest but starves the decoy class', () => {
  const before = matchedErrorRate(honest, 4);
  const after = matchedErrorRate({ ...honest, attack: { kind: 'photon-number-splitting' } }, 4);
  assert.ok(after.qber < 0.03, `QBER under PNS ${after.qber}`);
  assert.ok(Math.abs(after.gain(0) / before.gain(0) - 1) < 0.05, `signal gain ratio ${after.gain(0) / before.gain(0)}`);
  assert.ok(after.gain(1) / before.gain(1) < 0.7, `decoy gain ratio ${after.gain(1) / before.gain(1)}`);
});

test('dead time removes clicks that follow a click too closely', () => {
  const t = prepareDecoyTrain(new SimEntropy(5, 'alice'), 50_000, source);
  const p = createSimPhotonics({ ...honest, lossDb: 0, deadTimeSlots: 3 }, 5);
  p.tx.emit(t);
  const d = p.rx.collect();
  for (let i = 1; i < d.slots.length; i++) assert.ok(d.slots[i]! - d.slots[i - 1]! > 3, 'two clicks within the dead time');
  assert.ok(p.stats.deadTimeLosses > 0);
});

test.run();
