/**
 * The scenario runner: every link, every step.
 *
 * Two levels, one core. Network scale (12 satellites × 6 stations, 24 h at 1 s) cannot run the
 * pulse-level engine every second, so each step computes geometry (SGP4 / waypoints), the channel
 * budget (fiber, free space, fading, weather, background), the detection counts of the Lo–Ma–Chen
 * channel with the attacks folded in (channel/counts.ts), and feeds them to the same code that
 * flies: the QBER policy state machine (src/policy/link-state.ts) and, when a block closes, the
 * finite-key bound of src/qkd/finite-key.ts (Lim et al. 2014) with the LDPC leak — what the real
 * engine computes from its own counts (channel/block-key.ts). Single-link scenarios also run the
 * real pulse-level engine (sim/run-block.ts: decoy BB84, LDPC, Toeplitz, signed transcripts) for a
 * representative block, with the scenario's attack mounted, and report it next to the model (the
 * calibration point, run-calibrate.ts).
 *
 * Per link: a key store fed by closed blocks, a demand of `keyBits` every `everyS` served as QMK
 * from the store while the policy serves QMK, else by the PQC fallback (counted: the fallback
 * ratio); time-to-key for 256 and 512 bits; energy from the power model; contacts and passes.
 * Relays run the real relay code (src/relay/, via relay-network.ts ScenarioRelayNetwork): each
 * link's store is its key pool, a route is chosen among the links that can pay a hop, and the key
 * travels as K1 ⊕ K_i hop messages; a hop spends keyBits + a 256-bit one-time MAC key from its
 * link's store, and both ends' keys are compared. Seeded throughout: the same seed gives the same
 * numbers.
 */
import type { Kernels } from '../hal/kernels.ts';
import { PhysicsRandom } from '../hal/sim/prng.ts';
import { checkDecoySource } from '../src/qkd/decoy.ts';
import type { SecurityParameters } from '../src/qkd/estimate.ts';
import { allowsKey, classifyQber, DEFAULT_QBER_THRESHOLDS } from '../src/policy/qber.ts';
import {
  acceptsBlocks, DEFAULT_LINK_POLICY, INITIAL_LINK_STATE, LINK_STATUS_NAMES, LinkStatus, observeQber, servesQmk, TRANSITION_REASON_NAMES,
  type LinkPolicyConfig, type LinkPolicyState,
} from '../src/policy/link-state.ts';
import {
  isActive, MONITOR_ALARM_NAMES, stepTamper, type AttackSpec, type QuantumAttackKind, QUANTUM_ATTACKS, CLASSICAL_ATTACKS, RELAY_ATTACKS, type ClassicalAttackKind,
  type RelayAttackKind,
} from './attacks/quantum.ts';
import { runClassicalAttack, type ClassicalAttackResult } from './attacks/classical.ts';
import { blockKey } from './channel/block-key.ts';
import { classYields, drawStepCounts, newBlockCounts, type BlockCounts } from './channel/counts.ts';
import { FadingProcess } from './channel/fading.ts';
import { fiberLossDb } from './channel/fiber.ts';
import { freeSpaceLossDb } from './channel/free-space.ts';
import { clearOfEarth, sunElevationDeg, type Vec3 } from './channel/geometry.ts';
import { cloudMask } from './channel/weather.ts';
import { buildNetwork, nodePosition, propagate, type Network, type SimLink } from './network.ts';
import { ScenarioRelayNetwork } from './relay-network.ts';
import type { LoadedScenario, Scenario } from './scenario.ts';
import { calibrate, type Calibration } from './run-calibrate.ts';

export interface RunOptions {
  readonly seed: number;
  /** Called now and then with steps done and total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Timeline points kept per link (when the run has at most `timelineLinks` links). */
  readonly timelinePoints?: number;
  readonly timelineLinks?: number;
  /** Run the real engine's calibration block (default: when the scenario asks for one). */
  readonly calibrate?: boolean;
  /** Kernels for the real engine's block (default the TypeScript reference). */
  readonly kernels?: Kernels;
}

export interface BlockRecord {
  readonly startS: number;
  readonly endS: number;
  readonly pulses: number;
  readonly meanLossDb: number;
  readonly qber: number;
  readonly keyBits: number;
  /** Why the block gave no key, as the engine would say it. */
  readonly refused?: string;
}

export interface PassRecord {
  readonly startS: number;
  readonly endS: number;
  readonly maxElevationDeg: number;
  readonly minRangeKm: number;
  readonly keyBits: number;
}

export interface TimelinePoint {
  readonly tS: number;
  readonly contact: boolean;
  readonly rangeKm: number;
  readonly elevationDeg: number;
  readonly lossDb: number;
  readonly qber: number | null;
  /** The realised secure key rate of the block this step belonged to, bit/s. */
  rateBps: number;
  readonly storeBits: number;
  readonly status: string;
}

export interface TransitionRecord {
  readonly tS: number;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  readonly qber: number;
}

export interface LinkKpis {
  readonly secureBits: number;
  /** Over the run's duration, and over the time in contact. */
  readonly secureKeyRateBps: number;
  readonly secureKeyRateInContactBps: number;
  readonly contactS: number;
  /** Detection-weighted QBER of the key basis, signal class. */
  readonly qber: number | null;
  readonly timeToKey256S: number | null;
  readonly timeToKey512S: number | null;
  readonly requests: number;
  readonly qmk: number;
  readonly pqcFallback: number;
  /** PQC / QMK (null when no request was served by QMK). */
  readonly fallbackRatio: number | null;
  readonly energyJ: number;
  readonly energyPerSecureBitJ: number | null;
  readonly storeBits: number;
  readonly storeCapacityBits: number;
  readonly storeMaxFill: number;
  readonly discardedBits: number;
  readonly blocks: number;
  readonly refusedBlocks: number;
  readonly refusals: Readonly<Record<string, number>>;
  readonly monitorAlarms: Readonly<Record<string, number>>;
  /** Key produced while an unmonitored attack (blinding, Trojan horse) read it. */
  readonly keyKnownToEveBits: number;
  /** Store bits spent as trusted-node relay pads and one-time MAC keys. */
  readonly relayedBits: number;
  readonly finalStatus: string;
}

export interface LinkResult {
  readonly id: string;
  readonly a: string;
  readonly b: string;
  readonly channel: string;
  readonly kpis: LinkKpis;
  readonly passes: readonly PassRecord[];
  readonly blocks: readonly BlockRecord[];
  readonly transitions: readonly TransitionRecord[];
  readonly timeline?: readonly TimelinePoint[];
}

export interface RelayResult {
  readonly id: string;
  readonly path: readonly string[];
  readonly requests: number;
  readonly qmk: number;
  readonly pqcFallback: number;
  readonly deliveredBits: number;
  /** End-to-end keys both ends hold identically (QMK), and keys that differed (must stay 0). */
  readonly keysDelivered: number;
  readonly keysMismatched: number;
  /** Delivered bits over the run's duration. */
  readonly endToEndKeyRateBps: number;
  readonly hopMessages: number;
  /** Routes taken ("a > b > c") and how often. */
  readonly routes: Readonly<Record<string, number>>;
  /** Why requests fell back to PQC (RelayReject names). */
  readonly refusals: Readonly<Record<string, number>>;
  /** Attacker hop messages (relay-forgery, relay-replay): injected, accepted (must stay 0), rejected by reason. */
  readonly injectedHopMessages: number;
  readonly injectedAccepted: number;
  readonly injectedRejected: Readonly<Record<string, number>>;
}

export interface RunResult {
  readonly scenario: string;
  readonly description?: string;
  readonly file: string;
  readonly scenarioHash: string;
  readonly seed: number;
  readonly start: string;
  readonly durationS: number;
  readonly stepS: number;
  readonly steps: number;
  readonly nodes: number;
  readonly links: readonly LinkResult[];
  readonly relays: readonly RelayResult[];
  readonly classicalAttacks: readonly ClassicalAttackResult[];
  readonly calibration?: Calibration;
  readonly totals: { readonly secureBits: number; readonly requests: number; readonly qmk: number; readonly pqcFallback: number; readonly fallbackRatio: number | null; readonly energyJ: number; readonly energyPerSecureBitJ: number | null; readonly linkSteps: number; readonly contactSteps: number };
  /** Wall time, ms (not part of the reproducible numbers). */
  readonly elapsedMs: { readonly propagate: number; readonly steps: number; readonly calibration: number; readonly classical: number; readonly total: number };
}

const DEFAULT_STORE_BITS = 10_000_000;
const READING_MIN_DETECTIONS = 2000;
const READING_MAX_S = 10;
/** Astronomical twilight: the sky is dark enough for a night-only link. */
const NIGHT_SUN_DEG = -12;

interface LinkState {
  readonly link: SimLink;
  readonly random: PhysicsRandom;
  readonly fading: FadingProcess | undefined;
  readonly clouds: Uint8Array | undefined;
  readonly attacks: readonly AttackSpec[];
  readonly fixedLossDb: number | undefined;
  policy: LinkPolicyState;
  block: BlockCounts;
  blockStartS: number;
  blockPulses: number;
  blockLossSum: number;
  blockSteps: number;
  blockAlarm: string | undefined;
  blockBreach: boolean;
  blockEve: boolean;
  blockTimelineFrom: number;
  readN: number;
  readM: number;
  readStartS: number;
  inContact: boolean;
  alarmActive: boolean;
  pass: { startS: number; maxEl: number; minRange: number; bits: number } | undefined;
  store: number;
  maxStore: number;
  produced: number;
  discarded: number;
  eveBits: number;
  signalN: number;
  signalM: number;
  ttk256: number | null;
  ttk512: number | null;
  nextDemandS: number;
  requests: number;
  qmk: number;
  pqc: number;
  energyJ: number;
  contactSteps: number;
  refusals: Record<string, number>;
  alarms: Record<string, number>;
  blocks: BlockRecord[];
  passes: PassRecord[];
  transitions: TransitionRecord[];
  timeline: TimelinePoint[] | undefined;
  contactLosses: number[];
  /** Store bits spent as relay pads and MAC keys. */
  relayedBits: number;
}

function policyConfig(s: Scenario): LinkPolicyConfig {
  return {
    thresholds: DEFAULT_QBER_THRESHOLDS,
    sustainMs: (s.policy?.sustainS ?? DEFAULT_LINK_POLICY.sustainMs / 1000) * 1000,
    recoverMs: (s.policy?.recoverS ?? DEFAULT_LINK_POLICY.recoverMs / 1000) * 1000,
  };
}

export function runScenario(loaded: LoadedScenario, options: RunOptions): RunResult {
  const t0 = performance.now();
  const s = loaded.scenario;
  const seed = options.seed;
  const net = buildNetwork(loaded);
  propagate(net);
  const tProp = performance.now();
  const policy = policyConfig(s);
  const quantumAttacks = (s.attacks ?? []).filter((a) => (QUANTUM_ATTACKS as readonly string[]).includes(a.kind));
  const cm = s.countermeasures ?? {};
  const keepTimeline = net.links.length <= (options.timelineLinks ?? 8);
  const stride = Math.max(1, Math.ceil(net.steps / (options.timelinePoints ?? 2000)));
  const calibrationLink = s.calibration ? (s.calibration.link ?? net.links[0]!.id) : undefined;
  const states: LinkState[] = net.links.map((link) => {
    const ch = link.channel;
    const through = ch.kind === 'free-space' && ch.zenithExtinctionDb > 0;
    return {
      link,
      random: new PhysicsRandom(seed, `link:${link.id}:counts`),
      fading: ch.kind === 'free-space' && (ch.scintillationIndex > 0 || ch.pointingJitterUrad > 0)
        ? new FadingProcess(new PhysicsRandom(seed, `link:${link.id}:fading`), ch.scintillationIndex, ch.pointingJitterUrad, ch.divergenceUrad, ch.correlationTimeS, net.stepS)
        : undefined,
      clouds: through ? cloudMask(s.weather, net.steps, net.stepS, new PhysicsRandom(seed, `weather:${link.ground?.id ?? link.id}`)) : undefined,
      attacks: quantumAttacks.filter((a) => a.link === undefined || a.link === '*' || a.link === link.id),
      fixedLossDb: ch.kind === 'fiber' ? fiberLossDb(ch) : undefined,
      policy: INITIAL_LINK_STATE, block: newBlockCounts(), blockStartS: 0, blockPulses: 0, blockLossSum: 0, blockSteps: 0,
      blockAlarm: undefined, blockBreach: false, blockEve: false, blockTimelineFrom: 0, readN: 0, readM: 0, readStartS: 0,
      inContact: false, alarmActive: false, pass: undefined, store: 0, maxStore: 0, produced: 0, discarded: 0, eveBits: 0, signalN: 0, signalM: 0,
      ttk256: null, ttk512: null, nextDemandS: link.spec.demand ? link.spec.demand.everyS : Infinity, requests: 0, qmk: 0, pqc: 0,
      energyJ: 0, contactSteps: 0, refusals: {}, alarms: {}, blocks: [], passes: [], transitions: [],
      timeline: keepTimeline ? [] : undefined, contactLosses: [], relayedBits: 0,
    };
  });
  const byPair = new Map<string, LinkState>();
  for (const st of states) {
    byPair.set(`${st.link.a.id}|${st.link.b.id}`, st);
    byPair.set(`${st.link.b.id}|${st.link.a.id}`, st);
  }
  const relays = (s.relays ?? []).map((r) => {
    r.path.slice(1).forEach((b, i) => {
      if (!byPair.get(`${r.path[i]}|${b}`)) throw new Error(`${loaded.file}: "relays.${r.id}.path" has no link between ${r.path[i]} and ${b}`);
    });
    return {
      spec: r, nextS: r.demand.everyS, requests: 0, qmk: 0, pqc: 0, delivered: 0, keysDelivered: 0, mismatches: 0, hopMessages: 0,
      refusals: {} as Record<string, number>, routes: {} as Record<string, number>, injected: 0, injectedAccepted: 0, injectedRejected: {} as Record<string, number>,
    };
  });
  // The relays run the real relay code (src/relay/): a RelayNode per node, a key pool per link fed
  // by that link's store (what its blocks distilled), routes from routes.ts, K1 ⊕ K_i hop messages.
  const relayNet = relays.length ? new ScenarioRelayNetwork(seed, net.nodes.map((n) => n.id), states.map((st) => ({
    a: st.link.a.id, b: st.link.b.id,
    budget: {
      available: () => (servesQmk(st.policy) ? st.store : 0),
      spend: (bits: number) => { st.store -= bits; st.relayedBits += bits; },
      rateBps: () => st.produced / Math.max(st.contactSteps * net.stepS, net.stepS),
    },
  }))) : undefined;
  const relayAttacks = (s.attacks ?? []).filter((a) => (RELAY_ATTACKS as readonly string[]).includes(a.kind));

  const alwaysW = (s.power?.components ?? []).filter((c) => c.when === 'always').reduce((a, c) => a + c.watts, 0);
  const contactW = (s.power?.components ?? []).filter((c) => c.when === 'contact').reduce((a, c) => a + c.watts, 0);
  const pulsesPerStep = s.source.repetitionRateHz * net.stepS;
  const y0Dark = 2 * s.receiver.darkCountProbability;
  // The source as its 16/15-bit draws implement it: the bound must use these probabilities (decoy.ts).
  const decoySource = checkDecoySource({ intensities: [...s.source.intensities], probabilities: [...s.source.probabilities], keyBasisProbability: s.source.keyBasisProbability });
  const stepSource = { ...s.source, probabilities: decoySource.probabilities, keyBasisProbability: decoySource.keyBasisProbability };
  const security: SecurityParameters = { epsSec: s.security.epsSec, epsCor: s.security.epsCor, thresholds: policy.thresholds };
  const capacity = (st: LinkState) => st.link.spec.keyStoreBits ?? DEFAULT_STORE_BITS;

  const pa: Vec3 = [0, 0, 0];
  const pb: Vec3 = [0, 0, 0];
  let contactSteps = 0;

  const record = (st: LinkState, tS: number, reason: string, qber: number, from: LinkPolicyState) => {
    st.transitions.push({ tS, from: LINK_STATUS_NAMES[from.status], to: LINK_STATUS_NAMES[st.policy.status], reason, qber });
  };

  const closeBlock = (st: LinkState, endS: number) => {
    if (st.blockPulses === 0) return;
    const b = st.block;
    const nX = b[0]! + b[1]! + b[2]!;
    const mX = b[3]! + b[4]! + b[5]!;
    const qber = nX ? mX / nX : 0;
    let keyBits = 0;
    let refused: string | undefined;
    if (st.blockAlarm) refused = `PHOTONICS_UNHEALTHY: ${st.blockAlarm}`;
    else if (st.blockBreach) refused = 'POLICY_SUSPENDED: QBER breach during the block';
    else if (!acceptsBlocks(st.policy)) refused = `POLICY_SUSPENDED: link ${LINK_STATUS_NAMES[st.policy.status]} when the block closed`;
    else {
      const k = blockKey(b, decoySource, security, s.receiver.reconciliationEfficiency);
      keyBits = k.keyBits;
      refused = k.refused;
    }
    const rec: BlockRecord = { startS: st.blockStartS, endS, pulses: st.blockPulses, meanLossDb: st.blockLossSum / Math.max(1, st.blockSteps), qber, keyBits, ...(refused ? { refused } : {}) };
    st.blocks.push(rec);
    if (refused) {
      const r = refused.split(':')[0]!;
      st.refusals[r] = (st.refusals[r] ?? 0) + 1;
    } else {
      st.produced += keyBits;
      if (st.blockEve) st.eveBits += keyBits;
      const room = capacity(st) - st.store;
      st.store += Math.min(room, keyBits);
      st.discarded += Math.max(0, keyBits - room);
      st.maxStore = Math.max(st.maxStore, st.store);
      if (st.pass) st.pass.bits += keyBits;
      if (st.ttk256 === null && st.produced >= 256) st.ttk256 = endS;
      if (st.ttk512 === null && st.produced >= 512) st.ttk512 = endS;
    }
    if (st.timeline) {
      const rate = keyBits / Math.max(net.stepS, endS - st.blockStartS);
      for (let k = st.blockTimelineFrom; k < st.timeline.length; k++) st.timeline[k]!.rateBps = rate;
    }
    st.block = newBlockCounts();
    st.blockPulses = st.blockLossSum = st.blockSteps = 0;
    st.blockAlarm = undefined;
    st.blockBreach = st.blockEve = false;
  };

  const progressEvery = Math.max(1, Math.floor(net.steps / 200));
  for (let i = 0; i < net.steps; i++) {
    const tS = i * net.stepS;
    const tMs = net.startMs + tS * 1000;
    for (const st of states) {
      const link = st.link;
      const ch = link.channel;
      let contact = true;
      let lossDb: number;
      let rangeKm = NaN;
      let elevationDeg = NaN;
      let background = 0;
      if (st.fixedLossDb !== undefined) lossDb = st.fixedLossDb;
      else if (ch.kind === 'free-space') {
        const ha = nodePosition(net, link.a, i, pa);
        const hb = nodePosition(net, link.b, i, pb);
        const dx = pb[0] - pa[0], dy = pb[1] - pa[1], dz = pb[2] - pa[2];
        rangeKm = Math.hypot(dx, dy, dz);
        if (!Number.isFinite(rangeKm)) contact = false;
        else if (link.ground) {
          const up = link.ground.up!;
          const sign = link.ground === link.a ? 1 : -1;
          elevationDeg = (Math.asin(Math.max(-1, Math.min(1, (sign * (dx * up[0] + dy * up[1] + dz * up[2])) / rangeKm))) * 180) / Math.PI;
          if (elevationDeg < (link.spec.minElevationDeg ?? 10)) contact = false;
        } else if (!clearOfEarth(pa, pb)) contact = false;
        if (contact && ch.maxRangeKm !== undefined && rangeKm > ch.maxRangeKm) contact = false;
        if (contact && st.clouds?.[i]) contact = false;
        if (contact && link.spec.nightOnly && link.ground && sunElevationDeg(tMs, link.ground.latDeg!, link.ground.lonDeg!) > NIGHT_SUN_DEG) contact = false;
        lossDb = contact ? freeSpaceLossDb(ch, link.rxApertureM, rangeKm, Number.isNaN(elevationDeg) ? 90 : elevationDeg, Math.min(ha, hb), Math.max(ha, hb)) : Infinity;
        if (contact && st.fading) lossDb = Math.max(0, lossDb + st.fading.nextLossDb());
        else if (st.fading && contact === false && i % 60 === 0) st.fading.nextLossDb(); // keep the process moving cheaply between contacts
        if (contact) {
          const g = link.ground ?? (link.a.kind === 'uav' || link.b.kind === 'uav' ? { latDeg: s.site?.latDeg, lonDeg: s.site?.lonDeg } : undefined);
          const day = g && g.latDeg !== undefined ? sunElevationDeg(tMs, g.latDeg, g.lonDeg!) > -6 : false;
          background = day ? ch.backgroundDayYield : ch.backgroundNightYield;
        }
      } else lossDb = Infinity;

      // contact edges: passes, and blocks close when contact ends
      if (contact !== st.inContact) {
        if (contact) {
          st.pass = { startS: tS, maxEl: -90, minRange: Infinity, bits: 0 };
          st.readStartS = tS;
        }
        else {
          closeBlock(st, tS);
          const p = st.pass!;
          st.passes.push({ startS: p.startS, endS: tS, maxElevationDeg: p.maxEl, minRangeKm: p.minRange, keyBits: p.bits });
          st.pass = undefined;
          st.readN = st.readM = 0;
        }
        st.inContact = contact;
      }
      st.energyJ += alwaysW * net.stepS;
      let qberReading: number | null = null;
      if (contact) {
        contactSteps++;
        st.contactSteps++;
        st.energyJ += contactW * net.stepS;
        const p = st.pass!;
        if (!Number.isNaN(elevationDeg)) p.maxEl = Math.max(p.maxEl, elevationDeg);
        if (!Number.isNaN(rangeKm)) p.minRange = Math.min(p.minRange, rangeKm);
        if (link.id === calibrationLink) st.contactLosses.push(lossDb);
        const active = st.attacks.length ? st.attacks.filter((a) => isActive(a, link.id, tS)) : st.attacks;
        const tamper = stepTamper(active, cm);
        if (st.blockPulses === 0) {
          st.blockStartS = tS;
          st.blockTimelineFrom = st.timeline ? st.timeline.length : 0;
        }
        const y = classYields(lossDb, y0Dark + background, s.source, s.receiver, tamper.tamper);
        const [n, m] = drawStepCounts(st.random, st.block, pulsesPerStep, y, stepSource);
        st.blockPulses += pulsesPerStep;
        st.blockLossSum += lossDb;
        st.blockSteps++;
        st.signalN += n;
        st.signalM += m;
        if (tamper.eveKnows) st.blockEve = true;
        if (tamper.alarm !== undefined) {
          const name = MONITOR_ALARM_NAMES[tamper.alarm];
          st.alarms[name] = (st.alarms[name] ?? 0) + 1;
          st.blockAlarm ??= `monitor alarm ${name}`;
          // A monitor alarm is a tamper signal: quarantine at once (seed 000), and the recovery
          // clock restarts only once the alarm is over.
          const from = st.policy;
          st.policy = { ...from, status: LinkStatus.DEGRADED, since: from.status === LinkStatus.DEGRADED ? from.since : tMs, sinceNominal: -1 };
          if (!st.alarmActive) record(st, tS, `MONITOR_${name}`, from.qber, from);
          st.alarmActive = true;
        } else st.alarmActive = false;
        // QBER readings: the signal class's key-basis errors, once enough detections are in.
        st.readN += n;
        st.readM += m;
        if (st.readN >= READING_MIN_DETECTIONS || (tS - st.readStartS >= READING_MAX_S && st.readN >= 100)) {
          qberReading = st.readM / st.readN;
          const from = st.policy;
          const out = tamper.alarm !== undefined ? { state: { ...from, qber: qberReading } } : observeQber(st.policy, qberReading, tMs, policy);
          st.policy = out.state;
          if ('transition' in out && out.transition) record(st, tS, TRANSITION_REASON_NAMES[out.transition.reason], qberReading, from);
          st.readN = st.readM = 0;
          st.readStartS = tS;
        }
        // Only a breach seen during the block (or a monitor alarm) spoils it; a link still recovering
        // from an earlier breach must be UP again when the block closes.
        if (tamper.alarm !== undefined || (qberReading !== null && !allowsKey(classifyQber(qberReading, policy.thresholds)))) st.blockBreach = true;
        if (st.blockPulses >= s.security.blockPulses) closeBlock(st, tS + net.stepS);
      }
      // demand
      if (tS >= st.nextDemandS) {
        const d = link.spec.demand!;
        st.nextDemandS += d.everyS;
        st.requests++;
        if (servesQmk(st.policy) && st.store >= d.keyBits) {
          st.store -= d.keyBits;
          st.qmk++;
        } else st.pqc++;
      }
      if (st.timeline && (i % stride === 0 || (contact && st.fixedLossDb === undefined))) {
        st.timeline.push({
          tS, contact, rangeKm: Number.isFinite(rangeKm) ? rangeKm : NaN, elevationDeg, lossDb: contact ? lossDb : NaN, qber: qberReading,
          rateBps: 0, storeBits: st.store, status: LINK_STATUS_NAMES[st.policy.status],
        });
      }
    }
    for (const r of relays) {
      if (tS < r.nextS) continue;
      r.nextS += r.spec.demand.everyS;
      r.requests++;
      const bits = r.spec.demand.keyBits;
      const attack = relayAttacks.find((a) => tS >= (a.startS ?? 0) && tS < (a.endS ?? Infinity))?.kind as RelayAttackKind | undefined;
      const o = relayNet!.request(r.spec.path[0]!, r.spec.path[r.spec.path.length - 1]!, bits / 8, attack);
      r.hopMessages += o.hopMessages;
      r.injected += o.injected;
      r.injectedAccepted += o.injectedAccepted;
      for (const [k, n] of Object.entries(o.injectedRejected)) r.injectedRejected[k] = (r.injectedRejected[k] ?? 0) + n;
      if (o.route) r.routes[o.route.join(' > ')] = (r.routes[o.route.join(' > ')] ?? 0) + 1;
      if (o.mismatch) r.mismatches++;
      if (o.delivered) {
        r.qmk++;
        r.keysDelivered++;
        r.delivered += bits;
      } else {
        r.pqc++;
        if (o.refused) r.refusals[o.refused] = (r.refusals[o.refused] ?? 0) + 1;
      }
    }
    if (options.onProgress && i % progressEvery === 0) options.onProgress(i, net.steps);
  }
  const endS = net.steps * net.stepS;
  for (const st of states) {
    closeBlock(st, endS);
    if (st.pass) st.passes.push({ startS: st.pass.startS, endS, maxElevationDeg: st.pass.maxEl, minRangeKm: st.pass.minRange, keyBits: st.pass.bits });
  }
  options.onProgress?.(net.steps, net.steps);
  const tSteps = performance.now();

  let calibration: Calibration | undefined;
  if (s.calibration && options.calibrate !== false) {
    const st = states.find((x) => x.link.id === calibrationLink);
    if (!st) throw new Error(`${loaded.file}: "calibration.link" names no link (${calibrationLink})`);
    const losses = st.contactLosses.slice().sort((a, b) => a - b);
    const lossDb = s.calibration.atLossDb ?? (losses.length ? losses[Math.floor(losses.length / 2)]! : st.fixedLossDb ?? 0);
    const ch = st.link.channel;
    const attack = st.attacks[0];
    calibration = calibrate(s, seed, lossDb, ch.kind === 'free-space' ? ch.backgroundNightYield : 0,
      attack ? { kind: attack.kind as QuantumAttackKind, ...(attack.fraction !== undefined ? { fraction: attack.fraction } : {}), ...(attack.jamYield !== undefined ? { jamYield: attack.jamYield } : {}) } : undefined, cm, st.link.id, options.kernels);
  }
  const tCal = performance.now();
  const classicalAttacks = (s.attacks ?? []).filter((a) => (CLASSICAL_ATTACKS as readonly string[]).includes(a.kind))
    .map((a) => runClassicalAttack(a.kind as ClassicalAttackKind, seed));
  const tCls = performance.now();

  const links: LinkResult[] = states.map((st) => linkResult(st, endS, capacity(st), net.stepS));
  const sum = (f: (k: LinkKpis) => number) => links.reduce((a, l) => a + f(l.kpis), 0);
  const secureBits = sum((k) => k.secureBits);
  const qmk = sum((k) => k.qmk) + relays.reduce((a, r) => a + r.qmk, 0);
  const pqc = sum((k) => k.pqcFallback) + relays.reduce((a, r) => a + r.pqc, 0);
  const energyJ = sum((k) => k.energyJ);
  return {
    scenario: s.name, ...(s.description ? { description: s.description } : {}), file: loaded.file, scenarioHash: loaded.hash, seed,
    start: new Date(net.startMs).toISOString(), durationS: endS, stepS: net.stepS, steps: net.steps, nodes: net.nodes.length,
    links, relays: relays.map((r) => ({
      id: r.spec.id, path: r.spec.path, requests: r.requests, qmk: r.qmk, pqcFallback: r.pqc, deliveredBits: r.delivered,
      keysDelivered: r.keysDelivered, keysMismatched: r.mismatches, endToEndKeyRateBps: r.delivered / endS, hopMessages: r.hopMessages,
      routes: r.routes, refusals: r.refusals, injectedHopMessages: r.injected, injectedAccepted: r.injectedAccepted, injectedRejected: r.injectedRejected,
    })),
    classicalAttacks, ...(calibration ? { calibration } : {}),
    totals: {
      secureBits, requests: qmk + pqc, qmk, pqcFallback: pqc, fallbackRatio: qmk ? pqc / qmk : null, energyJ,
      energyPerSecureBitJ: secureBits ? energyJ / secureBits : null, linkSteps: net.steps * states.length, contactSteps,
    },
    elapsedMs: { propagate: tProp - t0, steps: tSteps - tProp, calibration: tCal - tSteps, classical: tCls - tCal, total: performance.now() - t0 },
  };
}

function linkResult(st: LinkState, durationS: number, capacity: number, stepS: number): LinkResult {
  const contactS = st.contactSteps * stepS;
  const l = st.link;
  return {
    id: l.id, a: l.a.id, b: l.b.id, channel: l.channel.kind,
    kpis: {
      secureBits: st.produced,
      secureKeyRateBps: st.produced / durationS,
      secureKeyRateInContactBps: contactS ? st.produced / contactS : 0,
      contactS,
      qber: st.signalN ? st.signalM / st.signalN : null,
      timeToKey256S: st.ttk256, timeToKey512S: st.ttk512,
      requests: st.requests, qmk: st.qmk, pqcFallback: st.pqc, fallbackRatio: st.qmk ? st.pqc / st.qmk : null,
      energyJ: st.energyJ, energyPerSecureBitJ: st.produced ? st.energyJ / st.produced : null,
      storeBits: st.store, storeCapacityBits: capacity, storeMaxFill: st.maxStore / capacity, discardedBits: st.discarded,
      blocks: st.blocks.length, refusedBlocks: st.blocks.filter((b) => b.refused).length, refusals: st.refusals, monitorAlarms: st.alarms,
      keyKnownToEveBits: st.eveBits, relayedBits: st.relayedBits, finalStatus: LINK_STATUS_NAMES[st.policy.status],
    },
    passes: l.channel.kind === 'free-space' ? st.passes : [], blocks: st.blocks, transitions: st.transitions, ...(st.timeline ? { timeline: st.timeline } : {}),
  };
}

