/**
 * Scenarios: JSON files (sim/scenarios/*.json) describing nodes, links with their channel
 * models, attacks, weather, key demand, relays and a power model. Everything is checked before
 * anything runs: unknown fields, impossible physics (negative loss, elevations outside [0°, 90°],
 * probabilities above 1), references to nodes or stations that do not exist, missing files and
 * TLEs with bad checksums each fail with a ScenarioError naming the file and the field.
 *
 * Paths inside a scenario (TLE files, the ground-station list) are relative to the scenario file.
 * `scenarioHash` covers the scenario text and every file it reads, so results name exactly what
 * produced them.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkInteger, checkNumber, checkObject } from '../src/_check.ts';
import { enumNames } from '../src/_enum.ts';
import { bytesToHex, concatBytes } from '../src/bytes.ts';
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
import { CLASSICAL_ATTACKS, QUANTUM_ATTACKS, RELAY_ATTACKS, type AttackSpec, type Countermeasures } from './attacks/quantum.ts';
import type { ReceiverSpec, SourceSpec } from './channel/counts.ts';
import type { FiberChannel } from './channel/fiber.ts';
import type { FreeSpaceChannel } from './channel/free-space.ts';
import { parseTle, TleError, type TleEntry } from './channel/tle.ts';
import type { Waypoint } from './channel/trajectory.ts';
import type { WeatherSpec } from './channel/weather.ts';

export const SCENARIO_DIR = join(dirname(fileURLToPath(import.meta.url)), 'scenarios');

/** Why a scenario was refused. Stable codes. */
export const ScenarioReject = {
  UNREADABLE: 1,
  NOT_JSON: 2,
  UNKNOWN_FIELD: 3,
  BAD_TYPE: 4,
  /** Out of range: impossible physics or a bad setting. */
  OUT_OF_RANGE: 5,
  MISSING_FILE: 6,
  BAD_TLE: 7,
  BAD_REFERENCE: 8,
} as const;
export type ScenarioReject = (typeof ScenarioReject)[keyof typeof ScenarioReject];
export const SCENARIO_REJECT_NAMES = enumNames(ScenarioReject);

export class ScenarioError extends Error {
  constructor(readonly reason: ScenarioReject, readonly file: string, readonly field: string, detail: string) {
    super(`${file}: ${field ? `"${field}" ` : ''}${detail}`);
    this.name = 'ScenarioError';
  }
}

export type ChannelSpec = FiberChannel | FreeSpaceChannel;

export type NodeSpec =
  | { readonly id: string; readonly kind: 'ground'; readonly group?: string; readonly station?: string; readonly latDeg?: number; readonly lonDeg?: number; readonly altM?: number; readonly eastM?: number; readonly northM?: number; readonly upM?: number }
  | { readonly id: string; readonly kind: 'ground-stations'; readonly group?: string; readonly stations: readonly string[] | 'all' }
  | { readonly id: string; readonly kind: 'satellite'; readonly group?: string; readonly tle: string; readonly name?: string }
  | { readonly id: string; readonly kind: 'satellites'; readonly group?: string; readonly tle: string }
  | { readonly id: string; readonly kind: 'uav'; readonly group?: string; readonly waypoints: readonly Waypoint[]; readonly loop?: boolean }
  | { readonly id: string; readonly kind: 'lab'; readonly group?: string };

export interface DemandSpec {
  /** A key request of this many bits … */
  readonly keyBits: number;
  /** … every this many seconds. */
  readonly everyS: number;
}

export interface LinkSpec {
  readonly id?: string;
  /** Node ids, or "group:<name>" for every node of a group (all pairs). */
  readonly a: string;
  readonly b: string;
  readonly channel: ChannelSpec;
  /** Contact only above this elevation at the ground end (default 10°). */
  readonly minElevationDeg?: number;
  readonly demand?: DemandSpec;
  /** Key store capacity per link, bits. */
  readonly keyStoreBits?: number;
  /** Contact only while the ground end's Sun is below −12° (free-space links that cannot work by day). */
  readonly nightOnly?: boolean;
}

export interface PowerComponent {
  readonly name: string;
  readonly watts: number;
  /** Drawn all the time, or only while the link is in contact. */
  readonly when: 'always' | 'contact';
}

export interface RelaySpec {
  readonly id: string;
  /**
   * Node ids end to end; consecutive nodes must share a link (trusted-node K1⊕K2 hops). The run
   * routes each request with src/relay/routes.ts between the two ends over the links that can pay
   * a hop at that moment; this path is the planned route (checked before the run).
   */
  readonly path: readonly string[];
  readonly demand: DemandSpec;
}

export interface SecuritySpec {
  readonly epsSec: number;
  readonly epsCor: number;
  /** Pulses per finite-key block; a block also closes when contact ends. */
  readonly blockPulses: number;
}

export interface CalibrationSpec {
  /** Pulses of the real-engine block at the link's median contact loss (or `atLossDb`). */
  readonly pulses: number;
  readonly atLossDb?: number;
  /** Which link (default the first). */
  readonly link?: string;
}

export interface Scenario {
  readonly name: string;
  readonly description?: string;
  /** ISO-8601 UTC start. */
  readonly start: string;
  readonly durationS: number;
  readonly stepS: number;
  /** Origin of local east/north/up positions (UAVs, local ground nodes). */
  readonly site?: { readonly latDeg: number; readonly lonDeg: number; readonly altM: number };
  /** Ground-station list (default ../data/ground-stations.json). */
  readonly stations?: string;
  readonly source: SourceSpec;
  readonly receiver: ReceiverSpec;
  readonly security: SecuritySpec;
  readonly policy?: { readonly sustainS?: number; readonly recoverS?: number };
  readonly nodes: readonly NodeSpec[];
  readonly links: readonly LinkSpec[];
  readonly relays?: readonly RelaySpec[];
  readonly attacks?: readonly AttackSpec[];
  readonly countermeasures?: Countermeasures;
  readonly weather?: WeatherSpec;
  readonly power?: { readonly components: readonly PowerComponent[] };
  readonly calibration?: CalibrationSpec;
}

export interface Station {
  readonly id: string;
  readonly name: string;
  readonly latDeg: number;
  readonly lonDeg: number;
  readonly altM: number;
  readonly apertureM: number;
}

/** A checked scenario with its files read. */
export interface LoadedScenario {
  readonly file: string;
  readonly scenario: Scenario;
  readonly tles: ReadonlyMap<string, readonly TleEntry[]>;
  readonly stations: ReadonlyMap<string, Station>;
  /** SHA-256 over the scenario text and every file it read. */
  readonly hash: string;
}

// ── field checks ─────────────────────────────────────────────────────────────────────────────

const TOP = ['name', 'description', 'start', 'durationS', 'stepS', 'site', 'stations', 'source', 'receiver', 'security', 'policy', 'nodes', 'links',
  'relays', 'attacks', 'countermeasures', 'weather', 'power', 'calibration'];

function str(field: string, v: unknown): string {
  if (typeof v !== 'string' || v === '') throw new TypeError(`"${field}" expected a non-empty string, got ${typeof v}`);
  return v;
}

function arr(field: string, v: unknown, min = 0): unknown[] {
  if (!Array.isArray(v)) throw new TypeError(`"${field}" expected an array, got ${v === null ? 'null' : typeof v}`);
  if (v.length < min) throw new RangeError(`"${field}" expected at least ${min} entries, got ${v.length}`);
  return v;
}

function triple(field: string, v: unknown, min: number, max: number): [number, number, number] {
  const a = arr(field, v);
  if (a.length !== 3) throw new RangeError(`"${field}" expected 3 numbers, got ${a.length}`);
  return a.map((x, i) => checkNumber(`${field}[${i}]`, x, min, max)) as [number, number, number];
}

function oneOf<T extends string>(field: string, v: unknown, options: readonly T[]): T {
  if (!options.includes(v as T)) throw new RangeError(`"${field}" expected one of ${options.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

function checkSource(f: string, v: unknown): void {
  const s = checkObject(f, v, ['repetitionRateHz', 'intensities', 'probabilities', 'keyBasisProbability']);
  checkNumber(`${f}.repetitionRateHz`, s.repetitionRateHz, 1, 1e11);
  const mu = triple(`${f}.intensities`, s.intensities, 0, 10);
  if (!(mu[0] > mu[1] + mu[2] && mu[1] > mu[2])) throw new RangeError(`"${f}.intensities" expected μ1 > μ2 + μ3 and μ2 > μ3 ≥ 0, got [${mu.join(', ')}]`);
  const p = triple(`${f}.probabilities`, s.probabilities, 0, 1);
  if (Math.abs(p[0] + p[1] + p[2] - 1) > 1e-9) throw new RangeError(`"${f}.probabilities" expected a sum of 1, got ${p[0] + p[1] + p[2]}`);
  const q = checkNumber(`${f}.keyBasisProbability`, s.keyBasisProbability, 0, 1);
  if (q <= 0 || q >= 1) throw new RangeError(`"${f}.keyBasisProbability" expected a number in (0, 1), got ${q}`);
}

function checkReceiver(f: string, v: unknown): void {
  const r = checkObject(f, v, ['detectorEfficiency', 'darkCountProbability', 'misalignment', 'reconciliationEfficiency']);
  const eta = checkNumber(`${f}.detectorEfficiency`, r.detectorEfficiency, 0, 1);
  if (eta <= 0) throw new RangeError(`"${f}.detectorEfficiency" expected a number in (0, 1], got ${eta}`);
  checkNumber(`${f}.darkCountProbability`, r.darkCountProbability, 0, 0.5);
  checkNumber(`${f}.misalignment`, r.misalignment, 0, 0.5);
  // Absent: the engine's own LDPC reconciler is modelled (sim/channel/block-key.ts); a number is a
  // what-if for another reconciler, λ_EC = f·n_X·h(E).
  if (r.reconciliationEfficiency !== undefined) checkNumber(`${f}.reconciliationEfficiency`, r.reconciliationEfficiency, 1, 10);
}

function checkChannel(f: string, v: unknown): void {
  const kind = oneOf(`${f}.kind`, (v as { kind?: unknown } | null)?.kind, ['fiber', 'free-space']);
  if (kind === 'fiber') {
    const c = checkObject(f, v, ['kind', 'lengthKm', 'attenuationDbPerKm', 'extraLossDb']);
    checkNumber(`${f}.lengthKm`, c.lengthKm, 0, 100_000);
    checkNumber(`${f}.attenuationDbPerKm`, c.attenuationDbPerKm, 0, 100);
    if (c.extraLossDb !== undefined) checkNumber(`${f}.extraLossDb`, c.extraLossDb, 0, 1000);
    return;
  }
  const c = checkObject(f, v, ['kind', 'txApertureM', 'rxApertureM', 'divergenceUrad', 'opticsLossDb', 'zenithExtinctionDb', 'pointingJitterUrad',
    'scintillationIndex', 'correlationTimeS', 'backgroundDayYield', 'backgroundNightYield', 'maxRangeKm']);
  const pos = (name: string, max: number) => {
    const x = checkNumber(`${f}.${name}`, c[name], 0, max);
    if (x <= 0) throw new RangeError(`"${f}.${name}" expected a number in (0, ${max}], got ${x}`);
  };
  pos('txApertureM', 100);
  if (c.rxApertureM !== undefined) pos('rxApertureM', 100);
  pos('divergenceUrad', 1e6);
  checkNumber(`${f}.opticsLossDb`, c.opticsLossDb, 0, 1000);
  checkNumber(`${f}.zenithExtinctionDb`, c.zenithExtinctionDb, 0, 100);
  checkNumber(`${f}.pointingJitterUrad`, c.pointingJitterUrad, 0, 1e6);
  checkNumber(`${f}.scintillationIndex`, c.scintillationIndex, 0, 10);
  checkNumber(`${f}.correlationTimeS`, c.correlationTimeS, 0, 1e6);
  checkNumber(`${f}.backgroundDayYield`, c.backgroundDayYield, 0, 0.5);
  checkNumber(`${f}.backgroundNightYield`, c.backgroundNightYield, 0, 0.5);
  if (c.maxRangeKm !== undefined) pos('maxRangeKm', 1e6);
}

function checkDemand(f: string, v: unknown): void {
  const d = checkObject(f, v, ['keyBits', 'everyS']);
  checkInteger(`${f}.keyBits`, d.keyBits, 1, 1 << 20);
  const e = checkNumber(`${f}.everyS`, d.everyS, 0, 1e9);
  if (e <= 0) throw new RangeError(`"${f}.everyS" expected a number in (0, 1e9], got ${e}`);
}

function checkNode(f: string, v: unknown): void {
  const kind = oneOf(`${f}.kind`, (v as { kind?: unknown } | null)?.kind, ['ground', 'ground-stations', 'satellite', 'satellites', 'uav', 'lab']);
  const base = ['id', 'kind', 'group'];
  const allowed: Record<string, string[]> = {
    ground: ['station', 'latDeg', 'lonDeg', 'altM', 'eastM', 'northM', 'upM'], 'ground-stations': ['stations'], satellite: ['tle', 'name'],
    satellites: ['tle'], uav: ['waypoints', 'loop'], lab: [],
  };
  const n = checkObject(f, v, [...base, ...allowed[kind]!]);
  str(`${f}.id`, n.id);
  if (n.group !== undefined) str(`${f}.group`, n.group);
  if (kind === 'ground') {
    if (n.station !== undefined) str(`${f}.station`, n.station);
    if (n.latDeg !== undefined) checkNumber(`${f}.latDeg`, n.latDeg, -90, 90);
    if (n.lonDeg !== undefined) checkNumber(`${f}.lonDeg`, n.lonDeg, -180, 180);
    if (n.altM !== undefined) checkNumber(`${f}.altM`, n.altM, -500, 9000);
    for (const k of ['eastM', 'northM']) if (n[k] !== undefined) checkNumber(`${f}.${k}`, n[k], -1e6, 1e6);
    if (n.upM !== undefined) checkNumber(`${f}.upM`, n.upM, -500, 9000);
    const local = n.eastM !== undefined || n.northM !== undefined;
    const geo = n.latDeg !== undefined || n.lonDeg !== undefined;
    if ([n.station !== undefined, local, geo].filter(Boolean).length !== 1)
      throw new RangeError(`"${f}" expected exactly one of station, latDeg/lonDeg/altM or eastM/northM/upM`);
    if (geo && (n.latDeg === undefined || n.lonDeg === undefined)) throw new RangeError(`"${f}" expected both latDeg and lonDeg`);
  } else if (kind === 'ground-stations') {
    if (n.stations !== 'all') arr(`${f}.stations`, n.stations, 1).forEach((s, i) => str(`${f}.stations[${i}]`, s));
  } else if (kind === 'satellite' || kind === 'satellites') {
    str(`${f}.tle`, n.tle);
    if (n.name !== undefined) str(`${f}.name`, n.name);
  } else if (kind === 'uav') {
    const w = arr(`${f}.waypoints`, n.waypoints, 1);
    let last = -Infinity;
    w.forEach((p, i) => {
      const q = checkObject(`${f}.waypoints[${i}]`, p, ['tS', 'eastM', 'northM', 'upM']);
      const t = checkNumber(`${f}.waypoints[${i}].tS`, q.tS, 0);
      if (t <= last) throw new RangeError(`"${f}.waypoints[${i}].tS" expected times increasing, got ${t} after ${last}`);
      last = t;
      checkNumber(`${f}.waypoints[${i}].eastM`, q.eastM, -1e6, 1e6);
      checkNumber(`${f}.waypoints[${i}].northM`, q.northM, -1e6, 1e6);
      checkNumber(`${f}.waypoints[${i}].upM`, q.upM, 0, 30_000);
    });
    if (n.loop !== undefined && typeof n.loop !== 'boolean') throw new TypeError(`"${f}.loop" expected a boolean`);
  }
}

function checkAttack(f: string, v: unknown, durationS: number): void {
  const a = checkObject(f, v, ['kind', 'link', 'startS', 'endS', 'fraction', 'jamYield']);
  oneOf(`${f}.kind`, a.kind, [...QUANTUM_ATTACKS, ...CLASSICAL_ATTACKS, ...RELAY_ATTACKS]);
  if (a.link !== undefined) str(`${f}.link`, a.link);
  const s = a.startS === undefined ? 0 : checkNumber(`${f}.startS`, a.startS, 0, durationS);
  if (a.endS !== undefined) checkNumber(`${f}.endS`, a.endS, s, Infinity);
  if (a.fraction !== undefined) checkNumber(`${f}.fraction`, a.fraction, 0, 1);
  if (a.jamYield !== undefined) checkNumber(`${f}.jamYield`, a.jamYield, 0, 1);
}

/** Checks the shape and ranges of a parsed scenario; throws TypeError/RangeError naming the field. */
function checkScenarioShape(v: unknown): Scenario {
  const s = checkObject('scenario', v, TOP);
  str('name', s.name);
  if (s.description !== undefined) str('description', s.description);
  const start = Date.parse(str('start', s.start));
  if (!Number.isFinite(start)) throw new RangeError(`"start" expected an ISO-8601 time, got ${JSON.stringify(s.start)}`);
  const durationS = checkNumber('durationS', s.durationS, 1, 30 * 86400);
  const stepS = checkNumber('stepS', s.stepS, 0.001, 3600);
  if (stepS > durationS) throw new RangeError(`"stepS" expected at most durationS = ${durationS}, got ${stepS}`);
  if (s.site !== undefined) {
    const site = checkObject('site', s.site, ['latDeg', 'lonDeg', 'altM']);
    checkNumber('site.latDeg', site.latDeg, -90, 90);
    checkNumber('site.lonDeg', site.lonDeg, -180, 180);
    checkNumber('site.altM', site.altM, -500, 9000);
  }
  if (s.stations !== undefined) str('stations', s.stations);
  checkSource('source', s.source);
  checkReceiver('receiver', s.receiver);
  const sec = checkObject('security', s.security, ['epsSec', 'epsCor', 'blockPulses']);
  for (const k of ['epsSec', 'epsCor']) {
    const e = checkNumber(`security.${k}`, sec[k], 0, 1);
    if (e <= 0 || e >= 1) throw new RangeError(`"security.${k}" expected a number in (0, 1), got ${e}`);
  }
  checkNumber('security.blockPulses', sec.blockPulses, 1e3, 1e15);
  if (s.policy !== undefined) {
    const p = checkObject('policy', s.policy, ['sustainS', 'recoverS']);
    if (p.sustainS !== undefined) checkNumber('policy.sustainS', p.sustainS, 0, 86400);
    if (p.recoverS !== undefined) checkNumber('policy.recoverS', p.recoverS, 0, 86400);
  }
  arr('nodes', s.nodes, 1).forEach((n, i) => checkNode(`nodes[${i}]`, n));
  arr('links', s.links, 1).forEach((l, i) => {
    const f = `links[${i}]`;
    const k = checkObject(f, l, ['id', 'a', 'b', 'channel', 'minElevationDeg', 'demand', 'keyStoreBits', 'nightOnly']);
    if (k.id !== undefined) str(`${f}.id`, k.id);
    str(`${f}.a`, k.a);
    str(`${f}.b`, k.b);
    checkChannel(`${f}.channel`, k.channel);
    if (k.minElevationDeg !== undefined) checkNumber(`${f}.minElevationDeg`, k.minElevationDeg, 0, 90);
    if (k.demand !== undefined) checkDemand(`${f}.demand`, k.demand);
    if (k.keyStoreBits !== undefined) checkInteger(`${f}.keyStoreBits`, k.keyStoreBits, 1);
    if (k.nightOnly !== undefined && typeof k.nightOnly !== 'boolean') throw new TypeError(`"${f}.nightOnly" expected a boolean`);
  });
  if (s.relays !== undefined) arr('relays', s.relays).forEach((r, i) => {
    const f = `relays[${i}]`;
    const k = checkObject(f, r, ['id', 'path', 'demand']);
    str(`${f}.id`, k.id);
    arr(`${f}.path`, k.path, 3).forEach((p, j) => str(`${f}.path[${j}]`, p));
    checkDemand(`${f}.demand`, k.demand);
    // A relay hop carries 16..64 key bytes (src/relay/hop.ts).
    const bits = (k.demand as { keyBits: number }).keyBits;
    if (bits % 8 !== 0 || bits < 128 || bits > 512) throw new RangeError(`"${f}.demand.keyBits" expected a multiple of 8 in [128, 512] (a relay hop carries 16 to 64 bytes), got ${bits}`);
  });
  if (s.attacks !== undefined) arr('attacks', s.attacks).forEach((a, i) => checkAttack(`attacks[${i}]`, a, durationS));
  if (s.countermeasures !== undefined) {
    const c = checkObject('countermeasures', s.countermeasures, ['detectorMonitor', 'transmitterMonitor']);
    for (const k of ['detectorMonitor', 'transmitterMonitor']) if (c[k] !== undefined && typeof c[k] !== 'boolean') throw new TypeError(`"countermeasures.${k}" expected a boolean`);
  }
  if (s.weather !== undefined) {
    const w = checkObject('weather', s.weather, ['cloudFraction', 'meanOutageS', 'outages']);
    if (w.cloudFraction !== undefined) {
      const cf = checkNumber('weather.cloudFraction', w.cloudFraction, 0, 1);
      if (cf >= 1) throw new RangeError(`"weather.cloudFraction" expected a number in [0, 1), got ${cf}`);
    }
    if (w.meanOutageS !== undefined) checkNumber('weather.meanOutageS', w.meanOutageS, 1, 1e7);
    if (w.outages !== undefined) arr('weather.outages', w.outages).forEach((o, i) => {
      const q = checkObject(`weather.outages[${i}]`, o, ['startS', 'endS']);
      const st = checkNumber(`weather.outages[${i}].startS`, q.startS, 0);
      checkNumber(`weather.outages[${i}].endS`, q.endS, st);
    });
  }
  if (s.power !== undefined) {
    const p = checkObject('power', s.power, ['components']);
    arr('power.components', p.components, 1).forEach((c, i) => {
      const q = checkObject(`power.components[${i}]`, c, ['name', 'watts', 'when']);
      str(`power.components[${i}].name`, q.name);
      checkNumber(`power.components[${i}].watts`, q.watts, 0, 1e6);
      oneOf(`power.components[${i}].when`, q.when, ['always', 'contact']);
    });
  }
  if (s.calibration !== undefined) {
    const c = checkObject('calibration', s.calibration, ['pulses', 'atLossDb', 'link']);
    checkInteger('calibration.pulses', c.pulses, 10_000, 200_000_000);
    if (c.atLossDb !== undefined) checkNumber('calibration.atLossDb', c.atLossDb, 0, 100);
    if (c.link !== undefined) str('calibration.link', c.link);
  }
  return v as Scenario;
}

/** The field a check message names: its first quoted word. */
function fieldOf(message: string): string {
  return /^"([^"]*)"/.exec(message)?.[1] ?? '';
}

function rethrow(file: string, e: unknown): never {
  if (e instanceof ScenarioError) throw e;
  if (e instanceof TypeError || e instanceof RangeError) {
    const field = fieldOf(e.message);
    const detail = e.message.replace(/^"[^"]*"\s*/, '');
    const reason = /is not a known option/.test(e.message) ? ScenarioReject.UNKNOWN_FIELD : e instanceof TypeError ? ScenarioReject.BAD_TYPE : ScenarioReject.OUT_OF_RANGE;
    throw new ScenarioError(reason, file, field.replace(/^scenario\./, ''), detail);
  }
  throw e;
}

/** A scenario's name (sim/scenarios/<name>.json) or a path to a JSON file. */
export function resolveScenarioPath(nameOrFile: string): string {
  if (nameOrFile.endsWith('.json') || nameOrFile.includes('/')) return resolve(nameOrFile);
  return join(SCENARIO_DIR, `${nameOrFile}.json`);
}

function readFile(file: string, field: string, path: string): string {
  if (!existsSync(path)) throw new ScenarioError(ScenarioReject.MISSING_FILE, file, field, `names a file that does not exist: ${path}`);
  return readFileSync(path, 'utf8');
}

/** Reads, parses and checks a scenario and the files it names. */
export function loadScenario(nameOrFile: string): LoadedScenario {
  const path = resolveScenarioPath(nameOrFile);
  const file = path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ScenarioError(ScenarioReject.UNREADABLE, file, '', `cannot be read (a scenario name is one of: ${listScenarios().join(', ')})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(ScenarioReject.NOT_JSON, file, '', `is not JSON: ${(e as Error).message}`);
  }
  return checkScenario(json, file, text);
}

/** Checks an already parsed scenario; `file` locates relative paths and names the source in errors. */
export function checkScenario(json: unknown, file: string, text = JSON.stringify(json)): LoadedScenario {
  let scenario: Scenario;
  try {
    scenario = checkScenarioShape(json);
  } catch (e) {
    rethrow(file, e);
  }
  const dir = dirname(file);
  const hashed: Uint8Array[] = [utf8(`scenario\n${text}`)];
  const tles = new Map<string, TleEntry[]>();
  const stationsPath = resolve(dir, scenario.stations ?? '../data/ground-stations.json');
  const stations = new Map<string, Station>();
  const needsStations = scenario.nodes.some((n) => (n.kind === 'ground' && n.station !== undefined) || n.kind === 'ground-stations');
  if (needsStations) {
    const stationsText = readFile(file, 'stations', stationsPath);
    hashed.push(utf8(`file ${basename(stationsPath)}\n${stationsText}`));
    try {
      const list = checkObject('stations file', JSON.parse(stationsText), ['description', 'stations']);
      arr('stations', list.stations, 1).forEach((s, i) => {
        const q = checkObject(`stations[${i}]`, s, ['id', 'name', 'latDeg', 'lonDeg', 'altM', 'apertureM']);
        checkNumber(`stations[${i}].latDeg`, q.latDeg, -90, 90);
        checkNumber(`stations[${i}].lonDeg`, q.lonDeg, -180, 180);
        checkNumber(`stations[${i}].altM`, q.altM, -500, 9000);
        checkNumber(`stations[${i}].apertureM`, q.apertureM, 0.001, 100);
        stations.set(str(`stations[${i}].id`, q.id), q as unknown as Station);
      });
    } catch (e) {
      rethrow(stationsPath, e);
    }
  }
  scenario.nodes.forEach((n, i) => {
    if (n.kind === 'satellite' || n.kind === 'satellites') {
      const p = resolve(dir, n.tle);
      if (!tles.has(p)) {
        const t = readFile(file, `nodes[${i}].tle`, p);
        hashed.push(utf8(`file ${basename(p)}\n${t}`));
        try {
          tles.set(p, parseTle(t, p));
        } catch (e) {
          if (e instanceof TleError) throw new ScenarioError(ScenarioReject.BAD_TLE, file, `nodes[${i}].tle`, e.message);
          throw e;
        }
      }
      if (n.kind === 'satellite' && n.name !== undefined && !tles.get(p)!.some((t) => t.name === n.name))
        throw new ScenarioError(ScenarioReject.BAD_REFERENCE, file, `nodes[${i}].name`, `names no entry of ${p} (has: ${tles.get(p)!.map((t) => t.name).join(', ')})`);
    }
    const stationRefs = n.kind === 'ground' && n.station !== undefined ? [n.station] : n.kind === 'ground-stations' && n.stations !== 'all' ? n.stations : [];
    for (const s of stationRefs) if (!stations.has(s))
      throw new ScenarioError(ScenarioReject.BAD_REFERENCE, file, `nodes[${i}]`, `names station ${JSON.stringify(s)}, not in ${stationsPath} (has: ${[...stations.keys()].join(', ')})`);
    if ((n.kind === 'uav' || (n.kind === 'ground' && (n.eastM !== undefined || n.northM !== undefined))) && !scenario.site)
      throw new ScenarioError(ScenarioReject.BAD_REFERENCE, file, `nodes[${i}]`, 'has a local east/north/up position but the scenario has no "site"');
  });
  const hash = bytesToHex(sha256(concatBytes(...hashed)));
  return { file, scenario, tles, stations, hash };
}

/** The scenarios shipped in sim/scenarios/. */
export function listScenarios(): string[] {
  return existsSync(SCENARIO_DIR) ? readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort() : [];
}
