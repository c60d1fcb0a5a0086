/*
 * Unit test of native/kernels/ldpc.c: the argument checks (every status, and that a refused call
 * writes nothing), the syndrome against a bit-at-a-time count, the fixed point's rounding at its
 * edges, decoding (a clean word converges in one iteration to itself; words with a few errors on
 * a random (3, 6) code are corrected, one frame alone and many in one call), and two known
 * answers: FNV-1a digests over the outcomes of random decodes (codes of random and of constant row
 * degree, repeated columns, rows of degree 0 and 1, LLRs +-Infinity, +-0, dyadic values), the
 * same cases test/native-ldpc.test.ts rebuilds in TypeScript and runs through the reference
 * decoder: the constants below are the reference's answers. The first decodes 400 cases one
 * frame a call; the second 24 calls of 1 to 40 frames of one code each, which run through the 16
 * AVX2 lanes (where the CPU has them) with lanes taking new frames as theirs finish. Run by that
 * test:
 *   cc -std=c11 -O2 -Wall -Wextra -o test_ldpc test_ldpc.c ldpc.c && ./test_ldpc [--digest]
 * (also with -DLV_LDPC_NO_AVX2 and -DLV_LDPC_PORTABLE). Prints one line per failure and a summary;
 * exits non-zero on any. --digest prints the two digests, one a line, and nothing else.
 */
#include "ldpc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The reference decoder's digests of the random cases (test/native-ldpc.test.ts recomputes them). */
#define KAT_CASES 400
#define KAT_DIGEST 0x4603da32u
#define KAT_MULTI_CALLS 24
#define KAT_MULTI_SEED 0x4C44504Du
#define KAT_MULTI_DIGEST 0xb48aead3u

#include "test_check.h"

/* xorshift32: the same generator the TypeScript side uses to rebuild the cases */
static uint32_t rng_state;
static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

typedef struct {
	lv_ldpc_code code;
	uint32_t* ptr;
	uint32_t* vars;
	uint8_t* syndrome;
	double* llr;
	uint32_t max_iterations;
} kat_case;

/* A frame's syndrome: one draw per row, its low bit. */
static void draw_syndrome(uint32_t m, uint8_t* syndrome)
{
	uint32_t r;
	memset(syndrome, 0, (m + 7) / 8);
	for (r = 0; r < m; r++)
		if (rnd() & 1) syndrome[r >> 3] |= (uint8_t)(0x80u >> (r & 7));
}

/* A frame's LLRs: per column a draw t % 16 choosing +Inf, -Inf, +0, -0, else a second draw for a dyadic value. */
static void draw_llrs(uint32_t n, double* llr)
{
	uint32_t j;
	for (j = 0; j < n; j++) {
		uint32_t t = rnd() % 16;
		llr[j] = t == 0 ? INFINITY : t == 1 ? -INFINITY : t == 2 ? 0.0 : t == 3 ? -0.0 : ((double)(rnd() % 2001) - 1000.0) / 64.0;
	}
}

/* One random case; the TypeScript twin (katCase in test/native-ldpc.test.ts) draws in this order. */
static void make_case(kat_case* c)
{
	uint32_t n = 16 + rnd() % 300, m = 1 + rnd() % n, constant = rnd() % 2, dconst = 2 + rnd() % 6, r, e = 0;
	c->ptr = malloc(sizeof(uint32_t) * (m + 1));
	c->vars = malloc(sizeof(uint32_t) * (size_t)m * 8 + 4);
	c->ptr[0] = 0;
	for (r = 0; r < m; r++) {
		uint32_t d = constant ? dconst : rnd() % 9, i;
		for (i = 0; i < d; i++) c->vars[e++] = rnd() % n;
		c->ptr[r + 1] = e;
	}
	c->syndrome = malloc((m + 7) / 8);
	draw_syndrome(m, c->syndrome);
	c->llr = malloc(sizeof(double) * n);
	draw_llrs(n, c->llr);
	c->max_iterations = 1 + rnd() % 20;
	c->code = (lv_ldpc_code){ n, m, c->ptr, m + 1, c->vars, e };
}

static void free_case(kat_case* c)
{
	free(c->ptr);
	free(c->vars);
	free(c->syndrome);
	free(c->llr);
}

static uint32_t fnv(uint32_t h, const uint8_t* p, size_t len)
{
	while (len--) h = (h ^ *p++) * 16777619u;
	return h;
}

/* Folds one frame's outcome: 4 bytes of iterations (little-endian), 1 of converged, its n word bytes. */
static uint32_t fold_frame(uint32_t h, const lv_ldpc_result* res, const uint8_t* word, size_t n)
{
	uint8_t head[5];
	head[0] = (uint8_t)res->iterations;
	head[1] = (uint8_t)(res->iterations >> 8);
	head[2] = (uint8_t)(res->iterations >> 16);
	head[3] = (uint8_t)(res->iterations >> 24);
	head[4] = (uint8_t)res->converged;
	return fnv(fnv(h, head, 5), word, n);
}

/* Decodes `frames` frames of one code in one call, with a work buffer of exactly the size asked for. */
static lv_ldpc_status decode_frames(const lv_ldpc_code* code, const uint8_t* syndromes, const double* llrs, uint64_t frames,
	uint32_t max_iterations, uint8_t* bits, lv_ldpc_result* results, lv_ldpc_fault* fault)
{
	size_t need = 0;
	void* work;
	lv_ldpc_status st = lv_ldpc_work_size(code, frames, &need, fault);
	if (st != LV_LDPC_OK) return st;
	work = malloc(need);
	st = lv_ldpc_decode(code, syndromes, (size_t)(frames * ((code->m + 7) / 8)), llrs, (size_t)(frames * code->n), max_iterations,
		bits, (size_t)(frames * code->n), results, (size_t)frames, work, need, fault);
	free(work);
	return st;
}

static lv_ldpc_status decode(const kat_case* c, uint8_t* bits, lv_ldpc_result* res, lv_ldpc_fault* fault)
{
	return decode_frames(&c->code, c->syndrome, c->llr, 1, c->max_iterations, bits, res, fault);
}

/* True when H * word = syndrome (counted bit by bit). */
static int has_syndrome(const kat_case* c, const uint8_t* word, const uint8_t* syndrome)
{
	uint64_t r;
	for (r = 0; r < c->code.m; r++) {
		unsigned p = (syndrome[r >> 3] >> (7 - (r & 7))) & 1;
		uint32_t e;
		for (e = c->ptr[r]; e < c->ptr[r + 1]; e++) p ^= word[c->vars[e]];
		if (p & 1) return 0;
	}
	return 1;
}

static uint32_t kat_digest(void)
{
	uint32_t h = 2166136261u;
	int k;
	rng_state = 0x4C445043u;
	for (k = 0; k < KAT_CASES; k++) {
		kat_case c;
		lv_ldpc_result res;
		lv_ldpc_fault fault;
		uint8_t* bits;
		make_case(&c);
		bits = malloc((size_t)c.code.n);
		CHECK(decode(&c, bits, &res, &fault) == LV_LDPC_OK, "case %d refused", k);
		h = fold_frame(h, &res, bits, (size_t)c.code.n);
		free(bits);
		free_case(&c);
	}
	return h;
}

/*
 * The multi-frame known answer. From the seed KAT_MULTI_SEED, each of the KAT_MULTI_CALLS calls
 * draws, in this order: a case with make_case (its code, frame 0's syndrome and LLRs, then
 * max_iterations); F = 1 + rnd() % 40; then frames 1 .. F - 1, each its syndrome (draw_syndrome:
 * m draws) then its LLRs (draw_llrs), as make_case draws them. The F frames go to one call; the
 * digest (FNV-1a from 2166136261, through all calls) folds each frame's outcome in frame order,
 * as the single-frame digest does. Each frame is also decoded alone: the outcomes must agree
 * (a frame decodes as if alone, whichever path and lane it took), and a converged word must have
 * its syndrome.
 */
static uint32_t kat_multi_digest(void)
{
	uint32_t h = 2166136261u;
	int call;
	rng_state = KAT_MULTI_SEED;
	for (call = 0; call < KAT_MULTI_CALLS; call++) {
		kat_case c;
		uint32_t frames, f;
		size_t n, bytes;
		uint8_t *syn, *bits, *alone;
		double* llr;
		lv_ldpc_result *res, one;
		lv_ldpc_fault fault;
		make_case(&c);
		n = (size_t)c.code.n;
		bytes = (size_t)((c.code.m + 7) / 8);
		frames = 1 + rnd() % 40;
		syn = malloc(bytes * frames);
		llr = malloc(sizeof(double) * n * frames);
		bits = malloc(n * frames);
		alone = malloc(n);
		res = malloc(sizeof(lv_ldpc_result) * frames);
		memcpy(syn, c.syndrome, bytes);
		memcpy(llr, c.llr, sizeof(double) * n);
		for (f = 1; f < frames; f++) {
			draw_syndrome((uint32_t)c.code.m, syn + bytes * f);
			draw_llrs((uint32_t)n, llr + n * f);
		}
		CHECK(decode_frames(&c.code, syn, llr, frames, c.max_iterations, bits, res, &fault) == LV_LDPC_OK, "call %d refused", call);
		for (f = 0; f < frames; f++) {
			h = fold_frame(h, &res[f], bits + n * f, n);
			CHECK(decode_frames(&c.code, syn + bytes * f, llr + n * f, 1, c.max_iterations, alone, &one, &fault) == LV_LDPC_OK, "frame refused");
			CHECK(one.iterations == res[f].iterations && one.converged == res[f].converged && memcmp(alone, bits + n * f, n) == 0,
				"call %d frame %u of %u: alone it=%u conv=%d, in the call it=%u conv=%d", call, f, frames, one.iterations, one.converged,
				res[f].iterations, res[f].converged);
			CHECK(!res[f].converged || has_syndrome(&c, bits + n * f, syn + bytes * f), "call %d frame %u converged to a word of another syndrome", call, f);
		}
		free(syn);
		free(llr);
		free(bits);
		free(alone);
		free(res);
		free_case(&c);
	}
	return h;
}

/* A small code: 3 rows over 6 columns. */
static const uint32_t small_ptr[4] = { 0, 3, 6, 8 };
static const uint32_t small_vars[8] = { 0, 1, 2, 2, 3, 4, 4, 5 };

/* A decode call on outputs filled with a pattern; *touched says whether it wrote any of them. */
static lv_ldpc_status call(lv_ldpc_code code, const uint8_t* syn, size_t syn_len, const double* llr, size_t llr_len,
	uint64_t iters, size_t bits_len, size_t results_len, size_t work_len, lv_ldpc_fault* fault, int* touched)
{
	static uint8_t bits[64];
	static lv_ldpc_result results[8];
	static double work[4096];
	lv_ldpc_status st;
	size_t k;
	memset(bits, 0xA5, sizeof bits);
	for (k = 0; k < 8; k++) results[k] = (lv_ldpc_result){ 0xDEAD, 7 };
	st = lv_ldpc_decode(&code, syn, syn_len, llr, llr_len, iters, bits, bits_len, results, results_len, work, work_len, fault);
	*touched = 0;
	for (k = 0; k < sizeof bits; k++) *touched |= bits[k] != 0xA5;
	for (k = 0; k < 8; k++) *touched |= results[k].iterations != 0xDEAD || results[k].converged != 7;
	return st;
}

static void test_checks(void)
{
	const lv_ldpc_code good = { 6, 3, small_ptr, 4, small_vars, 8 };
	uint8_t syn[2] = { 0, 0 }, pad[2] = { 0x10, 0 }, pad1[2] = { 0, 0x01 };
	double llr[12] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, nan_llr[12] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, NAN, 1, 1 };
	uint32_t bad_order[4] = { 0, 3, 2, 8 }, bad_col[8] = { 0, 1, 2, 2, 3, 4, 4, 6 };
	lv_ldpc_fault fault;
	char message[256], short_one[64];
	int touched, avx2;
	size_t need, need2, need16;
	lv_ldpc_code c;
	lv_ldpc_status st;

	/* 16 frames: the lanes' 32(n + E + m + 4 dmax) + 31 where the CPU has AVX2, else the same as one */
	CHECK(lv_ldpc_work_size(&good, 16, &need16, &fault) == LV_LDPC_OK, "work size of 16 frames");
	avx2 = need16 == 32 * (6 + 8 + 3 + 4 * 3) + 31;
	/* one frame: L, R (int16), four row buffers (int32, dmax each), 31 bytes to align; with AVX2
	   also the row groups' four buffers (16 dmax bytes each), a stamp per column, a mark per row */
	CHECK(lv_ldpc_work_size(&good, 1, &need, &fault) == LV_LDPC_OK && need == 2 * (6 + 8) + 16 * 3 + 31 + (avx2 ? 64 * 3 + 4 * 6 + 3 : 0),
		"work size %zu", need);
	CHECK(avx2 || need16 == need, "work size of 16 frames %zu", need16);
	snprintf(short_one, sizeof short_one, "work buffer too small (%zu bytes)", need - 1);
	CHECK(lv_ldpc_work_size(&good, 2, &need2, &fault) == LV_LDPC_OK, "work size of 2 frames");
	CHECK(call(good, syn, 1, llr, 6, 10, 6, 1, need, &fault, &touched) == LV_LDPC_OK && touched, "a good call");
	CHECK(call(good, syn, 2, llr, 12, 10, 12, 2, need2, &fault, &touched) == LV_LDPC_OK && touched, "a good call of two frames");
#define REFUSED(expr, want, text)                                                                 \
	do {                                                                                          \
		st = (expr);                                                                              \
		CHECK(st == (want) && fault.status == (want), "status %d, want %d", (int)st, (int)(want)); \
		CHECK(!touched, "a refused call wrote its outputs (status %d)", (int)(want));              \
		lv_ldpc_describe(&fault, &c, message, sizeof message);                                    \
		CHECK(strcmp(message, (text)) == 0, "message \"%s\", want \"%s\"", message, (text));      \
	} while (0)
	c = good;
	c.n = 0;
	REFUSED(call(c, syn, 1, llr, 6, 10, 6, 1, need, &fault, &touched), LV_LDPC_E_N, "\"code.n\" expected an integer in [1, 2147483648], got 0");
	c = good;
	c.m = (uint64_t)1 << 40;
	REFUSED(call(c, syn, 1, llr, 6, 10, 6, 1, need, &fault, &touched), LV_LDPC_E_M, "\"code.m\" expected an integer in [1, 2147483648], got 1099511627776");
	c = good;
	c.check_ptr_len = 3;
	REFUSED(call(c, syn, 1, llr, 6, 10, 6, 1, need, &fault, &touched), LV_LDPC_E_CHECK_PTR, "\"code.checkPtr\" expected Uint32Array of length 4");
	c = good;
	c.check_vars_len = 7;
	REFUSED(call(c, syn, 1, llr, 6, 10, 6, 1, need, &fault, &touched), LV_LDPC_E_CHECK_VARS,
		"\"code.checkVars\" expected Uint32Array of length code.checkPtr[m], with code.checkPtr[0] = 0");
	c = good;
	c.check_ptr = bad_order;
	REFUSED(call(c, syn, 1, llr, 6, 10, 6, 1, need, &fault, &touched), LV_LDPC_E_CHECK_PTR_ORDER, "\"code.checkPtr\" decreases at row 1");
	c = good;
	c.check_vars = bad_col;
	REFUSED(call(c, syn, 1, llr, 6, 10, 6, 1, need, &fault, &touched), LV_LDPC_E_COLUMN, "\"code.checkVars[7]\" = 6 is not a column of n = 6");
	c = good;
	REFUSED(call(c, syn, 1, llr, 5, 10, 6, 1, need, &fault, &touched), LV_LDPC_E_LLR_LENGTH,
		"\"channelLlrs\" expected Float64Array of a positive multiple of n = 6 values, got 5");
	REFUSED(call(c, syn, 1, llr, 0, 10, 6, 1, need, &fault, &touched), LV_LDPC_E_LLR_LENGTH,
		"\"channelLlrs\" expected Float64Array of a positive multiple of n = 6 values, got 0");
	REFUSED(call(c, syn, 2, llr, 6, 10, 6, 1, need, &fault, &touched), LV_LDPC_E_SYNDROME_LENGTH,
		"\"syndromes\" expected Uint8Array of length 1 (1 frames of 3 bits packed), got 2");
	REFUSED(call(c, syn, 1, llr, 12, 10, 12, 2, need2, &fault, &touched), LV_LDPC_E_SYNDROME_LENGTH,
		"\"syndromes\" expected Uint8Array of length 2 (2 frames of 3 bits packed), got 1");
	REFUSED(call(c, pad, 1, llr, 6, 10, 6, 1, need, &fault, &touched), LV_LDPC_E_SYNDROME_PADDING, "\"syndromes\" expected zero padding bits (frame 0)");
	REFUSED(call(c, pad1, 2, llr, 12, 10, 12, 2, need2, &fault, &touched), LV_LDPC_E_SYNDROME_PADDING, "\"syndromes\" expected zero padding bits (frame 1)");
	REFUSED(call(c, syn, 2, nan_llr, 12, 10, 12, 2, need2, &fault, &touched), LV_LDPC_E_LLR_NAN, "\"channelLlrs[9]\" is NaN");
	REFUSED(call(c, syn, 1, llr, 6, 0, 6, 1, need, &fault, &touched), LV_LDPC_E_MAX_ITERATIONS, "\"maxIterations\" expected an integer in [1, 100000], got 0");
	REFUSED(call(c, syn, 1, llr, 6, 100001, 6, 1, need, &fault, &touched), LV_LDPC_E_MAX_ITERATIONS,
		"\"maxIterations\" expected an integer in [1, 100000], got 100001");
	REFUSED(call(c, syn, 1, llr, 6, 10, 5, 1, need, &fault, &touched), LV_LDPC_E_BITS_LENGTH, "\"bits\" expected Uint8Array of length 6, got length=5");
	REFUSED(call(c, syn, 2, llr, 12, 10, 6, 2, need2, &fault, &touched), LV_LDPC_E_BITS_LENGTH, "\"bits\" expected Uint8Array of length 12, got length=6");
	REFUSED(call(c, syn, 2, llr, 12, 10, 12, 1, need2, &fault, &touched), LV_LDPC_E_RESULTS_LENGTH, "\"results\" expected 2 entries, got 1");
	REFUSED(call(c, syn, 1, llr, 6, 10, 6, 0, need, &fault, &touched), LV_LDPC_E_RESULTS_LENGTH, "\"results\" expected 1 entries, got 0");
	REFUSED(call(c, syn, 1, llr, 6, 10, 6, 1, need - 1, &fault, &touched), LV_LDPC_E_WORK, short_one);
	REFUSED(call(c, syn, 2, llr, 12, 10, 12, 2, need2 - 1, &fault, &touched), LV_LDPC_E_WORK, need2 == need ? short_one : "work buffer too small (958 bytes)");
	REFUSED(call(c, NULL, 1, llr, 6, 10, 6, 1, need, &fault, &touched), LV_LDPC_E_NULL, "a required buffer is NULL");
	REFUSED(call(c, syn, 1, NULL, 6, 10, 6, 1, need, &fault, &touched), LV_LDPC_E_NULL, "a required buffer is NULL");
	{
		lv_ldpc_result res;
		uint8_t bits[6];
		static double work[64];
		touched = 0;
		REFUSED(lv_ldpc_decode(&c, syn, 1, llr, 6, 10, NULL, 6, &res, 1, work, need, &fault), LV_LDPC_E_NULL, "a required buffer is NULL");
		REFUSED(lv_ldpc_decode(&c, syn, 1, llr, 6, 10, bits, 6, NULL, 1, work, need, &fault), LV_LDPC_E_NULL, "a required buffer is NULL");
		REFUSED(lv_ldpc_decode(&c, syn, 1, llr, 6, 10, bits, 6, &res, 1, NULL, need, &fault), LV_LDPC_E_NULL, "a required buffer is NULL");
	}
	/* the reference's order: the code, the LLRs' length, the syndromes' length, padding, NaN, max_iterations; then the outputs */
	c.check_vars = bad_col;
	REFUSED(call(c, pad, 2, nan_llr, 5, 0, 5, 0, 0, &fault, &touched), LV_LDPC_E_COLUMN, "\"code.checkVars[7]\" = 6 is not a column of n = 6");
	c = good;
	REFUSED(call(c, pad, 2, nan_llr, 5, 0, 5, 0, 0, &fault, &touched), LV_LDPC_E_LLR_LENGTH,
		"\"channelLlrs\" expected Float64Array of a positive multiple of n = 6 values, got 5");
	REFUSED(call(c, pad, 1, nan_llr, 12, 0, 5, 0, 0, &fault, &touched), LV_LDPC_E_SYNDROME_LENGTH,
		"\"syndromes\" expected Uint8Array of length 2 (2 frames of 3 bits packed), got 1");
	REFUSED(call(c, pad, 2, nan_llr, 12, 0, 5, 0, 0, &fault, &touched), LV_LDPC_E_SYNDROME_PADDING, "\"syndromes\" expected zero padding bits (frame 0)");
	REFUSED(call(c, syn, 2, nan_llr, 12, 0, 5, 0, 0, &fault, &touched), LV_LDPC_E_LLR_NAN, "\"channelLlrs[9]\" is NaN");
	REFUSED(call(c, syn, 2, llr, 12, 0, 5, 0, 0, &fault, &touched), LV_LDPC_E_MAX_ITERATIONS, "\"maxIterations\" expected an integer in [1, 100000], got 0");
	REFUSED(call(c, syn, 2, llr, 12, 1, 5, 0, 0, &fault, &touched), LV_LDPC_E_BITS_LENGTH, "\"bits\" expected Uint8Array of length 12, got length=5");
	REFUSED(call(c, syn, 2, llr, 12, 1, 12, 0, 0, &fault, &touched), LV_LDPC_E_RESULTS_LENGTH, "\"results\" expected 2 entries, got 0");
	/* the work size */
	touched = 0;
	REFUSED(lv_ldpc_work_size(&c, 0, &need, &fault), LV_LDPC_E_FRAMES, "\"frames\" expected at least 1");
	REFUSED(lv_ldpc_work_size(&c, 1, NULL, &fault), LV_LDPC_E_NULL, "a required buffer is NULL");
	c.check_vars = bad_col;
	REFUSED(lv_ldpc_work_size(&c, 0, &need, &fault), LV_LDPC_E_COLUMN, "\"code.checkVars[7]\" = 6 is not a column of n = 6");
	CHECK(lv_ldpc_work_size(NULL, 1, &need, &fault) == LV_LDPC_E_NULL, "work size of NULL");
	CHECK(lv_ldpc_work_size(&good, 1, &need, NULL) == LV_LDPC_OK, "work size, no fault");
	CHECK(lv_ldpc_decode(NULL, syn, 1, llr, 6, 1, NULL, 0, NULL, 0, NULL, 0, NULL) == LV_LDPC_E_NULL, "decode NULL, no fault");
	{
		uint8_t bits[6] = { 0, 1, 0, 2, 0, 0 }, out[2];
		c = good;
		REFUSED((touched = 0, lv_ldpc_syndrome(&c, bits, 5, out, 1, &fault)), LV_LDPC_E_BITS_LENGTH, "\"bits\" expected Uint8Array of length 6, got length=5");
		REFUSED((touched = 0, lv_ldpc_syndrome(&c, bits, 6, out, 1, &fault)), LV_LDPC_E_BIT_VALUE, "\"bits[3]\" expected 0 or 1, got 2");
		bits[3] = 1;
		REFUSED((touched = 0, lv_ldpc_syndrome(&c, bits, 6, out, 2, &fault)), LV_LDPC_E_OUT_LENGTH, "\"out\" expected Uint8Array of length 1");
		CHECK(lv_ldpc_syndrome(&c, bits, 6, out, 1, &fault) == LV_LDPC_OK && out[0] == 0xC0, "syndrome of 010100 = %02x", out[0]);
	}
	fault.status = (lv_ldpc_status)99;
	lv_ldpc_describe(&fault, &good, message, sizeof message);
	CHECK(strcmp(message, "unknown LDPC status 99") == 0, "unknown status: %s", message);
}

static void test_syndrome_and_clean_words(void)
{
	int k;
	rng_state = 12345;
	for (k = 0; k < 200; k++) {
		kat_case c;
		uint8_t *bits, *got, *syn, *out;
		size_t sl;
		uint64_t r, j;
		lv_ldpc_result res;
		lv_ldpc_fault fault;
		make_case(&c);
		sl = (size_t)((c.code.m + 7) / 8);
		bits = malloc((size_t)c.code.n);
		got = malloc((size_t)c.code.n);
		syn = calloc(sl, 1);
		out = malloc(sl);
		for (j = 0; j < c.code.n; j++) bits[j] = rnd() & 1;
		for (r = 0; r < c.code.m; r++) {
			unsigned p = 0;
			uint32_t e;
			for (e = c.ptr[r]; e < c.ptr[r + 1]; e++) p ^= bits[c.vars[e]];
			if (p & 1) syn[r >> 3] |= (uint8_t)(0x80u >> (r & 7));
		}
		CHECK(lv_ldpc_syndrome(&c.code, bits, (size_t)c.code.n, out, sl, &fault) == LV_LDPC_OK && memcmp(out, syn, sl) == 0, "syndrome case %d", k);
		/* a clean word with confident LLRs: one iteration, itself */
		for (j = 0; j < c.code.n; j++) c.llr[j] = bits[j] ? -5.0 : 5.0;
		memcpy(c.syndrome, syn, sl);
		CHECK(decode(&c, got, &res, &fault) == LV_LDPC_OK && res.converged && res.iterations == 1 && memcmp(got, bits, (size_t)c.code.n) == 0,
			"clean word case %d: it=%u conv=%d", k, res.iterations, res.converged);
		free(bits);
		free(got);
		free(syn);
		free(out);
		free_case(&c);
	}
}

/*
 * The fixed point's rounding at its edges, seen through the sign of the word: a code whose one
 * row is empty converges in one iteration to bit_j = quantise(llr_j) < 0, so an LLR just below
 * -1/512 (v just above -0.5) must give 0, the largest double below 1/2 as v must give 1 (its
 * double sum with 0.5 ties to 1; lround would give 0), and so on. Once alone, once in 16 frames.
 */
static void test_rounding(void)
{
	static const uint32_t ptr[2] = { 0, 0 };
	static const double v[] = {
		-0x1.fffffffffffffp-2, 1, -0x1.ffffffffffffep-2, 0, -0.5, 1, -0.25, 0, -0x1p-1074, 0, -0.0, 0, 0.0, 0, -1.5, 1,
		-32766.5, 1, -32767.0, 1, -1e300, 1, -INFINITY, 1, INFINITY, 0, 0.49999999999999994, 0, -2.5000000000000004, 1,
	};
	enum { N = sizeof v / sizeof v[0] / 2, F = 16 };
	const lv_ldpc_code code = { N, 1, ptr, 2, NULL, 0 };
	double llr[N * F];
	uint8_t syn[F] = { 0 }, bits[N * F];
	lv_ldpc_result res[F];
	lv_ldpc_fault fault;
	int j, f;
	for (f = 0; f < F; f++)
		for (j = 0; j < N; j++) llr[N * f + j] = v[2 * j] / 256;
	CHECK(decode_frames(&code, syn, llr, 1, 1, bits, res, &fault) == LV_LDPC_OK && res[0].converged && res[0].iterations == 1, "rounding, one frame");
	for (j = 0; j < N; j++) CHECK(bits[j] == v[2 * j + 1], "rounding of v = %a: bit %u, want %g", v[2 * j], bits[j], v[2 * j + 1]);
	CHECK(decode_frames(&code, syn, llr, F, 1, bits, res, &fault) == LV_LDPC_OK, "rounding, 16 frames");
	for (f = 0; f < F; f++)
		for (j = 0; j < N; j++) CHECK(bits[N * f + j] == v[2 * j + 1], "rounding of v = %a in frame %d: bit %u", v[2 * j], f, bits[N * f + j]);
}

/* The spec's g and its box-plus before the max with 0 (src/qkd/ldpc/decode.ts). */
static int32_t spec_g(int32_t x)
{
	const int32_t u = 170 - ((21 * x) >> 6), w = 68 - ((65 * x) >> 10), y = u > w ? u : w;
	return y > 0 ? y : 0;
}

/*
 * NO_CLAMP in ldpc.c: the kernel leaves out the box-plus's max(0, ·) because min(A, B) +
 * g(min(A + B, LMAX)) - g(|A - B|) is never negative. Every pair of magnitudes, A <= B (the
 * expression is symmetric): one failure is reported, not half a billion.
 */
static void test_boxplus_never_negative(void)
{
	int32_t A, B, bad = -1, bad_b = 0;
	for (A = 0; A <= LV_LDPC_LLR_MAX && bad < 0; A++)
		for (B = A; B <= LV_LDPC_LLR_MAX; B++) {
			const int32_t s = A + B > LV_LDPC_LLR_MAX ? LV_LDPC_LLR_MAX : A + B;
			if (A + spec_g(s) - spec_g(B - A) < 0) {
				bad = A, bad_b = B;
				break;
			}
		}
	CHECK(bad < 0, "box-plus of %d and %d is negative before the clamp: the kernel needs its max(0, .)", bad, bad_b);
}

/*
 * A random (3, 6) code of n = 2000, m = 1000 corrects 1 % errors with LLR 4.6 in a few
 * iterations: once one frame alone, once 40 frames in one call (the lanes, where the CPU has
 * them); the work is wiped after both.
 */
static void test_corrects_errors(void)
{
	enum { F = 40 };
	const uint32_t n = 2000, m = 1000, d = 6;
	uint32_t* ptr = malloc(sizeof(uint32_t) * (m + 1));
	uint32_t* vars = malloc(sizeof(uint32_t) * m * d);
	uint8_t *word = malloc((size_t)n * F), *got = malloc((size_t)n * F), *syn = calloc(125 * F, 1);
	double* llr = malloc(sizeof(double) * n * F);
	uint32_t r, j, e = 0, f, errors = 0, frames, most = 0;
	lv_ldpc_code code;
	lv_ldpc_result res[F];
	lv_ldpc_fault fault;
	size_t need;
	void* work;
	rng_state = 777;
	/* each column in 3 rows: rows take the columns of three random permutations in turn */
	ptr[0] = 0;
	for (r = 0; r < m; r++) {
		for (j = 0; j < d; j++) vars[e++] = (r * d + j) % n;
		ptr[r + 1] = e;
	}
	for (j = m * d - 1; j > 0; j--) { /* shuffle the sockets: a random (3, 6) graph */
		uint32_t k = rnd() % (j + 1), t = vars[j];
		vars[j] = vars[k];
		vars[k] = t;
	}
	code = (lv_ldpc_code){ n, m, ptr, m + 1, vars, e };
	for (f = 0; f < F; f++) {
		for (j = 0; j < n; j++) word[n * f + j] = rnd() & 1;
		CHECK(lv_ldpc_syndrome(&code, word + n * f, n, syn + 125 * f, 125, &fault) == LV_LDPC_OK, "syndrome");
		for (j = 0; j < n; j++) {
			int flip = rnd() % 100 == 0;
			errors += flip;
			llr[n * f + j] = (word[n * f + j] ^ flip) ? -4.6 : 4.6;
		}
	}
	for (frames = 1; frames <= F; frames += F - 1) {
		CHECK(lv_ldpc_work_size(&code, frames, &need, &fault) == LV_LDPC_OK, "work size");
		work = malloc(need);
		CHECK(lv_ldpc_decode(&code, syn, 125 * (size_t)frames, llr, (size_t)n * frames, 50, got, (size_t)n * frames, res, frames, work, need, &fault) ==
				LV_LDPC_OK,
			"decode");
		for (f = 0; f < frames; f++) {
			CHECK(res[f].converged && memcmp(got + n * f, word + n * f, n) == 0, "frame %u of %u not corrected (it=%u, conv=%d)", f, frames,
				res[f].iterations, res[f].converged);
			if (res[f].iterations > most) most = res[f].iterations;
		}
		for (j = 0; j < need && ((uint8_t*)work)[j] == 0; j++) {}
		CHECK(j == need, "work of %u frames not wiped at byte %u", frames, j);
		free(work);
	}
	printf("corrected %u errors in %u frames of %u bits, in at most %u iterations\n", errors, F, n, most);
	free(ptr);
	free(vars);
	free(word);
	free(got);
	free(syn);
	free(llr);
}

int main(int argc, char** argv)
{
	uint32_t digest, multi;
	size_t one = 0, sixteen = 0;
	const lv_ldpc_code small = { 6, 3, small_ptr, 4, small_vars, 8 };
	if (argc > 1 && strcmp(argv[1], "--digest") == 0) {
		digest = kat_digest();
		printf("%08x\n%08x\n", digest, kat_multi_digest());
		return 0;
	}
	test_checks();
	test_syndrome_and_clean_words();
	test_rounding();
	test_boxplus_never_negative();
	test_corrects_errors();
	digest = kat_digest();
	multi = kat_multi_digest();
	CHECK(digest == KAT_DIGEST, "known answer: digest %08x, the reference's is %08x", digest, KAT_DIGEST);
	CHECK(multi == KAT_MULTI_DIGEST, "multi-frame known answer: digest %08x, the reference's is %08x", multi, KAT_MULTI_DIGEST);
	lv_ldpc_work_size(&small, 1, &one, NULL);
	lv_ldpc_work_size(&small, 16, &sixteen, NULL);
	printf("test_ldpc: %d checks, %d failures (known-answer digest %08x over %d random decodes; multi-frame digest %08x over %d calls; %s)\n", checks,
		failures, digest, KAT_CASES, multi, KAT_MULTI_CALLS, sixteen > one ? "16 frames in AVX2 lanes" : "a frame at a time");
	return failures ? 1 : 0;
}
