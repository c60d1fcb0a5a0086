/** Clock port on Node: performance.now() is monotonic; Date.now() is the wall clock. */
import { performance } from 'node:perf_hooks';
import type { Clock } from '../clock.ts';

export class NodeClock implements Clock {
  monotonicMs(): number {
    return performance.now();
  }

  wallMs(): number {
    return Date.now();
  }
}
