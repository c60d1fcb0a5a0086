/**
 * Where key blocks come from (DESIGN §2 steps 6–7): the QKD engine on a link, or the simulated
 * supply in sim/ for dev mode and tests. The key service polls; nothing here blocks or needs a
 * timer, so the same loop runs on Node and on XS. A block taken is owned by the key service, which
 * seals and then zeroises its `key`.
 */
import type { KeyBlock, QkdProtocol } from '../qkd/keyblock.ts';

/** A channel reading (seed 002 "ChannelMetrics"), taken whether or not a block came out. */
export interface ChannelReading {
  readonly qber: number;
  readonly secureKeyRateBps: number;
  readonly rawKeyRateBps: number;
  readonly photonRateHz: number;
  readonly lossDb: number;
  readonly visibility: number;
  readonly temperatureC: number;
  readonly uptimeS: number;
}

export interface KeySupply {
  readonly linkId: string;
  readonly protocol: QkdProtocol;
  /** The next key block if one is ready, else undefined. */
  take(): KeyBlock | undefined;
  /** The latest channel reading. */
  reading(): ChannelReading;
}
