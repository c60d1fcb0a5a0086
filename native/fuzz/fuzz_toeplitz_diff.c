/*
 * libFuzzer target: differential test of the Toeplitz kernel's methods on valid arguments. The
 * fuzzer's bytes choose n, l and the bit patterns (sparse, dense, repeated); every method (words,
 * FFT with the CPU's multiply, FFT with the portable multiply) must agree, and with the definition
 * computed one bit at a time when the block is small. Any disagreement aborts.
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Inative/kernels native/fuzz/fuzz_toeplitz_diff.c native/kernels/toeplitz.c
 */
#include "toeplitz.h"

#include <stdlib.h>
#include <string.h>

static int bit(const uint8_t* b, uint64_t k)
{
	return (b[k >> 3] >> (7 - (k & 7))) & 1;
}

static uint8_t* hash(const uint8_t* x, uint64_t n, const uint8_t* s, uint64_t l, lv_toeplitz_method method)
{
	size_t need = lv_toeplitz_scratch_size(n, l, method), yl = (size_t)((l + 7) / 8);
	void* scratch = malloc(need);
	uint8_t* y = malloc(yl);
	if (lv_toeplitz_hash(x, (size_t)((n + 7) / 8), n, s, (size_t)((n + l + 6) / 8), l, y, yl, scratch, need, method) != LV_TOEPLITZ_OK) abort();
	free(scratch);
	return y;
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	uint64_t n, l, i, j;
	size_t xl, sl, yl, k;
	uint8_t *x, *s, *ref;
	unsigned density;
	static const lv_toeplitz_method methods[] = { LV_TOEPLITZ_FFT, LV_TOEPLITZ_FFT_PORTABLE, LV_TOEPLITZ_AUTO };

	if (size < 5) return 0;
	/* log-spread sizes: many small blocks (fast, near the edges), some up to 70,000 bits */
	n = 1 + (((uint64_t)(data[0] | data[1] << 8 | (data[2] & 1) << 16) % 70000) >> ((data[2] >> 4) % 10));
	l = 1 + (uint64_t)(data[3] | data[2] << 8) % n;
	density = data[4] & 7; /* 0: raw bytes; k > 0: bits set with probability about 2^-k */
	data += 5;
	size -= 5;
	xl = (size_t)((n + 7) / 8);
	sl = (size_t)((n + l + 6) / 8);
	yl = (size_t)((l + 7) / 8);
	x = malloc(xl);
	s = malloc(sl);
	for (k = 0; k < xl + sl; k++) {
		uint8_t v = size ? data[k % size] : 0;
		if (density) v = (uint8_t)((v * 37 + k) % (1u << density) == 0 ? 1u << (k % 8) : 0);
		if (k < xl) x[k] = v;
		else s[k - xl] = (uint8_t)(v ^ (uint8_t)(k * 101));
	}
	if (n & 7) x[xl - 1] &= (uint8_t)(0xFF00u >> (n & 7));
	if ((n + l - 1) & 7) s[sl - 1] &= (uint8_t)(0xFF00u >> ((n + l - 1) & 7));

	ref = hash(x, n, s, l, LV_TOEPLITZ_WORDS);
	if (n * l <= 300000) {
		uint8_t* def = calloc(yl, 1);
		for (i = 0; i < l; i++) {
			int v = 0;
			for (j = 0; j < n; j++) v ^= bit(x, j) & bit(s, i + n - 1 - j);
			if (v) def[i >> 3] |= (uint8_t)(0x80u >> (i & 7));
		}
		if (memcmp(def, ref, yl)) abort();
		free(def);
	}
	for (k = 0; k < sizeof methods / sizeof methods[0]; k++) {
		uint8_t* y;
		if (methods[k] == LV_TOEPLITZ_FFT_PORTABLE && n > 20000) continue;
		y = hash(x, n, s, l, methods[k]);
		if (memcmp(y, ref, yl)) abort();
		free(y);
	}
	free(ref);
	free(x);
	free(s);
	return 0;
}
