/**
 * Golden-vector suites and inputs of the hil area (see test/vectors/suites.ts for the
 * conventions): the HIL rig protocol v1 (hal/hil: CRC-32C, COBS, frames, messages, strict
 * rejection with typed reasons) and the pulse-timing kernel (src/pulse: modulator words, trigger
 * edges, gated binning) through the runtime's registered pulse kernel, so a host that registers
 * its native kernel checks it against the same answers.
 */
import { cobsDecode, cobsEncode } from '../../../hal/hil/cobs.ts';
import { crc32c } from '../../../hal/hil/crc32c.ts';
import { HilError, HilRejectName } from '../../../hal/hil/errors.ts';
import { decodeFrame, encodeFrame, type HilType } from '../../../hal/hil/frame.ts';
import { decodeMessage, encodeMessage, type HilMessage } from '../../../hal/hil/messages.ts';
import { bytesToHex, hexToBytes } from '../../../src/bytes.ts';
import { PulseError, PulseRejectName } from '../../../src/pulse/errors.ts';
import { runtimePulseKernel } from '../../../src/pulse/kernel.ts';
import type { Json, VectorInputs, VectorSuites } from '../types.ts';

const ascii = (s: string) => bytesToHex(Uint8Array.from(s, (c) => c.charCodeAt(0)));

function messageFromJson(m: Json): HilMessage {
  if (m.words) return { ...m, words: Uint16Array.from(m.words) };
  if (m.stamps) return { ...m, stamps: Uint32Array.from(m.stamps), detectors: Uint8Array.from(m.detectors) };
  return m;
}
function messageToJson(m: HilMessage): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(m)) out[k] = ArrayBuffer.isView(v) ? Array.from(v as Uint8Array) : v;
  return out;
}

export const hilSuites: VectorSuites = {
  'hil-crc32c': ({ hex }) => crc32c(hexToBytes(hex)).toString(16).padStart(8, '0'),

  'hil-cobs': ({ hex }) => {
    const enc = cobsEncode(hexToBytes(hex));
    return { encoded: bytesToHex(enc), roundTrip: bytesToHex(cobsDecode(enc)) === hex };
  },

  'hil-message': ({ message, seq, timeUs }) => {
    const m = messageFromJson(message);
    const wire = encodeFrame({ type: m.type, seq, timeUs, payload: encodeMessage(m) });
    const f = decodeFrame(wire.subarray(0, wire.length - 1));
    return { wire: bytesToHex(wire), seq: f.seq, timeUs: f.timeUs, decoded: messageToJson(decodeMessage(f.type, f.payload)) };
  },

  'hil-reject': ({ hex }) => {
    try {
      const f = decodeFrame(hexToBytes(hex));
      decodeMessage(f.type as HilType, f.payload);
      return { accepted: true };
    } catch (e) {
      if (e instanceof HilError) return { accepted: false, reason: HilRejectName[e.reason] };
      throw e;
    }
  },

  'hil-pulse-schedule': ({ bits, bases, intensities, firstSlot, timing }) => {
    try {
      const s = runtimePulseKernel().schedule(Uint8Array.from(bits), Uint8Array.from(bases), Uint8Array.from(intensities), firstSlot, timing);
      return { words: Array.from(s.words), edges: Array.from(s.edges) };
    } catch (e) {
      if (e instanceof PulseError) return { reason: PulseRejectName[e.reason], index: e.index ?? null };
      throw e;
    }
  },

  'hil-pulse-bin': ({ stamps, detectors, gate }) => {
    try {
      const b = runtimePulseKernel().bin(Uint32Array.from(stamps), Uint8Array.from(detectors), gate);
      return { slots: Array.from(b.slots), masks: Array.from(b.masks), stats: b.stats };
    } catch (e) {
      if (e instanceof PulseError) return { reason: PulseRejectName[e.reason], index: e.index ?? null };
      throw e;
    }
  },
};

/** A valid HEARTBEAT frame (seq 1, time 2 µs, lastSeqSeen 7) before COBS, for the reject cases. */
function frameHex(mutate: (raw: number[]) => void, fixCrc = true): string {
  const raw = [1, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0, 4, 0, 0, 0, 7];
  mutate(raw);
  const bytes = Uint8Array.from(raw);
  const crc = fixCrc ? crc32c(bytes) : crc32c(bytes) ^ 1;
  const full = Uint8Array.from([...raw, crc >>> 24, (crc >>> 16) & 255, (crc >>> 8) & 255, crc & 255]);
  return bytesToHex(cobsEncode(full));
}

const seq = (n: number) => Array.from({ length: n }, (_, i) => i);

export const hilInputs: VectorInputs = {
  'hil-crc32c': {
    description: 'CRC-32C (Castagnoli): the check value and the RFC 3720 §B.4 examples',
    cases: [
      { name: '"123456789" (check value e3069283)', input: { hex: ascii('123456789') } },
      { name: '32 zero bytes (RFC 3720: 8a9136aa)', input: { hex: '00'.repeat(32) } },
      { name: '32 bytes ff (RFC 3720: 62a8ab43)', input: { hex: 'ff'.repeat(32) } },
      { name: '32 ascending bytes (RFC 3720: 46dd794e)', input: { hex: bytesToHex(Uint8Array.from(seq(32))) } },
      { name: 'empty', input: { hex: '' } },
    ],
  },
  'hil-cobs': {
    description: 'COBS (Cheshire & Baker 1999): zero-free encoding, the textbook examples and the 254-byte block edge',
    cases: [
      { name: 'one zero', input: { hex: '00' } },
      { name: 'two zeros', input: { hex: '0000' } },
      { name: '11 22 00 33', input: { hex: '11220033' } },
      { name: '11 22 33 44', input: { hex: '11223344' } },
      { name: '11 00 00 00', input: { hex: '11000000' } },
      { name: '254 non-zero bytes (one full block)', input: { hex: bytesToHex(Uint8Array.from(seq(254), (i) => i + 1)) } },
      { name: '255 non-zero bytes', input: { hex: bytesToHex(Uint8Array.from(seq(255), (i) => (i % 255) + 1)) } },
      { name: 'empty', input: { hex: '' } },
    ],
  },
  'hil-message': {
    description: 'HIL protocol v1: every message type, framed (header, CRC-32C, COBS, 0x00 delimiter) and decoded back',
    cases: [
      { name: 'HELLO from the agent', input: { seq: 0, timeUs: 1_000_000, message: { type: 1, role: 1, nonce: 0xdeadbeef, maxPayload: 32768 } } },
      { name: 'CONFIGURE', input: { seq: 1, timeUs: 1_000_100, message: { type: 2, period: 1000, gateOffset: 400, gateWidth: 200, slotsPerFrame: 16000 } } },
      { name: 'EMIT of 4 slots', input: { seq: 2, timeUs: 2 ** 40, message: { type: 3, frameId: 257, firstSlot: 0, words: [0x8001, 0xb80a, 0xc803, 0x9004] } } },
      { name: 'DETECTIONS', input: { seq: 0xffffffff, timeUs: 2 ** 48 - 1, message: { type: 4, frameId: 257, stamps: [500, 1490, 1510, 9000], detectors: [0, 3, 1, 2] } } },
      { name: 'empty DETECTIONS', input: { seq: 5, timeUs: 0, message: { type: 4, frameId: 258, stamps: [], detectors: [] } } },
      { name: 'HEALTH, below zero °C', input: { seq: 6, timeUs: 7, message: { type: 5, temperatureCentiC: -1250, lossCentiDb: 2100, photonRate: 1000000, flags: 3 } } },
      { name: 'TIME_SYNC answer', input: { seq: 7, timeUs: 8, message: { type: 6, t1: 100, t2: 2 ** 47, t3: 2 ** 47 + 5 } } },
      { name: 'HEARTBEAT', input: { seq: 8, timeUs: 9, message: { type: 7, lastSeqSeen: 41 } } },
    ],
  },
  'hil-reject': {
    description: 'strict frame parsing: each malformed frame refused with its typed HilReject',
    cases: [
      { name: 'well-formed HEARTBEAT is accepted', input: { hex: frameHex(() => {}) } },
      { name: 'garbage: zero byte inside COBS', input: { hex: '0311002233' } },
      { name: 'garbage: COBS block past the end', input: { hex: '0511' } },
      { name: 'truncated: a header without CRC', input: { hex: bytesToHex(cobsEncode(Uint8Array.from([1, 7, 0, 0, 0, 1, 0, 0]))) } },
      { name: 'CRC failure', input: { hex: frameHex(() => {}, false) } },
      { name: 'version 2', input: { hex: frameHex((r) => { r[0] = 2; }) } },
      { name: 'unknown type 9', input: { hex: frameHex((r) => { r[1] = 9; }) } },
      { name: 'length field disagrees', input: { hex: frameHex((r) => { r[13] = 5; }) } },
      { name: 'HEARTBEAT payload one byte long', input: { hex: frameHex((r) => { r[13] = 5; r.push(0); }) } },
      { name: 'HELLO role 3', input: { hex: frameHex((r) => { r[1] = 1; r[13] = 7; r.splice(14, 4, 3, 0, 0, 0, 1, 0x80, 0); }) } },
      { name: 'HEALTH reserved flag set', input: { hex: frameHex((r) => { r[1] = 5; r[13] = 9; r.splice(14, 4, 9, 0x92, 0, 0, 0, 0, 0, 1, 0x83); }) } },
      { name: 'DETECTIONS detector 4', input: { hex: frameHex((r) => { r[1] = 4; r[13] = 13; r.splice(14, 4, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 4); }) } },
      { name: 'CONFIGURE gate past the period', input: { hex: frameHex((r) => { r[1] = 2; r[13] = 16; r.splice(14, 4, 0, 0, 0, 10, 0, 0, 0, 6, 0, 0, 0, 5, 0, 0, 0, 1); }) } },
      { name: 'EMIT count over the limit', input: { hex: frameHex((r) => { r[1] = 3; r[13] = 12; r.splice(14, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0); }) } },
    ],
  },
  'hil-pulse-schedule': {
    description: 'pulse kernel, emit side: modulator words (marker, intensity, basis, bit, slot label, parity) and laser-trigger edges mod 2^32',
    cases: [
      { name: 'four slots, one vacuum', input: { bits: [0, 1, 0, 1], bases: [0, 0, 1, 1], intensities: [0, 1, 2, 0], firstSlot: 0, timing: { t0: 100, period: 10, delay: 2, width: 3 } } },
      { name: 'labels and the timer wrap', input: { bits: [1, 0, 1], bases: [1, 1, 0], intensities: [1, 0, 0], firstSlot: 1023, timing: { t0: 4294967290, period: 4, delay: 3, width: 1 } } },
      { name: 'empty frame', input: { bits: [], bases: [], intensities: [], firstSlot: 7, timing: { t0: 0, period: 2, delay: 0, width: 2 } } },
      { name: 'rejects intensity 3 at slot 1', input: { bits: [0, 0], bases: [0, 0], intensities: [0, 3], firstSlot: 0, timing: { t0: 0, period: 10, delay: 0, width: 1 } } },
      { name: 'rejects delay + width > period', input: { bits: [0], bases: [0], intensities: [0], firstSlot: 0, timing: { t0: 0, period: 10, delay: 8, width: 3 } } },
    ],
  },
  'hil-pulse-bin': {
    description: 'pulse kernel, detect side: clicks binned into slots through the gate, detector masks, counters and phase statistics',
    cases: [
      { name: 'gate, repeat, double click, stray, out of range', input: { stamps: [12, 14, 16, 19, 33, 45], detectors: [0, 0, 3, 1, 2, 1], gate: { t0: 0, period: 10, gateOffset: 2, gateWidth: 5, slotCount: 4 } } },
      { name: 'stamps across the timer wrap', input: { stamps: [4294967295, 3, 21], detectors: [1, 2, 0], gate: { t0: 4294967290, period: 10, gateOffset: 0, gateWidth: 10, slotCount: 3 } } },
      { name: 'no clicks', input: { stamps: [], detectors: [], gate: { t0: 0, period: 1, gateOffset: 0, gateWidth: 1, slotCount: 1 } } },
      { name: 'rejects stamps going backwards at 2', input: { stamps: [10, 20, 15], detectors: [0, 1, 2], gate: { t0: 0, period: 10, gateOffset: 0, gateWidth: 10, slotCount: 5 } } },
      { name: 'rejects detector 4 at 1', input: { stamps: [10, 20], detectors: [0, 4], gate: { t0: 0, period: 10, gateOffset: 0, gateWidth: 10, slotCount: 5 } } },
    ],
  },
};
