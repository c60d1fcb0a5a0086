/*
 * LIGHTVIBES native: the kernels' large scratch buffers, from the operating system.
 *
 * A Toeplitz hash of 1.28·10^8 bits works in ~120 MB. Taken from malloc, each call maps fresh
 * 4 KiB pages and pays a fault on every one, and the FFT's strides then miss the TLB; on Linux a
 * large buffer is mapped on its own and advised into transparent huge pages instead. Used by the
 * desktop bindings (the Node addon and lvxs); a board gives its kernels their buffers directly.
 */
#ifndef LV_OS_SCRATCH_H
#define LV_OS_SCRATCH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	void* data;    /* at least the size asked for; NULL if the memory is not there */
	void* mapping; /* the whole mapping when it came from mmap, else NULL */
	size_t mapped;
} lv_scratch;

/* Fills *scratch with `size` bytes (uninitialised) and returns its data, or NULL. */
void* lv_scratch_get(lv_scratch* scratch, size_t size);

/* Gives back what lv_scratch_get took; *scratch is emptied. Safe on an empty one. */
void lv_scratch_release(lv_scratch* scratch);

#ifdef __cplusplus
}
#endif

#endif
