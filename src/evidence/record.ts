/**
 * Evidence records (DESIGN §2 step 11; seeds 000 "Evidence", 004 "immutable audit"): one record
 * per session init, key hand-off, key consumption, expiry, mode change, quarantine, refusal and
 * checkpoint. A record is canonical JSON; its hash chains it to the one before:
 *
 *   hash_i = SHA-256("LIGHTVIBES/evidence/v1" ‖ 0x00 ‖ hex(hash_{i-1}) ‖ 0x00 ‖ canonical(body_i))
 *
 * where body_i is the record without its `hash` field (it does hold `prev` = hash_{i-1} and `seq`).
 * Records carry ids, hashes of key refs, QBER, sifting statistics, PA seed hashes and policy —
 * never key material: the field set is closed and every value is a string, number or boolean.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { asciiBytes, bytesToHex } from '../bytes.ts';
import { asciiString, canonicalJson } from './canonical.ts';

export const EvidenceKind = {
  GENESIS: 0,
  SESSION_INIT: 1,
  KEY_HANDOFF: 2,
  KEY_CONSUMED: 3,
  KEY_EXPIRED: 4,
  MODE_CHANGE: 5,
  QUARANTINE: 6,
  RECOVERY: 7,
  PQC_FALLBACK: 8,
  GUARD_DENIED: 9,
  REQUEST_REFUSED: 10,
  CHECKPOINT: 11,
  BLOCK_INGESTED: 12,
  BLOCK_REFUSED: 13,
  /** A key capsule opened and its key handed on (src/capsule/open.ts). */
  CAPSULE_OPENED: 14,
  /** A key capsule refused, with its CapsuleReject reason; nothing of it stored. */
  CAPSULE_REFUSED: 15,
} as const;
export type EvidenceKind = (typeof EvidenceKind)[keyof typeof EvidenceKind];
export const EVIDENCE_KIND_NAMES: Record<EvidenceKind, string> = {
  0: 'genesis', 1: 'session_init', 2: 'key_handoff', 3: 'key_consumed', 4: 'key_expired', 5: 'mode_change',
  6: 'quarantine', 7: 'recovery', 8: 'pqc_fallback', 9: 'guard_denied', 10: 'request_refused', 11: 'checkpoint',
  12: 'block_ingested', 13: 'block_refused', 14: 'capsule_opened', 15: 'capsule_refused',
};

/** The closed set of fields a record may carry besides the chain fields. */
export interface EvidenceFields {
  run_id?: string;
  operator?: string;
  link_id?: string;
  peer_id?: string;
  caller?: string;
  context?: string;
  session_id?: string;
  key_id?: string;
  /** SHA-256-derived id of a key ref (see keystore/keyref.ts), never the ref itself. */
  key_ref_id?: string;
  block_id?: string;
  mode?: string;
  from?: string;
  to?: string;
  reason?: string;
  code?: number;
  bits?: number;
  count?: number;
  qber?: number;
  test_qber?: number;
  pulses?: number;
  detections?: number;
  sifted_bits?: number;
  errors_corrected?: number;
  leaked_bits?: number;
  pa_seed_hash?: string;
  policy_id?: string;
  min_keybits?: number;
  ttl_s?: number;
  fallback?: string;
  kem?: string;
  /** Checkpoint: the last record covered, that record's hash, the signer's key hash, the signature (base64). */
  upto_seq?: number;
  head?: string;
  signer?: string;
  signer_public_key?: string;
  signature?: string;
}

export interface EvidenceRecord extends EvidenceFields {
  v: 1;
  seq: number;
  kind: EvidenceKind;
  kind_name: string;
  wall_ms: number;
  prev: string;
  hash: string;
}

export const EVIDENCE_FIELDS: readonly string[] = [
  'run_id', 'operator', 'link_id', 'peer_id', 'caller', 'context', 'session_id', 'key_id', 'key_ref_id', 'block_id',
  'mode', 'from', 'to', 'reason', 'code', 'bits', 'count', 'qber', 'test_qber', 'pulses', 'detections', 'sifted_bits',
  'errors_corrected', 'leaked_bits', 'pa_seed_hash', 'policy_id', 'min_keybits', 'ttl_s', 'fallback', 'kem', 'upto_seq',
  'head', 'signer', 'signer_public_key', 'signature',
];
const CHAIN_FIELDS = ['v', 'seq', 'kind', 'kind_name', 'wall_ms', 'prev', 'hash'];
const FIELD_SET = new Set(EVIDENCE_FIELDS);

export const GENESIS_PREV = '0'.repeat(64);
const LABEL = 'LIGHTVIBES/evidence/v1\u0000';

export function evidenceHash(prev: string, body: Omit<EvidenceRecord, 'hash'>): string {
  return hashBody(prev, canonicalJson(body));
}

/** SHA-256(LABEL ‖ 0x00 ‖ prev ‖ 0x00 ‖ body), the strings ASCII: one encoding, one hash call. */
function hashBody(prev: string, canonicalBody: string, hash: (data: Uint8Array) => Uint8Array = sha256): string {
  return bytesToHex(hash(asciiBytes(LABEL + prev + '\u0000' + canonicalBody)));
}

// Every key a record may hold, in canonical (sorted) order, with its JSON form: records are built
// by walking this list once instead of sorting each record's keys.
const SORTED_KEYS = [...CHAIN_FIELDS, ...EVIDENCE_FIELDS].sort();
const KEY_JSON = new Map(SORTED_KEYS.map((k) => [k, canonicalJson(k) + ':']));

/** The next record after (`prevSeq`, `prevHash`); throws on a field outside the closed set. */
export function makeEvidenceRecord(prevSeq: number, prevHash: string, kind: EvidenceKind, wallMs: number, fields: EvidenceFields): EvidenceRecord {
  return makeEvidenceEntry(prevSeq, prevHash, kind, wallMs, fields).record;
}

/**
 * makeEvidenceRecord with the record's stored form (canonical JSON, ASCII bytes), built in the same
 * pass: the append path canonicalises once. Equal to `encodeEvidenceRecord(record)` by construction
 * (test/evidence-chain.test.ts checks it against canonicalJson on random records).
 */
export function makeEvidenceEntry(
  prevSeq: number, prevHash: string, kind: EvidenceKind, wallMs: number, fields: EvidenceFields,
  hash: (data: Uint8Array) => Uint8Array = sha256,
): { readonly record: EvidenceRecord; readonly encoded: Uint8Array } {
  // one pass: check each field and copy it (object spread costs several times more here, and this
  // runs on every key request)
  const body: Record<string, string | number | boolean | undefined> = {};
  for (const k in fields) {
    const v = (fields as Record<string, unknown>)[k];
    if (!FIELD_SET.has(k)) throw new RangeError(`evidence: "${k}" is not an evidence field`);
    if (v !== undefined && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw new TypeError(`evidence: "${k}" expected a string or number, got ${typeof v}`);
    body[k] = v;
  }
  body.v = 1;
  body.seq = prevSeq + 1;
  body.kind = kind;
  body.kind_name = EVIDENCE_KIND_NAMES[kind];
  body.wall_ms = wallMs;
  body.prev = prevHash;
  // canonical body = before ‖ after (keys sorted around "hash"); the stored form has "hash" between
  let before = '';
  let after = '';
  for (const k of SORTED_KEYS) {
    const v = body[k];
    if (v === undefined || k === 'hash') continue;
    const entry = KEY_JSON.get(k)! + canonicalJson(v);
    if (k < 'hash') before += before ? ',' + entry : entry;
    else after += after ? ',' + entry : entry;
  }
  const join = (a: string, b: string) => (a && b ? a + ',' + b : a + b);
  const digest = hashBody(prevHash, '{' + join(before, after) + '}', hash);
  body.hash = digest;
  return { record: body as unknown as EvidenceRecord, encoded: asciiBytes('{' + join(join(before, `"hash":"${digest}"`), after) + '}') };
}

export function encodeEvidenceRecord(record: EvidenceRecord): Uint8Array {
  return asciiBytes(canonicalJson(record));
}

/** Parses a stored record; undefined when it is not a well-formed record (the verifier names it). */
export function decodeEvidenceRecord(bytes: Uint8Array): EvidenceRecord | undefined {
  let value: any;
  try {
    value = JSON.parse(asciiString(bytes));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  for (const k of Object.keys(value)) if (!CHAIN_FIELDS.includes(k) && !EVIDENCE_FIELDS.includes(k)) return undefined;
  if (value.v !== 1 || !Number.isSafeInteger(value.seq) || typeof value.prev !== 'string' || typeof value.hash !== 'string') return undefined;
  if (!(value.kind in EVIDENCE_KIND_NAMES) || typeof value.wall_ms !== 'number') return undefined;
  if (canonicalJson(value) !== asciiString(bytes)) return undefined;
  return value as EvidenceRecord;
}

/** Storage key of record `seq`: zero-padded so lexical and numeric order agree. */
export function evidenceKey(seq: number): string {
  return String(seq).padStart(12, '0');
}
