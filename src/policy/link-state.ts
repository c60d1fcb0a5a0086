/**
 * The link's policy state machine around the QBER states of policy/qber.ts (DESIGN §2 step 9, §5;
 * seed 002 "Fallback Policy"; seed 000 "Tamper signal"):
 *
 *   UP ──breach──▶ SUSPENDED ──breach sustained 60 s──▶ DEGRADED (quarantined, PQC fallback)
 *    ▲                │ clear                                │ compromised (> 11 %) at once
 *    └────────────────┘◀──── nominal sustained (recovery) ───┘
 *
 * A breach is a QBER at or above the suspend threshold (critical; LIGHTVIBES_QBER_THRESHOLD
 * lowers it). In SUSPENDED no new block is accepted but committed key is still served as QMK; in
 * DEGRADED the channel is quarantined (unissued pool purged, blocks refused) and sessions get
 * PQC-only keys only when they asked for that fallback — flagged, counted, in evidence. Pure: the
 * caller feeds readings with a monotonic time and records the transitions it gets back.
 */
import { checkNumber } from '../_check.ts';
import { allowsKey, classifyQber, DEFAULT_QBER_THRESHOLDS, QberState, type QberThresholds } from './qber.ts';
import { enumNames } from '../_enum.ts';

export const LinkStatus = { UP: 0, SUSPENDED: 1, DEGRADED: 2 } as const;
export type LinkStatus = (typeof LinkStatus)[keyof typeof LinkStatus];
export const LINK_STATUS_NAMES = enumNames(LinkStatus);

/** Why the status changed. Stable codes. */
export const TransitionReason = {
  QBER_BREACH: 1,
  BREACH_CLEARED: 2,
  SUSTAINED_BREACH: 3,
  COMPROMISED: 4,
  RECOVERED: 5,
} as const;
export type TransitionReason = (typeof TransitionReason)[keyof typeof TransitionReason];
export const TRANSITION_REASON_NAMES = enumNames(TransitionReason);

export interface LinkPolicyConfig {
  readonly thresholds: QberThresholds;
  /** How long a breach must last before DEGRADED (seed 002: 60 s). */
  readonly sustainMs: number;
  /** How long the channel must read nominal before a DEGRADED link recovers. */
  readonly recoverMs: number;
}

export const DEFAULT_LINK_POLICY: LinkPolicyConfig = { thresholds: DEFAULT_QBER_THRESHOLDS, sustainMs: 60_000, recoverMs: 30_000 };

/** Thresholds with the suspend (critical) threshold overridden, e.g. from LIGHTVIBES_QBER_THRESHOLD. */
export function withSuspendThreshold(base: QberThresholds, critical: number): QberThresholds {
  checkNumber('LIGHTVIBES_QBER_THRESHOLD', critical, 0, base.compromised);
  return {
    degraded: Math.min(base.degraded, critical), warning: Math.min(base.warning, critical), critical, compromised: base.compromised,
  };
}

export interface LinkPolicyState {
  readonly status: LinkStatus;
  readonly qberState: QberState;
  readonly qber: number;
  /** Monotonic ms when the current breach (or nominal run, while DEGRADED) began; -1 when none. */
  readonly since: number;
  readonly sinceNominal: number;
}

export const INITIAL_LINK_STATE: LinkPolicyState = { status: LinkStatus.UP, qberState: QberState.NOMINAL, qber: 0, since: -1, sinceNominal: -1 };

export interface LinkTransition {
  readonly from: LinkStatus;
  readonly to: LinkStatus;
  readonly reason: TransitionReason;
  readonly qber: number;
}

export function observeQber(state: LinkPolicyState, qber: number, nowMs: number, config: LinkPolicyConfig = DEFAULT_LINK_POLICY): { state: LinkPolicyState; transition?: LinkTransition } {
  checkNumber('nowMs', nowMs);
  const qberState = classifyQber(qber, config.thresholds);
  const breach = !allowsKey(qberState);
  const move = (to: LinkStatus, reason: TransitionReason, since: number, sinceNominal: number) => ({
    state: { status: to, qberState, qber, since, sinceNominal },
    transition: { from: state.status, to, reason, qber },
  });
  switch (state.status) {
    case LinkStatus.UP:
      if (qberState === QberState.COMPROMISED) return move(LinkStatus.DEGRADED, TransitionReason.COMPROMISED, nowMs, -1);
      if (breach) return move(LinkStatus.SUSPENDED, TransitionReason.QBER_BREACH, nowMs, -1);
      break;
    case LinkStatus.SUSPENDED:
      if (qberState === QberState.COMPROMISED) return move(LinkStatus.DEGRADED, TransitionReason.COMPROMISED, state.since, -1);
      if (!breach) return move(LinkStatus.UP, TransitionReason.BREACH_CLEARED, -1, -1);
      if (nowMs - state.since >= config.sustainMs) return move(LinkStatus.DEGRADED, TransitionReason.SUSTAINED_BREACH, state.since, -1);
      break;
    case LinkStatus.DEGRADED: {
      const nominal = qberState === QberState.NOMINAL;
      const sinceNominal = nominal ? (state.sinceNominal >= 0 ? state.sinceNominal : nowMs) : -1;
      if (nominal && nowMs - sinceNominal >= config.recoverMs) return move(LinkStatus.UP, TransitionReason.RECOVERED, -1, -1);
      return { state: { ...state, qberState, qber, sinceNominal } };
    }
  }
  return { state: { ...state, qberState, qber } };
}

/** Whether a block produced in this state may enter the pool. */
export function acceptsBlocks(state: LinkPolicyState): boolean {
  return state.status === LinkStatus.UP;
}

/** Whether sessions get QMK key (else only an explicit PQC fallback). */
export function servesQmk(state: LinkPolicyState): boolean {
  return state.status !== LinkStatus.DEGRADED;
}
