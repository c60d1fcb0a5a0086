/* LIGHTVIBES native: large scratch buffers in huge pages where Linux offers them. See scratch.h. */
#define _DEFAULT_SOURCE /* mmap's MAP_ANONYMOUS and madvise's MADV_HUGEPAGE under -std=c11 */
#include "scratch.h"

#include <stdint.h>
#include <stdlib.h>

#if defined(__linux__)
#include <sys/mman.h>
#define LV_HUGE_PAGE ((size_t)2 << 20)
/* Below two huge pages malloc is as good: few faults, and its arena may already hold the pages. */
#define LV_SCRATCH_MAP_FROM (2 * LV_HUGE_PAGE)
#endif

void* lv_scratch_get(lv_scratch* scratch, size_t size)
{
	scratch->data = NULL;
	scratch->mapping = NULL;
	scratch->mapped = 0;
#if defined(__linux__)
	if (size >= LV_SCRATCH_MAP_FROM && size <= SIZE_MAX - 2 * LV_HUGE_PAGE) {
		/* one huge page more than needed, so the data can start on a huge-page boundary */
		size_t length = ((size + LV_HUGE_PAGE - 1) & ~(LV_HUGE_PAGE - 1)) + LV_HUGE_PAGE;
		void* map = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (map != MAP_FAILED) {
			uintptr_t start = ((uintptr_t)map + LV_HUGE_PAGE - 1) & ~(uintptr_t)(LV_HUGE_PAGE - 1);
			(void)madvise((void*)start, length - (start - (uintptr_t)map), MADV_HUGEPAGE); /* advice only: a kernel without THP still works */
			scratch->mapping = map;
			scratch->mapped = length;
			scratch->data = (void*)start;
			return scratch->data;
		}
	}
#endif
	scratch->data = malloc(size ? size : 1);
	return scratch->data;
}

void lv_scratch_release(lv_scratch* scratch)
{
#if defined(__linux__)
	if (scratch->mapping)
		munmap(scratch->mapping, scratch->mapped);
	else
#endif
		free(scratch->data);
	scratch->data = NULL;
	scratch->mapping = NULL;
	scratch->mapped = 0;
}
