/**
 * The trusted-node relay hop message (seed 002 "Trusted Node Relay Architecture"): the key
 * K_AB = K1 travels from A to B along a route of trusted nodes; on each link the sender one-time
 * pads it with fresh key from that link's QKD pool, so relay i sends K1 ⊕ K_{i+1}, and B, which
 * shares K_n with the last relay, recovers K1. The channel is authenticated by a Poly1305 tag under
 * a one-time key drawn from the same pool (Wegman–Carter: information-theoretic, like the pad).
 * Deterministic CBOR (capsule/cbor.ts), one map:
 *
 *   1 version uint (1)        2 request_id bstr(16)     3 route [+ tstr] (origin first, destination last)
 *   4 hop uint (index of the sender in route)           5 key_id uint (first pool byte used: pad, then MAC key)
 *   6 key_bytes uint (16..64) 7 ciphertext bstr(0 | key_bytes): K1 ⊕ pad; empty on hop 0, where the pad IS K1
 *   8 tag bstr(16): Poly1305(mac key, encode(map without 8))
 */
import { poly1305 } from '@noble/ciphers/_poly1305.js';
import { enumNames } from '../_enum.ts';
import { equalBytes } from '../bytes.ts';
import { CborError, type CborMap, type CborValue, decodeCbor, encodeCbor } from '../capsule/cbor.ts';
import { NODE_ID_RE } from '../capsule/identity.ts';

export const RELAY_VERSION = 1;
export const MAX_ROUTE_NODES = 10;
export const MIN_RELAY_KEY_BYTES = 16;
export const MAX_RELAY_KEY_BYTES = 64;
export const MAC_KEY_BYTES = 32;
export const TAG_BYTES = 16;

export const RelayReject = {
  MALFORMED: 1,
  UNKNOWN_VERSION: 2,
  /** This node is not the next node on the message's route. */
  NOT_ON_ROUTE: 3,
  /** No QKD link with the neighbour the route names. */
  UNKNOWN_LINK: 4,
  /** The link pool cannot give (or no longer holds) the key bytes named. */
  KEY_UNAVAILABLE: 5,
  /** The Poly1305 tag does not verify: altered in transit, or not from the neighbour. */
  BAD_TAG: 6,
  /** No route meets the trust policy, or a node on it is not trusted. */
  UNTRUSTED_ROUTE: 7,
  NO_ROUTE: 8,
} as const;
export type RelayReject = (typeof RelayReject)[keyof typeof RelayReject];
export const RELAY_REJECT_NAMES = enumNames(RelayReject);

export class RelayError extends Error {
  constructor(readonly reason: RelayReject, readonly detail: string) {
    super(`relay rejected (${RELAY_REJECT_NAMES[reason]}): ${detail}`);
    this.name = 'RelayError';
  }
}

export interface RelayHop {
  readonly requestId: Uint8Array;
  readonly route: readonly string[];
  readonly hop: number;
  readonly keyId: number;
  readonly keyBytes: number;
  readonly ciphertext: Uint8Array;
  readonly tag: Uint8Array;
}

function body(h: Omit<RelayHop, 'tag'>): CborMap {
  return new Map<number, CborValue>([
    [1, RELAY_VERSION], [2, h.requestId], [3, [...h.route]], [4, h.hop], [5, h.keyId], [6, h.keyBytes], [7, h.ciphertext],
  ]);
}

/** The encoded message, tagged under `macKey` (32 one-time bytes from the link pool). */
export function encodeRelayHop(h: Omit<RelayHop, 'tag'>, macKey: Uint8Array): Uint8Array {
  const m = body(h);
  m.set(8, poly1305(encodeCbor(m), macKey));
  return encodeCbor(m);
}

const bad = (detail: string): never => {
  throw new RelayError(RelayReject.MALFORMED, detail);
};

export function decodeRelayHop(bytes: Uint8Array): RelayHop {
  let v: CborValue;
  try {
    v = decodeCbor(bytes, { maxDepth: 2, maxItems: 16, maxBytes: 256 });
  } catch (e) {
    if (e instanceof CborError) bad(e.message);
    throw e;
  }
  if (!(v! instanceof Map)) return bad('not a map');
  const m = v as CborMap;
  if (m.get(1) !== RELAY_VERSION) {
    if (typeof m.get(1) === 'number') throw new RelayError(RelayReject.UNKNOWN_VERSION, `version ${m.get(1)}`);
    bad('version missing');
  }
  if (m.size !== 8 || [...m.keys()].some((k) => typeof k !== 'number' || k < 1 || k > 8)) bad('fields missing or unknown');
  const route = m.get(3);
  if (!Array.isArray(route) || route.length < 2 || route.length > MAX_ROUTE_NODES || !route.every((n) => typeof n === 'string' && NODE_ID_RE.test(n)))
    bad('route expected 2..10 node ids');
  if (new Set(route as string[]).size !== (route as string[]).length) bad('route visits a node twice');
  const nat = (k: number) => { const x = m.get(k); return typeof x === 'number' && x >= 0 ? x : bad(`field ${k} expected an unsigned integer`); };
  const bs = (k: number) => { const x = m.get(k); return x instanceof Uint8Array ? x : bad(`field ${k} expected a byte string`); };
  const h: RelayHop = { requestId: bs(2), route: route as string[], hop: nat(4), keyId: nat(5), keyBytes: nat(6), ciphertext: bs(7), tag: bs(8) };
  if (h.requestId.length !== 16) bad('request_id expected 16 bytes');
  if (h.hop >= h.route.length - 1) bad('hop past the end of the route');
  if (h.keyBytes < MIN_RELAY_KEY_BYTES || h.keyBytes > MAX_RELAY_KEY_BYTES) bad('key_bytes out of range');
  if (h.ciphertext.length !== (h.hop === 0 ? 0 : h.keyBytes)) bad('ciphertext length');
  if (h.tag.length !== TAG_BYTES) bad('tag expected 16 bytes');
  return h;
}

/** True when `h.tag` is the tag of `h` under `macKey` (constant-time compare). */
export function relayTagValid(h: RelayHop, macKey: Uint8Array): boolean {
  return equalBytes(poly1305(encodeCbor(body(h)), macKey), h.tag);
}
