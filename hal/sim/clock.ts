/** Clock port, simulated: time moves only when the simulation advances it. */
import { checkNumber } from '../../src/_check.ts';
import type { Clock } from '../clock.ts';

export class SimClock implements Clock {
  private monotonic = 0;

  constructor(private wall = Date.UTC(2026, 0, 1)) {}

  monotonicMs(): number {
    return this.monotonic;
  }

  wallMs(): number {
    return this.wall;
  }

  advance(ms: number): void {
    checkNumber('ms', ms, 0);
    this.monotonic += ms;
    this.wall += ms;
  }
}
