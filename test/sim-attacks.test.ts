/**
 * Every attack of issue 9 is detected or defeated, with the KPI that shows it: at key-rate level
 * in the scenario runner (the policy state machine and the finite-key bound of the core), at pulse
 * level against the real engine (typed QkdAbort reasons), and on the classical channel against
 * QSP (typed drop and close reasons).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SimPhotonicsConfig } from '../hal/sim/photonics.ts';
import { DEFAULT_QBER_THRESHOLDS } from '../src/policy/qber.ts';
import { checkDecoySource } from '../src/qkd/decoy.ts';
import { runClassicalAttack } from '../sim/attacks/classical.ts';
import { attackedFrontEnd, DETECTOR_MONITOR_REASON, TX_MONITOR_REASON } from '../sim/attacks/pulse.ts';
import type { QuantumAttackKind } from '../sim/attacks/quantum.ts';
import { runBlockOver } from '../sim/run-block.ts';
import { runScenario, type LinkResult, type RunResult } from '../sim/run.ts';
import { loadScenario } from '../sim/scenario.ts';

const runs = new Map<string, RunResult>();
const run = (name: string) => {
  if (!runs.has(name)) runs.set(name, runScenario(loadScenario(name), { seed: 3, calibrate: false }));
  return runs.get(name)!;
};
const link = (r: RunResult, id?: string): LinkResult => (id ? r.links.find((l) => l.id === id)! : r.links[0]!);
const blocksIn = (l: LinkResult, from: number, to: number) => l.blocks.filter((b) => b.startS >= from && b.endS <= to);

// ── key-rate level, in the scenario runner ──────────────────────────────────────────────────

test('intercept-resend: full → QBER ≈ 25 %, link DEGRADED (COMPROMISED), no key; partial 20 % → QBER ≈ 6 %, key cut to a tenth', () => {
  const l = link(run('lab-fiber-attack'));
  const full = blocksIn(l, 150, 210);
  assert.ok(full.length >= 5);
  for (const b of full) {
    assert.ok(Math.abs(b.qber - 0.25) < 0.01, `QBER ${b.qber}`);
    assert.is(b.keyBits, 0);
    assert.match(b.refused!, /^POLICY_SUSPENDED/);
  }
  assert.ok(l.transitions.some((t) => t.reason === 'COMPROMISED' && t.tS >= 150 && t.tS < 160 && t.to === 'DEGRADED'));
  // Partial: QBER in the warning band, still below the suspend threshold; the finite-key bound
  // charges Eve's information to privacy amplification: about a tenth of the honest key is left.
  const honest = blocksIn(l, 0, 60);
  const honestBits = honest.reduce((a, b) => a + b.keyBits, 0) / honest.length;
  const partial = blocksIn(l, 60, 120);
  assert.ok(partial.length >= 5);
  for (const b of partial) {
    assert.ok(b.qber > 0.05 && b.qber < 0.07, `QBER ${b.qber}`);
    assert.ok(b.keyBits < 0.15 * honestBits, `${b.keyBits} bits vs ${honestBits} honest`);
  }
  assert.ok(l.transitions.every((t) => t.tS >= 150), 'a 6 % QBER does not suspend the link');
  // the honest stretch before the attack gives key
  assert.ok(blocksIn(l, 0, 60).every((b) => b.keyBits > 0 && b.qber < 0.012));
});

test('photon-number splitting: QBER stays at e_d, the decoy bound finds no single photons, no key', () => {
  const honest = link(run('sat-ground-pass'));
  const pns = link(run('sat-ground-pass-attack'));
  assert.ok(honest.kpis.secureBits > 100_000, `honest pass: ${honest.kpis.secureBits} bits`);
  assert.is(pns.kpis.secureBits, 0);
  assert.ok(pns.kpis.qber! < 0.02, `QBER under PNS ${pns.kpis.qber}`);
  assert.ok(pns.blocks.length >= 1);
  for (const b of pns.blocks) assert.match(b.refused!, /NO_SECRET_KEY: no single-photon events bounded/);
  assert.is(pns.transitions.length, 0, 'the QBER policy alone does not see it');
});

test('detector blinding: with the detector monitor, alarm + quarantine + no key; without it, Eve knows the key', () => {
  const l = link(run('lab-fiber-attack'));
  assert.ok((l.kpis.monitorAlarms.DETECTOR_BLINDING ?? 0) >= 30);
  assert.ok(l.transitions.some((t) => t.reason === 'MONITOR_DETECTOR_BLINDING' && t.to === 'DEGRADED'));
  for (const b of blocksIn(l, 240, 270)) assert.match(b.refused!, /^PHOTONICS_UNHEALTHY: monitor alarm DETECTOR_BLINDING/);
  assert.is(l.kpis.keyKnownToEveBits, 0);
  const swarm = run('uav-swarm-attack');
  assert.ok(link(swarm, 'swarm:uav-2-ground').kpis.keyKnownToEveBits > 0, 'unmonitored blinding leaks key');
  assert.is(link(swarm, 'swarm:uav-1-ground').kpis.keyKnownToEveBits, 0);
});

test('Trojan-horse probing: the transmitter monitor flags it, blocks refused, link quarantined', () => {
  const l = link(run('uav-ground-attack'));
  assert.ok((l.kpis.monitorAlarms.TROJAN_HORSE_PROBE ?? 0) > 50);
  assert.ok(l.transitions.some((t) => t.reason === 'MONITOR_TROJAN_HORSE_PROBE'));
  assert.ok(l.blocks.some((b) => /TROJAN_HORSE_PROBE/.test(b.refused ?? '')));
  assert.is(l.kpis.keyKnownToEveBits, 0);
});

test('jamming: QBER near 1/2, link DEGRADED, no key while jammed, requests fall back to PQC', () => {
  const jammed = link(run('uav-ground-attack'));
  const calm = link(run('uav-ground'));
  assert.ok(jammed.transitions.some((t) => t.tS >= 200 && t.tS < 210 && t.to === 'DEGRADED' && t.qber > 0.3));
  assert.ok(blocksIn(jammed, 200, 320).every((b) => b.keyBits === 0));
  assert.ok(jammed.kpis.pqcFallback > calm.kpis.pqcFallback + 10, `PQC ${jammed.kpis.pqcFallback} vs ${calm.kpis.pqcFallback}`);
  // the relay chain: one jammed hop stops end-to-end QMK delivery for the relay
  const relayCalm = run('relay-chain').relays[0]!;
  const relayJam = run('relay-chain-attack').relays[0]!;
  assert.ok(relayJam.pqcFallback > relayCalm.pqcFallback + 20, `${relayJam.pqcFallback} vs ${relayCalm.pqcFallback}`);
});

// ── classical channel, against QSP ──────────────────────────────────────────────────────────

test('QSP replay, forgery and delay: every injected frame rejected with a typed reason, the session survives', () => {
  const expect = { 'qsp-replay': ['REPLAY'], 'qsp-forgery': ['AEAD_FAILED', 'EPOCH_UNKNOWN'], 'qsp-delay': ['REPLAY'] } as const;
  const failClosed = { 'qsp-replay': 'REPLAY', 'qsp-forgery': 'AEAD_DECRYPT_FAILED', 'qsp-delay': 'REPLAY' } as const;
  for (const kind of ['qsp-replay', 'qsp-forgery', 'qsp-delay'] as const) {
    const r = runClassicalAttack(kind, 11, 4);
    assert.ok(r.attempts > 0);
    assert.is(r.rejected, r.attempts, `${kind}: ${JSON.stringify(r)}`);
    assert.is(r.accepted, 0);
    assert.ok(r.sessionSurvives, kind);
    assert.equal(Object.keys(r.reasons).sort(), [...expect[kind]].sort());
    assert.is(r.failClosed, failClosed[kind]);
  }
});

test('key capsules: replayed, forged and delayed capsules refused with typed reasons; a genuine one still opens', () => {
  const expect = { 'capsule-replay': ['REPLAYED'], 'capsule-forgery': ['BAD_SIGNATURE'], 'capsule-delay': ['EXPIRED'] } as const;
  for (const kind of ['capsule-replay', 'capsule-forgery', 'capsule-delay'] as const) {
    const r = runClassicalAttack(kind, 12, 2);
    assert.ok(r.attempts > 0);
    assert.is(r.rejected, r.attempts, `${kind}: ${JSON.stringify(r)}`);
    assert.is(r.accepted, 0);
    assert.ok(r.sessionSurvives, kind);
    assert.equal(Object.keys(r.reasons), [...expect[kind]]);
  }
});

// ── pulse level, against the real engine ────────────────────────────────────────────────────

const source = checkDecoySource({ intensities: [0.5, 0.15, 0.0002], probabilities: [0.4, 0.3, 0.3], keyBasisProbability: 0.6 });
const lab: SimPhotonicsConfig = { lossDb: 2, detectorEfficiency: 0.6, darkCountProbability: 1e-7, misalignment: 0.01, meanPhotonNumbers: [0.5, 0.15, 0.0002] };
const security = { epsSec: 1e-10, epsCor: 1e-15, thresholds: DEFAULT_QBER_THRESHOLDS };
function engine(pulses: number, attack?: { kind: QuantumAttackKind; fraction?: number }, cm = {}) {
  const fe = attackedFrontEnd(lab, 5, attack, cm);
  return { out: runBlockOver({ seed: 5, pulses, source, security, frontEnd: fe }), eve: fe.eve };
}

test('real engine: intercept-resend → POLICY_SUSPENDED at QBER ≈ 25 %; jamming → POLICY_SUSPENDED', () => {
  const ir = engine(1_000_000, { kind: 'intercept-resend', fraction: 1 }).out;
  assert.is(ir.abort?.reason, 'POLICY_SUSPENDED', JSON.stringify(ir.abort));
  const qber = Number(/QBER ([\d.]+) %/.exec(ir.abort!.detail)![1]) / 100;
  assert.ok(Math.abs(qber - 0.25) < 0.02, `QBER ${qber}`);
  const jam = engine(1_000_000, { kind: 'jamming' }).out;
  assert.is(jam.abort?.reason, 'POLICY_SUSPENDED', JSON.stringify(jam.abort));
});

test('real engine: blinding and Trojan horse — monitors abort (PHOTONICS_UNHEALTHY); unmonitored blinding gives Eve the sifted key', () => {
  const blinded = engine(1_000_000, { kind: 'detector-blinding' }).out;
  assert.is(blinded.abort?.reason, 'PHOTONICS_UNHEALTHY');
  assert.is(blinded.abort?.detail, DETECTOR_MONITOR_REASON);
  assert.is(blinded.abort?.by, 'bob');
  const trojan = engine(1_000_000, { kind: 'trojan-horse' }).out;
  assert.is(trojan.abort?.reason, 'PHOTONICS_UNHEALTHY');
  assert.is(trojan.abort?.detail, TX_MONITOR_REASON);
  assert.is(trojan.abort?.by, 'alice');
  const open = engine(2_000_000, { kind: 'detector-blinding' }, { detectorMonitor: false });
  assert.ok(open.out.alice && open.out.alice.keyBits > 0, `without the monitor the engine makes key: ${JSON.stringify(open.out.abort)}`);
  assert.ok(open.out.alice.qber < 0.03, 'and the QBER looks clean');
  assert.ok(open.eve.known / open.eve.sifted > 0.99, `Eve holds ${open.eve.known}/${open.eve.sifted} sifted bits`);
});

test.run();
