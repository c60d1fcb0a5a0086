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
import { asciiBytes, bytesToHex, concatBytes } from '../bytes.ts';
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
const LABEL = asciiBytes('LIGHTVIBES/evidence/v1');
const SEP = new Uint8Array([0]);

export function evidenceHash(prev: string, body: Omit<EvidenceRecord, 'hash'>): string {
  return hashBody(prev, canonicalJson(body));
}

function hashBody(prev: string, canonicalBody: string): string {
  return bytesToHex(sha256(concatBytes(LABEL, SEP, asciiBytes(prev), SEP, asciiBytes(canonicalBody))));
}

/** The next record after (`prevSeq`, `prevHash`); throws on a field outside the closed set. */
export function makeEvidenceRecord(prevSeq: number, prevHash: string, kind: EvidenceKind, wallMs: number, fields: EvidenceFields): EvidenceRecord {
  for (const k in fields) {
    const v = (fields as Record<string, unknown>)[k];
    if (!FIELD_SET.has(k)) throw new RangeError(`evidence: "${k}" is not an evidence field`);
    if (v !== undefined && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw new TypeError(`evidence: "${k}" expected a string or number, got ${typeof v}`);
  }
  const body = { ...fields, v: 1 as const, seq: prevSeq + 1, kind, kind_name: EVIDENCE_KIND_NAMES[kind], wall_ms: wallMs, prev: prevHash };
  const canonicalBody = canonicalJson(body);
  const hash = hashBody(prevHash, canonicalBody);
  // the stored form is canonical JSON of the record with its hash: splice "hash" in at its sorted place
  const encoded = spliceHash(canonicalBody, body, hash);
  const record = { ...body, hash };
  ENCODED.set(record, encoded);
  return record;
}

// Encodings made by makeEvidenceRecord, so the append path canonicalises once.
const ENCODED = new WeakMap<object, string>();

function spliceHash(canonicalBody: string, body: Record<string, unknown>, hash: string): string {
  const keys = Object.keys(body).filter((k) => body[k] !== undefined).sort();
  const after = keys.find((k) => k > 'hash');
  const entry = `"hash":"${hash}"`;
  if (after === undefined) return canonicalBody.slice(0, -1) + ',' + entry + '}';
  const at = canonicalBody.indexOf(`"${after}":`);
  return canonicalBody.slice(0, at) + entry + ',' + canonicalBody.slice(at);
}

export function encodeEvidenceRecord(record: EvidenceRecord): Uint8Array {
  return asciiBytes(ENCODED.get(record) ?? canonicalJson(record));
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
