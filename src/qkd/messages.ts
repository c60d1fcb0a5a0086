/**
 * Classical-channel messages of BB84 sifting and QBER sampling, version 1. Binary, big-endian,
 * strictly parsed (no JSON on the wire). Every message starts with
 *   version u8 (= 1) ‖ type u8 ‖ block_id u32
 * and then, by type:
 *   DETECTION_REPORT (1, Bob → Alice):  slot_count u32 ‖ n u32 ‖ n × varint slot gap ‖ bases: n bits
 *       slot gap = slot − previous slot − 1 (the first gap is the first slot), so slots strictly increase
 *   SIFT_DECISION    (2, Alice → Bob):  n u32 ‖ keep: n bits (1 where Alice's basis matched Bob's)
 *   SAMPLE_CHALLENGE (3, Alice → Bob):  m u32 ‖ k u32 ‖ sample: m bits (k of them set) ‖ Alice's bits: k bits
 *   SAMPLE_RESPONSE  (4, Bob → Alice):  k u32 ‖ Bob's bits: k bits
 * Bit fields are packed most significant bit first, zero-padded to a byte; padding must be zero.
 * Bob reports bases, never bits; the sampled bits are disclosed and dropped from the key.
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
} as const;
export type SiftMessageType = (typeof SiftMessageType)[keyof typeof SiftMessageType];

export type SiftMessage =
  | { type: 1; blockId: number; slotCount: number; slots: Uint32Array; bases: Uint8Array }
  | { type: 2; blockId: number; keep: Uint8Array }
  | { type: 3; blockId: number; sample: Uint8Array; aliceBits: Uint8Array }
  | { type: 4; blockId: number; bobBits: Uint8Array };

function popcount(bits: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bits.length; i++) n += bits[i]!;
  return n;
}

export function encodeSiftMessage(m: SiftMessage): Uint8Array {
  const w = new Writer().u8(SIFT_PROTOCOL_VERSION).u8(m.type).u32(m.blockId);
  switch (m.type) {
    case SiftMessageType.DETECTION_REPORT: {
      if (m.bases.length !== m.slots.length) throw new RangeError('"bases" expected one per slot');
      w.u32(m.slotCount).u32(m.slots.length);
      let previous = -1;
      for (const slot of m.slots) {
        if (slot <= previous || slot >= m.slotCount) throw new RangeError(`"slots" expected increasing values below ${m.slotCount}`);
        w.varint(slot - previous - 1);
        previous = slot;
      }
      return w.bytes(packBits(m.bases)).finish();
    }
    case SiftMessageType.SIFT_DECISION:
      return w.u32(m.keep.length).bytes(packBits(m.keep)).finish();
    case SiftMessageType.SAMPLE_CHALLENGE:
      if (popcount(m.sample) !== m.aliceBits.length) throw new RangeError('"aliceBits" expected one per sampled position');
      return w.u32(m.sample.length).u32(m.aliceBits.length).bytes(packBits(m.sample)).bytes(packBits(m.aliceBits)).finish();
    case SiftMessageType.SAMPLE_RESPONSE:
      return w.u32(m.bobBits.length).bytes(packBits(m.bobBits)).finish();
  }
}

/** Packed bits with zero padding, or a WireError. */
function readBits(r: Reader, count: number): Uint8Array {
  const packed = r.bytes((count + 7) >>> 3);
  if (count & 7 && packed[packed.length - 1]! & (0xff >>> (count & 7))) throw new WireError('non-zero padding bits');
  return unpackBits(packed, count);
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
        m = { type, blockId, slotCount, slots, bases: readBits(r, n) };
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
