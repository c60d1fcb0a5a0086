/** Clock port on an XS host: the host's monotonic and wall clocks, in milliseconds. */
import type { Clock } from '../clock.ts';

export class XsClock implements Clock {
  readonly monotonicMs = native('xs_lv_clock_monotonic') as () => number;
  readonly wallMs = native('xs_lv_clock_wall') as () => number;
}
