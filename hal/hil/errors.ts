/**
 * Typed reasons of the HIL rig bridge. HilReject: why one received frame was refused (stable
 * codes, reported in the rig's and the agent's counters). HilFault: why the photonics behind the
 * bridge is unhealthy; the bridge produces no key while one is set and clears it only after a
 * clean re-sync (HELLO, TIME_SYNC and CONFIGURE answered in order, without a fault).
 */
import { enumNames } from '../../src/_enum.ts';

export const HilReject = {
  /** Not valid COBS, or no frame between two delimiters. */
  FRAMING: 1,
  /** Shorter than a header and a CRC. */
  TRUNCATED: 2,
  /** More bytes than the largest frame before a delimiter. */
  OVERSIZE: 3,
  /** CRC-32C mismatch. */
  CRC: 4,
  /** A protocol version this build does not speak. */
  VERSION: 5,
  /** An unknown message type. */
  TYPE: 6,
  /** The payload length field disagrees with the frame, or a payload has the wrong size. */
  LENGTH: 7,
  /** A field outside its range (count over the limit, detector > 3, reserved bits set, …). */
  FIELD: 8,
} as const;
export type HilReject = (typeof HilReject)[keyof typeof HilReject];
export const HilRejectName = enumNames(HilReject);

export class HilError extends Error {
  readonly reason: HilReject;
  readonly detail: string;
  constructor(reason: HilReject, detail: string) {
    super(`hil: ${HilRejectName[reason]}: ${detail}`);
    this.name = 'HilError';
    this.reason = reason;
    this.detail = detail;
  }
}

export const HilFault = {
  /** Not yet synchronised (startup, or a re-sync in progress). */
  NOT_SYNCED: 1,
  /** Bytes that do not frame (garbage on the line, bad COBS, oversize). */
  GARBAGE: 2,
  /** A frame failed its CRC-32C. */
  CRC: 3,
  /** The rig speaks another protocol version. */
  VERSION: 4,
  /** A well-framed message that is malformed (type, length, field). */
  MALFORMED: 5,
  /** A rig timestamp outside the window the time sync allows. */
  TIMESTAMP: 6,
  /** Nothing heard from the rig for longer than the silence limit. */
  SILENT: 7,
  /** A frame's detections stayed missing after every retry. */
  LOSS: 8,
  /** The rig reports itself unhealthy (laser, detectors or temperature). */
  RIG_UNHEALTHY: 9,
  /** A detection report the pulse kernel refuses (disorder, bad detector). */
  DETECTIONS: 10,
  /** The bridge was closed. */
  CLOSED: 11,
} as const;
export type HilFault = (typeof HilFault)[keyof typeof HilFault];
export const HilFaultName = enumNames(HilFault);
