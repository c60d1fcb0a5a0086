/*
 * C unit test of native/os/scratch.c: every size gives writable memory of at least that size,
 * a large one on Linux is its own mapping starting on a huge-page boundary, and release empties
 * the holder (twice is harmless).
 */
#include "scratch.h"

#include <stdint.h>
#include <string.h>

#include "../kernels/test_check.h"

#define MiB ((size_t)1 << 20)

static void check_size(size_t size)
{
	lv_scratch s;
	uint8_t* p = lv_scratch_get(&s, size);
	CHECK(p != NULL && p == s.data, "size %zu: no data", size);
	if (!p) return;
	if (size) {
		memset(p, 0xA5, size); /* every byte is there and writable */
		CHECK(p[0] == 0xA5 && p[size - 1] == 0xA5, "size %zu: not writable", size);
	}
#if defined(__linux__)
	if (size >= 4 * MiB) {
		CHECK(s.mapping != NULL, "size %zu: expected its own mapping", size);
		CHECK(((uintptr_t)p & (2 * MiB - 1)) == 0, "size %zu: data not on a 2 MiB boundary", size);
		CHECK((uint8_t*)s.mapping <= p && p + size <= (uint8_t*)s.mapping + s.mapped, "size %zu: data outside its mapping", size);
	} else
		CHECK(s.mapping == NULL, "size %zu: expected malloc", size);
#endif
	lv_scratch_release(&s);
	CHECK(s.data == NULL && s.mapping == NULL && s.mapped == 0, "size %zu: release left the holder full", size);
	lv_scratch_release(&s);
}

int main(void)
{
	static const size_t sizes[] = { 0, 1, 4095, 4 * MiB - 1, 4 * MiB, 4 * MiB + 1, 130 * MiB };
	size_t i;
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) check_size(sizes[i]);
	printf("scratch: %d checks, %d failures\n", checks, failures);
	return failures != 0;
}
