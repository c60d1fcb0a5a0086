/**
 * HIL rig protocol v1, the messages (payload layouts; every integer big-endian). The agent sends
 * HELLO, CONFIGURE, EMIT, TIME_SYNC and HEARTBEAT; the rig answers HELLO, CONFIGURE and TIME_SYNC
 * in kind, sends DETECTIONS for each EMIT, HEALTH and HEARTBEAT on its own.
 *
 *   HELLO       role u8 (1 agent, 2 rig) · nonce u32 (the rig echoes the agent's) · maxPayload u16
 *   CONFIGURE   period u32 · gateOffset u32 · gateWidth u32 · slotsPerFrame u32   (ticks = ns)
 *   EMIT        frameId u32 · firstSlot u32 · count u32 · count × modulator word u16
 *               (src/pulse/schedule.ts; a frameId already emitted is never emitted again — the
 *               rig re-sends that frame's report instead: repeating quantum states would leak)
 *   DETECTIONS  frameId u32 · count u32 · count × (stamp u32 · detector u8)
 *               stamps in ticks from the start of the frame's slot 0, non-decreasing
 *   HEALTH      temperature i16 (0.01 °C) · loss u16 (0.01 dB) · photonRate u32 (/s) · flags u8
 *               (bit 0 laser ok, bit 1 detectors ok; other bits reserved, zero)
 *   TIME_SYNC   t1 u48 (agent send) · t2 u48 (rig receive) · t3 u48 (rig send), µs; the agent
 *               sends t2 = t3 = 0
 *   HEARTBEAT   lastSeqSeen u32 (the last sequence number received from the peer)
 */
import { HilError, HilReject } from './errors.ts';
import { HIL_MAX_PAYLOAD, HilType } from './frame.ts';

export const HIL_MAX_SLOTS = (HIL_MAX_PAYLOAD - 12) >> 1; // 16,378 words fit one EMIT
export const HIL_MAX_DETECTIONS = Math.floor((HIL_MAX_PAYLOAD - 8) / 5);
export const HilRole = { AGENT: 1, RIG: 2 } as const;
export const HEALTH_LASER_OK = 1;
export const HEALTH_DETECTORS_OK = 2;

export type HilMessage =
  | { readonly type: typeof HilType.HELLO; readonly role: number; readonly nonce: number; readonly maxPayload: number }
  | { readonly type: typeof HilType.CONFIGURE; readonly period: number; readonly gateOffset: number; readonly gateWidth: number; readonly slotsPerFrame: number }
  | { readonly type: typeof HilType.EMIT; readonly frameId: number; readonly firstSlot: number; readonly words: Uint16Array }
  | { readonly type: typeof HilType.DETECTIONS; readonly frameId: number; readonly stamps: Uint32Array; readonly detectors: Uint8Array }
  | { readonly type: typeof HilType.HEALTH; readonly temperatureCentiC: number; readonly lossCentiDb: number; readonly photonRate: number; readonly flags: number }
  | { readonly type: typeof HilType.TIME_SYNC; readonly t1: number; readonly t2: number; readonly t3: number }
  | { readonly type: typeof HilType.HEARTBEAT; readonly lastSeqSeen: number };

const SIZES: Record<number, number> = { [HilType.HELLO]: 7, [HilType.CONFIGURE]: 16, [HilType.HEALTH]: 9, [HilType.TIME_SYNC]: 18, [HilType.HEARTBEAT]: 4 };

function u48(v: DataView, at: number): number {
  return v.getUint16(at) * 2 ** 32 + v.getUint32(at + 2);
}
function setU48(v: DataView, at: number, x: number): void {
  v.setUint16(at, Math.floor(x / 2 ** 32));
  v.setUint32(at + 2, x >>> 0);
}

export function encodeMessage(m: HilMessage): Uint8Array {
  let out: Uint8Array;
  switch (m.type) {
    case HilType.HELLO: out = new Uint8Array(7); break;
    case HilType.CONFIGURE: out = new Uint8Array(16); break;
    case HilType.EMIT:
      if (m.words.length > HIL_MAX_SLOTS) throw new RangeError(`"words" expected at most ${HIL_MAX_SLOTS} slots, got ${m.words.length}`);
      out = new Uint8Array(12 + 2 * m.words.length); break;
    case HilType.DETECTIONS:
      if (m.stamps.length > HIL_MAX_DETECTIONS || m.detectors.length !== m.stamps.length)
        throw new RangeError(`"stamps"/"detectors" expected equal lengths ≤ ${HIL_MAX_DETECTIONS}`);
      out = new Uint8Array(8 + 5 * m.stamps.length); break;
    default: out = new Uint8Array(SIZES[m.type]!);
  }
  const v = new DataView(out.buffer);
  switch (m.type) {
    case HilType.HELLO: v.setUint8(0, m.role); v.setUint32(1, m.nonce); v.setUint16(5, m.maxPayload); break;
    case HilType.CONFIGURE: v.setUint32(0, m.period); v.setUint32(4, m.gateOffset); v.setUint32(8, m.gateWidth); v.setUint32(12, m.slotsPerFrame); break;
    case HilType.EMIT:
      v.setUint32(0, m.frameId); v.setUint32(4, m.firstSlot); v.setUint32(8, m.words.length);
      for (let i = 0; i < m.words.length; i++) v.setUint16(12 + 2 * i, m.words[i]!);
      break;
    case HilType.DETECTIONS:
      v.setUint32(0, m.frameId); v.setUint32(4, m.stamps.length);
      for (let i = 0; i < m.stamps.length; i++) { v.setUint32(8 + 5 * i, m.stamps[i]!); v.setUint8(12 + 5 * i, m.detectors[i]!); }
      break;
    case HilType.HEALTH: v.setInt16(0, m.temperatureCentiC); v.setUint16(2, m.lossCentiDb); v.setUint32(4, m.photonRate); v.setUint8(8, m.flags); break;
    case HilType.TIME_SYNC: setU48(v, 0, m.t1); setU48(v, 6, m.t2); setU48(v, 12, m.t3); break;
    case HilType.HEARTBEAT: v.setUint32(0, m.lastSeqSeen); break;
  }
  return out;
}

/** Strict decode of a payload of `type`: exact sizes, every field in range. */
export function decodeMessage(type: HilType, p: Uint8Array): HilMessage {
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const size = (n: number) => {
    if (p.length !== n) throw new HilError(HilReject.LENGTH, `type ${type} payload of ${p.length} bytes, expected ${n}`);
  };
  switch (type) {
    case HilType.HELLO: {
      size(7);
      const role = v.getUint8(0);
      if (role !== HilRole.AGENT && role !== HilRole.RIG) throw new HilError(HilReject.FIELD, `HELLO role ${role}`);
      return { type, role, nonce: v.getUint32(1), maxPayload: v.getUint16(5) };
    }
    case HilType.CONFIGURE: {
      size(16);
      const m = { type, period: v.getUint32(0), gateOffset: v.getUint32(4), gateWidth: v.getUint32(8), slotsPerFrame: v.getUint32(12) };
      if (m.period < 2 || m.gateWidth < 1 || m.gateOffset + m.gateWidth > m.period || m.slotsPerFrame < 1 || m.slotsPerFrame > HIL_MAX_SLOTS)
        throw new HilError(HilReject.FIELD, `CONFIGURE period=${m.period} gate=${m.gateOffset}+${m.gateWidth} slotsPerFrame=${m.slotsPerFrame}`);
      return m;
    }
    case HilType.EMIT: {
      if (p.length < 12) throw new HilError(HilReject.LENGTH, `EMIT payload of ${p.length} bytes`);
      const count = v.getUint32(8);
      if (count > HIL_MAX_SLOTS) throw new HilError(HilReject.FIELD, `EMIT of ${count} slots`);
      size(12 + 2 * count);
      const words = new Uint16Array(count);
      for (let i = 0; i < count; i++) words[i] = v.getUint16(12 + 2 * i);
      return { type, frameId: v.getUint32(0), firstSlot: v.getUint32(4), words };
    }
    case HilType.DETECTIONS: {
      if (p.length < 8) throw new HilError(HilReject.LENGTH, `DETECTIONS payload of ${p.length} bytes`);
      const count = v.getUint32(4);
      if (count > HIL_MAX_DETECTIONS) throw new HilError(HilReject.FIELD, `DETECTIONS of ${count}`);
      size(8 + 5 * count);
      const stamps = new Uint32Array(count), detectors = new Uint8Array(count);
      for (let i = 0; i < count; i++) {
        stamps[i] = v.getUint32(8 + 5 * i);
        const d = v.getUint8(12 + 5 * i);
        if (d > 3) throw new HilError(HilReject.FIELD, `detector ${d} at ${i}`);
        detectors[i] = d;
      }
      return { type, frameId: v.getUint32(0), stamps, detectors };
    }
    case HilType.HEALTH: {
      size(9);
      const flags = v.getUint8(8);
      if (flags & ~3) throw new HilError(HilReject.FIELD, `HEALTH reserved flag bits ${flags}`);
      return { type, temperatureCentiC: v.getInt16(0), lossCentiDb: v.getUint16(2), photonRate: v.getUint32(4), flags };
    }
    case HilType.TIME_SYNC:
      size(18);
      return { type, t1: u48(v, 0), t2: u48(v, 6), t3: u48(v, 12) };
    case HilType.HEARTBEAT:
      size(4);
      return { type, lastSeqSeen: v.getUint32(0) };
  }
  throw new HilError(HilReject.TYPE, `type ${type}`);
}
