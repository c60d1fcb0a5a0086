/**
 * The trusted-node relay routes of the key-service API (seed 002 "Trusted Node Relay
 * Architecture"), reached from api.ts for every path under /v1/relay/:
 *   GET  /v1/relay/routes?destination=<node>     relay paths with cumulative key rate and trust
 *   POST /v1/relay/keys/request {destination, size?}   an end-to-end key relayed K1 ⊕ K2 hop by hop
 * The relay itself is a RelayService attached to the KeyService by the runtime's topology
 * (`attachRelay`); without one, these routes answer NO_ROUTE. Errors keep ETSI 014's shape; a
 * relay failure carries its RelayReject in `details`. The key goes only to the authenticated caller
 * in `key` (like ETSI enc_keys); the destination's copy stays at the destination node.
 */
import { base64Encode } from '../base64.ts';
import { zeroise } from '../bytes.ts';
import { RELAY_REJECT_NAMES, RelayReject } from '../relay/hop.ts';
import type { RelayRoute } from '../relay/routes.ts';
import type { ApiRequest, ApiResponse } from './api.ts';
import { API_REJECT_NAMES, API_REJECT_STATUS, ApiReject, refuse, type Refusal } from './reject.ts';
import type { KeyService } from './service.ts';

export interface RelayKeyGrant {
  readonly keyId: string;
  readonly route: RelayRoute;
  /** The origin's copy of the end-to-end key (the caller's). */
  readonly key: Uint8Array;
}

export interface RelayService {
  readonly localNode: string;
  knows(node: string): boolean;
  routes(destination: string): RelayRoute[];
  requestKey(destination: string, bits: number): { ok: true; grant: RelayKeyGrant } | { ok: false; reason: RelayReject; message: string };
}

const RELAYS = new WeakMap<KeyService, RelayService>();

/** Wires a relay service to a key service (the topology does this once at start). */
export function attachRelay(service: KeyService, relay: RelayService): void {
  RELAYS.set(service, relay);
}

export const MIN_RELAY_KEY_BITS = 128;
export const MAX_RELAY_KEY_BITS = 512;
const NODE_RE = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;
const MAX_BODY = 4096;

const json = (status: number, value: unknown): ApiResponse => ({ status, contentType: 'application/json', body: JSON.stringify(value) });

function error(r: Refusal): ApiResponse {
  const details = [{ reason: API_REJECT_NAMES[r.reject], code: r.reject }, ...(r.details ?? [])];
  return { ...json(API_REJECT_STATUS[r.reject], { message: r.message, details }), reject: r.reject };
}

const bad = (message: string, field: string) => error(refuse(ApiReject.BAD_REQUEST, message, [{ field }]));

function routeJson(r: RelayRoute) {
  return { path: [...r.path], hops: r.hops, key_rate_bps: r.keyRateBps, trust: Number(r.trust.toFixed(6)), eligible: r.eligible };
}

export function handleRelayRequest(service: KeyService, caller: string, req: ApiRequest, parts: readonly string[]): ApiResponse {
  const relay = RELAYS.get(service);
  const [, , c, d, ...more] = parts;
  const method = (allowed: string) => (req.method === allowed ? undefined : error(refuse(ApiReject.METHOD_NOT_ALLOWED, `${req.method} is not allowed here (allowed: ${allowed})`)));
  const isRoutes = c === 'routes' && d === undefined;
  const isRequest = c === 'keys' && d === 'request' && !more.length;
  if (!isRoutes && !isRequest) return error(refuse(ApiReject.NO_ROUTE, 'no such route'));
  const m = method(isRoutes ? 'GET' : 'POST');
  if (m) return m;
  if (!relay) return error(refuse(ApiReject.NO_ROUTE, 'this agent runs no trusted-node relay'));
  void caller; // authenticated by api.ts; the relay answers any authenticated SAE of this node
  if (isRoutes) {
    const extra = Object.keys(req.query).find((k) => k !== 'destination');
    if (extra !== undefined) return bad(`query: unknown field ${JSON.stringify(extra.slice(0, 64))}`, extra.slice(0, 64));
    const dest = req.query.destination;
    if (dest === undefined || !NODE_RE.test(dest)) return bad('"destination" expected a node id', 'destination');
    if (!relay.knows(dest) || dest === relay.localNode) return error(refuse(ApiReject.UNKNOWN_SAE, 'unknown relay destination', [{ field: 'destination' }]));
    return json(200, { source: relay.localNode, destination: dest, routes: relay.routes(dest).map(routeJson) });
  }
  if (req.body !== undefined && req.body.length > MAX_BODY) return error(refuse(ApiReject.BODY_TOO_LARGE, `request body over ${MAX_BODY} bytes`));
  let body: any;
  try {
    body = JSON.parse(req.body ?? '');
  } catch {
    return error(refuse(ApiReject.MALFORMED_JSON, 'request body is not valid JSON'));
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return error(refuse(ApiReject.MALFORMED_JSON, 'request body must be a JSON object'));
  const extra = Object.keys(body).find((k) => k !== 'destination' && k !== 'size');
  if (extra !== undefined) return bad(`relay: unknown field ${JSON.stringify(extra.slice(0, 64))}`, extra.slice(0, 64));
  if (typeof body.destination !== 'string' || !NODE_RE.test(body.destination)) return bad('"destination" expected a node id', 'destination');
  const size = body.size ?? 256;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < MIN_RELAY_KEY_BITS || size > MAX_RELAY_KEY_BITS || size % 8)
    return bad(`"size" expected a multiple of 8 in [${MIN_RELAY_KEY_BITS}, ${MAX_RELAY_KEY_BITS}]`, 'size');
  if (!relay.knows(body.destination) || body.destination === relay.localNode) return error(refuse(ApiReject.UNKNOWN_SAE, 'unknown relay destination', [{ field: 'destination' }]));
  const r = relay.requestKey(body.destination, size);
  if (!r.ok) {
    const reject = r.reason === RelayReject.NO_ROUTE || r.reason === RelayReject.UNTRUSTED_ROUTE ? ApiReject.NO_ROUTE : ApiReject.KEY_EXHAUSTED;
    return error(refuse(reject, 'the relay could not deliver a key', [{ relay_reason: RELAY_REJECT_NAMES[r.reason], relay_code: r.reason }]));
  }
  const g = r.grant;
  const out = json(200, { key_ID: g.keyId, size, route: routeJson(g.route), key: base64Encode(g.key) });
  zeroise(g.key);
  return out;
}
