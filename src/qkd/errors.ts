/**
 * Why a QKD block was aborted: typed reasons with stable numeric codes (they appear in evidence
 * records and KPIs). An abort zeroises the block's bits; nothing of it is released.
 */
import type { PhotonicsHealth } from '../../hal/photonics.ts';
import { enumNames } from '../_enum.ts';

export const QkdAbortReason = {
  MALFORMED_MESSAGE: 1,
  UNEXPECTED_MESSAGE: 2,
  BLOCK_ID_MISMATCH: 3,
  UNSUPPORTED_VERSION: 4,
  PHOTONICS_UNHEALTHY: 5,
  PEER_INCONSISTENT: 6,
  SAMPLE_TOO_SMALL: 7,
  /** The finite-key bound leaves no secret key (too few bits, too much error, a decoy anomaly). */
  NO_SECRET_KEY: 8,
  /** Alice's and Bob's corrected keys have different verification tags. */
  VERIFICATION_FAILED: 9,
  /** A signature did not verify under the peer's pinned identity. */
  BAD_SIGNATURE: 10,
  /** The QBER policy state forbids key (critical or compromised). */
  POLICY_SUSPENDED: 11,
  /** E91: the CHSH value does not exceed the classical bound. */
  CHSH_NOT_VIOLATED: 12,
} as const;
export type QkdAbortReason = (typeof QkdAbortReason)[keyof typeof QkdAbortReason];

const NAMES: Readonly<Record<number, string>> = enumNames(QkdAbortReason);

export class QkdAbort extends Error {
  constructor(readonly reason: QkdAbortReason, readonly detail: string) {
    super(`QKD block aborted: ${NAMES[reason]} (${detail})`);
    this.name = 'QkdAbort';
  }

  get reasonName(): string {
    return NAMES[this.reason]!;
  }
}

/** Aborts with PHOTONICS_UNHEALTHY, in the front end's own words, unless it reports healthy. */
export function requireHealthy(frontEnd: { health(): PhotonicsHealth }, role: 'transmitter' | 'receiver'): void {
  const health = frontEnd.health();
  if (!health.healthy) throw new QkdAbort(QkdAbortReason.PHOTONICS_UNHEALTHY, health.reason ?? `${role} unhealthy`);
}
