/**
 * The network of a scenario: nodes (ground stations, SGP4 satellites, UAVs on waypoints, lab
 * ends) expanded from groups and files, links expanded from "group:<name>" pairs, and each
 * node's Earth-fixed position per step. Satellite tracks are propagated once per run (SGP4,
 * satellite.js); UAV positions are interpolated in the site's east/north/up frame.
 */
import { enuToEcf, siteFrame, satelliteTrack, type Vec3 } from './channel/geometry.ts';
import { positionAt as waypointAt, type Waypoint } from './channel/trajectory.ts';
import type { SatRec } from 'satellite.js';
import { ScenarioError, ScenarioReject, type ChannelSpec, type LinkSpec, type LoadedScenario } from './scenario.ts';
import { resolve, dirname } from 'node:path';

export interface SimNode {
  readonly id: string;
  readonly kind: 'ground' | 'satellite' | 'uav' | 'lab';
  readonly group: string | undefined;
  /** Ground: ECF (km), local up, geodetic site, altitude (km), telescope aperture. */
  readonly ecf?: Vec3;
  readonly up?: Vec3;
  readonly latDeg?: number;
  readonly lonDeg?: number;
  readonly altKm?: number;
  readonly apertureM?: number;
  readonly satrec?: SatRec;
  readonly waypoints?: readonly Waypoint[];
  readonly loop?: boolean;
  /** Satellites: ECF track, 3 numbers per step (filled by `propagate`). */
  track?: Float64Array;
}

export interface SimLink {
  readonly id: string;
  readonly a: SimNode;
  readonly b: SimNode;
  readonly spec: LinkSpec;
  readonly channel: ChannelSpec;
  /** The end whose horizon limits contact (a ground node), if any. */
  readonly ground: SimNode | undefined;
  readonly rxApertureM: number;
}

export interface Network {
  readonly nodes: readonly SimNode[];
  readonly links: readonly SimLink[];
  readonly startMs: number;
  readonly stepS: number;
  readonly steps: number;
  readonly site: ReturnType<typeof siteFrame> | undefined;
  readonly siteAltKm: number;
}

export function buildNetwork(loaded: LoadedScenario): Network {
  const { scenario: s, file } = loaded;
  const site = s.site ? siteFrame(s.site) : undefined;
  const nodes: SimNode[] = [];
  const add = (n: SimNode, field: string) => {
    if (nodes.some((m) => m.id === n.id)) throw new ScenarioError(ScenarioReject.BAD_REFERENCE, file, field, `duplicate node id ${JSON.stringify(n.id)}`);
    nodes.push(n);
  };
  const ground = (id: string, group: string | undefined, latDeg: number, lonDeg: number, altM: number, apertureM?: number): SimNode => {
    const f = siteFrame({ latDeg, lonDeg, altM });
    return { id, kind: 'ground', group, ecf: f.ecf, up: f.up, latDeg, lonDeg, altKm: altM / 1000, ...(apertureM !== undefined ? { apertureM } : {}) };
  };
  s.nodes.forEach((n, i) => {
    const field = `nodes[${i}]`;
    switch (n.kind) {
      case 'ground': {
        if (n.station !== undefined) {
          const st = loaded.stations.get(n.station)!;
          add(ground(n.id, n.group, st.latDeg, st.lonDeg, st.altM, st.apertureM), field);
        } else if (n.latDeg !== undefined) add(ground(n.id, n.group, n.latDeg, n.lonDeg!, n.altM ?? 0), field);
        else {
          const ecf = enuToEcf(site!, n.eastM ?? 0, n.northM ?? 0, n.upM ?? 0);
          add({ id: n.id, kind: 'ground', group: n.group, ecf, up: site!.up, latDeg: s.site!.latDeg, lonDeg: s.site!.lonDeg, altKm: (s.site!.altM + (n.upM ?? 0)) / 1000 }, field);
        }
        break;
      }
      case 'ground-stations': {
        const ids = n.stations === 'all' ? [...loaded.stations.keys()] : n.stations;
        for (const id of ids) {
          const st = loaded.stations.get(id)!;
          add(ground(id, n.group ?? n.id, st.latDeg, st.lonDeg, st.altM, st.apertureM), field);
        }
        break;
      }
      case 'satellite': {
        const entries = loaded.tles.get(resolve(dirname(file), n.tle))!;
        const e = n.name !== undefined ? entries.find((t) => t.name === n.name)! : entries[0]!;
        add({ id: n.id, kind: 'satellite', group: n.group, satrec: e.satrec }, field);
        break;
      }
      case 'satellites':
        for (const e of loaded.tles.get(resolve(dirname(file), n.tle))!) add({ id: e.name.toLowerCase(), kind: 'satellite', group: n.group ?? n.id, satrec: e.satrec }, field);
        break;
      case 'uav':
        add({ id: n.id, kind: 'uav', group: n.group, waypoints: n.waypoints, loop: n.loop ?? false }, field);
        break;
      case 'lab':
        add({ id: n.id, kind: 'lab', group: n.group }, field);
        break;
    }
  });
  const byRef = (ref: string, field: string): SimNode[] => {
    if (ref.startsWith('group:')) {
      const g = ref.slice(6);
      const members = nodes.filter((n) => n.group === g);
      if (!members.length) throw new ScenarioError(ScenarioReject.BAD_REFERENCE, file, field, `names group ${JSON.stringify(g)}, which has no nodes`);
      return members;
    }
    const n = nodes.find((m) => m.id === ref);
    if (!n) throw new ScenarioError(ScenarioReject.BAD_REFERENCE, file, field, `names node ${JSON.stringify(ref)}, which does not exist (nodes: ${nodes.map((m) => m.id).join(', ')})`);
    return [n];
  };
  const links: SimLink[] = [];
  s.links.forEach((l, i) => {
    const as = byRef(l.a, `links[${i}].a`);
    const bs = byRef(l.b, `links[${i}].b`);
    const many = as.length * bs.length > 1;
    for (const a of as) for (const b of bs) {
      if (a === b) continue;
      const id = many || l.id === undefined ? `${l.id ? `${l.id}:` : ''}${a.id}-${b.id}` : l.id;
      if (links.some((k) => k.id === id)) throw new ScenarioError(ScenarioReject.BAD_REFERENCE, file, `links[${i}].id`, `duplicate link id ${JSON.stringify(id)}`);
      const groundEnd = a.kind === 'ground' ? a : b.kind === 'ground' ? b : undefined;
      const ch = l.channel;
      let rxApertureM = 0;
      if (ch.kind === 'free-space') {
        if (a.kind === 'lab' || b.kind === 'lab') throw new ScenarioError(ScenarioReject.BAD_REFERENCE, file, `links[${i}].channel`, 'a free-space link needs located ends (not "lab" nodes)');
        rxApertureM = ch.rxApertureM ?? groundEnd?.apertureM ?? NaN;
        if (!Number.isFinite(rxApertureM))
          throw new ScenarioError(ScenarioReject.BAD_REFERENCE, file, `links[${i}].channel.rxApertureM`, 'is required unless one end is a ground station with an aperture');
      }
      links.push({ id, a, b, spec: l, channel: ch, ground: groundEnd, rxApertureM });
    }
  });
  const startMs = Date.parse(s.start);
  const steps = Math.floor(s.durationS / s.stepS);
  return { nodes, links, startMs, stepS: s.stepS, steps, site, siteAltKm: (s.site?.altM ?? 0) / 1000 };
}

/** Propagates every satellite over the run (once). */
export function propagate(net: Network): void {
  for (const n of net.nodes) if (n.kind === 'satellite' && !n.track) n.track = satelliteTrack(n.satrec!, net.startMs, net.steps, net.stepS);
}

/** A node's ECF position (km) at step `i` into `out`; altitude (km) returned. */
export function nodePosition(net: Network, n: SimNode, i: number, out: Vec3): number {
  switch (n.kind) {
    case 'ground':
      out[0] = n.ecf![0];
      out[1] = n.ecf![1];
      out[2] = n.ecf![2];
      return n.altKm!;
    case 'satellite': {
      const t = n.track!;
      out[0] = t[3 * i]!;
      out[1] = t[3 * i + 1]!;
      out[2] = t[3 * i + 2]!;
      return Math.hypot(out[0], out[1], out[2]) - 6378.137;
    }
    case 'uav': {
      const [e, no, u] = waypointAt(n.waypoints!, i * net.stepS, n.loop);
      const p = enuToEcf(net.site!, e, no, u);
      out[0] = p[0];
      out[1] = p[1];
      out[2] = p[2];
      return net.siteAltKm + u / 1000;
    }
    default:
      out[0] = out[1] = out[2] = 0;
      return 0;
  }
}
