/**
 * A simulated modulator front end, the desktop stand-in for the SPI modulator and the GPIO laser
 * trigger a board drives: it takes a pulse schedule (src/pulse/schedule.ts), clocks it out
 * against a tick clock and records every SPI word and every GPIO edge with the tick it really
 * happened at. Paced, it waits for each edge's scheduled tick (busy-waiting: a timer callback is
 * far too coarse for slot timing) and the difference is the timing jitter a real driver would
 * show; unpaced, it runs as fast as it can and measures how many slots per second it sustains.
 * A word whose start marker or parity is wrong, or whose slot label skips, is counted as corrupt.
 */
import { parsePulseWord, type PulseSchedule } from '../../src/pulse/schedule.ts';

export interface PeripheralRecord {
  /** Every SPI word, as clocked out. */
  readonly words: Uint16Array;
  /** Every GPIO edge: the tick it was scheduled for and the tick it was recorded at. */
  readonly scheduled: Uint32Array;
  readonly actual: Uint32Array;
  /** Words that failed the marker/parity check or skipped a slot label. */
  readonly corruptWords: number;
}

export interface JitterSummary {
  readonly edges: number;
  /** Lateness (actual − scheduled, ticks): median, 99th percentile, maximum. */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export class SimModulatorPeripheral {
  readonly #now: () => number;
  /** `now()` returns the current timer tick (any unit; the schedule's ticks must be the same). */
  constructor(options: { now: () => number }) {
    this.#now = options.now;
  }

  /** Clocks a schedule out; `paced` waits for each edge's tick, else edges are stamped as they go. */
  play(schedule: PulseSchedule, paced: boolean): PeripheralRecord {
    const { words, edges } = schedule;
    const actual = new Uint32Array(edges.length);
    let corrupt = 0, label = -1;
    for (let i = 0; i < words.length; i++) {
      const w = parsePulseWord(words[i]!);
      if (!w || (label >= 0 && w.slotLabel !== ((label + 1) & 0x3ff))) corrupt++;
      label = w ? w.slotLabel : -1;
    }
    const now = this.#now;
    for (let e = 0; e < edges.length; e++) {
      const due = edges[e]!;
      if (paced) while (((now() - due) | 0) < 0) { /* the slot's tick has not come */ }
      actual[e] = now() >>> 0;
    }
    return { words: words.slice(), scheduled: edges.slice(), actual, corruptWords: corrupt };
  }
}

/** Lateness statistics of a paced run. */
export function jitterOf(record: PeripheralRecord): JitterSummary {
  const late = Array.from(record.actual, (a, i) => (a - record.scheduled[i]!) | 0).sort((x, y) => x - y);
  const q = (p: number) => late.length ? late[Math.min(late.length - 1, Math.floor(p * late.length))]! : 0;
  return { edges: late.length, p50: q(0.5), p99: q(0.99), max: late.length ? late[late.length - 1]! : 0 };
}
