/**
 * QBER policy states (DESIGN §5, seed 002): 0–3 % nominal · 3–5 % degraded · 5–8 % warning ·
 * 8–11 % critical (suspend: no key) · above 11 % compromised (halt). Stable numeric codes; the
 * suspend threshold can be lowered (LIGHTVIBES_QBER_THRESHOLD, read by the key service) but the
 * halt threshold cannot be raised past the point where BB84 yields no key at all.
 */
import { checkNumber } from '../_check.ts';

export const QberState = { NOMINAL: 0, DEGRADED: 1, WARNING: 2, CRITICAL: 3, COMPROMISED: 4 } as const;
export type QberState = (typeof QberState)[keyof typeof QberState];

export const QBER_STATE_NAMES: Record<QberState, string> = {
  0: 'nominal', 1: 'degraded', 2: 'warning', 3: 'critical', 4: 'compromised',
};

export interface QberThresholds {
  readonly degraded: number;
  readonly warning: number;
  /** At or above: suspend key production. */
  readonly critical: number;
  /** Above: halt, the channel is presumed attacked. */
  readonly compromised: number;
}

export const DEFAULT_QBER_THRESHOLDS: QberThresholds = { degraded: 0.03, warning: 0.05, critical: 0.08, compromised: 0.11 };

export function checkQberThresholds(t: QberThresholds): QberThresholds {
  checkNumber('thresholds.degraded', t.degraded, 0, 0.5);
  checkNumber('thresholds.warning', t.warning, t.degraded, 0.5);
  checkNumber('thresholds.critical', t.critical, t.warning, 0.5);
  checkNumber('thresholds.compromised', t.compromised, t.critical, 0.11);
  return t;
}

export function classifyQber(qber: number, thresholds: QberThresholds = DEFAULT_QBER_THRESHOLDS): QberState {
  checkNumber('qber', qber, 0, 1);
  if (qber > thresholds.compromised) return QberState.COMPROMISED;
  if (qber >= thresholds.critical) return QberState.CRITICAL;
  if (qber >= thresholds.warning) return QberState.WARNING;
  if (qber >= thresholds.degraded) return QberState.DEGRADED;
  return QberState.NOMINAL;
}

/** Whether a channel in this state may produce key. */
export function allowsKey(state: QberState): boolean {
  return state < QberState.CRITICAL;
}
