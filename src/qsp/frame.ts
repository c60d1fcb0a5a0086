/**
 * QSP v1.0 MessageFrame codec (seed 003 §3). The one place the frame layout is written down:
 *
 *   offset  size  field        (network order)
 *        0     1  type         1 HANDSHAKE · 2 APP_DATA · 3 REKEY · 4 CLOSE      (§3.2)
 *        1     1  flags        must be 0 in v1.0 (no flag is defined; any set bit is rejected)
 *        2     8  session_id   u64 chosen by the server in the handshake; 0 before (§3.1)
 *       10     4  epoch        u32; 0 for handshake frames, 1 after the handshake (§3.1, §6.1)
 *       14     4  seq          u32 per-session, per-direction transmit sequence (§3.1)
 *       18     4  payload_len  u32, equal to the bytes that follow, at most MAX_PAYLOAD_BYTES
 *       22     …  payload
 *
 * Protected frames (APP_DATA, REKEY, CLOSE) carry payload = nonce(12) ‖ AEAD ciphertext ‖ tag(16)
 * with nonce = epoch(4) ‖ seq(8), big-endian (§3.1, §6.2): the prefix is checked against the header
 * for strict nonce binding, and the whole header is in the AEAD's associated data (key-schedule.ts).
 * Decoding is strict: a short buffer, a length that disagrees, an unknown type or flag, or a payload
 * over the limit is a FrameReject, never a guess.
 */
import { checkBytes, checkInteger } from '../_check.ts';

export const FrameType = {
  HANDSHAKE: 1,
  APP_DATA: 2,
  REKEY: 3,
  CLOSE: 4,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const HEADER_BYTES = 22;
export const NONCE_BYTES = 12;
/** Largest application message one APP_DATA frame carries. */
export const MAX_APP_DATA_BYTES = 65536;
/** 64 KiB of application data + nonce prefix + tag, with room to spare; handshake messages are < 8 KiB. */
export const MAX_PAYLOAD_BYTES = MAX_APP_DATA_BYTES + 64;
export const MAX_SESSION_ID = 0xffff_ffff_ffff_ffffn;

/** Why a datagram is not a frame: stable codes, counted by the session. */
export const FrameReject = {
  TRUNCATED: 1,
  LENGTH_MISMATCH: 2,
  TOO_LONG: 3,
  UNKNOWN_TYPE: 4,
  UNKNOWN_FLAGS: 5,
} as const;
export type FrameReject = (typeof FrameReject)[keyof typeof FrameReject];

export class FrameError extends Error {
  constructor(readonly reason: FrameReject, detail: string) {
    super(`QSP frame rejected: ${detail}`);
    this.name = 'FrameError';
  }
}

export interface Frame {
  readonly type: FrameType;
  readonly flags: number;
  readonly sessionId: bigint;
  readonly epoch: number;
  readonly seq: number;
  readonly payload: Uint8Array;
}

/** Writes the 22-byte header into `out` (at offset 0). */
export function writeHeader(out: Uint8Array, type: FrameType, sessionId: bigint, epoch: number, seq: number, payloadLength: number): void {
  writeHeaderWords(out, type, Number(sessionId >> 32n), Number(sessionId & 0xffff_ffffn), epoch, seq, payloadLength);
}

/**
 * writeHeader with session_id as two u32 halves: the per-frame path, no BigInt arithmetic, and
 * straight-line stores (XS does not inline a helper, and five calls cost more than the stores).
 */
export function writeHeaderWords(out: Uint8Array, type: FrameType, sessionHi: number, sessionLo: number, epoch: number, seq: number, payloadLength: number): void {
  out[0] = type;
  out[1] = 0;
  out[2] = sessionHi >>> 24;
  out[3] = sessionHi >>> 16;
  out[4] = sessionHi >>> 8;
  out[5] = sessionHi;
  out[6] = sessionLo >>> 24;
  out[7] = sessionLo >>> 16;
  out[8] = sessionLo >>> 8;
  out[9] = sessionLo;
  out[10] = epoch >>> 24;
  out[11] = epoch >>> 16;
  out[12] = epoch >>> 8;
  out[13] = epoch;
  out[14] = seq >>> 24;
  out[15] = seq >>> 16;
  out[16] = seq >>> 8;
  out[17] = seq;
  out[18] = payloadLength >>> 24;
  out[19] = payloadLength >>> 16;
  out[20] = payloadLength >>> 8;
  out[21] = payloadLength;
}

/** The big-endian u32 `v` at `at` (header words, nonces, rekey epochs). */
export function putU32(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = v >>> 16;
  out[at + 2] = v >>> 8;
  out[at + 3] = v;
}

/** The big-endian u32 at `at` (header fields: session_id halves at 2 and 6, epoch 10, seq 14). */
export function getU32(d: Uint8Array, at: number): number {
  return ((d[at]! << 24) | (d[at + 1]! << 16) | (d[at + 2]! << 8) | d[at + 3]!) >>> 0;
}

export function encodeFrame(frame: Frame): Uint8Array {
  const type = checkInteger('frame.type', frame.type, FrameType.HANDSHAKE, FrameType.CLOSE) as FrameType;
  checkInteger('frame.flags', frame.flags, 0, 0);
  if (typeof frame.sessionId !== 'bigint' || frame.sessionId < 0n || frame.sessionId > MAX_SESSION_ID)
    throw new RangeError(`"frame.sessionId" expected a u64 bigint, got ${String(frame.sessionId)}`);
  checkInteger('frame.epoch', frame.epoch, 0, 0xffffffff);
  checkInteger('frame.seq', frame.seq, 0, 0xffffffff);
  const payload = checkBytes('frame.payload', frame.payload);
  if (payload.length > MAX_PAYLOAD_BYTES)
    throw new RangeError(`"frame.payload" expected at most ${MAX_PAYLOAD_BYTES} bytes, got ${payload.length}`);
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  writeHeader(out, type, frame.sessionId, frame.epoch, frame.seq, payload.length);
  out.set(payload, HEADER_BYTES);
  return out;
}

/**
 * The strict checks of decodeFrame, for the per-frame path: the reason a datagram is not a frame,
 * or 0 when it is one (the session then reads the header words in place, sparing the Frame object,
 * the BigInt and a throw). `datagram` must be a Uint8Array.
 */
export function frameReject(d: Uint8Array, maxPayload = MAX_PAYLOAD_BYTES): FrameReject | 0 {
  if (d.length < HEADER_BYTES) return FrameReject.TRUNCATED;
  const type = d[0]!;
  if (type < FrameType.HANDSHAKE || type > FrameType.CLOSE) return FrameReject.UNKNOWN_TYPE;
  if (d[1] !== 0) return FrameReject.UNKNOWN_FLAGS;
  const payloadLength = getU32(d, 18);
  if (payloadLength > maxPayload) return FrameReject.TOO_LONG;
  if (payloadLength !== d.length - HEADER_BYTES) return FrameReject.LENGTH_MISMATCH;
  return 0;
}

/** The strict checks of decodeFrame alone: returns the type, or throws FrameError saying why. */
export function checkFrame(datagram: Uint8Array, maxPayload = MAX_PAYLOAD_BYTES): FrameType {
  const d = checkBytes('datagram', datagram);
  const reject = frameReject(d, maxPayload);
  if (reject === 0) return d[0] as FrameType;
  const payloadLength = d.length >= HEADER_BYTES ? getU32(d, 18) : 0;
  const detail = {
    [FrameReject.TRUNCATED]: () => `${d.length} bytes, the header alone is ${HEADER_BYTES}`,
    [FrameReject.UNKNOWN_TYPE]: () => `type ${d[0]}`,
    [FrameReject.UNKNOWN_FLAGS]: () => `flags 0x${d[1]!.toString(16)}`,
    [FrameReject.TOO_LONG]: () => `payload_len ${payloadLength} over ${maxPayload}`,
    [FrameReject.LENGTH_MISMATCH]: () => `payload_len ${payloadLength}, ${d.length - HEADER_BYTES} bytes follow`,
  }[reject];
  throw new FrameError(reject, detail());
}

/** Strict decode; the payload is a view into `datagram` (no copy). Throws FrameError. */
export function decodeFrame(datagram: Uint8Array, maxPayload = MAX_PAYLOAD_BYTES): Frame {
  const d = datagram;
  return {
    type: checkFrame(datagram, maxPayload),
    flags: 0,
    sessionId: (BigInt(getU32(d, 2)) << 32n) | BigInt(getU32(d, 6)),
    epoch: getU32(d, 10),
    seq: getU32(d, 14),
    payload: datagram.subarray(HEADER_BYTES),
  };
}

/** nonce = epoch(4) ‖ seq(8), big-endian (seed 003 §3.1); seq is zero-extended to 64 bits. */
export function frameNonce(epoch: number, seq: number, out = new Uint8Array(NONCE_BYTES)): Uint8Array {
  putU32(out, 0, epoch);
  putU32(out, 4, 0);
  putU32(out, 8, seq);
  return out;
}
