/** Scenarios: every shipped one loads; bad input fails before running, naming the file and the field. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTle, tleChecksum, TleError } from '../sim/channel/tle.ts';
import { checkScenario, listScenarios, loadScenario, SCENARIO_DIR, ScenarioError, ScenarioReject } from '../sim/scenario.ts';

const REQUIRED = ['lab-fiber', 'uav-ground', 'sat-ground-pass', 'sat-sat', 'relay-chain', 'uav-swarm'];

test('the six scenarios ship with and without attacks, plus the network one, and all load', () => {
  const names = listScenarios();
  for (const n of REQUIRED) {
    assert.ok(names.includes(n), `${n} missing`);
    assert.ok(names.includes(`${n}-attack`), `${n}-attack missing`);
    assert.ok(!loadScenario(n).scenario.attacks?.length, `${n} has attacks`);
    assert.ok(loadScenario(`${n}-attack`).scenario.attacks!.length > 0);
  }
  for (const n of names) assert.match(loadScenario(n).hash, /^[0-9a-f]{64}$/);
});

test('TLE checksums: the ISS example and our data files check out', () => {
  assert.is(tleChecksum('1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927'), 7);
  assert.is(tleChecksum('2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537'), 7);
  for (const f of ['micius.tle', 'leo-pair.tle', 'constellation-12.tle'])
    assert.ok(parseTle(readFileSync(join(SCENARIO_DIR, '../data', f), 'utf8'), f).length >= 1);
  assert.is(parseTle(readFileSync(join(SCENARIO_DIR, '../data/constellation-12.tle'), 'utf8'), 'c').length, 12);
});

const base = () => JSON.parse(readFileSync(join(SCENARIO_DIR, 'sat-ground-pass.json'), 'utf8'));
const file = join(SCENARIO_DIR, 'probe.json'); // relative paths resolve from sim/scenarios

function refused(mutate: (s: any) => void, reason: ScenarioReject, field: RegExp | string, message?: RegExp) {
  const s = base();
  mutate(s);
  try {
    checkScenario(s, file);
  } catch (e) {
    assert.ok(e instanceof ScenarioError, String(e));
    const err = e as ScenarioError;
    assert.is(err.reason, reason, err.message);
    if (typeof field === 'string') assert.is(err.field, field, err.message);
    else assert.match(err.field, field);
    assert.ok(err.message.startsWith(file), `message names the file: ${err.message}`);
    if (message) assert.match(err.message, message);
    return;
  }
  assert.unreachable('accepted');
}

test('bad input table: unknown fields, impossible physics, bad references', () => {
  refused((s) => { s.colour = 'blue'; }, ScenarioReject.UNKNOWN_FIELD, 'colour');
  refused((s) => { s.links[0].channel.wavelenght = 850; }, ScenarioReject.UNKNOWN_FIELD, 'links[0].channel.wavelenght');
  refused((s) => { s.links[0].channel.opticsLossDb = -3; }, ScenarioReject.OUT_OF_RANGE, 'links[0].channel.opticsLossDb');
  refused((s) => { s.links[0] = { ...s.links[0], channel: { kind: 'fiber', lengthKm: 10, attenuationDbPerKm: -0.2 } }; }, ScenarioReject.OUT_OF_RANGE, 'links[0].channel.attenuationDbPerKm');
  refused((s) => { s.links[0].minElevationDeg = 95; }, ScenarioReject.OUT_OF_RANGE, 'links[0].minElevationDeg');
  refused((s) => { s.links[0].minElevationDeg = -5; }, ScenarioReject.OUT_OF_RANGE, 'links[0].minElevationDeg');
  refused((s) => { s.nodes[1] = { id: 'gs', kind: 'ground', latDeg: 91, lonDeg: 0 }; }, ScenarioReject.OUT_OF_RANGE, 'nodes[1].latDeg');
  refused((s) => { s.receiver.detectorEfficiency = 1.5; }, ScenarioReject.OUT_OF_RANGE, 'receiver.detectorEfficiency');
  refused((s) => { s.source.intensities = [0.1, 0.5, 0]; }, ScenarioReject.OUT_OF_RANGE, 'source.intensities');
  refused((s) => { s.durationS = 'long'; }, ScenarioReject.BAD_TYPE, 'durationS');
  refused((s) => { s.attacks = [{ kind: 'quantum-hacking' }]; }, ScenarioReject.OUT_OF_RANGE, 'attacks[0].kind');
  // a relay hop message carries 16..64 whole bytes of key
  refused((s) => { s.relays = [{ id: 'r', path: ['micius', 'xinglong', 'micius'], demand: { keyBits: 100, everyS: 10 } }]; }, ScenarioReject.OUT_OF_RANGE, 'relays[0].demand.keyBits');
  refused((s) => { s.receiver.reconciliationEfficiency = 0.9; }, ScenarioReject.OUT_OF_RANGE, 'receiver.reconciliationEfficiency');
  refused((s) => { s.nodes[1].station = 'atlantis'; }, ScenarioReject.BAD_REFERENCE, 'nodes[1]', /atlantis/);
  refused((s) => { s.nodes[0].name = 'NOPE'; }, ScenarioReject.BAD_REFERENCE, 'nodes[0].name');
});

test('missing files and corrupted TLEs fail before running, naming field and file', () => {
  refused((s) => { s.nodes[0].tle = '../data/nowhere.tle'; }, ScenarioReject.MISSING_FILE, 'nodes[0].tle', /nowhere\.tle/);
  const dir = mkdtempSync(join(tmpdir(), 'lv-tle-'));
  const good = readFileSync(join(SCENARIO_DIR, '../data/micius.tle'), 'utf8').split('\n');
  const l2 = good[2]!;
  good[2] = l2.slice(0, 68) + String((Number(l2[68]) + 1) % 10); // wrong checksum digit
  writeFileSync(join(dir, 'bad.tle'), good.join('\n'));
  refused((s) => { s.nodes[0].tle = join(dir, 'bad.tle'); }, ScenarioReject.BAD_TLE, 'nodes[0].tle', /bad\.tle:3: TLE line 2 has a bad checksum/);
  assert.throws(() => parseTle('1 25544U\n', 'x.tle'), (e: unknown) => e instanceof TleError && /69 columns/.test((e as Error).message));
  assert.throws(() => loadScenario(join(dir, 'absent.json')), (e: unknown) => e instanceof ScenarioError && e.reason === ScenarioReject.UNREADABLE);
  writeFileSync(join(dir, 'broken.json'), '{ "name": ');
  assert.throws(() => loadScenario(join(dir, 'broken.json')), (e: unknown) => e instanceof ScenarioError && e.reason === ScenarioReject.NOT_JSON);
});

test.run();
