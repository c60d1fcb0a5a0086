/**
 * Names for keys (seed 001 `key_ref`, ETSI GS QKD 014 `key_ID`). A key ref is a one-shot bearer
 * capability: 128 bits from the Entropy port, "kr-" + hex. The store never keeps the ref itself,
 * only its id, SHA-256("LIGHTVIBES/keystore/key-ref/v1" ‖ 0x00 ‖ ref) truncated to 128 bits, so a
 * copy of the database or of the evidence log cannot be used to fetch a key. Key IDs are
 * RFC 4122 version-4 UUIDs, as ETSI GS QKD 014 §6 asks.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { Entropy } from '../../hal/entropy.ts';
import { asciiBytes, bytesToHex, concatBytes } from '../bytes.ts';

const KEY_REF_LABEL = asciiBytes('LIGHTVIBES/keystore/key-ref/v1');
const KEY_REF_RE = /^kr-[0-9a-f]{32}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SESSION_RE = /^ss-[0-9a-f]{24}$/;

export function newKeyRef(entropy: Entropy): string {
  return 'kr-' + bytesToHex(entropy.randomBytes(16));
}

export function isKeyRef(text: unknown): text is string {
  return typeof text === 'string' && KEY_REF_RE.test(text);
}

export function keyRefId(keyRef: string): string {
  if (!isKeyRef(keyRef)) throw new RangeError(`"keyRef" expected kr- and 32 hex digits, got length=${String(keyRef).length}`);
  return bytesToHex(sha256(concatBytes(KEY_REF_LABEL, new Uint8Array([0]), asciiBytes(keyRef)))).slice(0, 32);
}

export function newKeyId(entropy: Entropy): string {
  const b = entropy.randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = bytesToHex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function isKeyId(text: unknown): text is string {
  return typeof text === 'string' && UUID_RE.test(text);
}

export function newSessionId(entropy: Entropy): string {
  return 'ss-' + bytesToHex(entropy.randomBytes(12));
}

export function isSessionId(text: unknown): text is string {
  return typeof text === 'string' && SESSION_RE.test(text);
}
