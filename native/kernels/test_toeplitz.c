/*
 * Unit test of native/kernels/toeplitz.c: every method against the definition computed one bit
 * at a time, on fixed and pseudo-random sizes (including the edges: n = 1, l = n, n mod 8 != 0,
 * several FFT column parts), plus the argument checks. Run by test/native.test.ts:
 *   cc -std=c11 -O2 -Wall -Wextra -o test_toeplitz test_toeplitz.c toeplitz.c && ./test_toeplitz
 * Prints one line per failure and a summary; exits non-zero on any failure.
 */
#include "toeplitz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_check.h"

/* xorshift64*: reproducible test data */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static void random_bits(uint8_t* b, uint64_t bits)
{
	size_t len = (size_t)((bits + 7) / 8), i;
	for (i = 0; i < len; i++) b[i] = (uint8_t)rng();
	if (bits & 7) b[len - 1] &= (uint8_t)(0xFF00u >> (bits & 7));
}

static int bit(const uint8_t* b, uint64_t k)
{
	return (b[k >> 3] >> (7 - (k & 7))) & 1;
}

static void naive(const uint8_t* x, uint64_t n, const uint8_t* s, uint64_t l, uint8_t* y)
{
	uint64_t i, j;
	memset(y, 0, (size_t)((l + 7) / 8));
	for (i = 0; i < l; i++) {
		int v = 0;
		for (j = 0; j < n; j++) v ^= bit(x, j) & bit(s, i + n - 1 - j);
		if (v) y[i >> 3] |= (uint8_t)(0x80u >> (i & 7));
	}
}

static lv_toeplitz_status run(const uint8_t* x, uint64_t n, const uint8_t* s, uint64_t l, uint8_t* y, lv_toeplitz_method method)
{
	size_t need = lv_toeplitz_scratch_size(n, l, method);
	void* scratch = malloc(need ? need : 1);
	lv_toeplitz_status st;
	if (!scratch) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	st = lv_toeplitz_hash(x, (size_t)((n + 7) / 8), n, s, (size_t)((n + l + 6) / 8), l, y, (size_t)((l + 7) / 8), scratch, need, method);
	free(scratch);
	return st;
}

static void compare_all(uint64_t n, uint64_t l, int with_naive)
{
	static const lv_toeplitz_method methods[] = { LV_TOEPLITZ_WORDS, LV_TOEPLITZ_FFT, LV_TOEPLITZ_FFT_PORTABLE, LV_TOEPLITZ_AUTO };
	size_t xl = (size_t)((n + 7) / 8), sl = (size_t)((n + l + 6) / 8), yl = (size_t)((l + 7) / 8), i;
	uint8_t *x = malloc(xl), *s = malloc(sl), *ref = malloc(yl), *y = malloc(yl);
	random_bits(x, n);
	random_bits(s, n + l - 1);
	if (with_naive)
		naive(x, n, s, l, ref);
	else
		CHECK(run(x, n, s, l, ref, LV_TOEPLITZ_WORDS) == LV_TOEPLITZ_OK, "words n=%llu l=%llu", (unsigned long long)n, (unsigned long long)l);
	for (i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		lv_toeplitz_status st;
		if (methods[i] == LV_TOEPLITZ_FFT_PORTABLE && n > 200000) continue; /* slow multiply */
		memset(y, 0xA5, yl);
		st = run(x, n, s, l, y, methods[i]);
		CHECK(st == LV_TOEPLITZ_OK, "method %d n=%llu l=%llu: status %d", (int)methods[i], (unsigned long long)n, (unsigned long long)l, (int)st);
		CHECK(memcmp(y, ref, yl) == 0, "method %d n=%llu l=%llu differs from the %s", (int)methods[i],
			(unsigned long long)n, (unsigned long long)l, with_naive ? "definition" : "words method");
	}
	free(x);
	free(s);
	free(ref);
	free(y);
}

static void test_known_answers(void)
{
	/* n = 1, l = 1: y_0 = seed_0 & input_0 */
	uint8_t x = 0x80, s = 0x80, y = 0, scratch[4096];
	CHECK(lv_toeplitz_hash(&x, 1, 1, &s, 1, 1, &y, 1, scratch, sizeof scratch, LV_TOEPLITZ_AUTO) == LV_TOEPLITZ_OK && y == 0x80, "1x1");
	/* n = 4, l = 2, seed = 1 0 0 1 1 (bits), input = 1 1 0 1:
	   y_0 = s3 x0 + s2 x1 + s1 x2 + s0 x3 = 1 + 0 + 0 + 1 = 0; y_1 = s4 x0 + s3 x1 + s2 x2 + s1 x3 = 1 + 1 + 0 + 0 = 0 */
	{
		uint8_t in = 0xD0, seed = 0x98, out = 0xFF;
		CHECK(lv_toeplitz_hash(&in, 1, 4, &seed, 1, 2, &out, 1, scratch, sizeof scratch, LV_TOEPLITZ_WORDS) == LV_TOEPLITZ_OK && out == 0x00, "4x2 words: got %02x", out);
		seed = 0x88; /* 1 0 0 0 1: y_0 = x3 = 1, y_1 = s4 x0 = 1 */
		CHECK(lv_toeplitz_hash(&in, 1, 4, &seed, 1, 2, &out, 1, scratch, sizeof scratch, LV_TOEPLITZ_FFT) == LV_TOEPLITZ_OK && out == 0xC0, "4x2 fft: got %02x", out);
	}
}

static void test_argument_checks(void)
{
	uint8_t x[2] = { 0 }, s[3] = { 0 }, y[2] = { 0 }, scratch[8192];
	char msg[200];
	CHECK(lv_toeplitz_hash(x, 2, 0, s, 3, 1, y, 1, scratch, sizeof scratch, 0) == LV_TOEPLITZ_E_N, "n = 0");
	CHECK(lv_toeplitz_hash(x, 2, LV_TOEPLITZ_MAX_BITS + 1, s, 3, 1, y, 1, scratch, sizeof scratch, 0) == LV_TOEPLITZ_E_N, "n > 2^31");
	CHECK(lv_toeplitz_hash(x, 2, 16, s, 3, 0, y, 1, scratch, sizeof scratch, 0) == LV_TOEPLITZ_E_OUTPUT_BITS, "l = 0");
	CHECK(lv_toeplitz_hash(x, 2, 16, s, 3, 17, y, 1, scratch, sizeof scratch, 0) == LV_TOEPLITZ_E_OUTPUT_BITS, "l > n");
	CHECK(lv_toeplitz_hash(x, 1, 16, s, 3, 8, y, 1, scratch, sizeof scratch, 0) == LV_TOEPLITZ_E_INPUT_LENGTH, "input length");
	CHECK(lv_toeplitz_hash(x, 2, 16, s, 2, 8, y, 1, scratch, sizeof scratch, 0) == LV_TOEPLITZ_E_SEED_LENGTH, "seed length");
	CHECK(lv_toeplitz_hash(x, 2, 16, s, 3, 8, y, 2, scratch, sizeof scratch, 0) == LV_TOEPLITZ_E_OUT_LENGTH, "out length");
	CHECK(lv_toeplitz_hash(x, 2, 16, s, 3, 8, y, 1, scratch, 8, 0) == LV_TOEPLITZ_E_SCRATCH, "scratch");
	CHECK(lv_toeplitz_hash(x, 2, 16, s, 3, 8, y, 1, NULL, 0, 0) == LV_TOEPLITZ_E_NULL, "NULL scratch");
	CHECK(lv_toeplitz_hash(x, 2, 16, s, 3, 8, y, 1, scratch, sizeof scratch, 9) == LV_TOEPLITZ_E_METHOD, "method");
	x[1] = 0x01;
	CHECK(lv_toeplitz_hash(x, 2, 15, s, 3, 8, y, 1, scratch, sizeof scratch, 0) == LV_TOEPLITZ_E_INPUT_PADDING, "input padding");
	x[1] = 0;
	s[2] = 0x01;
	CHECK(lv_toeplitz_hash(x, 2, 16, s, 3, 8, y, 1, scratch, sizeof scratch, 0) == LV_TOEPLITZ_E_SEED_PADDING, "seed padding");
	CHECK(lv_toeplitz_scratch_size(0, 1, 0) == 0 && lv_toeplitz_scratch_size(8, 9, 0) == 0, "scratch size of invalid sizes");
	lv_toeplitz_describe(LV_TOEPLITZ_E_SEED_LENGTH, 100, 5, 13, 12, msg, sizeof msg);
	CHECK(!strcmp(msg, "\"seed\" expected Uint8Array of length 13, got length=12"), "message: %s", msg);
}

int main(void)
{
	static const uint64_t fixed[][2] = {
		{ 1, 1 }, { 2, 1 }, { 2, 2 }, { 7, 3 }, { 8, 8 }, { 9, 1 }, { 31, 17 }, { 32, 32 }, { 33, 1 },
		{ 63, 63 }, { 64, 1 }, { 65, 64 }, { 100, 37 }, { 127, 126 }, { 128, 128 }, { 129, 65 },
		{ 255, 200 }, { 1000, 1 }, { 1000, 999 }, { 4095, 2048 }, { 4097, 4097 },
	};
	size_t i;
	test_known_answers();
	test_argument_checks();
	for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++) compare_all(fixed[i][0], fixed[i][1], 1);
	for (i = 0; i < 150; i++) {
		uint64_t n = 1 + rng() % (i < 100 ? 300 : 3000), l = 1 + rng() % n;
		compare_all(n, l, 1);
	}
	/* larger: several FFT parts and row blocks, checked against the words method */
	compare_all(100000, 12500, 0);
	compare_all(100003, 50001, 0);
	compare_all(262144, 262144, 0);
	compare_all(1000001, 125001, 0);
	printf("test_toeplitz: %d checks, %d failures (fft multiply: %s)\n", checks, failures, lv_toeplitz_backend());
	return failures ? 1 : 0;
}
