/**
 * The capsule store and forwarder (src/capsule/store.ts, forwarder.ts, contact-plan.ts): earliest
 * arrival routing over a contact plan, custody (deleted only on acknowledgement or expiry), a
 * retransmission after a lost acknowledgement recognised and not delivered twice, priority by
 * expiry within a contact's capacity, and a 24 h network run (sim/capsule-dtn.ts) on SQLite that
 * delivers what its contacts allow.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SqliteStorage } from '../hal/node/sqlite-storage.ts';
import { SimClock } from '../hal/sim/clock.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import { MemoryStorage } from '../hal/sim/storage.ts';
import type { Storage } from '../hal/storage.ts';
import { bytesToHex } from '../src/bytes.ts';
import { ContactPlan, type Contact } from '../src/capsule/contact-plan.ts';
import { Forwarder } from '../src/capsule/forwarder.ts';
import { decodeCapsule, withHopCount } from '../src/capsule/format.ts';
import { generateCapsuleIdentity, pinDirectory } from '../src/capsule/identity.ts';
import { CapsuleOpener } from '../src/capsule/open.ts';
import { CapsuleReject } from '../src/capsule/reject.ts';
import { sealCapsule } from '../src/capsule/seal.ts';
import { CapsuleStore } from '../src/capsule/store.ts';
import { DtnNetwork } from '../sim/capsule-dtn.ts';

const T = Date.UTC(2026, 10, 23, 0);
const MIN = 60_000;
const c = (from: string, to: string, start: number, end: number, rate = 100_000, owlt = 0): Contact => ({ from, to, startMs: T + start * MIN, endMs: T + end * MIN, rateBytesPerS: rate, owltMs: owlt });

test('contact plan: earliest arrival, waiting for a later contact, first hop named', () => {
  const plan = new ContactPlan([c('a', 'b', 0, 10), c('b', 'd', 30, 40), c('a', 'c', 5, 15), c('c', 'd', 20, 25), c('a', 'd', 100, 110)]);
  const r = plan.route('a', 'd', T)!;
  assert.is(r.nextHop, 'c', 'via c arrives at 20 min, via b at 30, direct at 100');
  assert.is(r.arrivalMs, T + 20 * MIN);
  assert.is(r.hops, 2);
  assert.is(plan.route('a', 'd', T + 16 * MIN)!.nextHop, 'd', 'after the a→c and a→b windows only the direct contact is left');
  assert.is(plan.route('a', 'd', T + 111 * MIN), undefined);
  assert.is(plan.route('d', 'a', T), undefined, 'contacts are one-way');
  assert.equal(plan.active('a', T + 7 * MIN), [0, 2]);
  assert.throws(() => new ContactPlan([c('a', 'a', 0, 1)]), /itself/);
  assert.throws(() => new ContactPlan([c('a', 'b', 5, 5)]), /endMs/);
});

function world(storage: Storage = new MemoryStorage(), clock = new SimClock(T)) {
  const e = new SimEntropy(5, 'dtn-unit');
  const ids = ['src', 'mid', 'dst'].map((id) => generateCapsuleIdentity(id, e));
  const directory = pinDirectory(ids);
  const plan = new ContactPlan([c('src', 'mid', 0, 60, 10_000), c('mid', 'dst', 30, 90, 10_000)]);
  const delivered: string[] = [];
  const nodes = Object.fromEntries(ids.map((identity) => [identity.id, new Forwarder({
    identity, directory, plan, clock,
    store: new CapsuleStore(storage, `${identity.id}/`),
    opener: new CapsuleOpener({ identity, directory, storage, clock, ledgerTable: `${identity.id}/seen` }),
    delivered: (cap) => delivered.push(bytesToHex(cap.capsuleId)),
  })])) as Record<'src' | 'mid' | 'dst', Forwarder>;
  const seal = (minutes: number, i: number) => sealCapsule({
    sender: ids[0]!, recipients: [ids[2]!], key: e.randomBytes(32), keyId: e.randomBytes(16), entropy: e,
    notBeforeMs: clock.wallMs(), notAfterMs: clock.wallMs() + minutes * MIN + i, hopLimit: 4,
  });
  return { storage, clock, nodes, delivered, seal, e };
}

test('custody: released only on acknowledgement; a lost acknowledgement means a retransmission, acknowledged again, delivered once', () => {
  const w = world();
  const s = w.seal(240, 0);
  w.nodes.src.inject(s.bytes);
  assert.is(w.nodes.src.store.size, 1);
  // the first send is taken by mid, but the acknowledgement is lost on the way back
  let sent = w.nodes.src.forward((to, bytes) => { w.nodes[to as 'mid'].receive(bytes); return undefined; });
  assert.is(sent.sent, 1);
  assert.is(w.nodes.src.store.size, 1, 'no acknowledgement, no release');
  assert.is(w.nodes.mid.store.size, 1);
  w.clock.advance(MIN);
  sent = w.nodes.src.forward((to, bytes) => w.nodes[to as 'mid'].receive(bytes));
  assert.is(sent.acked, 1);
  assert.is(w.nodes.src.store.size, 0);
  assert.is(w.nodes.mid.store.size, 1, 'the duplicate was not stored twice');
  assert.equal(w.nodes.mid.receive(s.bytes), { ok: true, duplicate: true });
  // mid → dst opens at 30 min; deliver, lose the ack, retransmit: delivered once
  w.clock.advance(30 * MIN);
  w.nodes.mid.forward((to, bytes) => { w.nodes[to as 'dst'].receive(bytes); return undefined; });
  w.nodes.mid.forward((to, bytes) => w.nodes[to as 'dst'].receive(bytes));
  assert.is(w.nodes.mid.store.size, 0);
  assert.equal(w.delivered, [bytesToHex(s.capsuleId)]);
  assert.is(w.storage.list('mid/done').length, 1, 'mid remembers what it released');
});

test('custody: a released capsule offered again with the same hop count is a retransmission; with more hops it went round a loop and is taken again', () => {
  const w = world();
  const s = w.seal(240, 0);
  w.nodes.src.inject(s.bytes);
  assert.is(w.nodes.src.forward((to, bytes) => w.nodes[to as 'mid'].receive(bytes)).acked, 1);
  w.clock.advance(30 * MIN);
  // the next hop takes it (its acknowledgement stands in for dst here): mid releases it
  assert.is(w.nodes.mid.forward(() => ({ ok: true, duplicate: false })).acked, 1);
  assert.is(w.nodes.mid.store.size, 0);
  assert.equal(w.nodes.mid.receive(withHopCount(s.bytes, 1)), { ok: true, duplicate: true }, 'src retransmits (its acknowledgement was lost)');
  assert.is(w.nodes.mid.store.size, 0);
  assert.equal(w.nodes.mid.receive(withHopCount(s.bytes, 3)), { ok: true, duplicate: false }, 'back after two more hops: a loop');
  assert.is(w.nodes.mid.store.size, 1, 'taken into custody again, so the sender may release it without losing it');
  assert.is(w.nodes.mid.forward(() => ({ ok: true, duplicate: false })).acked, 1);
  assert.equal(w.nodes.mid.receive(withHopCount(s.bytes, 3)), { ok: true, duplicate: true }, 'the tombstone now remembers the higher count');
});

test('custody: an entry leaves by expiry; a refused capsule stays until then', () => {
  const w = world();
  const s = w.seal(20, 0);
  w.nodes.src.inject(s.bytes);
  // refused by the next hop (here: a receiver that says so) — kept
  w.nodes.src.forward(() => ({ ok: false, reason: CapsuleReject.EXPIRED }));
  assert.is(w.nodes.src.store.size, 1);
  w.clock.advance(19 * MIN);
  assert.equal(w.nodes.src.expire(), []);
  w.clock.advance(4 * MIN);
  assert.is(w.nodes.src.expire().length, 1);
  assert.is(w.nodes.src.store.size, 0);
  assert.is(w.storage.list('src/custody').length, 0);
});

test('priority by expiry: a contact short of capacity carries the earliest not_after first', () => {
  const w = world();
  const caps = [300, 100, 200, 50, 400].map((m, i) => ({ m, s: w.seal(m, i) }));
  for (const x of caps) w.nodes.src.inject(x.s.bytes);
  const sentOrder: number[] = [];
  const one = caps[0]!.s.bytes.length;
  // a contact with room for three capsules
  const tight = new ContactPlan([c('src', 'mid', 0, 1, Math.ceil((3.5 * one) / 60)), c('mid', 'dst', 30, 90)]);
  const f = new Forwarder({
    identity: generateCapsuleIdentity('src', new SimEntropy(5, 'dtn-unit')), directory: pinDirectory([]), plan: tight, clock: w.clock,
    store: w.nodes.src.store, opener: new CapsuleOpener({ identity: generateCapsuleIdentity('src', new SimEntropy(5, 'dtn-unit')), directory: pinDirectory([]), storage: w.storage, clock: w.clock }),
  });
  f.forward((_to, bytes) => { sentOrder.push(decodeCapsule(bytes).notAfterMs - T); return { ok: true, duplicate: false }; });
  assert.equal(sentOrder.map((ms) => Math.round(ms / MIN)), [50, 100, 200]);
});

test('contact capacity is reserved durably: after a restart the contact carries no more than its capacity', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lv-capsule-cap-'));
  try {
    const path = join(dir, 'store.db');
    const s1 = new SqliteStorage(path);
    const w = world(s1);
    const caps = [0, 1, 2, 3, 4].map((i) => w.seal(300, i));
    for (const x of caps) w.nodes.src.inject(x.bytes);
    const one = caps[0]!.bytes.length;
    // room for three capsules in all; the first session sends three, and every acknowledgement is lost
    const tight = new ContactPlan([c('src', 'mid', 0, 1, Math.ceil((3.5 * one) / 60)), c('mid', 'dst', 30, 90)]);
    const node = (storage: Storage) => {
      const identity = generateCapsuleIdentity('src', new SimEntropy(5, 'dtn-unit'));
      return new Forwarder({ identity, directory: pinDirectory([]), plan: tight, clock: w.clock, store: new CapsuleStore(storage, 'src/'), opener: new CapsuleOpener({ identity, directory: pinDirectory([]), storage, clock: w.clock }) });
    };
    let n = 0;
    node(s1).forward(() => { n++; return undefined; });
    assert.is(n, 3, 'three fit the contact');
    s1.close();
    const s2 = new SqliteStorage(path);
    let again = 0;
    const f = node(s2);
    assert.is(f.store.size, 5, 'nothing was acknowledged, so all five are still held');
    f.forward(() => { again++; return { ok: true, duplicate: false }; });
    assert.is(again, 0, 'the restarted node finds the contact used up');
    // once the contact has closed its reservation row goes with the next expiry pass
    w.clock.advance(2 * MIN);
    f.expire();
    assert.is(s2.list('src/contacts').length, 0);
    s2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('store: custody and tombstones survive a restart (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lv-capsule-store-'));
  try {
    const path = join(dir, 'store.db');
    const s1 = new SqliteStorage(path);
    const w = world(s1);
    const a = w.seal(120, 0);
    const b = w.seal(120, 1);
    w.nodes.src.inject(a.bytes);
    w.nodes.src.inject(b.bytes);
    w.nodes.src.forward((to, bytes) => (decodeCapsule(bytes).capsuleId[0] === a.capsuleId[0] ? w.nodes[to as 'mid'].receive(bytes) : undefined));
    s1.close();
    const s2 = new SqliteStorage(path);
    const again = world(s2, w.clock);
    assert.is(again.nodes.src.store.size, 1, 'the unacknowledged one is still held');
    assert.is(again.nodes.mid.store.size, 1, 'mid holds the one it acknowledged');
    assert.ok(again.nodes.mid.store.holds(`${bytesToHex(a.capsuleId)}>dst`));
    assert.ok(again.nodes.src.store.knows(`${bytesToHex(a.capsuleId)}>dst`), 'the released one is remembered');
    again.nodes.src.inject(a.bytes);
    assert.is(again.nodes.src.store.size, 1, 're-injecting a released capsule takes no custody');
    s2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('24 h contact plan, 60 capsules, SQLite: every capsule delivered or expired, none lost, none twice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lv-capsule-dtn-'));
  try {
    const storage = new SqliteStorage(join(dir, 'dtn.db'));
    const seen = new Set<string>();
    const net = new DtnNetwork(storage, { seed: 2, capsules: 60 }, { delivered: (id) => { assert.not.ok(seen.has(id)); seen.add(id); } });
    net.run();
    const r = net.report();
    assert.is(r.created, 60);
    assert.is(r.delivered + r.expired + r.inFlight, 60);
    assert.is(r.inFlight, 0, 'at the end of the plan nothing valid is left in custody');
    assert.ok(r.deliveryRatio >= 0.9, `delivery ratio ${r.deliveryRatio}`);
    assert.ok(r.meanLatencyS > 0 && r.meanLatencyS < 8 * 3600);
    assert.is(seen.size, r.delivered);
    storage.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
