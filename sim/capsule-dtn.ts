/**
 * A store-and-forward network of key capsules over a 24 h contact plan (issue 8): two satellites,
 * a UAV and three ground stations; satellites meet ground stations on passes and each other on
 * crosslinks, the UAV meets one ground station and one satellite. Capsules (ML-DSA-65 signed,
 * hybrid-encrypted, one 256-bit key each) are created at random nodes for random destinations and
 * forwarded by each node's Forwarder, all nodes sharing one Storage with a table prefix each — so
 * one SQLite file holds a whole network and a SIGKILL can land between any two commits.
 *
 * The run resumes from its Storage: the step reached and the next capsule to create are
 * persisted, so a crashed run continues where its last commit left it (test/crash/capsule-*).
 */
import { SimClock } from '../hal/sim/clock.ts';
import { SimEntropy } from '../hal/sim/entropy.ts';
import type { Storage, StorageTransaction } from '../hal/storage.ts';
import { decodeCbor, encodeCbor } from '../src/capsule/cbor.ts';
import { ContactPlan, type Contact } from '../src/capsule/contact-plan.ts';
import { Forwarder } from '../src/capsule/forwarder.ts';
import { generateCapsuleIdentity, pinDirectory, type CapsuleIdentity } from '../src/capsule/identity.ts';
import { CapsuleOpener } from '../src/capsule/open.ts';
import { sealCapsule } from '../src/capsule/seal.ts';
import { CapsuleStore } from '../src/capsule/store.ts';
import { bytesToHex } from '../src/bytes.ts';

export const DTN_NODES = ['sat-1', 'sat-2', 'uav-1', 'gs-a', 'gs-b', 'gs-c'] as const;
export const T0 = Date.UTC(2026, 10, 23, 0, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

export interface DtnOptions {
  readonly seed: number;
  readonly capsules: number;
  readonly hours?: number;
  readonly stepMs?: number;
  /** Capsule lifetime (ms). */
  readonly lifetimeMs?: number;
  /** Ground↔space contact rate (bytes/s); crosslinks run at twice it. */
  readonly rateBytesPerS?: number;
}

export interface DtnReport {
  created: number;
  delivered: number;
  expired: number;
  inFlight: number;
  deliveryRatio: number;
  meanLatencyS: number;
  p95LatencyS: number;
  transfers: number;
  refused: number;
  contacts: number;
  steps: number;
}

/** The 24 h plan: passes, crosslinks and UAV sorties, each contact in both directions. */
export function contactPlan24h(hours = 24, rate = 2_000): Contact[] {
  const out: Contact[] = [];
  const both = (a: string, b: string, start: number, minutes: number, r: number, owlt: number) => {
    out.push({ from: a, to: b, startMs: T0 + start, endMs: T0 + start + minutes * MIN, rateBytesPerS: r, owltMs: owlt });
    out.push({ from: b, to: a, startMs: T0 + start, endMs: T0 + start + minutes * MIN, rateBytesPerS: r, owltMs: owlt });
  };
  const end = hours * HOUR;
  // LEO passes: every 95 min per satellite, 8-minute windows, staggered per ground station
  ['sat-1', 'sat-2'].forEach((sat, s) => {
    ['gs-a', 'gs-b', 'gs-c'].forEach((gs, g) => {
      for (let t = (s * 47 + g * 31) * MIN; t < end; t += 95 * MIN) if ((t / MIN + g) % 3 !== 2) both(sat, gs, t, 8, rate, 10);
    });
  });
  // crosslink: every 50 min, 12 minutes
  for (let t = 20 * MIN; t < end; t += 50 * MIN) both('sat-1', 'sat-2', t, 12, 2 * rate, 15);
  // UAV sorties: with gs-a every 2 h for 25 minutes, with sat-2 every 3 h for 6 minutes
  for (let t = 10 * MIN; t < end; t += 2 * HOUR) both('uav-1', 'gs-a', t, 25, rate, 1);
  for (let t = 70 * MIN; t < end; t += 3 * HOUR) both('uav-1', 'sat-2', t, 6, rate / 2, 5);
  return out;
}

/** Deterministic identities for the network (same seed, same keys on every restart). */
export function dtnIdentities(seed: number): CapsuleIdentity[] {
  const e = new SimEntropy(seed, 'dtn-identities');
  return DTN_NODES.map((id) => generateCapsuleIdentity(id, e));
}

interface Planned { index: number; source: number; destination: number; createdMs: number }

function schedule(opts: DtnOptions, hours: number): Planned[] {
  const e = new SimEntropy(opts.seed, 'dtn-traffic');
  const span = Math.max(1, hours - 4) * HOUR;
  const out: Planned[] = [];
  for (let i = 0; i < opts.capsules; i++) {
    const r = e.randomBytes(8);
    const source = r[0]! % DTN_NODES.length;
    let destination = r[1]! % (DTN_NODES.length - 1);
    if (destination >= source) destination++;
    const createdMs = T0 + Math.floor((((r[2]! << 16) | (r[3]! << 8) | r[4]!) / 0x1000000) * span);
    out.push({ index: i, source, destination, createdMs });
  }
  return out.sort((x, y) => x.createdMs - y.createdMs || x.index - y.index);
}

const DRIVER = 'dtn-driver';

export interface DtnHooks {
  /** A created capsule was committed to its source's store (it must never be lost now). */
  readonly acked?: (capsuleId: string, notAfterMs: number, destination: string) => void;
  /** A capsule was delivered (its delivery committed). */
  readonly delivered?: (capsuleId: string, node: string, latencyMs: number) => void;
  /** Called between steps; return false to stop. */
  readonly between?: (step: number) => boolean;
}

export class DtnNetwork {
  readonly clock: SimClock;
  readonly nodes = new Map<string, Forwarder>();
  readonly plan: ContactPlan;
  readonly steps: number;
  readonly stepMs: number;
  private readonly planned: Planned[];
  private readonly identities: CapsuleIdentity[];
  private step = 0;
  private next = 0;
  readonly latencies: number[] = [];
  private readonly createdAt = new Map<string, number>();
  transfers = 0;
  refused = 0;

  constructor(readonly storage: Storage, readonly opts: DtnOptions, private readonly hooks: DtnHooks = {}, identities?: CapsuleIdentity[]) {
    const hours = opts.hours ?? 24;
    this.stepMs = opts.stepMs ?? MIN;
    this.steps = Math.ceil((hours * HOUR) / this.stepMs);
    this.plan = new ContactPlan(contactPlan24h(hours, opts.rateBytesPerS));
    this.planned = schedule(opts, hours);
    this.identities = identities ?? dtnIdentities(opts.seed);
    const state = storage.get(DRIVER, 'state');
    if (state) [this.step, this.next] = decodeCbor(state) as [number, number];
    this.clock = new SimClock(T0 + this.step * this.stepMs);
    const directory = pinDirectory(this.identities);
    for (const identity of this.identities) {
      const opener = new CapsuleOpener({ identity, directory, storage, clock: this.clock, ledgerTable: `${identity.id}/seen` });
      const store = new CapsuleStore(storage, `${identity.id}/`);
      this.nodes.set(identity.id, new Forwarder({
        identity, directory, store, opener, plan: this.plan, clock: this.clock,
        deliver: (tx, c) => tx.append(`${identity.id}/delivered`, bytesToHex(c.capsuleId), encodeCbor([this.clock.wallMs(), bytesToHex(c.keyId)])),
        delivered: (c) => {
          const created = this.createdAt.get(bytesToHex(c.capsuleId)) ?? this.clock.wallMs();
          this.latencies.push(this.clock.wallMs() - created);
          hooks.delivered?.(bytesToHex(c.capsuleId), identity.id, this.clock.wallMs() - created);
        },
      }));
    }
    // capsules created before a restart, for latency bookkeeping
    for (let i = 0; i < this.next; i++) this.createdAt.set(this.capsuleIdOf(this.planned[i]!.index), this.planned[i]!.createdMs);
  }


  private saveState(tx: StorageTransaction, step: number, next: number): void {
    tx.delete(DRIVER, 'state');
    tx.append(DRIVER, 'state', encodeCbor([step, next]));
  }

  get stepReached(): number {
    return this.step;
  }

  /** Runs to the end of the plan (or until `between` says stop). */
  run(): void {
    const lifetime = this.opts.lifetimeMs ?? 8 * HOUR;
    while (this.step < this.steps) {
      if (this.hooks.between && !this.hooks.between(this.step)) return;
      const now = T0 + this.step * this.stepMs;
      this.clock.advance(now - this.clock.wallMs());
      while (this.next < this.planned.length && this.planned[this.next]!.createdMs <= now) {
        const p = this.planned[this.next]!;
        const source = this.identities[p.source]!;
        const dest = this.identities[p.destination]!;
        const sealed = sealCapsule({
          sender: source, recipients: [dest], key: new SimEntropy(this.opts.seed, `dtn-key-${p.index}`).randomBytes(32),
          keyId: new SimEntropy(this.opts.seed, `dtn-key-id-${p.index}`).randomBytes(16),
          notBeforeMs: p.createdMs, notAfterMs: p.createdMs + lifetime, hopLimit: 6, entropy: new SimEntropy(this.opts.seed, `dtn-capsule-${p.index}`),
        });
        const after = this.next + 1;
        this.nodes.get(source.id)!.inject(sealed.bytes, (tx) => this.saveState(tx, this.step, after));
        this.next = after;
        const id = bytesToHex(sealed.capsuleId);
        this.createdAt.set(id, p.createdMs);
        this.hooks.acked?.(id, p.createdMs + lifetime, dest.id);
      }
      let busy = false;
      for (const f of this.nodes.values()) {
        // an expiry commits with the step it happened at, so an audit after a crash knows the time
        if (f.expire((tx) => this.saveState(tx, this.step, this.next)).length) busy = true;
        const r = f.forward((to, bytes) => {
          this.transfers++;
          const ack = this.nodes.get(to)!.receive(bytes);
          if (!ack.ok) this.refused++;
          return ack;
        });
        if (r.sent) busy = true;
      }
      this.step++;
      // idle steps are not persisted: after a restart they replay as no-ops
      if (busy || this.step === this.steps) this.storage.transaction((tx) => this.saveState(tx, this.step, this.next));
    }
  }

  private capsuleIdCache = new Map<number, string>();
  /** The id capsule `index` has (the sealing entropy is seeded, so it is known before sealing). */
  private capsuleIdOf(index: number): string {
    let id = this.capsuleIdCache.get(index);
    if (!id) this.capsuleIdCache.set(index, (id = bytesToHex(new SimEntropy(this.opts.seed, `dtn-capsule-${index}`).randomBytes(16))));
    return id;
  }

  /** Capsules created so far, and where each is now (from the Storage, so it holds across restarts). */
  report(): DtnReport {
    const created = this.next;
    const deliveredIds = new Set<string>();
    const lat: number[] = [];
    for (const id of DTN_NODES)
      for (const { key, value } of this.storage.list(`${id}/delivered`)) {
        deliveredIds.add(key);
        const [at] = decodeCbor(value) as [number, string];
        lat.push(at - (this.createdAt.get(key) ?? at));
      }
    const held = new Set<string>();
    for (const f of this.nodes.values()) for (const e of f.store.byExpiry()) if (!deliveredIds.has(e.capsuleId)) held.add(e.capsuleId);
    lat.sort((x, y) => x - y);
    const delivered = deliveredIds.size;
    return {
      created, delivered, inFlight: held.size, expired: created - delivered - held.size,
      deliveryRatio: created ? delivered / created : 0,
      meanLatencyS: lat.length ? lat.reduce((s, x) => s + x, 0) / lat.length / 1000 : 0,
      p95LatencyS: lat.length ? lat[Math.floor(lat.length * 0.95)]! / 1000 : 0,
      transfers: this.transfers, refused: this.refused, contacts: this.plan.contacts.length, steps: this.step,
    };
  }
}
