/**
 * A simulated trusted-node relay network (seed 002): nodes with QKD links whose key pools are
 * seeded streams (one per direction, both ends holding the same stream), a trust assessment per
 * node, route selection (src/relay/routes.ts) and the hop-by-hop K1 ⊕ K2 relay (src/relay/node.ts).
 * It also serves as the RelayService behind GET /v1/relay/routes and POST /v1/relay/keys/request.
 * ScenarioRelayNetwork (below) is the same relay code inside a scenario run (sim/run.ts), with each
 * link's pool sized by what that link's blocks really distilled.
 */
import { ChaCha20Drbg } from '../hal/sim/drbg.ts';
import type { RelayKeyGrant, RelayService } from '../src/agent/relay-api.ts';
import { bytesToHex, equalBytes, zeroise } from '../src/bytes.ts';
import { MAC_KEY_BYTES, RELAY_REJECT_NAMES, RelayError, RelayReject, TAG_BYTES } from '../src/relay/hop.ts';
import type { LinkKeys } from '../src/relay/link-keys.ts';
import { RelayNode } from '../src/relay/node.ts';
import { DEFAULT_ROUTE_POLICY, findRoutes, type RelayGraph, type RelayRoute, type RoutePolicy } from '../src/relay/routes.ts';

/**
 * One direction of a link's pool: the sender's and receiver's copies read the same stream. The
 * receiver may look ahead (to verify a hop message's tag before consuming); bytes skipped over are
 * zeroised and never handed out.
 */
export class Stream {
  private readonly drbg: ChaCha20Drbg;
  /** Bytes drawn past the cursor by a look-ahead. */
  private ahead = new Uint8Array(0);
  cursor = 0;
  constructor(seed: number, label: string, public remaining: number) {
    this.drbg = new ChaCha20Drbg(seed, label);
  }
  read(n: number): Uint8Array | undefined {
    const out = this.peek(this.cursor, n);
    if (out) this.consume(this.cursor + n);
    return out;
  }
  /** A copy of the n bytes at offset `at`, not consumed; undefined before the cursor or past the end. */
  peek(at: number, n: number): Uint8Array | undefined {
    if (!Number.isSafeInteger(at) || at < this.cursor || n < 0 || at - this.cursor + n > this.remaining) return undefined;
    const need = at - this.cursor + n;
    if (this.ahead.length < need) {
      const grown = new Uint8Array(need);
      grown.set(this.ahead);
      grown.set(this.drbg.randomBytes(need - this.ahead.length), this.ahead.length);
      this.ahead.fill(0);
      this.ahead = grown;
    }
    return this.ahead.slice(at - this.cursor, need);
  }
  /** Consumes every byte before offset `end` (skipped ones are zeroised). */
  consume(end: number): void {
    const k = end - this.cursor;
    if (k <= 0 || k > this.remaining) return;
    if (k > this.ahead.length) this.drbg.randomBytes(k - this.ahead.length).fill(0);
    const rest = this.ahead.slice(Math.min(k, this.ahead.length));
    this.ahead.fill(0);
    this.ahead = rest;
    this.cursor = end;
    this.remaining -= k;
  }
}

export class SimLinkKeys implements LinkKeys {
  constructor(readonly peer: string, readonly keyRateBps: number, private readonly out: Stream, private readonly inbound: Stream) {}

  take(length: number) {
    const keyId = this.out.cursor;
    const key = this.out.read(length);
    return key ? { keyId, key } : undefined;
  }

  peek(keyId: number, length: number) {
    return this.inbound.peek(keyId, length);
  }

  consume(keyId: number, length: number) {
    this.inbound.consume(keyId + length);
  }
}

export interface RelayNetworkSpec {
  readonly graph: RelayGraph;
  readonly seed: number;
  /** Bytes in each direction's pool at the start (default: one hour of the link's key rate). */
  readonly poolBytes?: (a: string, b: string, rateBps: number) => number;
}

export interface RelayOutcome {
  readonly route: RelayRoute;
  readonly requestId: string;
  /** What the origin holds and what the destination recovered (equal when the relay worked). */
  readonly originKey: Uint8Array;
  readonly destinationKey: Uint8Array;
  /** Every hop message as sent (for tests: none may contain the key). */
  readonly messages: Uint8Array[];
}

export class RelayNetwork {
  readonly nodes = new Map<string, RelayNode>();
  private counter = 0;

  constructor(readonly spec: RelayNetworkSpec) {
    const links = new Map<string, LinkKeys[]>();
    for (const n of spec.graph.nodes) links.set(n.id, []);
    for (const l of spec.graph.links) {
      const bytes = spec.poolBytes?.(l.a, l.b, l.keyRateBps) ?? Math.floor((l.keyRateBps * 3600) / 8);
      const ab = () => new Stream(spec.seed, `relay-pool:${l.a}->${l.b}`, bytes);
      const ba = () => new Stream(spec.seed, `relay-pool:${l.b}->${l.a}`, bytes);
      links.get(l.a)!.push(new SimLinkKeys(l.b, l.keyRateBps, ab(), ba()));
      links.get(l.b)!.push(new SimLinkKeys(l.a, l.keyRateBps, ba(), ab()));
    }
    for (const [id, ls] of links) this.nodes.set(id, new RelayNode(id, ls));
  }

  routes(from: string, to: string, policy: RoutePolicy = DEFAULT_ROUTE_POLICY): RelayRoute[] {
    return findRoutes(this.spec.graph, from, to, policy);
  }

  /** Runs one end-to-end key over the best eligible route (or `route` when given). */
  relay(from: string, to: string, keyBytes: number, opts: { route?: RelayRoute; policy?: RoutePolicy; tamper?: (hop: number, m: Uint8Array) => Uint8Array } = {}): RelayOutcome {
    const route = opts.route ?? this.routes(from, to, opts.policy).find((r) => r.eligible);
    if (!route) throw new RelayError(this.routes(from, to, opts.policy).length ? RelayReject.UNTRUSTED_ROUTE : RelayReject.NO_ROUTE, `no eligible route ${from} → ${to}`);
    const requestId = new ChaCha20Drbg(this.spec.seed, `relay-request:${this.counter++}`).randomBytes(16);
    const origin = this.nodes.get(from)!.originate(requestId, route.path, keyBytes);
    const messages: Uint8Array[] = [];
    let to_ = origin.to;
    let message = origin.message;
    for (let hop = 0; ; hop++) {
      if (opts.tamper) message = opts.tamper(hop, message);
      messages.push(message);
      const step = this.nodes.get(to_)!.receive(message);
      if (step.kind === 'deliver') return { route, requestId: bytesToHex(requestId), originKey: origin.key, destinationKey: step.key, messages };
      to_ = step.to;
      message = step.message;
    }
  }
}

/** The relay service of one node of a RelayNetwork, for the key-service API. */
export class SimRelayService implements RelayService {
  private readonly delivered = new Map<string, Uint8Array>();

  constructor(readonly network: RelayNetwork, readonly localNode: string, readonly policy: RoutePolicy = DEFAULT_ROUTE_POLICY) {}

  knows(node: string): boolean {
    return this.network.nodes.has(node);
  }

  routes(destination: string): RelayRoute[] {
    return this.network.routes(this.localNode, destination, this.policy);
  }

  requestKey(destination: string, bits: number): { ok: true; grant: RelayKeyGrant } | { ok: false; reason: RelayReject; message: string } {
    try {
      const o = this.network.relay(this.localNode, destination, bits / 8, { policy: this.policy });
      // the destination's copy stays with the destination node (its consumer takes it there)
      this.delivered.set(o.requestId, o.destinationKey);
      return { ok: true, grant: { keyId: o.requestId, route: o.route, key: o.originKey } };
    } catch (e) {
      if (e instanceof RelayError) return { ok: false, reason: e.reason, message: e.message };
      throw e;
    }
  }

  /** The destination side: takes the relayed key once. */
  takeAtDestination(keyId: string): Uint8Array | undefined {
    const k = this.delivered.get(keyId);
    this.delivered.delete(keyId);
    return k;
  }

  destroy(): void {
    for (const k of this.delivered.values()) zeroise(k);
    this.delivered.clear();
  }
}

export { RELAY_REJECT_NAMES };

// ── relays inside a scenario run (sim/run.ts) ────────────────────────────────────────────────────

/** What a link's QKD engine has distilled and not yet spent: the run's key store of that link. */
export interface LinkKeyBudget {
  /** Bits in the store that may be spent on relaying now (0 while the link does not serve QMK). */
  available(): number;
  spend(bits: number): void;
  /** The link's secure key rate so far, bit/s (route ranking). */
  rateBps(): number;
}

/**
 * A link pool fed by the scenario's link model: its key bytes are a seeded stream both ends share
 * (standing in for the key the link's blocks distilled), and the number of bits it may hand out is
 * the link's store, filled by closed blocks and spent here — so a relay can only move the key the
 * link really made.
 */
export class PooledLinkKeys implements LinkKeys {
  constructor(readonly peer: string, private readonly budget: LinkKeyBudget, private readonly out: Stream, private readonly inbound: Stream) {}

  get keyRateBps(): number {
    return this.budget.rateBps();
  }

  take(length: number) {
    if (this.budget.available() < 8 * length) return undefined;
    this.budget.spend(8 * length);
    const keyId = this.out.cursor;
    return { keyId, key: this.out.read(length)! };
  }

  peek(keyId: number, length: number) {
    return this.inbound.peek(keyId, length);
  }

  consume(keyId: number, length: number) {
    this.inbound.consume(keyId + length);
  }
}

/** Eve on the classical channel between relays: alters hop messages, or replays delivered ones. */
export type HopAttack = 'relay-forgery' | 'relay-replay';

export interface RelayRequestOutcome {
  /** The route the key went along (undefined: no eligible route, PQC fallback). */
  readonly route?: readonly string[];
  /** Both ends hold a key and it is the same key. */
  readonly delivered: boolean;
  /** Both ends hold a key and the keys differ: must never happen. */
  readonly mismatch: boolean;
  /** Why the relay refused the request (RelayReject name), when it did. */
  readonly refused?: string;
  /** Hop messages sent (genuine ones). */
  readonly hopMessages: number;
  /** Attacker messages the relays received, and why each was rejected (none may be accepted). */
  readonly injected: number;
  readonly injectedRejected: Readonly<Record<string, number>>;
  readonly injectedAccepted: number;
}

/**
 * The trusted-node relays of a scenario run: a RelayNode (src/relay/node.ts) per node with a
 * PooledLinkKeys per QKD link, routes chosen by src/relay/routes.ts over the links that can pay for
 * the hop now, and every end-to-end key moved as real K1 ⊕ K_i hop messages; the run compares the
 * key the origin holds with the one the destination recovered.
 */
export class ScenarioRelayNetwork {
  private readonly nodes = new Map<string, RelayNode>();
  private readonly links: Array<{ a: string; b: string; budget: LinkKeyBudget }> = [];
  private counter = 0;
  private lastDelivered: { to: string; message: Uint8Array } | undefined;

  constructor(private readonly seed: number, nodeIds: readonly string[], links: ReadonlyArray<{ a: string; b: string; budget: LinkKeyBudget }>) {
    const ends = new Map<string, LinkKeys[]>(nodeIds.map((id) => [id, []]));
    for (const l of links) {
      // Each end holds its own copy of each direction's stream (its own cursor), as two QKD peers do.
      const ab = () => new Stream(seed, `relay-pool:${l.a}->${l.b}`, Infinity);
      const ba = () => new Stream(seed, `relay-pool:${l.b}->${l.a}`, Infinity);
      ends.get(l.a)!.push(new PooledLinkKeys(l.b, l.budget, ab(), ba()));
      ends.get(l.b)!.push(new PooledLinkKeys(l.a, l.budget, ba(), ab()));
      this.links.push(l);
    }
    for (const [id, ls] of ends) this.nodes.set(id, new RelayNode(id, ls));
  }

  /** The relay graph now: a link counts only if it can pay one hop of `hopBits` at once. */
  graph(hopBits: number): RelayGraph {
    return {
      nodes: [...this.nodes.keys()].map((id) => ({ id, trust: 1 })),
      links: this.links.map((l) => ({ a: l.a, b: l.b, keyRateBps: l.budget.available() >= hopBits ? Math.max(1e-9, l.budget.rateBps()) : 0 })),
    };
  }

  /** One end-to-end key of `keyBytes` from `from` to `to`, with Eve's `attack` on the hop messages. */
  request(from: string, to: string, keyBytes: number, attack?: HopAttack): RelayRequestOutcome {
    const injectedRejected: Record<string, number> = {};
    let injected = 0;
    let injectedAccepted = 0;
    const inject = (node: string, message: Uint8Array) => {
      injected++;
      try {
        const step = this.nodes.get(node)!.receive(message);
        injectedAccepted++;
        if (step.kind === 'deliver') zeroise(step.key);
      } catch (e) {
        if (!(e instanceof RelayError)) throw e;
        const name = RELAY_REJECT_NAMES[e.reason];
        injectedRejected[name] = (injectedRejected[name] ?? 0) + 1;
      }
    };
    // A replay: the last delivered hop message sent again to its receiver.
    if (attack === 'relay-replay' && this.lastDelivered) inject(this.lastDelivered.to, this.lastDelivered.message);
    const hopBits = 8 * (keyBytes + MAC_KEY_BYTES);
    const route = findRoutes(this.graph(hopBits), from, to, DEFAULT_ROUTE_POLICY).find((r) => r.eligible);
    if (!route) return { delivered: false, mismatch: false, refused: RELAY_REJECT_NAMES[RelayReject.NO_ROUTE], hopMessages: 0, injected, injectedRejected, injectedAccepted };
    const requestId = new ChaCha20Drbg(this.seed, `relay-run-request:${this.counter++}`).randomBytes(16);
    let originKey: Uint8Array | undefined;
    let hopMessages = 0;
    try {
      const origin = this.nodes.get(from)!.originate(requestId, route.path, keyBytes);
      originKey = origin.key;
      let at = origin.to;
      let message = origin.message;
      for (let hop = 0; ; hop++) {
        hopMessages++;
        if (attack === 'relay-forgery' && hop === route.hops - 1) {
          // Eve flips one bit of K1 ⊕ K_n in flight: the ciphertext's last byte sits just before
          // the tag's key and header (deterministic CBOR: … 0x08 0x50 tag[16]). The tag must catch it.
          const forged = message.slice();
          forged[forged.length - TAG_BYTES - 3]! ^= 1;
          injected++;
          message = forged;
        }
        const step = this.nodes.get(at)!.receive(message);
        if (step.kind === 'deliver') {
          const same = equalBytes(originKey, step.key);
          zeroise(step.key);
          this.lastDelivered = { to: at, message };
          return { route: route.path, delivered: same, mismatch: !same, hopMessages, injected, injectedRejected, injectedAccepted: injectedAccepted + (attack === 'relay-forgery' ? 1 : 0) };
        }
        at = step.to;
        message = step.message;
      }
    } catch (e) {
      if (!(e instanceof RelayError)) throw e;
      const name = RELAY_REJECT_NAMES[e.reason];
      if (attack === 'relay-forgery') injectedRejected[name] = (injectedRejected[name] ?? 0) + 1;
      return { route: route.path, delivered: false, mismatch: false, refused: name, hopMessages, injected, injectedRejected, injectedAccepted };
    } finally {
      zeroise(originKey);
    }
  }
}
