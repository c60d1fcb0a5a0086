/**
 * Clock port. Contract: `monotonicMs()` never goes backwards and measures durations (timeouts,
 * rates); `wallMs()` is UTC milliseconds since the epoch, used only for time boxes and evidence
 * timestamps, and may jump (it is compared with a skew allowance, never trusted for durations).
 */
export interface Clock {
  monotonicMs(): number;
  wallMs(): number;
}
