/**
 * Anti-replay sliding window over the per-direction sequence number (seed 003 §2.1 "replay and
 * reordering robustness"), RFC 6479 style: a bitmap of the last `size` sequence numbers below
 * the highest one accepted. Sequence numbers run on across epochs, so one window serves both
 * epoch keys a session holds. Check before decrypting, mark only after the AEAD accepted the frame,
 * so forged frames cannot move the window.
 */
import { checkInteger } from '../_check.ts';

export const DEFAULT_REPLAY_WINDOW = 128;

export const ReplayVerdict = { FRESH: 0, DUPLICATE: 1, TOO_OLD: 2 } as const;
export type ReplayVerdict = (typeof ReplayVerdict)[keyof typeof ReplayVerdict];

export class ReplayWindow {
  readonly size: number;
  private readonly bits: Uint32Array;
  /** Highest sequence number accepted; -1 before the first. */
  private top = -1;

  constructor(size = DEFAULT_REPLAY_WINDOW) {
    this.size = checkInteger('size', size, 32, 1 << 16);
    if (size % 32) throw new RangeError(`"size" expected a multiple of 32, got ${size}`);
    this.bits = new Uint32Array(size / 32);
  }

  check(seq: number): ReplayVerdict {
    if (seq > this.top) return ReplayVerdict.FRESH;
    if (this.top - seq >= this.size) return ReplayVerdict.TOO_OLD;
    const i = seq % this.size;
    return this.bits[i >>> 5]! & (1 << (i & 31)) ? ReplayVerdict.DUPLICATE : ReplayVerdict.FRESH;
  }

  /** Records an authenticated frame; call only after check() said FRESH. */
  mark(seq: number): void {
    if (seq > this.top) {
      // clear the slots the window slides over (at most the whole bitmap)
      const gap = this.top < 0 ? this.size : Math.min(seq - this.top, this.size);
      for (let k = 1; k <= gap; k++) {
        const i = (this.top + k) % this.size;
        this.bits[i >>> 5]! &= ~(1 << (i & 31));
      }
      this.top = seq;
    }
    const i = seq % this.size;
    this.bits[i >>> 5]! |= 1 << (i & 31);
  }
}
