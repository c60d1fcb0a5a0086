/**
 * The relay-chain scenarios run the real relay code (src/relay/): link pools fed by the links'
 * stores, routes from routes.ts, K1 ⊕ K_i hop messages, identical keys at both ends; the attack
 * twin's forged and replayed hop messages are all rejected, and a jammed hop sends requests to PQC.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAC_KEY_BYTES } from '../src/relay/hop.ts';
import { ScenarioRelayNetwork, type LinkKeyBudget } from '../sim/relay-network.ts';
import { runScenario } from '../sim/run.ts';
import { loadScenario } from '../sim/scenario.ts';

const budget = (bits: number): LinkKeyBudget & { bits: number } => {
  const b = { bits, available: () => b.bits, spend: (n: number) => { b.bits -= n; }, rateBps: () => 1000 };
  return b;
};

function chain(bits: number[]) {
  const ids = bits.map((_, i) => `n${i}`).concat(`n${bits.length}`);
  const budgets = bits.map(budget);
  const net = new ScenarioRelayNetwork(7, ids, budgets.map((b, i) => ({ a: ids[i]!, b: ids[i + 1]!, budget: b })));
  return { net, ids, budgets };
}

test('a 3-hop chain: identical keys, each hop spends key + one-time MAC key from its pool', () => {
  const { net, ids, budgets } = chain([10_000, 10_000, 10_000]);
  for (let i = 0; i < 5; i++) {
    const o = net.request(ids[0]!, ids[3]!, 32);
    assert.ok(o.delivered && !o.mismatch, JSON.stringify(o));
    assert.equal(o.route, ids);
    assert.is(o.hopMessages, 3);
  }
  for (const b of budgets) assert.is(b.bits, 10_000 - 5 * 8 * (32 + MAC_KEY_BYTES));
});

test('a hop that cannot pay: no route, nothing spent anywhere', () => {
  const { net, ids, budgets } = chain([10_000, 8 * (32 + MAC_KEY_BYTES) - 1, 10_000]);
  const o = net.request(ids[0]!, ids[3]!, 32);
  assert.not.ok(o.delivered);
  assert.is(o.refused, 'NO_ROUTE');
  assert.equal(budgets.map((b) => b.bits), [10_000, 8 * (32 + MAC_KEY_BYTES) - 1, 10_000]);
});

test('forged hop: BAD_TAG, no key delivered, and the pools stay in step (the next key goes through)', () => {
  const { net, ids } = chain([10_000, 10_000, 10_000]);
  const f = net.request(ids[0]!, ids[3]!, 32, 'relay-forgery');
  assert.not.ok(f.delivered);
  assert.not.ok(f.mismatch);
  assert.is(f.refused, 'BAD_TAG');
  assert.is(f.injectedAccepted, 0);
  assert.ok(net.request(ids[0]!, ids[3]!, 32).delivered);
});

test('replayed hop: refused (the pad is used up), the genuine key still arrives', () => {
  const { net, ids } = chain([10_000, 10_000]);
  assert.ok(net.request(ids[0]!, ids[2]!, 16).delivered);
  const r = net.request(ids[0]!, ids[2]!, 16, 'relay-replay');
  assert.ok(r.delivered);
  assert.is(r.injected, 1);
  assert.is(r.injectedAccepted, 0);
  assert.equal(r.injectedRejected, { KEY_UNAVAILABLE: 1 });
});

test('relay-chain: end-to-end keys delivered by hop messages, identical at both ends, paid from the link stores', () => {
  const r = runScenario(loadScenario('relay-chain'), { seed: 1, calibrate: false });
  const rel = r.relays[0]!;
  assert.ok(rel.keysDelivered >= 100, `${rel.keysDelivered} of ${rel.requests}`);
  assert.is(rel.keysMismatched, 0);
  assert.is(rel.deliveredBits, rel.keysDelivered * 256);
  assert.ok(Math.abs(rel.endToEndKeyRateBps - rel.deliveredBits / r.durationS) < 1e-9);
  assert.equal(Object.keys(rel.routes), ['hq > relay-1 > relay-uav > field']);
  // every hop's link paid (256 + 256 MAC bits) per delivered key
  for (const l of r.links) assert.is(l.kpis.relayedBits, rel.keysDelivered * 8 * (32 + MAC_KEY_BYTES));
});

test('relay-chain-attack: forged and replayed hops all rejected, jamming sends requests to PQC, no key ever differs', () => {
  const r = runScenario(loadScenario('relay-chain-attack'), { seed: 1, calibrate: false });
  const rel = r.relays[0]!;
  assert.is(rel.keysMismatched, 0);
  assert.is(rel.injectedAccepted, 0);
  assert.ok((rel.injectedRejected.BAD_TAG ?? 0) >= 10, JSON.stringify(rel.injectedRejected));
  assert.ok((rel.injectedRejected.KEY_UNAVAILABLE ?? 0) >= 10, JSON.stringify(rel.injectedRejected));
  assert.ok((rel.refusals.NO_ROUTE ?? 0) >= 20, 'the jammed hop is quarantined: no route');
  assert.ok(rel.keysDelivered > 20, 'outside the attack windows keys still arrive');
  assert.ok(rel.pqcFallback > 0 && rel.pqcFallback + rel.qmk === rel.requests);
});

test.run();
