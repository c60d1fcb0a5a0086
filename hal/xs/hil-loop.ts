/**
 * The event loop of the HIL bridge on our XS host. lvxs runs a script and has no timers or I/O
 * callbacks of its own, while the bridge (hal/hil/bridge.ts) is written against a HilHost (a
 * clock and one-shot timers) and transports that call back with bytes. This loop gives it both:
 * `run(promise)` drains promise jobs (native/host/loop.c), then waits in the transports' poll(2)
 * until bytes come or the next timer is due, delivers them, fires due timers, and repeats until
 * the promise settles. On a board, Moddable's run loop, its Timer module and embedded:io
 * callbacks do the same job; nothing in the bridge changes.
 *
 * A timer that fires late (the script was busy post-processing a block) fires once, late: the
 * bridge's watchdog tells such ticks apart and does not call that silence.
 */
import { checkInteger } from '../../src/_check.ts';
import type { HilHost } from '../hil/bridge.ts';

/** Something the loop can wait on: delivers what arrived within `timeoutMs`; true if anything did. */
export interface LoopSource {
  pump(timeoutMs: number): boolean;
}

interface Timer {
  readonly due: number;
  readonly order: number;
  readonly fn: () => void;
  live: boolean;
}

export class LoopError extends Error {
  constructor(message: string) {
    super(`hil loop: ${message}`);
    this.name = 'LoopError';
  }
}

export class XsHilLoop implements HilHost {
  readonly #monotonicMs = native('xs_lv_clock_monotonic') as () => number;
  readonly #drain = native('xs_lv_loop_drain') as () => void;
  readonly #sources: LoopSource[] = [];
  #timers: Timer[] = [];
  #order = 0;
  #running = false;

  nowUs(): number {
    return Math.floor(this.#monotonicMs() * 1000);
  }

  setTimer(ms: number, fn: () => void): () => void {
    const t: Timer = { due: this.#monotonicMs() + Math.max(0, ms), order: this.#order++, fn, live: true };
    // Kept sorted by due time, then by order of setting: timers are few (a watchdog, a retry per frame in flight).
    let i = this.#timers.length;
    while (i > 0 && this.#timers[i - 1]!.due > t.due) i--;
    this.#timers.splice(i, 0, t);
    return () => { t.live = false; };
  }

  /** Adds a transport (or any LoopSource) to wait on. */
  add(source: LoopSource): void {
    this.#sources.push(source);
  }

  /**
   * Runs the loop until `promise` settles; returns its value or throws its reason. `limitMs` bounds
   * the whole run (a LoopError after it). Call it from the script's top level, never from a
   * promise job (the engine refuses: its job list is not re-entrant).
   */
  run<T>(promise: Promise<T>, limitMs = 600_000): T {
    checkInteger('limitMs', limitMs, 1, 2 ** 31);
    if (this.#running) throw new LoopError('run() inside run()');
    this.#running = true;
    let state = 0, value: T | undefined, reason: unknown;
    promise.then((v) => { state = 1; value = v; }, (e) => { state = 2; reason = e; });
    const deadline = this.#monotonicMs() + limitMs;
    try {
      for (;;) {
        this.#drain();
        if (state !== 0) break;
        const now = this.#monotonicMs();
        if (now > deadline) throw new LoopError(`the promise did not settle within ${limitMs} ms`);
        this.#timers = this.#timers.filter((t) => t.live);
        if (this.#timers.length === 0 && this.#sources.length === 0) throw new LoopError('nothing left to wait for, and the promise is still pending');
        // Wait until the next timer (at most 100 ms: the deadline is checked between waits).
        const next = this.#timers[0];
        const wait = Math.max(0, Math.min(100, Math.ceil((next ? next.due : now + 100) - now)));
        let any = false;
        for (let i = 0; i < this.#sources.length; i++) any = this.#sources[i]!.pump(i === 0 && !any ? wait : 0) || any;
        if (any) this.#drain();
        this.#fireDue();
      }
    } finally {
      this.#running = false;
    }
    if (state === 2) throw reason;
    return value as T;
  }

  #fireDue(): void {
    const now = this.#monotonicMs();
    // Fire only what is due now; timers they set wait for the next turn.
    const due: Timer[] = [];
    while (this.#timers.length > 0 && this.#timers[0]!.due <= now) due.push(this.#timers.shift()!);
    for (const t of due) {
      if (!t.live) continue;
      t.live = false;
      t.fn();
    }
  }
}
