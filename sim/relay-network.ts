/**
 * A simulated trusted-node relay network (seed 002): nodes with QKD links whose key pools are
 * seeded streams (one per direction, both ends holding the same stream), a trust assessment per
 * node, route selection (src/relay/routes.ts) and the hop-by-hop K1 ⊕ K2 relay (src/relay/node.ts).
 * It also serves as the RelayService behind GET /v1/relay/routes and POST /v1/relay/keys/request.
 */
import { ChaCha20Drbg } from '../hal/sim/drbg.ts';
import type { RelayKeyGrant, RelayService } from '../src/agent/relay-api.ts';
import { bytesToHex, zeroise } from '../src/bytes.ts';
import { RELAY_REJECT_NAMES, RelayError, RelayReject } from '../src/relay/hop.ts';
import type { LinkKeys } from '../src/relay/link-keys.ts';
import { RelayNode } from '../src/relay/node.ts';
import { DEFAULT_ROUTE_POLICY, findRoutes, type RelayGraph, type RelayRoute, type RoutePolicy } from '../src/relay/routes.ts';

/** One direction of a link's pool: the sender's and receiver's copies read the same stream. */
class Stream {
  private readonly drbg: ChaCha20Drbg;
  cursor = 0;
  constructor(seed: number, label: string, public remaining: number) {
    this.drbg = new ChaCha20Drbg(seed, label);
  }
  read(n: number): Uint8Array | undefined {
    if (n > this.remaining) return undefined;
    this.remaining -= n;
    this.cursor += n;
    return this.drbg.randomBytes(n);
  }
}

export class SimLinkKeys implements LinkKeys {
  constructor(readonly peer: string, readonly keyRateBps: number, private readonly out: Stream, private readonly inbound: Stream) {}

  take(length: number) {
    const keyId = this.out.cursor;
    const key = this.out.read(length);
    return key ? { keyId, key } : undefined;
  }

  claim(keyId: number, length: number) {
    if (keyId !== this.inbound.cursor) return undefined;
    return this.inbound.read(length);
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
