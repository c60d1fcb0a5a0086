/** Fiber channel: loss α·L plus fixed losses (connectors, splices, the receiver's insertion loss), in dB. */
export interface FiberChannel {
  readonly kind: 'fiber';
  readonly lengthKm: number;
  /** α, dB/km (0.2 at 1550 nm for standard SMF-28; GYS used 0.21). */
  readonly attenuationDbPerKm: number;
  readonly extraLossDb?: number;
}

export function fiberLossDb(c: FiberChannel): number {
  return c.attenuationDbPerKm * c.lengthKm + (c.extraLossDb ?? 0);
}
