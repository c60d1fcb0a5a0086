/** Link policy: QBER states → SUSPENDED → DEGRADED (60 s), quarantine, explicit PQC fallback, recovery, mission guard. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { base64Decode } from '../src/base64.ts';
import { equalBytes } from '../src/bytes.ts';
import { DEFAULT_LINK_POLICY, INITIAL_LINK_STATE, LinkStatus, observeQber, TransitionReason, withSuspendThreshold } from '../src/policy/link-state.ts';
import { checkMission, GuardReject, loadMissionPolicy, signMissionPolicy } from '../src/policy/mission-guard.ts';
import { pqcFallbackDecapsulate } from '../src/policy/fallback.ts';
import { DEFAULT_QBER_THRESHOLDS } from '../src/policy/qber.ts';
import { deliveryAad } from '../src/agent/service.ts';
import { fixture, session } from './_keyservice.ts';
import { issuedKey, responseBody } from './_scan.ts';

const kinds = (f: ReturnType<typeof fixture>) => f.storage.list('evidence').map((r) => JSON.parse(new TextDecoder().decode(r.value)));

test('state machine: breach suspends, 60 s sustained degrades, a clear breach resumes', () => {
  let s = INITIAL_LINK_STATE;
  let t = observeQber(s, 0.02, 0);
  assert.is(t.transition, undefined);
  t = observeQber(t.state, 0.09, 1_000);
  assert.equal(t.transition, { from: LinkStatus.UP, to: LinkStatus.SUSPENDED, reason: TransitionReason.QBER_BREACH, qber: 0.09 });
  s = observeQber(t.state, 0.09, 60_999).state;
  assert.is(s.status, LinkStatus.SUSPENDED, 'not yet 60 s');
  t = observeQber(s, 0.09, 61_000);
  assert.is(t.transition?.to, LinkStatus.DEGRADED);
  assert.is(t.transition?.reason, TransitionReason.SUSTAINED_BREACH);
  const back = observeQber(observeQber(INITIAL_LINK_STATE, 0.09, 0).state, 0.02, 30_000);
  assert.is(back.transition?.reason, TransitionReason.BREACH_CLEARED);
});

test('state machine: above 11 % degrades at once; recovery needs 30 s of nominal QBER', () => {
  const t = observeQber(INITIAL_LINK_STATE, 0.12, 0);
  assert.is(t.transition?.reason, TransitionReason.COMPROMISED);
  let s = observeQber(t.state, 0.04, 1_000).state; // degraded band, not nominal: no recovery clock
  s = observeQber(s, 0.02, 2_000).state;
  assert.is(s.status, LinkStatus.DEGRADED);
  assert.is(observeQber(s, 0.02, 31_999).transition, undefined);
  assert.is(observeQber(s, 0.02, 32_000).transition?.reason, TransitionReason.RECOVERED);
});

test('LIGHTVIBES_QBER_THRESHOLD lowers the suspend threshold, never above 11 %', () => {
  const th = withSuspendThreshold(DEFAULT_QBER_THRESHOLDS, 0.05);
  const cfg = { ...DEFAULT_LINK_POLICY, thresholds: th };
  assert.is(observeQber(INITIAL_LINK_STATE, 0.06, 0, cfg).state.status, LinkStatus.SUSPENDED);
  assert.is(observeQber(INITIAL_LINK_STATE, 0.06, 0).state.status, LinkStatus.UP);
  assert.throws(() => withSuspendThreshold(DEFAULT_QBER_THRESHOLDS, 0.2), /LIGHTVIBES_QBER_THRESHOLD/);
});

test('service: sustained breach → DEGRADED, pool purged, blocks refused, evidence and counters', () => {
  const f = fixture();
  assert.ok(f.service.keystore.poolBytes('sim-link-1') > 0);
  f.supply.setQber(0.09);
  f.service.tick();
  assert.is(f.service.link('sim-link-1')!.policy.status, LinkStatus.SUSPENDED);
  assert.is(session(f).status, 201, 'committed key is still served while suspended');
  f.clock.advance(60_000);
  f.supply.inject(1);
  f.service.tick();
  const v = f.service.link('sim-link-1')!;
  assert.is(v.policy.status, LinkStatus.DEGRADED);
  assert.is(f.service.keystore.poolBytes('sim-link-1'), 0, 'quarantine purges the unissued pool');
  assert.is(v.counters.blocksRefused, 1);
  assert.is(v.counters.quarantines, 1);
  const ev = kinds(f);
  assert.ok(ev.some((r) => r.kind_name === 'quarantine' && r.reason === 'SUSTAINED_BREACH'));
  assert.ok(ev.some((r) => r.kind_name === 'mode_change' && r.to === 'DEGRADED' && r.mode === 'PQC'));
  assert.ok(ev.some((r) => r.kind_name === 'block_refused'));
  const metrics = f.call({ method: 'GET', path: '/metrics', listener: 'ops' }).body;
  assert.match(metrics, /lightvibes_link_degraded\{link_id="sim-link-1"\} 1/);
  assert.match(metrics, /qkd_key_generation_halted_total\{link_id="sim-link-1"\} 2/);
  assert.match(metrics, /qkd_qber_threshold_exceeded_total\{link_id="sim-link-1",severity="critical"\} 1/);
});

test('service: DEGRADED without fallback → 503 and evidence; with fallback "PQC" → flagged, counted, derivable by the peer', () => {
  const f = fixture();
  f.supply.setQber(0.2);
  f.service.tick();
  const refused = session(f, { peer_id: 'sae-b', policy: { min_keybits: 256 } });
  assert.is(refused.status, 503);
  assert.is(refused.json.details[1].reason, 'LINK_DEGRADED');
  const s = session(f, { peer_id: 'sae-b', policy: { min_keybits: 256 }, fallback: 'PQC' });
  assert.is(s.status, 201);
  assert.is(s.json.mode, 'PQC');
  assert.is(s.json.fallback.reason, 'LINK_DEGRADED');
  assert.is(s.json.fallback.kem, 'ML-KEM-768+X25519/HKDF-SHA256');
  assert.is(f.service.counters.pqcFallbacks, 1);
  assert.match(f.call({ method: 'GET', path: '/metrics', listener: 'ops' }).body, /lightvibes_pqc_fallback_total 1/);
  const k = f.call({ method: 'GET', path: `/lightvibes/key/${s.json.key_ref}` });
  assert.is(k.json.mode, 'PQC');
  const key = f.sealer.unseal(base64Decode(k.json.key_sealed)!, deliveryAad(s.json.key_ref));
  issuedKey(key);
  const peer = f.mission.pqc['sae-b']!;
  const derived = pqcFallbackDecapsulate(peer.secrets, peer.publicKeys, base64Decode(s.json.fallback.ml_kem_ciphertext)!,
    base64Decode(s.json.fallback.x25519_ephemeral)!, 256, s.json.session_id, 'sae-b');
  assert.ok(equalBytes(derived, key), 'the peer derives the same key');
  const ev = kinds(f);
  assert.ok(ev.some((r) => r.kind_name === 'pqc_fallback' && r.session_id === s.json.session_id));
  assert.ok(ev.some((r) => r.kind_name === 'request_refused' && r.reason === 'LINK_DEGRADED'));
  // ETSI delivers QKD keys only: refused while quarantined
  assert.is(f.call({ method: 'GET', path: '/api/v1/keys/sae-b/enc_keys' }).status, 503);
  f.bodies.forEach((b, i) => responseBody(`policy fallback #${i}`, b));
});

test('service: an empty pool is never a silent fallback', () => {
  const f = fixture({ blocks: 0 });
  assert.is(session(f).status, 503);
  const s = session(f, { peer_id: 'sae-b', fallback: 'PQC' });
  assert.is(s.json.mode, 'PQC');
  assert.is(s.json.fallback.reason, 'POOL_EXHAUSTED');
});

test('service: recovery when the channel is nominal again', () => {
  const f = fixture();
  f.supply.setQber(0.2);
  f.service.tick();
  f.supply.setQber(0.01);
  f.service.tick();
  f.clock.advance(30_000);
  f.service.tick();
  assert.is(f.service.link('sim-link-1')!.policy.status, LinkStatus.UP);
  f.supply.inject(1);
  f.service.tick();
  assert.is(session(f).json.mode, 'QMK');
  assert.ok(kinds(f).some((r) => r.kind_name === 'recovery'));
});

test('mission guard: unknown peer, caller or context → 403 and evidence; a forged policy is refused', () => {
  const f = fixture();
  const unknown = session(f, { peer_id: 'sae-z' });
  assert.is(unknown.status, 403);
  assert.is(unknown.json.details[1].reason, 'UNKNOWN_PEER');
  const ctx = session(f, { peer_id: 'sae-b', context: 'weapons-targeting' });
  assert.is(ctx.status, 403);
  assert.is(ctx.json.details[1].reason, 'CONTEXT_NOT_ALLOWED');
  const self = session(f, { peer_id: 'sae-a' });
  assert.is(self.json.details[1].reason, 'CALLER_NOT_ALLOWED');
  assert.is(kinds(f).filter((r) => r.kind_name === 'guard_denied').length, 3);
  assert.is(f.service.keystore.storedKeyCount(), 0, 'nothing issued');
  const m = f.mission;
  assert.ok(loadMissionPolicy(JSON.stringify(m.signed), m.operator.publicKey).ok);
  const forged = { ...m.signed, policy: { ...m.policy, peers: [...m.policy.peers, { ...m.policy.peers[0]!, peer_id: 'mallory' }] } };
  assert.equal(loadMissionPolicy(JSON.stringify(forged), m.operator.publicKey), { ok: false, reason: GuardReject.BAD_SIGNATURE });
  const other = signMissionPolicy(m.policy, { publicKey: m.operator.publicKey, secretKey: new Uint8Array(4032) }, false);
  assert.is(loadMissionPolicy(JSON.stringify(other), m.operator.publicKey).ok, false);
  assert.equal(loadMissionPolicy('{', m.operator.publicKey), { ok: false, reason: GuardReject.BAD_DOCUMENT });
  assert.equal(checkMission(m.policy, 'sae-a', 'sae-b', 'default', m.policy.not_after_ms + 1), { allowed: false, reason: GuardReject.EXPIRED });
  void SimEntropy;
});

test.run();
