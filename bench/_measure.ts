/**
 * One timing loop for every runtime, so ratios compare like with like: warm-up runs, then the
 * median and the spread of `runs` timed runs. The clock comes from the caller (a port).
 */
export interface Timing {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly runs: number;
}

export function measure(now: () => number, body: () => unknown, runs: number, warmup = 1): Timing {
  for (let i = 0; i < warmup; i++) body();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = now();
    body();
    times.push(now() - t);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[times.length >> 1]!, minMs: times[0]!, maxMs: times[times.length - 1]!, runs };
}
