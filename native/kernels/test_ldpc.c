/*
 * Unit test of native/kernels/ldpc.c: the argument checks (every status, and that a refused call
 * writes nothing), the syndrome against a bit-at-a-time count, decoding (a clean word converges
 * in one iteration to itself; a word with a few errors on a 4-cycle-free code is corrected), and a
 * known answer: an FNV-1a digest over the outcomes of random decodes (codes of random and of
 * constant row degree, repeated columns, rows of degree 0 and 1, LLRs +-Infinity, +-0, dyadic
 * values), the same cases test/native-ldpc.test.ts rebuilds in TypeScript and runs through the
 * reference decoder: the constant below is the reference's answer. Run by that test:
 *   cc -std=c11 -O2 -Wall -Wextra -o test_ldpc test_ldpc.c ldpc.c && ./test_ldpc [--digest]
 * (also with -DLV_LDPC_PORTABLE). Prints one line per failure and a summary; exits non-zero on any.
 */
#include "ldpc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The reference decoder's digest of the random cases (test/native-ldpc.test.ts recomputes it). */
#define KAT_CASES 400
#define KAT_DIGEST 0x9922c64au

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

/* One random case; the TypeScript twin (katCase in test/native-ldpc.test.ts) draws in this order. */
static void make_case(kat_case* c)
{
	uint32_t n = 16 + rnd() % 300, m = 1 + rnd() % n, constant = rnd() % 2, dconst = 2 + rnd() % 6, r, j, e = 0;
	c->ptr = malloc(sizeof(uint32_t) * (m + 1));
	c->vars = malloc(sizeof(uint32_t) * (size_t)m * 8 + 4);
	c->ptr[0] = 0;
	for (r = 0; r < m; r++) {
		uint32_t d = constant ? dconst : rnd() % 9, i;
		for (i = 0; i < d; i++) c->vars[e++] = rnd() % n;
		c->ptr[r + 1] = e;
	}
	c->syndrome = calloc((m + 7) / 8, 1);
	for (r = 0; r < m; r++)
		if (rnd() & 1) c->syndrome[r >> 3] |= (uint8_t)(0x80u >> (r & 7));
	c->llr = malloc(sizeof(double) * n);
	for (j = 0; j < n; j++) {
		uint32_t t = rnd() % 16;
		c->llr[j] = t == 0 ? INFINITY : t == 1 ? -INFINITY : t == 2 ? 0.0 : t == 3 ? -0.0 : ((double)(rnd() % 2001) - 1000.0) / 64.0;
	}
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

static lv_ldpc_status decode(const kat_case* c, uint8_t* bits, lv_ldpc_result* res, lv_ldpc_fault* fault)
{
	size_t need = 0;
	void* work;
	lv_ldpc_status st = lv_ldpc_work_size(&c->code, &need, fault);
	if (st != LV_LDPC_OK) return st;
	work = malloc(need);
	st = lv_ldpc_decode(&c->code, c->syndrome, (size_t)((c->code.m + 7) / 8), c->llr, (size_t)c->code.n, c->max_iterations,
		bits, (size_t)c->code.n, work, need, res, fault);
	free(work);
	return st;
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
		uint8_t head[5];
		uint8_t* bits;
		make_case(&c);
		bits = malloc((size_t)c.code.n);
		CHECK(decode(&c, bits, &res, &fault) == LV_LDPC_OK, "case %d refused", k);
		head[0] = (uint8_t)res.iterations;
		head[1] = (uint8_t)(res.iterations >> 8);
		head[2] = (uint8_t)(res.iterations >> 16);
		head[3] = (uint8_t)(res.iterations >> 24);
		head[4] = (uint8_t)res.converged;
		h = fnv(h, head, 5);
		h = fnv(h, bits, (size_t)c.code.n);
		free(bits);
		free_case(&c);
	}
	return h;
}

/* A small code: 3 rows over 6 columns. */
static const uint32_t small_ptr[4] = { 0, 3, 6, 8 };
static const uint32_t small_vars[8] = { 0, 1, 2, 2, 3, 4, 4, 5 };

static lv_ldpc_status call(lv_ldpc_code code, const uint8_t* syn, size_t syn_len, const double* llr, size_t llr_len,
	uint64_t iters, size_t bits_len, size_t work_len, lv_ldpc_fault* fault, int* touched)
{
	static uint8_t bits[64];
	static double work[4096];
	lv_ldpc_result res = { 0xDEAD, 7 };
	lv_ldpc_status st;
	memset(bits, 0xA5, sizeof bits);
	st = lv_ldpc_decode(&code, syn, syn_len, llr, llr_len, iters, bits, bits_len, work, work_len, &res, fault);
	*touched = bits[0] != 0xA5 || res.iterations != 0xDEAD || res.converged != 7;
	return st;
}

static void test_checks(void)
{
	const lv_ldpc_code good = { 6, 3, small_ptr, 4, small_vars, 8 };
	uint8_t syn[1] = { 0 }, pad[1] = { 0x10 };
	double llr[6] = { 1, 1, 1, 1, 1, 1 }, nan_llr[6] = { 1, 1, 1, NAN, 1, 1 };
	uint32_t bad_order[4] = { 0, 3, 2, 8 }, bad_col[8] = { 0, 1, 2, 2, 3, 4, 4, 6 };
	lv_ldpc_fault fault;
	char message[256];
	int touched;
	size_t need;
	lv_ldpc_code c;
	lv_ldpc_status st;

	CHECK(lv_ldpc_work_size(&good, &need, &fault) == LV_LDPC_OK && need == 8 * (6 + 8 + 16 * 3) + 3, "work size %zu", need);
	CHECK(call(good, syn, 1, llr, 6, 10, 6, need, &fault, &touched) == LV_LDPC_OK && touched, "a good call");
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
	REFUSED(call(c, syn, 1, llr, 6, 10, 6, need, &fault, &touched), LV_LDPC_E_N, "\"code.n\" expected an integer in [1, 2147483648], got 0");
	c = good;
	c.m = (uint64_t)1 << 40;
	REFUSED(call(c, syn, 1, llr, 6, 10, 6, need, &fault, &touched), LV_LDPC_E_M, "\"code.m\" expected an integer in [1, 2147483648], got 1099511627776");
	c = good;
	c.check_ptr_len = 3;
	REFUSED(call(c, syn, 1, llr, 6, 10, 6, need, &fault, &touched), LV_LDPC_E_CHECK_PTR, "\"code.checkPtr\" expected Uint32Array of length 4");
	c = good;
	c.check_vars_len = 7;
	REFUSED(call(c, syn, 1, llr, 6, 10, 6, need, &fault, &touched), LV_LDPC_E_CHECK_VARS,
		"\"code.checkVars\" expected Uint32Array of length code.checkPtr[m], with code.checkPtr[0] = 0");
	c = good;
	c.check_ptr = bad_order;
	REFUSED(call(c, syn, 1, llr, 6, 10, 6, need, &fault, &touched), LV_LDPC_E_CHECK_PTR_ORDER, "\"code.checkPtr\" decreases at row 1");
	c = good;
	c.check_vars = bad_col;
	REFUSED(call(c, syn, 1, llr, 6, 10, 6, need, &fault, &touched), LV_LDPC_E_COLUMN, "\"code.checkVars[7]\" = 6 is not a column of n = 6");
	c = good;
	REFUSED(call(c, syn, 2, llr, 6, 10, 6, need, &fault, &touched), LV_LDPC_E_SYNDROME_LENGTH, "\"syndrome\" expected Uint8Array of length 1 (3 bits packed)");
	REFUSED(call(c, pad, 1, llr, 6, 10, 6, need, &fault, &touched), LV_LDPC_E_SYNDROME_PADDING, "\"syndrome\" expected zero padding bits");
	REFUSED(call(c, syn, 1, llr, 5, 10, 6, need, &fault, &touched), LV_LDPC_E_LLR_LENGTH, "\"channelLlr\" expected Float64Array of length 6");
	REFUSED(call(c, syn, 1, nan_llr, 6, 10, 6, need, &fault, &touched), LV_LDPC_E_LLR_NAN, "\"channelLlr[3]\" is NaN");
	REFUSED(call(c, syn, 1, llr, 6, 0, 6, need, &fault, &touched), LV_LDPC_E_MAX_ITERATIONS, "\"maxIterations\" expected an integer in [1, 100000], got 0");
	REFUSED(call(c, syn, 1, llr, 6, 100001, 6, need, &fault, &touched), LV_LDPC_E_MAX_ITERATIONS, "\"maxIterations\" expected an integer in [1, 100000], got 100001");
	REFUSED(call(c, syn, 1, llr, 6, 10, 5, need, &fault, &touched), LV_LDPC_E_BITS_LENGTH, "\"bits\" expected Uint8Array of length 6, got length=5");
	REFUSED(call(c, syn, 1, llr, 6, 10, 6, need - 1, &fault, &touched), LV_LDPC_E_WORK, "work buffer too small (498 bytes)");
	REFUSED(call(c, NULL, 1, llr, 6, 10, 6, need, &fault, &touched), LV_LDPC_E_NULL, "a required buffer is NULL");
	REFUSED(call(c, syn, 1, NULL, 6, 10, 6, need, &fault, &touched), LV_LDPC_E_NULL, "a required buffer is NULL");
	/* the reference's order: the code before the syndrome before the LLRs */
	c.check_vars = bad_col;
	REFUSED(call(c, pad, 2, nan_llr, 5, 0, 6, need, &fault, &touched), LV_LDPC_E_COLUMN, "\"code.checkVars[7]\" = 6 is not a column of n = 6");
	CHECK(lv_ldpc_work_size(NULL, &need, &fault) == LV_LDPC_E_NULL, "work size of NULL");
	CHECK(lv_ldpc_decode(NULL, syn, 1, llr, 6, 1, NULL, 0, NULL, 0, NULL, NULL) == LV_LDPC_E_NULL, "decode NULL, no fault");
	{
		uint8_t bits[6] = { 0, 1, 0, 2, 0, 0 }, out[2];
		c = good;
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

/* A (3, 6)-regular code without 4-cycles would need a construction; a random constant-degree code
   of n = 2000, m = 1000, row degree 6, corrects 1 % errors with LLR 4.6 in a few iterations. */
static void test_corrects_errors(void)
{
	const uint32_t n = 2000, m = 1000, d = 6;
	uint32_t* ptr = malloc(sizeof(uint32_t) * (m + 1));
	uint32_t* vars = malloc(sizeof(uint32_t) * m * d);
	uint8_t *word = malloc(n), *got = malloc(n), syn[125] = { 0 };
	double* llr = malloc(sizeof(double) * n);
	uint32_t r, j, e = 0, errors = 0;
	lv_ldpc_code code;
	lv_ldpc_result res;
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
	for (j = 0; j < n; j++) word[j] = rnd() & 1;
	CHECK(lv_ldpc_syndrome(&code, word, n, syn, sizeof syn, &fault) == LV_LDPC_OK, "syndrome");
	for (j = 0; j < n; j++) {
		int flip = rnd() % 100 == 0;
		errors += flip;
		llr[j] = (word[j] ^ flip) ? -4.6 : 4.6;
	}
	CHECK(lv_ldpc_work_size(&code, &need, &fault) == LV_LDPC_OK, "work size");
	work = malloc(need);
	CHECK(lv_ldpc_decode(&code, syn, sizeof syn, llr, n, 50, got, n, work, need, &res, &fault) == LV_LDPC_OK, "decode");
	CHECK(res.converged && memcmp(got, word, n) == 0, "%u errors not corrected (it=%u, conv=%d)", errors, res.iterations, res.converged);
	for (j = 0; j < need && ((uint8_t*)work)[j] == 0; j++) {}
	CHECK(j == need, "work not wiped at byte %u", j);
	printf("corrected %u errors of %u bits in %u iterations\n", errors, n, res.iterations);
	free(work);
	free(ptr);
	free(vars);
	free(word);
	free(got);
	free(llr);
}

int main(int argc, char** argv)
{
	uint32_t digest;
	if (argc > 1 && strcmp(argv[1], "--digest") == 0) {
		printf("%08x\n", kat_digest());
		return 0;
	}
	test_checks();
	test_syndrome_and_clean_words();
	test_corrects_errors();
	digest = kat_digest();
	CHECK(digest == KAT_DIGEST, "known answer: digest %08x, the reference's is %08x", digest, KAT_DIGEST);
	printf("test_ldpc: %d checks, %d failures (known-answer digest %08x over %d random decodes)\n", checks, failures, digest, KAT_CASES);
	return failures ? 1 : 0;
}
