/**
 * The key capsule, version 1 (DESIGN §2 step 10; seed 000 "Cross-domain: store-and-forward key
 * capsules (signed & time-boxed)"). Specified here once; golden vectors in
 * test/vectors/capsule-*.json. A capsule is ONE deterministic CBOR map (RFC 8949 §4.2.1, see
 * cbor.ts) with unsigned-integer keys, so it is a valid Bundle Protocol v7 (RFC 9171) payload
 * block as it stands:
 *
 *   key  field         type                         rule
 *    1   version       uint                         1
 *    2   suite         uint                         1 = X25519 + ML-KEM-768 → HKDF-SHA256 → AES-256-GCM, ML-DSA-65
 *    3   sender        tstr                         node id, 1-64 chars [A-Za-z0-9._:@-]
 *    4   recipients    [+ [id tstr, epk bstr(32), kem_ct bstr(1088), wrapped_cek bstr(48)]]   1..3, ids distinct
 *    5   capsule_id    bstr(16)                     random; the replay and custody key
 *    6   key_id        bstr(16)                     names the key material carried
 *    7   not_before    uint                         UTC ms (Clock.wallMs)
 *    8   not_after     uint                         UTC ms, ≥ not_before
 *    9   hop_limit     uint                         1..255 hops
 *   10   payload       bstr(32..528)                AES-256-GCM(CEK, nonce 0^12, aad = capsule_id ‖ key_id) of 16..512 key bytes
 *   11   hop_count     uint                         hops taken so far; NOT signed (forwarders increment it), ≤ hop_limit
 *   12   signature     bstr(3309)                   ML-DSA-65, context "LIGHTVIBES/capsule/v1", over encode(map without 11 and 12)
 *
 * Like BPv7's Hop Count block, hop_count travels outside the signature because every hop changes
 * it; the signed hop_limit bounds it. Recipient encryption (per recipient, see seal.ts): a fresh
 * CEK encrypts the payload; for each recipient the CEK is wrapped under a KEK from
 * HKDF-SHA256(ikm = X25519(epk, R) ‖ ML-KEM-768 shared secret, salt = transcript of sender id,
 * sender key, recipient id, capsule id, epk, kem_ct, info = "capsule kek"), so a payload sealed by
 * one node cannot be re-signed by another and still open. A 256-bit key makes a capsule of 4,619 B
 * with one recipient and 6,981 B with three (`npm run bench:capsule`); MAX_RECIPIENTS and
 * MAX_KEY_BYTES keep every capsule within one 8 KiB bundle payload (sealCapsule checks it).
 */
import { CborError, type CborMap, type CborValue, decodeCbor, encodeCbor } from './cbor.ts';
import { ML_DSA65_SIGNATURE_BYTES, ML_KEM768_CIPHERTEXT_BYTES, NODE_ID_RE, X25519_BYTES } from './identity.ts';
import { CapsuleError, CapsuleReject } from './reject.ts';

export const CAPSULE_VERSION = 1;
export const CapsuleSuite = { X25519_MLKEM768_HKDF_AES256GCM_MLDSA65: 1 } as const;
export type CapsuleSuite = (typeof CapsuleSuite)[keyof typeof CapsuleSuite];

export const Field = {
  VERSION: 1, SUITE: 2, SENDER: 3, RECIPIENTS: 4, CAPSULE_ID: 5, KEY_ID: 6, NOT_BEFORE: 7, NOT_AFTER: 8,
  HOP_LIMIT: 9, PAYLOAD: 10, HOP_COUNT: 11, SIGNATURE: 12,
} as const;

export const SIGNATURE_CONTEXT = 'LIGHTVIBES/capsule/v1';
export const ID_BYTES = 16;
export const WRAPPED_CEK_BYTES = 32 + 16;
export const MAX_RECIPIENTS = 3;
export const MIN_KEY_BYTES = 16;
export const MAX_KEY_BYTES = 512;
export const MAX_HOP_LIMIT = 255;
/** One BPv7 payload of 8 KiB. */
export const MAX_CAPSULE_BYTES = 8192;
/** Decoder limits sized for this format: nothing larger than a capsule can be asked for. */
export const CAPSULE_CBOR_LIMITS = { maxDepth: 3, maxItems: 16, maxBytes: MAX_CAPSULE_BYTES };

export interface CapsuleRecipient {
  readonly id: string;
  readonly ephemeralPublic: Uint8Array;
  readonly kemCiphertext: Uint8Array;
  readonly wrappedCek: Uint8Array;
}

export interface Capsule {
  readonly version: number;
  readonly suite: CapsuleSuite;
  readonly sender: string;
  readonly recipients: readonly CapsuleRecipient[];
  readonly capsuleId: Uint8Array;
  readonly keyId: Uint8Array;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  readonly hopLimit: number;
  readonly payload: Uint8Array;
  readonly hopCount: number;
  readonly signature: Uint8Array;
}

function toMap(c: Omit<Capsule, 'hopCount' | 'signature'>): CborMap {
  return new Map<number, CborValue>([
    [Field.VERSION, c.version],
    [Field.SUITE, c.suite],
    [Field.SENDER, c.sender],
    [Field.RECIPIENTS, c.recipients.map((r) => [r.id, r.ephemeralPublic, r.kemCiphertext, r.wrappedCek])],
    [Field.CAPSULE_ID, c.capsuleId],
    [Field.KEY_ID, c.keyId],
    [Field.NOT_BEFORE, c.notBeforeMs],
    [Field.NOT_AFTER, c.notAfterMs],
    [Field.HOP_LIMIT, c.hopLimit],
    [Field.PAYLOAD, c.payload],
  ]);
}

/** The bytes the sender signs: every field but hop_count and the signature. */
export function signedBytes(c: Omit<Capsule, 'hopCount' | 'signature'>): Uint8Array {
  return encodeCbor(toMap(c));
}

export function encodeCapsule(c: Capsule): Uint8Array {
  const m = toMap(c);
  m.set(Field.HOP_COUNT, c.hopCount);
  m.set(Field.SIGNATURE, c.signature);
  return encodeCbor(m);
}

const malformed = (detail: string): never => {
  throw new CapsuleError(CapsuleReject.MALFORMED, detail);
};
const oversized = (detail: string): never => {
  throw new CapsuleError(CapsuleReject.OVERSIZED, detail);
};

function uint(m: CborMap, key: number, name: string): number {
  const v = m.get(key);
  if (typeof v !== 'number' || v < 0) return malformed(`"${name}" expected an unsigned integer`);
  return v;
}

function bstr(v: CborValue | undefined, name: string, length?: number): Uint8Array {
  if (!(v instanceof Uint8Array)) return malformed(`"${name}" expected a byte string`);
  if (length !== undefined && v.length !== length) {
    if (v.length > length) oversized(`"${name}" of ${v.length} bytes, expected ${length}`);
    malformed(`"${name}" of ${v.length} bytes, expected ${length}`);
  }
  return v;
}

function nodeId(v: CborValue | undefined, name: string): string {
  if (typeof v !== 'string') return malformed(`"${name}" expected a text string`);
  if (v.length > 64) oversized(`"${name}" of ${v.length} characters, at most 64`);
  if (!NODE_ID_RE.test(v)) malformed(`"${name}" is not a node id`);
  return v;
}

/**
 * Strict structural decoding: deterministic CBOR, the known version and suite, every field present
 * with its type and size, nothing else. Says nothing about signature, time or recipient (open.ts).
 */
export function decodeCapsule(bytes: Uint8Array): Capsule {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('"bytes" expected Uint8Array');
  if (bytes.length > MAX_CAPSULE_BYTES) oversized(`${bytes.length} bytes, at most ${MAX_CAPSULE_BYTES}`);
  let value: CborValue;
  try {
    value = decodeCbor(bytes, CAPSULE_CBOR_LIMITS);
  } catch (e) {
    if (e instanceof CborError) throw new CapsuleError(CapsuleReject.MALFORMED, e.message, e.reason);
    throw e;
  }
  if (!(value instanceof Map)) return malformed('not a CBOR map');
  const m = value;
  // version first: a later version may change everything else
  const version = m.get(Field.VERSION);
  if (typeof version !== 'number') return malformed('"version" missing or not an integer');
  if (version !== CAPSULE_VERSION) throw new CapsuleError(CapsuleReject.UNKNOWN_VERSION, `version ${version}`);
  const suite = m.get(Field.SUITE);
  if (typeof suite !== 'number') return malformed('"suite" missing or not an integer');
  if (suite !== CapsuleSuite.X25519_MLKEM768_HKDF_AES256GCM_MLDSA65) throw new CapsuleError(CapsuleReject.UNKNOWN_SUITE, `suite ${suite}`);
  for (const k of m.keys()) if (typeof k !== 'number' || k < Field.VERSION || k > Field.SIGNATURE) malformed(`unknown field ${JSON.stringify(k)}`);
  if (m.size !== Field.SIGNATURE) malformed(`${Field.SIGNATURE - m.size} field(s) missing`);
  const rs = m.get(Field.RECIPIENTS);
  if (!Array.isArray(rs) || rs.length === 0) return malformed('"recipients" expected a non-empty array');
  if (rs.length > MAX_RECIPIENTS) oversized(`${rs.length} recipients, at most ${MAX_RECIPIENTS}`);
  const recipients = rs.map((r, i): CapsuleRecipient => {
    if (!Array.isArray(r) || r.length !== 4) return malformed(`"recipients[${i}]" expected [id, epk, kem_ct, wrapped_cek]`);
    return {
      id: nodeId(r[0], `recipients[${i}].id`),
      ephemeralPublic: bstr(r[1], `recipients[${i}].epk`, X25519_BYTES),
      kemCiphertext: bstr(r[2], `recipients[${i}].kem_ct`, ML_KEM768_CIPHERTEXT_BYTES),
      wrappedCek: bstr(r[3], `recipients[${i}].wrapped_cek`, WRAPPED_CEK_BYTES),
    };
  });
  if (new Set(recipients.map((r) => r.id)).size !== recipients.length) malformed('"recipients" names a node twice');
  const payload = bstr(m.get(Field.PAYLOAD), 'payload');
  if (payload.length > MAX_KEY_BYTES + 16) oversized(`"payload" of ${payload.length} bytes, at most ${MAX_KEY_BYTES + 16}`);
  if (payload.length < MIN_KEY_BYTES + 16) malformed(`"payload" of ${payload.length} bytes, at least ${MIN_KEY_BYTES + 16}`);
  const hopLimit = uint(m, Field.HOP_LIMIT, 'hop_limit');
  if (hopLimit < 1 || hopLimit > MAX_HOP_LIMIT) malformed(`"hop_limit" ${hopLimit} outside 1..${MAX_HOP_LIMIT}`);
  return {
    version, suite,
    sender: nodeId(m.get(Field.SENDER), 'sender'),
    recipients,
    capsuleId: bstr(m.get(Field.CAPSULE_ID), 'capsule_id', ID_BYTES),
    keyId: bstr(m.get(Field.KEY_ID), 'key_id', ID_BYTES),
    notBeforeMs: uint(m, Field.NOT_BEFORE, 'not_before'),
    notAfterMs: uint(m, Field.NOT_AFTER, 'not_after'),
    hopLimit,
    payload,
    hopCount: uint(m, Field.HOP_COUNT, 'hop_count'),
    signature: bstr(m.get(Field.SIGNATURE), 'signature', ML_DSA65_SIGNATURE_BYTES),
  };
}

/** The same capsule with hop_count set (forwarders; the signature is unaffected). */
export function withHopCount(bytes: Uint8Array, hopCount: number): Uint8Array {
  const c = decodeCapsule(bytes);
  return encodeCapsule({ ...c, hopCount });
}
