/*
 * libFuzzer target, differential: the LDPC decoder as built for this CPU (four variable-disjoint
 * rows side by side in SIMD lanes where it finds them) against the same source built with
 * LV_LDPC_PORTABLE (one row at a time, plain C: the spec's operations one by one), on fuzzed codes
 * of constant row degree (so groups form) with repeated columns, fuzzed syndromes and LLRs of
 * every kind (+-Infinity, +-0, NaN-free raw doubles). Words, iterations and convergence must be
 * identical; a converged word must have the target syndrome.
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Inative/kernels native/fuzz/fuzz_ldpc_diff.c native/kernels/ldpc.c
 */
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

lv_ldpc_status lv_ldpc_work_size(const lv_ldpc_code* code, size_t* work_size, lv_ldpc_fault* fault);
lv_ldpc_status lv_ldpc_decode(const lv_ldpc_code* code, const uint8_t* syndrome, size_t syndrome_len,
	const double* llr, size_t llr_len, uint64_t max_iterations, uint8_t* bits, size_t bits_len,
	void* work, size_t work_len, lv_ldpc_result* result, lv_ldpc_fault* fault);
lv_ldpc_status lv_ldpc_syndrome(const lv_ldpc_code* code, const uint8_t* bits, size_t bits_len,
	uint8_t* out, size_t out_len, lv_ldpc_fault* fault);

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	uint64_t n, m, r, j, iters;
	uint32_t d, *ptr, *vars;
	size_t k = 0, need, syn_len;
	uint8_t *syn, *a_bits, *b_bits, *out;
	double* llr;
	void* work;
	lv_ldpc_code code;
	lv_ldpc_fault fault;
	lv_ldpc_result ra, rb;
#define BYTE() (k < size ? data[k++] : (uint8_t)(k++ * 131u))

	if (size < 4) return 0;
	n = 4 + data[0] % 160;
	m = 1 + data[2] % 40;
	d = 2 + (data[3] & 7);
	iters = 1 + (data[3] >> 3) % 8;
	k = 4;
	ptr = malloc(sizeof(uint32_t) * (m + 1));
	vars = malloc(sizeof(uint32_t) * m * d);
	ptr[0] = 0;
	for (r = 0; r < m; r++) ptr[r + 1] = ptr[r] + d;
	for (j = 0; j < m * d; j++) vars[j] = (uint32_t)((BYTE() | BYTE() << 8) % n);
	syn_len = (size_t)((m + 7) / 8);
	syn = calloc(syn_len, 1);
	for (r = 0; r < m; r++)
		if (BYTE() & 1) syn[r >> 3] |= (uint8_t)(0x80u >> (r & 7));
	llr = malloc(sizeof(double) * n);
	for (j = 0; j < n; j++) {
		uint8_t t = BYTE();
		if (t < 8) llr[j] = t == 0 ? INFINITY : t == 1 ? -INFINITY : t == 2 ? 0.0 : t == 3 ? -0.0 : t == 4 ? 1000.0 : -1000.0;
		else if (t < 16) {
			uint64_t u = 0;
			int b;
			for (b = 0; b < 8; b++) u = u << 8 | BYTE();
			memcpy(&llr[j], &u, 8);
			if (llr[j] != llr[j]) llr[j] = 0.5; /* NaN is refused; the checks have their own target */
		} else
			llr[j] = ((double)t - 136.0) / 8.0;
	}
	code = (lv_ldpc_code){ n, m, ptr, (size_t)m + 1, vars, (size_t)(m * d) };
	if (lv_ldpc_work_size(&code, &need, &fault) != LV_LDPC_OK) abort();
	work = malloc(need);
	a_bits = malloc(n);
	b_bits = malloc(n);
	if (lv_ldpc_decode(&code, syn, syn_len, llr, n, iters, a_bits, n, work, need, &ra, &fault) != LV_LDPC_OK) abort();
	if (portable_ldpc_decode(&code, syn, syn_len, llr, n, iters, b_bits, n, work, need, &rb, &fault) != LV_LDPC_OK) abort();
	if (ra.iterations != rb.iterations || ra.converged != rb.converged || memcmp(a_bits, b_bits, n)) abort();
	if (ra.converged) {
		out = malloc(syn_len);
		if (lv_ldpc_syndrome(&code, a_bits, n, out, syn_len, &fault) != LV_LDPC_OK || memcmp(out, syn, syn_len)) abort();
		free(out);
	}
	free(ptr);
	free(vars);
	free(syn);
	free(llr);
	free(work);
	free(a_bits);
	free(b_bits);
	return 0;
}
