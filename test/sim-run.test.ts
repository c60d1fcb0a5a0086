/** Channel physics known answers, the satellite pass geometry, and reproducibility of whole runs. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { PhysicsRandom } from '../hal/sim/prng.ts';
import { channelObservables } from '../src/qkd/keyrate.ts';
import { classYields, pnsPolicy } from '../sim/channel/counts.ts';
import { FadingProcess } from '../sim/channel/fading.ts';
import { fiberLossDb } from '../sim/channel/fiber.ts';
import { airMass, atmosphericLossDb, geometricLossDb } from '../sim/channel/free-space.ts';
import { sunElevationDeg } from '../sim/channel/geometry.ts';
import { positionAt } from '../sim/channel/trajectory.ts';
import { runScenario } from '../sim/run.ts';
import { checkScenario, loadScenario } from '../sim/scenario.ts';

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('link budget known answers: fiber, geometric spreading, air mass, extinction', () => {
  close(fiberLossDb({ kind: 'fiber', lengthKm: 50, attenuationDbPerKm: 0.2, extraLossDb: 1.5 }), 11.5, 1e-12, 'fiber');
  // 10 µrad from 0.3 m over 1000 km: a 10.3 m spot, 1 m aperture collects (1/10.3)²
  close(geometricLossDb(1000, 0.3, 1, 10), -10 * Math.log10((1 / 10.3) ** 2), 1e-9, 'geometric');
  close(geometricLossDb(0.001, 0.1, 0.3, 10), 0, 0, 'aperture larger than the spot');
  close(airMass(90), 1, 1e-3, 'air mass at zenith');
  close(airMass(30), 2, 0.01, 'air mass at 30°');
  assert.ok(airMass(0) > 35 && airMass(0) < 40, `horizon ${airMass(0)}`);
  close(atmosphericLossDb(3, 90, 0, 500, 500), 3, 1e-3, 'zenith, from sea level');
  close(atmosphericLossDb(3, 90, 8.4, 500, 500), 3 / Math.E, 1e-3, 'one scale height up');
  close(atmosphericLossDb(3, 0, 1, 1, 10), (3 / 8.4) * 10 * Math.exp(-1 / 8.4), 1e-9, 'horizontal at 1 km');
  close(atmosphericLossDb(0, 10, 0, 500, 2000), 0, 0, 'space-only link');
});

test('the per-step channel is the keyrate.ts channel (Lo–Ma–Chen), class by class', () => {
  const rx = { detectorEfficiency: 0.045, darkCountProbability: 8.5e-7, misalignment: 0.033, reconciliationEfficiency: 1.22 };
  const source = { repetitionRateHz: 1e8, intensities: [0.48, 0.1, 0.0002] as [number, number, number], probabilities: [0.5, 0.25, 0.25] as [number, number, number], keyBasisProbability: 0.5 };
  const y = classYields(0.21 * 40, 1.7e-6, source, rx);
  for (let k = 0; k < 3; k++) {
    const o = channelObservables(source.intensities[k]!, 40, { darkYield: 1.7e-6 });
    close(y.gain[k]!, o.gain, 1e-15, `gain ${k}`);
    close(y.errors[k]! / y.gain[k]!, o.qber, 1e-12, `QBER ${k}`);
  }
  // full intercept-resend: QBER = e_d/2 + 1/4 on the signal part
  const ir = classYields(5, 0, source, rx, { interceptFraction: 1, pns: false, jamYield: 0 });
  close(ir.errors[0]! / ir.gain[0]!, 0.25 + 0.033 / 2, 1e-12, 'intercept-resend');
  // PNS: the signal gain is the honest one whenever Eve can match it
  const honest = classYields(20, 0, source, rx);
  const pns = classYields(20, 0, source, rx, { interceptFraction: 0, pns: true, jamYield: 0 });
  close(pns.gain[0]!, honest.gain[0]!, 1e-12, 'PNS signal gain');
  assert.ok(pns.gain[1]! < 0.7 * honest.gain[1]!, 'the decoy gain drops');
  assert.is(pnsPolicy(0.48, 1e-3, 0.045).blockSingles, 1);
});

test('fading is mean-one scintillation times pointing loss; property: never NaN, seeded', () => {
  fc.assert(fc.property(fc.double({ min: 0, max: 2, noNaN: true }), fc.double({ min: 0, max: 20, noNaN: true }), fc.integer({ min: 0, max: 1000 }), (si, jitter, seed) => {
    const a = new FadingProcess(new PhysicsRandom(seed, 'f'), si, jitter, 10, 2, 1);
    const b = new FadingProcess(new PhysicsRandom(seed, 'f'), si, jitter, 10, 2, 1);
    for (let i = 0; i < 20; i++) {
      const x = a.nextLossDb();
      assert.ok(Number.isFinite(x));
      assert.is(x, b.nextLossDb());
    }
  }), { numRuns: 50 });
  const f = new FadingProcess(new PhysicsRandom(1, 'mean'), 0.3, 0, 10, 0, 1);
  let sum = 0;
  for (let i = 0; i < 20000; i++) sum += 10 ** (-f.nextLossDb() / 10);
  close(sum / 20000, 1, 0.02, 'mean scintillation transmittance');
});

test('geometry: the Sun at noon and midnight, waypoints', () => {
  assert.ok(sunElevationDeg(Date.parse('2026-06-21T12:00:00Z'), 51.48, 0) > 55, 'Greenwich, June noon');
  assert.ok(sunElevationDeg(Date.parse('2026-06-21T00:00:00Z'), 51.48, 0) < -10, 'Greenwich, June midnight');
  assert.ok(sunElevationDeg(Date.parse('2026-11-23T04:00:00Z'), 40.4, 117.6) > 20, 'Xinglong, local noon');
  const w = [{ tS: 0, eastM: 0, northM: 0, upM: 100 }, { tS: 10, eastM: 100, northM: 0, upM: 200 }];
  assert.equal(positionAt(w, 5), [50, 0, 150]);
  assert.equal(positionAt(w, 15), [100, 0, 200]);
  assert.equal(positionAt(w, 15, true), [50, 0, 150]);
});

test('sat-ground-pass: passes with elevation inside [15°, 90°], the slant range a LEO has, key per pass', () => {
  const r = runScenario(loadScenario('sat-ground-pass'), { seed: 1, calibrate: false });
  const l = r.links[0]!;
  assert.ok(l.passes.length >= 1);
  for (const p of l.passes) {
    assert.ok(p.maxElevationDeg >= 15 && p.maxElevationDeg <= 90, `${p.maxElevationDeg}`);
    assert.ok(p.minRangeKm > 450 && p.minRangeKm < 1600, `${p.minRangeKm}`);
    assert.ok(p.endS - p.startS > 60 && p.endS - p.startS < 600);
  }
  assert.is(l.passes.reduce((a, p) => a + p.keyBits, 0), l.kpis.secureBits);
  const inPass = l.timeline!.filter((t) => t.contact);
  assert.ok(inPass.every((t) => t.elevationDeg >= 15 && t.lossDb > 20 && t.lossDb < 50));
});

test('reproducible: the same seed gives the same numbers, another seed other numbers; results carry seed and hash', () => {
  const loaded = loadScenario('uav-swarm-attack');
  const strip = (r: ReturnType<typeof runScenario>) => JSON.stringify({ ...r, elapsedMs: undefined });
  const a = runScenario(loaded, { seed: 42, calibrate: false });
  const b = runScenario(loadScenario('uav-swarm-attack'), { seed: 42, calibrate: false });
  const c = runScenario(loaded, { seed: 43, calibrate: false });
  assert.is(strip(a), strip(b));
  assert.is.not(strip(a), strip(c));
  assert.is(a.seed, 42);
  assert.is(a.scenarioHash, loaded.hash);
  // the hash covers the scenario: change one number, change the hash
  const edited = checkScenario({ ...loaded.scenario, durationS: 1199 }, loaded.file);
  assert.is.not(edited.hash, loaded.hash);
});

test.run();
