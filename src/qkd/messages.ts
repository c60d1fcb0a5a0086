/**
 * Classical-channel messages of a QKD block, version 1. Binary, big-endian, strictly parsed (no
 * JSON on the wire). Every message starts with
 *   version u8 (= 1) ‖ type u8 ‖ block_id u32
 * and then, by type:
 *   DETECTION_REPORT (1, Bob → Alice):  slot_count u32 ‖ n u32 ‖ n × varint slot gap ‖ bases: n bits
 *       slot gap = slot − previous slot − 1 (the first gap is the first slot), so slots strictly increase
 *   SIFT_DECISION    (2, Alice → Bob):  n u32 ‖ keep: n bits (1 where Alice's basis matched Bob's)
 *   SAMPLE_CHALLENGE (3, Alice → Bob):  m u32 ‖ k u32 ‖ sample: m bits (k of them set) ‖ Alice's bits: k bits
 *   SAMPLE_RESPONSE  (4, Bob → Alice):  k u32 ‖ Bob's bits: k bits
 *   DECOY_DECISION   (5, Alice → Bob):  n u32 ‖ keep: n bits ‖ class: 2 bits per kept detection (0, 1, 2)
 *       the intensity classes are revealed only now, after Bob has committed to his detections
 *   TEST_BITS        (6, both ways):    k u32 ‖ bits: k bits (every kept test-basis bit, in slot order)
 *   RECONCILE        (7, Alice → Bob):  plan_len u16 ‖ plan ‖ frames u32 ‖ syndrome_bits u32 ‖
 *                                       frames × (syndrome: syndrome_bits bits, byte-padded)
 *   RECONCILE_RESULT (8, Bob → Alice):  frames u32 ‖ failed: frames bits ‖ errors_corrected u32
 *   VERIFY           (9, Alice → Bob):  hash_key 32 bytes ‖ tag 16 bytes
 *   VERIFY_RESULT   (10, Bob → Alice):  match u8 (0 or 1)
 *   AMPLIFY         (11, Alice → Bob):  output_bits u32 ‖ seed_bits u32 ‖ seed: seed_bits bits ‖ sig_len u16 ‖ signature
 *   CONFIRM         (12, Bob → Alice):  sig_len u16 ‖ signature
 *   SETTINGS_REPORT (13, Bob → Alice):  slot_count u32 ‖ n u32 ‖ n × varint slot gap ‖ settings: 2 bits each (E91)
 *   COINCIDENCE     (14, Alice → Bob):  n u32 ‖ coincident: n bits ‖ Alice's setting per coincidence: 2 bits (E91)
 * Bit fields are packed most significant bit first, zero-padded to a byte; padding must be zero.
 * Bob reports bases, never bits; disclosed bits (samples, test-basis bits) never enter the key.
 */
import { packBits, unpackBits } from '../bytes.ts';
import { Reader, WireError, Writer } from '../_wire.ts';
import { QkdAbort, QkdAbortReason } from './errors.ts';

export const SIFT_PROTOCOL_VERSION = 1;

export const SiftMessageType = {
  DETECTION_REPORT: 1,
  SIFT_DECISION: 2,
  SAMPLE_CHALLENGE: 3,
  SAMPLE_RESPONSE: 4,
  DECOY_DECISION: 5,
  TEST_BITS: 6,
  RECONCILE: 7,
  RECONCILE_RESULT: 8,
  VERIFY: 9,
  VERIFY_RESULT: 10,
  AMPLIFY: 11,
  CONFIRM: 12,
  SETTINGS_REPORT: 13,
  COINCIDENCE: 14,
} as const;

export const VERIFY_KEY_BYTES = 32;
export const VERIFY_TAG_BYTES = 16;
const MAX_SIGNATURE_BYTES = 8192;
const MAX_PLAN_BYTES = 1024;
export type SiftMessageType = (typeof SiftMessageType)[keyof typeof SiftMessageType];

export type SiftMessage =
  | { type: 1; blockId: number; slotCount: number; slots: Uint32Array; bases: Uint8Array }
  | { type: 2; blockId: number; keep: Uint8Array }
  | { type: 3; blockId: number; sample: Uint8Array; aliceBits: Uint8Array }
  | { type: 4; blockId: number; bobBits: Uint8Array }
  | { type: 5; blockId: number; keep: Uint8Array; classes: Uint8Array }
  | { type: 6; blockId: number; bits: Uint8Array }
  | { type: 7; blockId: number; plan: Uint8Array; syndromeBits: number; syndromes: Uint8Array[] }
  | { type: 8; blockId: number; failed: Uint8Array; errorsCorrected: number }
  | { type: 9; blockId: number; hashKey: Uint8Array; tag: Uint8Array }
  | { type: 10; blockId: number; match: boolean }
  | { type: 11; blockId: number; outputBits: number; seedBits: number; seed: Uint8Array; signature: Uint8Array }
  | { type: 12; blockId: number; signature: Uint8Array }
  | { type: 13; blockId: number; slotCount: number; slots: Uint32Array; settings: Uint8Array }
  | { type: 14; blockId: number; coincident: Uint8Array; settings: Uint8Array };

/** slot_count u32 ‖ n u32 ‖ n varint gaps: strictly increasing slots below slot_count. */
function writeSlots(w: Writer, slotCount: number, slots: Uint32Array): Writer {
  w.u32(slotCount).u32(slots.length);
  let previous = -1;
  for (const slot of slots) {
    if (slot <= previous || slot >= slotCount) throw new RangeError(`"slots" expected increasing values below ${slotCount}`);
    w.varint(slot - previous - 1);
    previous = slot;
  }
  return w;
}

/** Two bits per value (0..3), most significant pair first. */
function packPairs(values: Uint8Array): Uint8Array {
  const out = new Uint8Array((values.length + 3) >>> 2);
  for (let i = 0; i < values.length; i++) out[i >>> 2]! |= (values[i]! & 3) << (6 - 2 * (i & 3));
  return out;
}

function checkPacked(field: string, packed: Uint8Array, bits: number): void {
  if (packed.length !== (bits + 7) >>> 3) throw new RangeError(`"${field}" expected ${(bits + 7) >>> 3} bytes for ${bits} bits, got ${packed.length}`);
  if (bits & 7 && packed[packed.length - 1]! & (0xff >>> (bits & 7))) throw new RangeError(`"${field}" has non-zero padding bits`);
}

function popcount(bits: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bits.length; i++) n += bits[i]!;
  return n;
}

export function encodeSiftMessage(m: SiftMessage): Uint8Array {
  const w = new Writer().u8(SIFT_PROTOCOL_VERSION).u8(m.type).u32(m.blockId);
  switch (m.type) {
    case SiftMessageType.DETECTION_REPORT:
      if (m.bases.length !== m.slots.length) throw new RangeError('"bases" expected one per slot');
      return writeSlots(w, m.slotCount, m.slots).bytes(packBits(m.bases)).finish();
    case SiftMessageType.SETTINGS_REPORT:
      if (m.settings.length !== m.slots.length || m.settings.some((x) => x > 2)) throw new RangeError('"settings" expected one value 0–2 per slot');
      return writeSlots(w, m.slotCount, m.slots).bytes(packPairs(m.settings)).finish();
    case SiftMessageType.COINCIDENCE:
      if (popcount(m.coincident) !== m.settings.length || m.settings.some((x) => x > 2))
        throw new RangeError('"settings" expected one value 0–2 per coincidence');
      return w.u32(m.coincident.length).bytes(packBits(m.coincident)).bytes(packPairs(m.settings)).finish();
    case SiftMessageType.SIFT_DECISION:
      return w.u32(m.keep.length).bytes(packBits(m.keep)).finish();
    case SiftMessageType.SAMPLE_CHALLENGE:
      if (popcount(m.sample) !== m.aliceBits.length) throw new RangeError('"aliceBits" expected one per sampled position');
      return w.u32(m.sample.length).u32(m.aliceBits.length).bytes(packBits(m.sample)).bytes(packBits(m.aliceBits)).finish();
    case SiftMessageType.SAMPLE_RESPONSE:
      return w.u32(m.bobBits.length).bytes(packBits(m.bobBits)).finish();
    case SiftMessageType.DECOY_DECISION:
      if (popcount(m.keep) !== m.classes.length) throw new RangeError('"classes" expected one per kept detection');
      if (m.classes.some((c) => c > 2)) throw new RangeError('"classes" expected values 0, 1 or 2');
      return w.u32(m.keep.length).bytes(packBits(m.keep)).bytes(packPairs(m.classes)).finish();
    case SiftMessageType.TEST_BITS:
      return w.u32(m.bits.length).bytes(packBits(m.bits)).finish();
    case SiftMessageType.RECONCILE: {
      if (m.plan.length > MAX_PLAN_BYTES) throw new RangeError(`"plan" expected at most ${MAX_PLAN_BYTES} bytes`);
      w.u8(m.plan.length >>> 8).u8(m.plan.length).bytes(m.plan).u32(m.syndromes.length).u32(m.syndromeBits);
      for (const s of m.syndromes) {
        checkPacked('syndromes[]', s, m.syndromeBits);
        w.bytes(s);
      }
      return w.finish();
    }
    case SiftMessageType.RECONCILE_RESULT:
      return w.u32(m.failed.length).bytes(packBits(m.failed)).u32(m.errorsCorrected).finish();
    case SiftMessageType.VERIFY:
      if (m.hashKey.length !== VERIFY_KEY_BYTES || m.tag.length !== VERIFY_TAG_BYTES) throw new RangeError('"hashKey"/"tag" have the wrong length');
      return w.bytes(m.hashKey).bytes(m.tag).finish();
    case SiftMessageType.VERIFY_RESULT:
      return w.u8(m.match ? 1 : 0).finish();
    case SiftMessageType.AMPLIFY:
      checkPacked('seed', m.seed, m.seedBits);
      if (m.signature.length > MAX_SIGNATURE_BYTES) throw new RangeError('"signature" is too long');
      return w.u32(m.outputBits).u32(m.seedBits).bytes(m.seed).u8(m.signature.length >>> 8).u8(m.signature.length).bytes(m.signature).finish();
    case SiftMessageType.CONFIRM:
      if (m.signature.length > MAX_SIGNATURE_BYTES) throw new RangeError('"signature" is too long');
      return w.u8(m.signature.length >>> 8).u8(m.signature.length).bytes(m.signature).finish();
  }
}

/** The AMPLIFY message without its signature: what Alice's signature covers, with the transcript before it. */
export function amplifySignedPart(m: { blockId: number; outputBits: number; seedBits: number; seed: Uint8Array }): Uint8Array {
  return new Writer().u8(SIFT_PROTOCOL_VERSION).u8(SiftMessageType.AMPLIFY).u32(m.blockId).u32(m.outputBits).u32(m.seedBits).bytes(m.seed).finish();
}

/** Packed bits with zero padding, or a WireError. */
function readBits(r: Reader, count: number): Uint8Array {
  const packed = r.bytes((count + 7) >>> 3);
  if (count & 7 && packed[packed.length - 1]! & (0xff >>> (count & 7))) throw new WireError('non-zero padding bits');
  return unpackBits(packed, count);
}

/** Pairs of bits with zero padding, each value 0, 1 or 2. */
function readPairs(r: Reader, count: number): Uint8Array {
  const packed = r.bytes((count + 3) >>> 2);
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const v = (packed[i >>> 2]! >>> (6 - 2 * (i & 3))) & 3;
    if (v === 3) throw new WireError(`intensity class 3 at ${i}`);
    out[i] = v;
  }
  if (count & 3 && packed[packed.length - 1]! & (0xff >>> (2 * (count & 3)))) throw new WireError('non-zero padding bits');
  return out;
}

function readSlots(r: Reader, count: () => number): { slotCount: number; slots: Uint32Array } {
  const slotCount = count();
  const n = count();
  if (n > slotCount) throw new WireError(`${n} detections in ${slotCount} slots`);
  const slots = new Uint32Array(n);
  let previous = -1;
  for (let i = 0; i < n; i++) {
    const slot = previous + 1 + r.varint();
    if (slot >= slotCount) throw new WireError(`slot ${slot} beyond ${slotCount}`);
    slots[i] = previous = slot;
  }
  return { slotCount, slots };
}

function readU16(r: Reader): number {
  return (r.u8() << 8) | r.u8();
}

/** Decodes one message; any defect is a QkdAbort naming it. `maxCount` bounds every length field. */
export function decodeSiftMessage(data: Uint8Array, maxCount: number): SiftMessage {
  const r = new Reader(data);
  try {
    const version = r.u8();
    if (version !== SIFT_PROTOCOL_VERSION)
      throw new QkdAbort(QkdAbortReason.UNSUPPORTED_VERSION, `sift message version ${version}`);
    const type = r.u8();
    const blockId = r.u32();
    const count = () => {
      const n = r.u32();
      if (n > maxCount) throw new WireError(`count ${n} exceeds ${maxCount}`);
      return n;
    };
    let m: SiftMessage;
    switch (type) {
      case SiftMessageType.DETECTION_REPORT: {
        const { slotCount, slots } = readSlots(r, count);
        m = { type, blockId, slotCount, slots, bases: readBits(r, slots.length) };
        break;
      }
      case SiftMessageType.SETTINGS_REPORT: {
        const { slotCount, slots } = readSlots(r, count);
        m = { type, blockId, slotCount, slots, settings: readPairs(r, slots.length) };
        break;
      }
      case SiftMessageType.COINCIDENCE: {
        const coincident = readBits(r, count());
        m = { type, blockId, coincident, settings: readPairs(r, popcount(coincident)) };
        break;
      }
      case SiftMessageType.SIFT_DECISION:
        m = { type, blockId, keep: readBits(r, count()) };
        break;
      case SiftMessageType.SAMPLE_CHALLENGE: {
        const length = count();
        const k = count();
        const sample = readBits(r, length);
        if (popcount(sample) !== k) throw new WireError(`sample mask has ${popcount(sample)} positions, header says ${k}`);
        m = { type, blockId, sample, aliceBits: readBits(r, k) };
        break;
      }
      case SiftMessageType.SAMPLE_RESPONSE:
        m = { type, blockId, bobBits: readBits(r, count()) };
        break;
      case SiftMessageType.DECOY_DECISION: {
        const keep = readBits(r, count());
        m = { type, blockId, keep, classes: readPairs(r, popcount(keep)) };
        break;
      }
      case SiftMessageType.TEST_BITS:
        m = { type, blockId, bits: readBits(r, count()) };
        break;
      case SiftMessageType.RECONCILE: {
        const planLength = readU16(r);
        if (planLength > MAX_PLAN_BYTES) throw new WireError(`plan of ${planLength} bytes`);
        const plan = r.bytes(planLength).slice();
        const frames = count();
        const syndromeBits = count();
        if (frames * ((syndromeBits + 7) >>> 3) > maxCount) throw new WireError(`${frames} syndromes of ${syndromeBits} bits exceed the block`);
        const syndromes: Uint8Array[] = [];
        for (let f = 0; f < frames; f++) {
          const s = r.bytes((syndromeBits + 7) >>> 3).slice();
          if (syndromeBits & 7 && s[s.length - 1]! & (0xff >>> (syndromeBits & 7))) throw new WireError('non-zero padding bits');
          syndromes.push(s);
        }
        m = { type, blockId, plan, syndromeBits, syndromes };
        break;
      }
      case SiftMessageType.RECONCILE_RESULT:
        m = { type, blockId, failed: readBits(r, count()), errorsCorrected: count() };
        break;
      case SiftMessageType.VERIFY:
        m = { type, blockId, hashKey: r.bytes(VERIFY_KEY_BYTES).slice(), tag: r.bytes(VERIFY_TAG_BYTES).slice() };
        break;
      case SiftMessageType.VERIFY_RESULT: {
        const v = r.u8();
        if (v > 1) throw new WireError(`match flag ${v}`);
        m = { type, blockId, match: v === 1 };
        break;
      }
      case SiftMessageType.AMPLIFY: {
        const outputBits = count();
        const seedBits = count();
        const packed = r.bytes((seedBits + 7) >>> 3).slice();
        if (seedBits & 7 && packed[packed.length - 1]! & (0xff >>> (seedBits & 7))) throw new WireError('non-zero padding bits');
        const length = readU16(r);
        if (length > MAX_SIGNATURE_BYTES) throw new WireError(`signature of ${length} bytes`);
        m = { type, blockId, outputBits, seedBits, seed: packed, signature: r.bytes(length).slice() };
        break;
      }
      case SiftMessageType.CONFIRM: {
        const length = readU16(r);
        if (length > MAX_SIGNATURE_BYTES) throw new WireError(`signature of ${length} bytes`);
        m = { type, blockId, signature: r.bytes(length).slice() };
        break;
      }
      default:
        throw new WireError(`unknown message type ${type}`);
    }
    r.end();
    return m;
  } catch (e) {
    if (e instanceof WireError) throw new QkdAbort(QkdAbortReason.MALFORMED_MESSAGE, e.message);
    throw e;
  }
}
