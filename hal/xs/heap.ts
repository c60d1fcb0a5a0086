/** The XS heap in use and at peak (bytes of chunks and of slots), for memory figures. */
export interface XsHeap {
  readonly chunks: number;
  readonly slots: number;
  readonly peakChunks: number;
  readonly peakSlots: number;
}

/** Reads the heap counters; with `collect`, after a full garbage collection. */
export function xsHeap(collect = false): XsHeap {
  return native('xs_lv_heap')(collect) as XsHeap;
}
