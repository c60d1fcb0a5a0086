/*
 * libFuzzer target: the Toeplitz kernel's entry points on arbitrary caller data
 * (lv_toeplitz_hash, lv_toeplitz_scratch_size, lv_toeplitz_auto_method, lv_toeplitz_describe).
 * The first bytes choose the sizes, the length errors, the method and the scratch size; the rest
 * fills the buffers, each allocated to exactly its declared length so ASan sees any overread.
 * Whatever the call returns must be a known status; an accepted call must equal the words method.
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Inative/kernels native/fuzz/fuzz_toeplitz_api.c native/kernels/toeplitz.c
 * (scripts/fuzz-native.mjs builds and runs it: npm run fuzz:native)
 */
#include "toeplitz.h"

#include <stdlib.h>
#include <string.h>

static void fill(uint8_t* dst, size_t len, const uint8_t* data, size_t size)
{
	size_t i;
	for (i = 0; i < len; i++) dst[i] = size ? data[i % size] : (uint8_t)i;
}

static size_t with_delta(size_t length, int delta)
{
	return delta < 0 && length < (size_t)-delta ? 0 : length + (size_t)delta;
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	uint64_t n, l;
	int input_delta, seed_delta, out_delta, scratch_delta, method;
	size_t input_len, seed_len, out_len, need, scratch_len;
	uint8_t *input, *seed, *out, *check;
	void* scratch;
	lv_toeplitz_status st;
	char message[160];

	if (size < 10) return 0;
	/* sizes: mostly valid, sometimes out of range (0, > n, huge) */
	n = (uint64_t)(data[0] | data[1] << 8) % 5000;
	l = (uint64_t)(data[2] | data[3] << 8) % 5200;
	if (data[4] == 0xFF) n = LV_TOEPLITZ_MAX_BITS + (data[5] & 3);
	input_delta = (data[4] & 0x80) ? (int)(data[4] & 3) - 1 : 0;
	seed_delta = (data[5] & 0x80) ? (int)(data[5] & 3) - 1 : 0;
	out_delta = (data[6] & 0x80) ? (int)(data[6] & 3) - 1 : 0;
	scratch_delta = (data[7] & 0x80) ? -(int)(data[7] & 63) - 1 : 0;
	method = data[8] % 5; /* 4 is invalid */
	data += 10;
	size -= 10;

	lv_toeplitz_describe((lv_toeplitz_status)(data[-1] % 12), n, l, (size_t)data[-2], (size_t)data[-3], message, sizeof message);
	(void)lv_toeplitz_auto_method(n, l);
	if (n > 100000) { /* only the argument checks: never allocate for huge sizes */
		uint8_t tiny[4] = { 0 };
		st = lv_toeplitz_hash(tiny, sizeof tiny, n, tiny, sizeof tiny, l, tiny, sizeof tiny, tiny, sizeof tiny, (lv_toeplitz_method)method);
		if (st == LV_TOEPLITZ_OK) abort();
		return 0;
	}
	input_len = with_delta((size_t)((n + 7) / 8), input_delta);
	seed_len = with_delta(n + l ? (size_t)((n + l + 6) / 8) : 0, seed_delta);
	out_len = with_delta((size_t)((l + 7) / 8), out_delta);
	need = lv_toeplitz_scratch_size(n, l, (lv_toeplitz_method)method);
	scratch_len = need + (size_t)(scratch_delta < 0 && need >= (size_t)-scratch_delta ? scratch_delta : 0);

	input = malloc(input_len ? input_len : 1);
	seed = malloc(seed_len ? seed_len : 1);
	out = malloc(out_len ? out_len : 1);
	scratch = malloc(scratch_len ? scratch_len : 1);
	fill(input, input_len, data, size);
	fill(seed, seed_len, data + size / 2, size - size / 2);
	memset(out, 0xA5, out_len);

	st = lv_toeplitz_hash(input, input_len, n, seed, seed_len, l, out, out_len, scratch, scratch_len, (lv_toeplitz_method)method);
	if ((unsigned)st > LV_TOEPLITZ_E_NULL) abort();
	if (st == LV_TOEPLITZ_OK) {
		size_t wneed = lv_toeplitz_scratch_size(n, l, LV_TOEPLITZ_WORDS);
		void* wscratch = malloc(wneed);
		check = malloc(out_len);
		if (lv_toeplitz_hash(input, input_len, n, seed, seed_len, l, check, out_len, wscratch, wneed, LV_TOEPLITZ_WORDS) != LV_TOEPLITZ_OK) abort();
		if (memcmp(check, out, out_len)) abort(); /* the methods disagree */
		free(check);
		free(wscratch);
	}
	free(input);
	free(seed);
	free(out);
	free(scratch);
	return 0;
}
