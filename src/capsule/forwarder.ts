/**
 * The capsule forwarder of one node: takes custody of capsules (its own, or from a neighbour
 * after `inspectCapsule` passed), opens those addressed to itself through its CapsuleOpener, and
 * forwards the rest along the contact plan, earliest not_after first, within each contact's
 * capacity (reserved in the store before sending, so a restart does not reuse it). A transfer is: the receiver commits (custody or delivery), then acknowledges, then the
 * sender releases its entry — so a crash anywhere loses nothing acknowledged, and a retransmission
 * after a crash is recognised (custody, tombstone or replay ledger) and acknowledged again without
 * being stored or delivered twice.
 */
import type { Clock } from '../../hal/clock.ts';
import type { StorageTransaction } from '../../hal/storage.ts';
import { type Capsule, decodeCapsule, withHopCount } from './format.ts';
import type { CapsuleIdentity, PinnedNode } from './identity.ts';
import { type CapsuleOpener, type CapsulePolicy, DEFAULT_CAPSULE_POLICY, inspectCapsule, type OpenedCapsule } from './open.ts';
import type { ContactPlan, Route } from './contact-plan.ts';
import { CapsuleError, CapsuleReject } from './reject.ts';
import { CapsuleStore, contactKey, custodyKey, type CustodyEntry } from './store.ts';

export type Ack = { readonly ok: true; readonly duplicate: boolean } | { readonly ok: false; readonly reason: CapsuleReject };

export interface ForwarderOptions {
  readonly identity: CapsuleIdentity;
  readonly directory: ReadonlyMap<string, PinnedNode>;
  readonly store: CapsuleStore;
  readonly opener: CapsuleOpener;
  readonly plan: ContactPlan;
  readonly clock: Clock;
  readonly policy?: CapsulePolicy;
  /** Runs inside the delivery transaction: hand the key on (key store), then it is zeroised. */
  readonly deliver?: (tx: StorageTransaction, capsule: OpenedCapsule) => void;
  /** After a delivery committed (for counters and logs; the key is already gone). */
  readonly delivered?: (capsule: Omit<OpenedCapsule, 'key'>) => void;
}

/** Sends `bytes` to neighbour `to`; returns its acknowledgement (undefined: nothing came back). */
export type Transmit = (to: string, bytes: Uint8Array) => Ack | undefined;

export class Forwarder {
  readonly id: string;
  readonly store: CapsuleStore;
  private readonly policy: CapsulePolicy;
  /** hop_count and hop_limit per custody entry, decoded once. */
  private readonly hops = new Map<string, readonly [number, number]>();

  constructor(private readonly opts: ForwarderOptions) {
    this.id = opts.identity.id;
    this.store = opts.store;
    this.policy = opts.policy ?? DEFAULT_CAPSULE_POLICY;
  }

  /** This node's own capsule enters its store; `extra` commits in the same transaction. */
  inject(bytes: Uint8Array, extra?: (tx: StorageTransaction) => void): void {
    const c = decodeCapsule(bytes);
    const now = this.opts.clock.wallMs();
    const staged: CustodyEntry[] = [];
    this.store.storage.transaction((tx) => {
      for (const r of c.recipients)
        if (!this.store.knows(custodyKey(c.capsuleId, r.id))) staged.push(this.store.stage(tx, c.capsuleId, r.id, bytes, c.notAfterMs, now));
      extra?.(tx);
    });
    this.store.settle(staged);
  }

  /** A neighbour offers `bytes`: take custody or deliver, then acknowledge; or refuse with a reason. */
  receive(bytes: Uint8Array): Ack {
    const now = this.opts.clock.wallMs();
    let c: Capsule;
    try {
      c = decodeCapsule(bytes);
    } catch (e) {
      if (e instanceof CapsuleError) return { ok: false, reason: e.reason };
      throw e;
    }
    let duplicate = true;
    let verified = false;
    if (c.recipients.some((r) => r.id === this.id)) {
      // the opener runs every check (signature included) and keeps the replay ledger
      const o = this.opts.opener.open(bytes, (tx, opened) => this.opts.deliver?.(tx, opened));
      if (o.ok) {
        duplicate = false;
        verified = true;
        const { key, ...meta } = o.capsule;
        key.fill(0);
        this.opts.delivered?.(meta);
      } else if (o.reason !== CapsuleReject.REPLAYED) return { ok: false, reason: o.reason };
    }
    const others = c.recipients.filter((r) => r.id !== this.id && !this.store.hasSeen(custodyKey(c.capsuleId, r.id), c.hopCount));
    if (others.length) {
      if (!verified) {
        try {
          inspectCapsule(bytes, this.opts.directory, now, this.policy);
        } catch (e) {
          if (e instanceof CapsuleError) return { ok: false, reason: e.reason };
          throw e;
        }
      }
      const staged: CustodyEntry[] = [];
      this.store.storage.transaction((tx) => {
        for (const r of others) staged.push(this.store.stage(tx, c.capsuleId, r.id, bytes, c.notAfterMs, now));
      });
      this.store.settle(staged);
      duplicate = false;
    }
    // a duplicate (held, released or delivered before) is acknowledged again without any check:
    // nothing is stored for it, and the sender may then release its copy
    return { ok: true, duplicate };
  }

  /**
   * Forwards what the contact plan allows now, earliest expiry first; returns what was sent. An
   * entry whose hop limit is spent stays until it expires (it can be delivered by no one else).
   */
  forward(transmit: Transmit): { sent: number; acked: number; refused: number } {
    const now = this.opts.clock.wallMs();
    const out = { sent: 0, acked: 0, refused: 0 };
    const open = this.opts.plan.active(this.id, now);
    if (!open.length) return out;
    // plan the batch within each contact's capacity, reserve it durably, then send
    const routes = new Map<string, Route | undefined>();
    const totals = new Map<string, [number, number]>();
    const batch: Array<{ e: CustodyEntry; hopCount: number; nextHop: string; bytes: Uint8Array }> = [];
    for (const e of this.store.byExpiry()) {
      if (e.notAfterMs + this.policy.skewMs < now) continue;
      if (!routes.has(e.destination)) routes.set(e.destination, this.opts.plan.route(this.id, e.destination, now));
      const route = routes.get(e.destination);
      if (!route || !open.includes(route.contact)) continue;
      const contact = this.opts.plan.contacts[route.contact]!;
      let hops = this.hops.get(e.key);
      if (!hops) {
        const c = decodeCapsule(e.bytes);
        this.hops.set(e.key, (hops = [c.hopCount, c.hopLimit]));
      }
      if (hops[0] >= hops[1]) continue;
      const key = contactKey(contact);
      const capacity = contact.rateBytesPerS * (contact.endMs - contact.startMs) / 1000;
      const used = totals.get(key)?.[0] ?? this.store.reservedOn(key);
      const bytes = withHopCount(e.bytes, hops[0] + 1);
      if (used + bytes.length > capacity) continue;
      totals.set(key, [used + bytes.length, contact.endMs]);
      batch.push({ e, hopCount: hops[0], nextHop: route.nextHop, bytes });
    }
    this.store.reserve(totals);
    for (const { e, hopCount, nextHop, bytes } of batch) {
      out.sent++;
      const ack = transmit(nextHop, bytes);
      if (ack?.ok) {
        this.store.release(e.key, hopCount);
        this.hops.delete(e.key);
        out.acked++;
      } else if (ack) out.refused++;
    }
    return out;
  }

  /** Drops expired entries and tombstones, and purges the replay ledger. */
  expire(extra?: (tx: StorageTransaction) => void): CustodyEntry[] {
    const now = this.opts.clock.wallMs();
    this.opts.opener.purge();
    return this.store.expire(now, this.policy.skewMs, extra);
  }
}
