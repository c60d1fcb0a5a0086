/**
 * A trusted relay node (seed 002): holds a QKD key pool with each neighbour (link-keys.ts) and
 * moves an end-to-end key along a route as hop messages (hop.ts). The origin takes K1 from its
 * pool with the first relay — that IS the end-to-end key; each relay recovers it from the
 * previous link's pad and re-pads it for the next link (K1 ⊕ K_{i+1}); the destination recovers K1.
 *
 * Relays never log or persist the end-to-end key: a RelayNode has no Storage and no log; what it
 * records (`events`) is ids and reasons; the key exists only inside `receive` and is zeroised there
 * before it returns (at the destination it is handed to the caller, who owns it from then).
 */
import { checkInteger } from '../_check.ts';
import { zeroise } from '../bytes.ts';
import { checkNodeId } from '../capsule/identity.ts';
import {
  decodeRelayHop, encodeRelayHop, MAC_KEY_BYTES, MAX_RELAY_KEY_BYTES, MIN_RELAY_KEY_BYTES, RELAY_REJECT_NAMES, relayTagValid, RelayError,
  RelayReject, type RelayHop,
} from './hop.ts';
import type { LinkKeys } from './link-keys.ts';

export interface RelayEvent {
  readonly kind: 'originated' | 'forwarded' | 'delivered' | 'refused';
  readonly requestId: string;
  readonly hop: number;
  readonly reason?: string;
}

/** What `receive` produced: a message for the next node, or the key at its destination. */
export type RelayStep =
  | { readonly kind: 'forward'; readonly to: string; readonly message: Uint8Array }
  | { readonly kind: 'deliver'; readonly requestId: Uint8Array; readonly origin: string; readonly key: Uint8Array };

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export class RelayNode {
  private readonly links = new Map<string, LinkKeys>();
  readonly events: RelayEvent[] = [];

  constructor(readonly id: string, links: readonly LinkKeys[]) {
    checkNodeId('id', id);
    for (const l of links) this.links.set(checkNodeId('link.peer', l.peer), l);
  }

  link(peer: string): LinkKeys | undefined {
    return this.links.get(peer);
  }

  private fail(reason: RelayReject, detail: string, requestId = '', hop = -1): never {
    this.events.push({ kind: 'refused', requestId, hop, reason: RELAY_REJECT_NAMES[reason] });
    throw new RelayError(reason, detail);
  }

  /**
   * The origin's step: K1 = fresh key from the pool with route[1]; returns it (the caller keeps and
   * zeroises it) and the first hop message (no ciphertext: the first relay holds K1 already).
   */
  originate(requestId: Uint8Array, route: readonly string[], keyBytes: number): { key: Uint8Array; to: string; message: Uint8Array } {
    checkInteger('keyBytes', keyBytes, MIN_RELAY_KEY_BYTES, MAX_RELAY_KEY_BYTES);
    if (route[0] !== this.id || route.length < 2) this.fail(RelayReject.NOT_ON_ROUTE, 'the route does not start here');
    const next = route[1]!;
    const link = this.links.get(next) ?? this.fail(RelayReject.UNKNOWN_LINK, `no link to ${next}`, hex(requestId), 0);
    const pad = link.take(keyBytes + MAC_KEY_BYTES) ?? this.fail(RelayReject.KEY_UNAVAILABLE, `pool with ${next} is short`, hex(requestId), 0);
    const key = pad.key.slice(0, keyBytes);
    const macKey = pad.key.subarray(keyBytes);
    const message = encodeRelayHop({ requestId, route, hop: 0, keyId: pad.keyId, keyBytes, ciphertext: new Uint8Array(0) }, macKey);
    zeroise(pad.key);
    this.events.push({ kind: 'originated', requestId: hex(requestId), hop: 0 });
    return { key, to: next, message };
  }

  /** A hop message from a neighbour: verify, recover the key, and forward it or deliver it. */
  receive(bytes: Uint8Array): RelayStep {
    let h: RelayHop;
    try {
      h = decodeRelayHop(bytes);
    } catch (e) {
      if (e instanceof RelayError) this.fail(e.reason, e.detail);
      throw e;
    }
    const rid = hex(h.requestId);
    const at = h.hop + 1;
    if (h.route[at] !== this.id) this.fail(RelayReject.NOT_ON_ROUTE, `hop ${h.hop} is not addressed to ${this.id}`, rid, h.hop);
    const prev = h.route[h.hop]!;
    const link = this.links.get(prev) ?? this.fail(RelayReject.UNKNOWN_LINK, `no link from ${prev}`, rid, h.hop);
    const pad = link.peek(h.keyId, h.keyBytes + MAC_KEY_BYTES) ?? this.fail(RelayReject.KEY_UNAVAILABLE, `key ${h.keyId} from ${prev} is not available`, rid, h.hop);
    let key: Uint8Array | undefined;
    try {
      // the tag first: a forged message must not consume (or skip) a byte of the pool
      if (!relayTagValid(h, pad.subarray(h.keyBytes))) this.fail(RelayReject.BAD_TAG, `tag from ${prev} does not verify`, rid, h.hop);
      link.consume(h.keyId, h.keyBytes + MAC_KEY_BYTES);
      key = h.hop === 0 ? pad.slice(0, h.keyBytes) : h.ciphertext.map((c, i) => c ^ pad[i]!);
      if (at === h.route.length - 1) {
        this.events.push({ kind: 'delivered', requestId: rid, hop: at });
        const out = key;
        key = undefined;
        return { kind: 'deliver', requestId: h.requestId, origin: h.route[0]!, key: out };
      }
      const next = h.route[at + 1]!;
      const out = this.links.get(next) ?? this.fail(RelayReject.UNKNOWN_LINK, `no link to ${next}`, rid, at);
      const nextPad = out.take(h.keyBytes + MAC_KEY_BYTES) ?? this.fail(RelayReject.KEY_UNAVAILABLE, `pool with ${next} is short`, rid, at);
      const ciphertext = key.map((k, i) => k ^ nextPad.key[i]!); // K1 ⊕ K_next
      const message = encodeRelayHop({ requestId: h.requestId, route: h.route, hop: at, keyId: nextPad.keyId, keyBytes: h.keyBytes, ciphertext }, nextPad.key.subarray(h.keyBytes));
      zeroise(nextPad.key);
      this.events.push({ kind: 'forwarded', requestId: rid, hop: at });
      return { kind: 'forward', to: next, message };
    } finally {
      zeroise(pad, key);
    }
  }
}
