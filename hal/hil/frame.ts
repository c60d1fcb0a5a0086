/**
 * HIL rig protocol v1, the frame (the one place its layout is declared).
 *
 *   offset  size  field
 *   0       1     version      HIL_VERSION (1)
 *   1       1     type         HilType
 *   2       4     seq          sender's sequence number, +1 per frame (u32, big-endian)
 *   6       6     timeUs       sender's clock in µs (u48, big-endian): the rig's is checked
 *                              against the time sync window
 *   12      2     length       payload length (u16, ≤ HIL_MAX_PAYLOAD)
 *   14      n     payload      per type, see messages.ts
 *   14+n    4     crc          CRC-32C of bytes [0, 14 + n), big-endian
 *
 * On the wire a frame is COBS-encoded and followed by one 0x00 delimiter, on a serial line and in
 * a UDP datagram alike (one frame per datagram), so both paths share one decoder.
 */
import { cobsDecode, cobsEncode, cobsMaxEncodedLength } from './cobs.ts';
import { crc32c } from './crc32c.ts';
import { HilError, HilReject } from './errors.ts';

export const HIL_VERSION = 1;
export const HIL_HEADER = 14;
export const HIL_MAX_PAYLOAD = 32_768;
/** The longest encoded frame (COBS + delimiter) a receiver buffers before calling it garbage. */
export const HIL_MAX_WIRE = cobsMaxEncodedLength(HIL_HEADER + HIL_MAX_PAYLOAD + 4) + 1;
export const HIL_MAX_TIME_US = 2 ** 48 - 1;

export const HilType = {
  HELLO: 1,
  CONFIGURE: 2,
  EMIT: 3,
  DETECTIONS: 4,
  HEALTH: 5,
  TIME_SYNC: 6,
  HEARTBEAT: 7,
} as const;
export type HilType = (typeof HilType)[keyof typeof HilType];

export interface HilFrame {
  readonly type: HilType;
  readonly seq: number;
  readonly timeUs: number;
  readonly payload: Uint8Array;
}

function checkU(field: string, v: number, max: number): void {
  if (!Number.isSafeInteger(v) || v < 0 || v > max) throw new RangeError(`"${field}" expected an integer in [0, ${max}], got ${v}`);
}

/** The frame's bytes before COBS (header, payload, CRC). */
export function encodeFrameRaw(frame: HilFrame, version = HIL_VERSION): Uint8Array {
  checkU('type', frame.type, 255);
  checkU('seq', frame.seq, 0xffff_ffff);
  checkU('timeUs', frame.timeUs, HIL_MAX_TIME_US);
  if (!(frame.payload instanceof Uint8Array)) throw new TypeError('"payload" expected Uint8Array');
  checkU('payload.length', frame.payload.length, HIL_MAX_PAYLOAD);
  const n = frame.payload.length;
  const out = new Uint8Array(HIL_HEADER + n + 4);
  const v = new DataView(out.buffer);
  out[0] = version;
  out[1] = frame.type;
  v.setUint32(2, frame.seq);
  v.setUint16(6, Math.floor(frame.timeUs / 2 ** 32));
  v.setUint32(8, frame.timeUs >>> 0);
  v.setUint16(12, n);
  out.set(frame.payload, HIL_HEADER);
  v.setUint32(HIL_HEADER + n, crc32c(out.subarray(0, HIL_HEADER + n)));
  return out;
}

/** A frame as sent: COBS-encoded, followed by the 0x00 delimiter. */
export function encodeFrame(frame: HilFrame): Uint8Array {
  const cobs = cobsEncode(encodeFrameRaw(frame));
  const out = new Uint8Array(cobs.length + 1);
  out.set(cobs);
  return out;
}

/** Strict decode of the bytes between two delimiters. Checks, in order: COBS, size, CRC, version, type, length. */
export function decodeFrame(encoded: Uint8Array): HilFrame {
  if (encoded.length > HIL_MAX_WIRE) throw new HilError(HilReject.OVERSIZE, `${encoded.length} bytes before a delimiter`);
  const raw = cobsDecode(encoded);
  if (raw.length < HIL_HEADER + 4) throw new HilError(HilReject.TRUNCATED, `${raw.length} bytes, a frame has at least ${HIL_HEADER + 4}`);
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const end = raw.length - 4;
  const want = v.getUint32(end), got = crc32c(raw.subarray(0, end));
  if (want !== got) throw new HilError(HilReject.CRC, `CRC-32C ${got.toString(16).padStart(8, '0')}, frame says ${want.toString(16).padStart(8, '0')}`);
  if (raw[0] !== HIL_VERSION) throw new HilError(HilReject.VERSION, `version ${raw[0]}, this build speaks ${HIL_VERSION}`);
  const type = raw[1]!;
  if (type < HilType.HELLO || type > HilType.HEARTBEAT) throw new HilError(HilReject.TYPE, `type ${type}`);
  const length = v.getUint16(12);
  if (length !== end - HIL_HEADER || length > HIL_MAX_PAYLOAD)
    throw new HilError(HilReject.LENGTH, `length field ${length}, frame carries ${end - HIL_HEADER} payload bytes`);
  return {
    type: type as HilType,
    seq: v.getUint32(2),
    timeUs: v.getUint16(6) * 2 ** 32 + v.getUint32(8),
    payload: raw.slice(HIL_HEADER, end),
  };
}

/**
 * Splits a byte stream at 0x00 delimiters. Bytes past HIL_MAX_WIRE without a delimiter are
 * dropped as one oversize chunk (reported once), so a line full of garbage cannot grow memory.
 */
export class FrameSplitter {
  #buf = new Uint8Array(HIL_MAX_WIRE);
  #len = 0;
  #overflow = false;

  /** Calls `frame(bytes)` for each complete chunk and `oversize()` for each chunk that overflowed. */
  push(data: Uint8Array, frame: (encoded: Uint8Array) => void, oversize: () => void): void {
    for (let i = 0; i < data.length; i++) {
      const b = data[i]!;
      if (b === 0) {
        if (this.#overflow) oversize();
        else if (this.#len > 0) frame(this.#buf.slice(0, this.#len));
        this.#len = 0;
        this.#overflow = false;
      } else if (this.#len < this.#buf.length) this.#buf[this.#len++] = b;
      else this.#overflow = true;
    }
  }
}
