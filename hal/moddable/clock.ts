/**
 * Clock port on a board: the microsecond timer (esp_timer on ESP32, native/moddable/esp32/ports.c;
 * CLOCK_MONOTONIC in lvxs) for monotonic time, the RTC/SNTP-set wall clock for wall time. The
 * pulse module's ticks are the same timer's nanoseconds, so slot timing and the Clock agree.
 */
import type { Clock } from '../clock.ts';

export class ModdableClock implements Clock {
  readonly monotonicMs = native('xs_lv_clock_monotonic') as () => number;
  readonly wallMs = native('xs_lv_clock_wall') as () => number;
}
