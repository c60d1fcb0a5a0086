/**
 * Golden-vector suites and inputs of the capsule area (issue 8; see test/vectors/suites.ts for the
 * conventions): the deterministic CBOR codec on RFC 8949 Appendix A bytes and on non-deterministic
 * ones, one seeded capsule sealed and opened (the only costly case on XS: two identities, one
 * ML-DSA-65 signature and verification, one ML-KEM-768 encapsulation and decapsulation), the
 * structural rejections, contact-plan routing, and a seeded 5-hop trusted-node relay.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { SimClock } from '../../../hal/sim/clock.ts';
import { SimEntropy } from '../../../hal/sim/entropy.ts';
import { MemoryStorage } from '../../../hal/sim/storage.ts';
import { bytesToHex, hexToBytes } from '../../../src/bytes.ts';
import { CBOR_REJECT_NAMES, CborError, decodeCbor, encodeCbor, type CborValue } from '../../../src/capsule/cbor.ts';
import { ContactPlan } from '../../../src/capsule/contact-plan.ts';
import { decodeCapsule } from '../../../src/capsule/format.ts';
import { generateCapsuleIdentity, pinDirectory } from '../../../src/capsule/identity.ts';
import { CapsuleOpener } from '../../../src/capsule/open.ts';
import { CAPSULE_REJECT_NAMES, CapsuleError } from '../../../src/capsule/reject.ts';
import { sealCapsule } from '../../../src/capsule/seal.ts';
import { RelayNetwork } from '../../../sim/relay-network.ts';
import type { VectorInputs, VectorSuites } from '../types.ts';

export const capsuleSuites: VectorSuites = {
  'capsule-cbor': (input) => {
    try {
      const value = decodeCbor(hexToBytes(input.hex));
      return { accepted: true, reencoded: bytesToHex(encodeCbor(value)) };
    } catch (e) {
      if (e instanceof CborError) return { accepted: false, reason: CBOR_REJECT_NAMES[e.reason] };
      throw e;
    }
  },

  'capsule-seal': (input) => {
    const e = new SimEntropy(input.seed, 'capsule-vector');
    const sender = generateCapsuleIdentity('sat-1', e);
    const recipient = generateCapsuleIdentity('gs-a', e);
    const clock = new SimClock(input.nowMs);
    const sealed = sealCapsule({
      sender, recipients: [recipient], key: hexToBytes(input.keyHex), keyId: hexToBytes(input.keyIdHex), entropy: e,
      notBeforeMs: input.notBeforeMs, notAfterMs: input.notAfterMs, hopLimit: input.hopLimit,
    });
    const opener = new CapsuleOpener({ identity: recipient, directory: pinDirectory([sender, recipient]), storage: new MemoryStorage(), clock });
    const opened = opener.open(sealed.bytes);
    const again = opener.open(sealed.bytes);
    return {
      bytes: sealed.bytes.length, sha256: bytesToHex(sha256(sealed.bytes)), head: bytesToHex(sealed.bytes.subarray(0, 48)),
      capsuleId: bytesToHex(sealed.capsuleId), opened: opened.ok ? bytesToHex(opened.capsule.key) : CAPSULE_REJECT_NAMES[opened.reason],
      replay: again.ok ? 'accepted' : CAPSULE_REJECT_NAMES[again.reason],
    };
  },

  'capsule-reject': (input) => {
    try {
      decodeCapsule(hexToBytes(input.hex));
      return { accepted: true };
    } catch (e) {
      if (e instanceof CapsuleError) return { accepted: false, reason: CAPSULE_REJECT_NAMES[e.reason], ...(e.cbor ? { cbor: CBOR_REJECT_NAMES[e.cbor] } : {}) };
      throw e;
    }
  },

  'capsule-contact-plan': (input) => {
    const plan = new ContactPlan(input.contacts);
    return input.queries.map((q: { from: string; to: string; nowMs: number }) => plan.route(q.from, q.to, q.nowMs) ?? null);
  },

  'capsule-relay': (input) => {
    const net = new RelayNetwork({ graph: input.graph, seed: input.seed });
    const o = net.relay(input.from, input.to, input.keyBytes);
    return {
      same: bytesToHex(o.originKey) === bytesToHex(o.destinationKey), keySha256: bytesToHex(sha256(o.originKey)), path: o.route.path,
      keyRateBps: o.route.keyRateBps, trust: Number(o.route.trust.toPrecision(12)), messages: o.messages.map((m) => bytesToHex(sha256(m))),
    };
  },
};

// ---------------------------------------------------------------------------------------------

const hx = (v: CborValue) => bytesToHex(encodeCbor(v));
const T = 1795392000000; // 2026-11-23T00:00:00Z
const MIN = 60_000;

/** A structurally complete capsule map (no valid signature: these cases stop before it). */
function capsuleMap(change: Record<number, CborValue | undefined> = {}): CborValue {
  const m = new Map<number, CborValue>([
    [1, 1], [2, 1], [3, 'sat-1'], [4, [['gs-a', new Uint8Array(32), new Uint8Array(1088), new Uint8Array(48)]]], [5, new Uint8Array(16).fill(5)],
    [6, new Uint8Array(16).fill(6)], [7, T], [8, T + 3_600_000], [9, 8], [10, new Uint8Array(48)], [11, 0], [12, new Uint8Array(3309)],
  ]);
  for (const [k, v] of Object.entries(change)) (v === undefined ? m.delete(Number(k)) : m.set(Number(k), v));
  return m;
}

const chain = ['site-a', 'relay-1', 'relay-2', 'relay-3', 'relay-4', 'site-b'];

export const capsuleInputs: VectorInputs = {
  'capsule-cbor': {
    description: 'deterministic CBOR (src/capsule/cbor.ts): RFC 8949 Appendix A examples inside the subset are accepted and re-encode to the same bytes; the others are typed rejections',
    cases: [
      ...['00', '17', '1818', '1903e8', '1b000000e8d4a51000', '20', '3903e7', 'f4', 'f5', 'f6', '40', '4401020304', '60', '6449455446', '62c3bc', '64f0908591',
        '80', '8301820203820405', 'a0', 'a201020304', 'a26161016162820203', 'a56161614161626142616361436164614461656145']
        .map((hex) => ({ name: `Appendix A ${hex}`, input: { hex } })),
      { name: 'not shortest (1817)', input: { hex: '1817' } },
      { name: 'indefinite array (9fff)', input: { hex: '9fff' } },
      { name: 'unsorted keys', input: { hex: 'a203040102' } },
      { name: 'duplicate key', input: { hex: 'a201020103' } },
      { name: 'trailing byte', input: { hex: '0000' } },
      { name: 'truncated', input: { hex: '830102' } },
      { name: 'float', input: { hex: 'f93c00' } },
      { name: 'tag', input: { hex: 'c11a514b67b0' } },
      { name: 'overlong UTF-8', input: { hex: '62c0af' } },
      { name: 'byte-string key', input: { hex: 'a14001' } },
    ],
  },
  'capsule-seal': {
    description: 'a seeded key capsule (format.ts, seal.ts): sat-1 → gs-a, 256-bit key; size, SHA-256 and head of the bytes, then opened by gs-a (and refused as REPLAYED the second time)',
    cases: [{ name: 'one recipient, 256-bit key, seed 1', input: { seed: 1, keyHex: '5a'.repeat(32), keyIdHex: '0123456789abcdef0123456789abcdef', nowMs: T + 30 * MIN, notBeforeMs: T, notAfterMs: T + 6 * 60 * MIN, hopLimit: 8 } }],
  },
  'capsule-reject': {
    description: 'structural capsule decoding: each malformed capsule refused with its CapsuleReject (and CborReject) name; the well-formed map is accepted structurally',
    cases: [
      { name: 'well-formed map', input: { hex: hx(capsuleMap()) } },
      { name: 'unknown version', input: { hex: hx(capsuleMap({ 1: 2 })) } },
      { name: 'unknown suite', input: { hex: hx(capsuleMap({ 2: 7 })) } },
      { name: 'missing key_id', input: { hex: hx(capsuleMap({ 6: undefined })) } },
      { name: 'unknown field 13', input: { hex: hx(capsuleMap({ 13: 0 })) } },
      { name: 'sender of the wrong type', input: { hex: hx(capsuleMap({ 3: 5 })) } },
      { name: 'oversized capsule_id', input: { hex: hx(capsuleMap({ 5: new Uint8Array(32) })) } },
      { name: 'four recipients', input: { hex: hx(capsuleMap({ 4: Array.from({ length: 4 }, (_, i) => [`r${i}`, new Uint8Array(32), new Uint8Array(1088), new Uint8Array(48)]) })) } },
      { name: 'duplicate map key', input: { hex: 'ad0101' + hx(capsuleMap()).slice(2) } },
      { name: 'truncated', input: { hex: hx(capsuleMap()).slice(0, 200) } },
      { name: 'trailing byte', input: { hex: hx(capsuleMap()) + '00' } },
    ],
  },
  'capsule-contact-plan': {
    description: 'earliest-arrival routing over a contact plan (contact-plan.ts): next hop, contact index, arrival and hop count, or null',
    cases: [{
      name: 'four contacts',
      input: {
        contacts: [
          { from: 'a', to: 'b', startMs: T, endMs: T + 10 * MIN, rateBytesPerS: 1000, owltMs: 5 },
          { from: 'b', to: 'd', startMs: T + 30 * MIN, endMs: T + 40 * MIN, rateBytesPerS: 1000, owltMs: 5 },
          { from: 'a', to: 'c', startMs: T + 5 * MIN, endMs: T + 15 * MIN, rateBytesPerS: 1000, owltMs: 5 },
          { from: 'c', to: 'd', startMs: T + 20 * MIN, endMs: T + 25 * MIN, rateBytesPerS: 1000, owltMs: 5 },
        ],
        queries: [{ from: 'a', to: 'd', nowMs: T }, { from: 'a', to: 'd', nowMs: T + 16 * MIN }, { from: 'b', to: 'd', nowMs: T }, { from: 'd', to: 'a', nowMs: T }],
      },
    }],
  },
  'capsule-relay': {
    description: 'a seeded 5-hop trusted-node relay (src/relay/, sim/relay-network.ts): both ends hold the same key (as SHA-256), the route, and each hop message as SHA-256',
    cases: [{
      name: '5 hops, seed 1',
      input: {
        seed: 1, from: 'site-a', to: 'site-b', keyBytes: 32,
        graph: { nodes: chain.map((id, i) => ({ id, trust: i === 0 || i === 5 ? 1 : 0.97 })), links: chain.slice(1).map((b, i) => ({ a: chain[i], b, keyRateBps: 2000 + 500 * i })) },
      },
    }],
  },
};
