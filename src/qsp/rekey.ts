/**
 * REKEY plaintexts (seed 003 §7.2), carried inside the AEAD of an FT_REKEY frame:
 *   INIT: "RK54" ‖ T_INIT (u8 1) ‖ new_epoch u32 ‖ material(32) ‖ key_block_id(16)
 *   ACK:  "RK54" ‖ T_ACK  (u8 2) ‖ new_epoch u32 ‖ confirm(32),  confirm = SHA-256(material ‖ "ack")
 * key_block_id is our extension (16 zero bytes: no QKD block this epoch); it travels inside the
 * AEAD so an observer cannot tell which block keys which epoch. Commit rules (§7.3) live in
 * session.ts; the key derivation in key-schedule.ts.
 */
import type { SymmetricCrypto } from '../../hal/crypto.ts';
import { concatBytes } from '../bytes.ts';
import { KEY_BLOCK_ID_BYTES, label, REKEY_CONFIRM_SUFFIX } from './key-schedule.ts';
import { getU32, putU32 } from './frame.ts';

export const REKEY_MAGIC = Uint8Array.of(0x52, 0x4b, 0x35, 0x34); // "RK54"
export const RekeyType = { INIT: 1, ACK: 2 } as const;
export const REKEY_MATERIAL_BYTES = 32;
export const REKEY_INIT_BYTES = 4 + 1 + 4 + REKEY_MATERIAL_BYTES + KEY_BLOCK_ID_BYTES;
export const REKEY_ACK_BYTES = 4 + 1 + 4 + 32;

export type RekeyMessage =
  | { type: 1; newEpoch: number; material: Uint8Array; keyBlockId: Uint8Array }
  | { type: 2; newEpoch: number; confirm: Uint8Array };

/** INIT into `out` (a fresh buffer by default; the session reuses one for its single pending INIT). */
export function encodeRekeyInit(newEpoch: number, material: Uint8Array, keyBlockId: Uint8Array, out = new Uint8Array(REKEY_INIT_BYTES)): Uint8Array {
  out.set(REKEY_MAGIC);
  out[4] = RekeyType.INIT;
  putU32(out, 5, newEpoch);
  out.set(material, 9);
  out.set(keyBlockId, 9 + REKEY_MATERIAL_BYTES);
  return out;
}

export function encodeRekeyAck(newEpoch: number, confirm: Uint8Array, out = new Uint8Array(REKEY_ACK_BYTES)): Uint8Array {
  out.set(REKEY_MAGIC);
  out[4] = RekeyType.ACK;
  putU32(out, 5, newEpoch);
  out.set(confirm, 9);
  return out;
}

/** material ‖ "ack", hashed from one buffer that is wiped after each use. */
const CONFIRM_INPUT = new Uint8Array(REKEY_MATERIAL_BYTES + REKEY_CONFIRM_SUFFIX.length);
CONFIRM_INPUT.set(label(REKEY_CONFIRM_SUFFIX), REKEY_MATERIAL_BYTES);

export function rekeyConfirm(crypto: SymmetricCrypto, material: Uint8Array): Uint8Array {
  if (material.length !== REKEY_MATERIAL_BYTES) return crypto.sha256(concatBytes(material, label(REKEY_CONFIRM_SUFFIX)));
  CONFIRM_INPUT.set(material);
  const confirm = crypto.sha256(CONFIRM_INPUT);
  CONFIRM_INPUT.fill(0, 0, REKEY_MATERIAL_BYTES);
  return confirm;
}

/**
 * undefined when malformed (wrong magic, type or length). material, keyBlockId and confirm are
 * views into `plaintext`: the caller wipes the plaintext when done with the message (the session
 * does; decodeRekey gives copies).
 */
export function readRekey(plaintext: Uint8Array): RekeyMessage | undefined {
  const p = plaintext;
  if (p.length < 9 || p[0] !== REKEY_MAGIC[0] || p[1] !== REKEY_MAGIC[1] || p[2] !== REKEY_MAGIC[2] || p[3] !== REKEY_MAGIC[3]) return undefined;
  const newEpoch = getU32(p, 5);
  if (p[4] === RekeyType.INIT && p.length === REKEY_INIT_BYTES)
    return { type: 1, newEpoch, material: p.subarray(9, 9 + REKEY_MATERIAL_BYTES), keyBlockId: p.subarray(9 + REKEY_MATERIAL_BYTES) };
  if (p[4] === RekeyType.ACK && p.length === REKEY_ACK_BYTES) return { type: 2, newEpoch, confirm: p.subarray(9) };
  return undefined;
}

/** undefined when malformed (wrong magic, type or length); the fields are copies. */
export function decodeRekey(plaintext: Uint8Array): RekeyMessage | undefined {
  const msg = readRekey(plaintext);
  if (!msg) return undefined;
  return msg.type === RekeyType.INIT
    ? { type: 1, newEpoch: msg.newEpoch, material: msg.material.slice(), keyBlockId: msg.keyBlockId.slice() }
    : { type: 2, newEpoch: msg.newEpoch, confirm: msg.confirm.slice() };
}
