/*
 * libFuzzer target: the LDPC kernel's entry points on arbitrary caller data (lv_ldpc_work_size,
 * lv_ldpc_decode, lv_ldpc_syndrome, lv_ldpc_describe). The first bytes choose n, m, the row
 * degrees' shape and the length errors of every buffer (check_ptr, check_vars, syndrome, LLRs,
 * bits, work); the rest fills them raw, so check_ptr may decrease, columns may be >= n, LLRs may
 * be NaN, +-Infinity or anything. Every buffer is allocated to exactly its declared length, so
 * ASan sees any overread. A status must be known, a refused call must leave the outputs alone,
 * and an accepted decode must return a 0/1 word whose syndrome matches when it says converged.
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Inative/kernels native/fuzz/fuzz_ldpc_api.c native/kernels/ldpc.c
 * (scripts/fuzz-native.mjs builds and runs it: npm run fuzz:native)
 */
#include "ldpc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static size_t with_delta(size_t length, int delta)
{
	return delta < 0 && length < (size_t)-delta ? 0 : length + (size_t)delta;
}

static const uint8_t* take(const uint8_t** data, size_t* size, size_t want)
{
	const uint8_t* p = *data;
	if (*size < want) return NULL;
	*data += want;
	*size -= want;
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	const uint8_t* h = take(&data, &size, 12);
	uint64_t n, m, iters;
	uint32_t *ptr, *vars;
	size_t ptr_len, vars_len, syn_len, llr_len, bits_len, work_len, need = 0, i;
	uint8_t *syn, *bits, *out;
	double* llr;
	void* work;
	lv_ldpc_code code;
	lv_ldpc_fault fault;
	lv_ldpc_result res = { 0xDEADBEEF, 7 };
	lv_ldpc_status st;
	char message[256];
	int raw_ptr;

	if (!h) return 0;
	n = 1 + (h[0] | (h[1] & 1) << 8); /* 1 .. 512 */
	m = 1 + h[2] % 128; /* 1 .. 128 */
	if (h[4] == 0xFF) n = (h[5] & 1) ? 0 : ((uint64_t)1 << 31) + 1; /* absurd sizes */
	if (h[4] == 0xFE) m = (h[5] & 1) ? 0 : ((uint64_t)1 << 40);
	raw_ptr = h[6] & 1; /* check_ptr from raw bytes (may decrease) or from small degrees */
	iters = (h[7] == 0xFF) ? LV_LDPC_MAX_ITERATIONS + 1 : h[7] % 10; /* 0 is refused too */

	if (n > 4096 || m > 4096) { /* only the checks: never allocate for absurd sizes */
		uint32_t tiny_ptr[2] = { 0, 0 };
		uint8_t tiny[8] = { 0 };
		double one = 1.0;
		size_t w;
		code = (lv_ldpc_code){ n, m, tiny_ptr, 2, (const uint32_t*)tiny, 0 };
		if (lv_ldpc_work_size(&code, &w, &fault) == LV_LDPC_OK) abort();
		if (lv_ldpc_decode(&code, tiny, 1, &one, 1, 1, tiny, 1, tiny, sizeof tiny, &res, &fault) == LV_LDPC_OK) abort();
		lv_ldpc_describe(&fault, &code, message, sizeof message);
		return 0;
	}

	ptr_len = with_delta((size_t)m + 1, (h[8] & 0x80) ? (int)(h[8] & 3) - 2 : 0);
	ptr = malloc(sizeof(uint32_t) * (ptr_len ? ptr_len : 1));
	if (raw_ptr) {
		for (i = 0; i < ptr_len; i++) {
			const uint8_t* b = take(&data, &size, 2);
			ptr[i] = b ? (uint32_t)(b[0] | b[1] << 8) % 64 * (uint32_t)i / 4 : (uint32_t)i;
		}
		if (ptr_len && !(h[9] & 0x80)) ptr[0] = 0;
	} else {
		uint32_t e = 0;
		for (i = 0; i < ptr_len; i++) {
			const uint8_t* b = i ? take(&data, &size, 1) : NULL;
			if (i) e += b ? b[0] % 9 : 3;
			ptr[i] = e;
		}
	}
	vars_len = ptr_len ? ptr[ptr_len - 1] : 0;
	if (vars_len > 8192) vars_len = 8192;
	vars_len = with_delta(vars_len, (h[9] & 0x40) ? (int)(h[9] & 3) - 2 : 0);
	vars = malloc(sizeof(uint32_t) * (vars_len ? vars_len : 1));
	for (i = 0; i < vars_len; i++) {
		const uint8_t* b = take(&data, &size, 2);
		vars[i] = (uint32_t)(b ? (uint32_t)(b[0] | b[1] << 8) : i) % (uint32_t)(n + ((h[10] & 0x80) ? 2 : 1)); /* n = 0 is possible */
	}
	syn_len = with_delta((size_t)((m + 7) / 8), (h[10] & 0x40) ? (int)(h[10] & 3) - 2 : 0);
	syn = malloc(syn_len ? syn_len : 1);
	for (i = 0; i < syn_len; i++) {
		const uint8_t* b = take(&data, &size, 1);
		syn[i] = b ? b[0] : 0;
	}
	if (syn_len && (m & 7) && !(h[10] & 0x20)) syn[syn_len - 1] &= (uint8_t)(0xFF00u >> (m & 7));
	llr_len = with_delta((size_t)n, (h[11] & 0x80) ? (int)(h[11] & 3) - 2 : 0);
	llr = malloc(sizeof(double) * (llr_len ? llr_len : 1));
	for (i = 0; i < llr_len; i++) {
		const uint8_t* b = take(&data, &size, (h[11] & 0x40) ? 8 : 1);
		if (!b) llr[i] = 1.0;
		else if (h[11] & 0x40) memcpy(&llr[i], b, 8); /* any bit pattern: NaN, subnormal, huge */
		else llr[i] = b[0] == 0 ? INFINITY : b[0] == 1 ? -INFINITY : ((double)b[0] - 128.0) / 16.0;
	}
	bits_len = with_delta((size_t)n, (h[5] & 0x80) ? (int)(h[5] & 3) - 2 : 0);
	bits = malloc(bits_len ? bits_len : 1);
	memset(bits, 0xA5, bits_len);

	code = (lv_ldpc_code){ n, m, ptr, ptr_len, vars, vars_len };
	st = lv_ldpc_work_size(&code, &need, &fault);
	if ((unsigned)st >= LV_LDPC_STATUS_COUNT) abort();
	work_len = st == LV_LDPC_OK ? with_delta(need, (h[6] & 0x80) ? -(int)(h[6] >> 1 & 7) - 1 : 0) : 64;
	work = malloc(work_len ? work_len : 1);
	fault.status = LV_LDPC_OK; /* a call that succeeds leaves the fault alone */
	st = lv_ldpc_decode(&code, syn, syn_len, llr, llr_len, iters, bits, bits_len, work, work_len, &res, &fault);
	if ((unsigned)st >= LV_LDPC_STATUS_COUNT || st != fault.status) abort();
	lv_ldpc_describe(&fault, &code, message, sizeof message);
	if (st != LV_LDPC_OK) {
		for (i = 0; i < bits_len; i++)
			if (bits[i] != 0xA5) abort(); /* a refused call wrote its output */
		if (res.iterations != 0xDEADBEEF || res.converged != 7) abort();
	} else {
		if (res.iterations < 1 || res.iterations > iters || (res.converged != 0 && res.converged != 1)) abort();
		for (i = 0; i < bits_len; i++)
			if (bits[i] > 1) abort();
		out = malloc(syn_len ? syn_len : 1);
		if (lv_ldpc_syndrome(&code, bits, bits_len, out, syn_len, &fault) != LV_LDPC_OK) abort();
		if (res.converged && memcmp(out, syn, syn_len)) abort(); /* "converged" to a word of another syndrome */
		free(out);
	}
	/* the syndrome entry point on raw bits (values > 1 refused) */
	out = malloc(syn_len ? syn_len : 1);
	st = lv_ldpc_syndrome(&code, syn_len ? syn : bits, syn_len ? (syn_len < bits_len ? syn_len : bits_len) : bits_len, out, syn_len, &fault);
	if ((unsigned)st >= LV_LDPC_STATUS_COUNT) abort();
	free(out);
	free(ptr);
	free(vars);
	free(syn);
	free(llr);
	free(bits);
	free(work);
	return 0;
}
