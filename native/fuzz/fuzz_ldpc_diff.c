/*
 * libFuzzer target, differential: the LDPC decoder as built for this CPU (16 frames side by side
 * in AVX2 lanes, each lane taking the next frame as its own finishes) against the same source
 * built with LV_LDPC_PORTABLE (a frame at a time, plain C: the spec's operations one by one), on
 * 1 to 40 frames of one fuzzed code (rows of degree 0 to 9 or all of one degree, repeated
 * columns), fuzzed syndromes and LLRs of every kind (+-Infinity, +-0, the rounding edges of the
 * fixed point, NaN-free raw doubles), and max_iterations 1 to 12 so that lanes finish and refill
 * at different times. Every frame's word, iterations and convergence must be identical, also
 * when the frames are split over two calls (other lanes, other neighbours); a converged word must
 * have its frame's syndrome. The portable copy's quantise and g table are checked against the
 * spec's formulas too. Each work buffer ends exactly where the decode may write (ASan sees one
 * byte more).
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Inative/kernels native/fuzz/fuzz_ldpc_diff.c native/kernels/ldpc.c
 */
#define _POSIX_C_SOURCE 200112L /* posix_memalign */
#include "ldpc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The portable twin: the same source, its entry points renamed. */
#define lv_ldpc_work_size portable_ldpc_work_size
#define lv_ldpc_decode portable_ldpc_decode
#define lv_ldpc_syndrome portable_ldpc_syndrome
#define lv_ldpc_describe portable_ldpc_describe
#define LV_LDPC_PORTABLE 1
#include "../kernels/ldpc.c"
#undef lv_ldpc_work_size
#undef lv_ldpc_decode
#undef lv_ldpc_syndrome
#undef lv_ldpc_describe

lv_ldpc_status lv_ldpc_work_size(const lv_ldpc_code* code, uint64_t frames, size_t* work_size, lv_ldpc_fault* fault);
lv_ldpc_status lv_ldpc_decode(const lv_ldpc_code* code, const uint8_t* syndromes, size_t syndromes_len,
	const double* llrs, size_t llr_len, uint64_t max_iterations, uint8_t* bits, size_t bits_len,
	lv_ldpc_result* results, size_t results_len, void* work, size_t work_len, lv_ldpc_fault* fault);
lv_ldpc_status lv_ldpc_syndrome(const lv_ldpc_code* code, const uint8_t* bits, size_t bits_len,
	uint8_t* out, size_t out_len, lv_ldpc_fault* fault);

typedef lv_ldpc_status (*decode_fn)(const lv_ldpc_code*, const uint8_t*, size_t, const double*, size_t, uint64_t, uint8_t*, size_t,
	lv_ldpc_result*, size_t, void*, size_t, lv_ldpc_fault*);
typedef lv_ldpc_status (*size_fn)(const lv_ldpc_code*, uint64_t, size_t*, lv_ldpc_fault*);

/* The spec's quantise and g, written as decode.ts writes them. */
static int32_t spec_quantise(double llr)
{
	const double v = llr * 256;
	if (v >= 32767) return 32767;
	if (v <= -32767) return -32767;
	return v < 0 ? -(int32_t)floor(-v + 0.5) : (int32_t)floor(v + 0.5);
}

static int32_t spec_g(int32_t x)
{
	const int32_t u = 170 - ((21 * x) >> 6), w = 68 - ((65 * x) >> 10), y = u > w ? u : w;
	return y > 0 ? y : 0;
}

/* The input, byte by byte; past its end, a fixed filler (so short inputs still make many frames). */
typedef struct {
	const uint8_t* data;
	size_t size, at;
} reader;

static uint8_t next_byte(reader* in)
{
	const size_t at = in->at++;
	return at < in->size ? in->data[at] : (uint8_t)(at * 131u);
}

static uint32_t next_u16(reader* in)
{
	const uint32_t lo = next_byte(in);
	return lo | (uint32_t)next_byte(in) << 8;
}

/* Decodes `frames` frames from frame `first` in one call, with a work buffer that ends where the decode may write. */
static void decode_into(decode_fn decode, size_fn size, const lv_ldpc_code* code, const uint8_t* syn, const double* llr, uint64_t first,
	uint64_t frames, uint64_t iters, uint8_t* bits, lv_ldpc_result* res)
{
	const size_t n = (size_t)code->n, bytes = (size_t)((code->m + 7) / 8);
	size_t need;
	void* base;
	lv_ldpc_fault fault;
	if (size(code, frames, &need, &fault) != LV_LDPC_OK) abort();
	/* base is 32-aligned: the work at base + 1 aligns up to base + 32, so its last used byte is base + need */
	if (posix_memalign(&base, 32, need + 1)) abort();
	if (decode(code, syn + bytes * first, bytes * frames, llr + n * first, n * frames, iters, bits + n * first, n * frames, res + first, frames,
			(uint8_t*)base + 1, need, &fault) != LV_LDPC_OK)
		abort();
	free(base);
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	static int table_checked;
	uint64_t n, m, r, j, iters, frames, f, half;
	uint32_t *ptr, *vars, dconst;
	size_t syn_len, e = 0;
	reader in = { data, size, 6 };
	uint8_t *syn, *a_bits, *b_bits, *c_bits, *out;
	double* llr;
	lv_ldpc_code code;
	lv_ldpc_fault fault;
	lv_ldpc_result *ra, *rb, *rc;
	if (!table_checked) {
		int32_t x;
		for (x = 0; x <= 65534; x++)
			if (g(x) != spec_g(x < LMAX ? x : LMAX)) abort();
		table_checked = 1;
	}
	if (size < 6) return 0;
	n = 4 + data[0] % 160;
	m = 1 + data[1] % 40;
	dconst = data[2] & 0x80 ? 0 : 1 + (data[2] & 7); /* 0: each row its own degree 0 .. 9 */
	iters = 1 + data[3] % 12;
	frames = 1 + data[4] % 40;
	half = data[5] % (frames + 1);
	ptr = malloc(sizeof(uint32_t) * (m + 1));
	vars = malloc(sizeof(uint32_t) * m * 10 + 1);
	ptr[0] = 0;
	for (r = 0; r < m; r++) {
		const uint32_t d = dconst ? dconst : next_byte(&in) % 10;
		uint32_t i;
		for (i = 0; i < d; i++) vars[e++] = (uint32_t)(next_u16(&in) % n);
		ptr[r + 1] = (uint32_t)e;
	}
	syn_len = (size_t)((m + 7) / 8);
	syn = calloc(syn_len * frames, 1);
	llr = malloc(sizeof(double) * n * frames);
	for (f = 0; f < frames; f++) {
		for (r = 0; r < m; r++)
			if (next_byte(&in) & 1) syn[syn_len * f + (r >> 3)] |= (uint8_t)(0x80u >> (r & 7));
		for (j = 0; j < n; j++) {
			double* x = &llr[n * f + j];
			uint8_t t = next_byte(&in);
			if (t < 8) *x = t == 0 ? INFINITY : t == 1 ? -INFINITY : t == 2 ? 0.0 : t == 3 ? -0.0 : t == 4 ? 127.99609375 : -128.0;
			else if (t < 16) {
				uint64_t u = 0;
				int b;
				for (b = 0; b < 8; b++) u = u << 8 | next_byte(&in);
				memcpy(x, &u, 8);
				if (*x != *x) *x = 0.5; /* NaN is refused; the checks have their own target */
			} else if (t < 32) {
				/* a half of 1/256 or a double beside it: the rounding edges */
				uint64_t u;
				*x = ((double)next_u16(&in) - 32768.0 + 0.5) / 256;
				memcpy(&u, x, 8);
				u += (uint64_t)(t & 3) - 1;
				memcpy(x, &u, 8);
			} else
				*x = ((double)t - 144.0) / 8.0;
			if (quantise(*x) != spec_quantise(*x)) abort();
		}
	}
	code = (lv_ldpc_code){ n, m, ptr, (size_t)m + 1, vars, e };
	a_bits = malloc(n * frames);
	b_bits = malloc(n * frames);
	c_bits = malloc(n * frames);
	ra = malloc(sizeof(lv_ldpc_result) * frames);
	rb = malloc(sizeof(lv_ldpc_result) * frames);
	rc = malloc(sizeof(lv_ldpc_result) * frames);
	decode_into(lv_ldpc_decode, lv_ldpc_work_size, &code, syn, llr, 0, frames, iters, a_bits, ra);
	decode_into(portable_ldpc_decode, portable_ldpc_work_size, &code, syn, llr, 0, frames, iters, b_bits, rb);
	if (half) decode_into(lv_ldpc_decode, lv_ldpc_work_size, &code, syn, llr, 0, half, iters, c_bits, rc);
	if (half < frames) decode_into(lv_ldpc_decode, lv_ldpc_work_size, &code, syn, llr, half, frames - half, iters, c_bits, rc);
	out = malloc(syn_len);
	for (f = 0; f < frames; f++) {
		if (ra[f].iterations != rb[f].iterations || ra[f].converged != rb[f].converged || memcmp(a_bits + n * f, b_bits + n * f, n)) abort();
		if (ra[f].iterations != rc[f].iterations || ra[f].converged != rc[f].converged || memcmp(a_bits + n * f, c_bits + n * f, n)) abort();
		if (ra[f].iterations < 1 || ra[f].iterations > iters || (ra[f].converged && ra[f].converged != 1)) abort();
		if (ra[f].converged) {
			if (lv_ldpc_syndrome(&code, a_bits + n * f, n, out, syn_len, &fault) != LV_LDPC_OK || memcmp(out, syn + syn_len * f, syn_len)) abort();
		} else if (ra[f].iterations != iters)
			abort();
	}
	free(out);
	free(ptr);
	free(vars);
	free(syn);
	free(llr);
	free(a_bits);
	free(b_bits);
	free(c_bits);
	free(ra);
	free(rb);
	free(rc);
	return 0;
}
