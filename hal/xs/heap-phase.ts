/**
 * XS heap figures of one phase (hal/xs/heap.ts reads the counters): `beginPhase()` resets the
 * engine's peak counters to what is in use now (native/host/loop.c), so the peak read after a
 * post-processing block is that block's, not the bundle's start-up.
 */
import { xsHeap, type XsHeap } from './heap.ts';

/** Bytes of chunks + slots. */
export function heapBytes(h: XsHeap, peak = false): number {
  return peak ? h.peakChunks + h.peakSlots : h.chunks + h.slots;
}

/** Collects garbage, resets the peak counters to the heap in use, and returns that heap. */
export function beginPhase(): XsHeap {
  const h = xsHeap(true);
  (native('xs_lv_heap_reset_peak') as () => void)();
  return h;
}
