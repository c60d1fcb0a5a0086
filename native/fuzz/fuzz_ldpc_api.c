/*
 * libFuzzer target: the LDPC kernel's entry points on arbitrary caller data (lv_ldpc_work_size,
 * lv_ldpc_decode of one or more frames, lv_ldpc_syndrome, lv_ldpc_describe). The first bytes
 * choose n, m, the frame count, the row degrees' shape, the length errors of every buffer
 * (check_ptr, check_vars, syndromes, LLRs, bits, results, work) and which buffer is NULL; the rest
 * fills them raw, so check_ptr may decrease, columns may be >= n, padding bits may be set in any
 * frame, LLRs may be NaN, +-Infinity or anything. Every buffer is allocated to exactly its
 * declared length, so ASan sees any overread. A status must be known and the one the reference's
 * order of checks gives (with its index and value) once the code is good; a refused call must
 * leave the outputs alone; an accepted decode must give each frame a 0/1 word, iterations in
 * [1, max_iterations], and the frame's syndrome when it says converged.
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

/* The status the reference's order gives for a good code (checkLdpcDecodeArgs, then the outputs). */
static lv_ldpc_fault expected(const lv_ldpc_code* code, const uint8_t* syn, size_t syn_len, const double* llr, size_t llr_len, uint64_t iters,
	const uint8_t* bits, size_t bits_len, const lv_ldpc_result* res, size_t res_len, const void* work, size_t work_len)
{
	const uint64_t n = code->n, bytes = (code->m + 7) / 8;
	lv_ldpc_fault want = { LV_LDPC_OK, 0, 0 };
	uint64_t frames, i;
	size_t need;
#define WANT(s, i, v)                                  \
	do {                                               \
		want = (lv_ldpc_fault){ (s), (i), (v) };       \
		return want;                                   \
	} while (0)
	if (!llr) WANT(LV_LDPC_E_NULL, 0, 0);
	if (llr_len == 0 || llr_len % n) WANT(LV_LDPC_E_LLR_LENGTH, 0, llr_len);
	frames = llr_len / n;
	if (!syn) WANT(LV_LDPC_E_NULL, 0, 0);
	if (syn_len != frames * bytes) WANT(LV_LDPC_E_SYNDROME_LENGTH, frames, syn_len);
	for (i = 0; i < frames && (code->m & 7); i++)
		if (syn[(i + 1) * bytes - 1] & (0xFF >> (code->m & 7))) WANT(LV_LDPC_E_SYNDROME_PADDING, i, 0);
	for (i = 0; i < llr_len; i++)
		if (isnan(llr[i])) WANT(LV_LDPC_E_LLR_NAN, i, 0);
	if (iters < 1 || iters > LV_LDPC_MAX_ITERATIONS) WANT(LV_LDPC_E_MAX_ITERATIONS, 0, iters);
	if (!bits) WANT(LV_LDPC_E_NULL, 0, 0);
	if (bits_len != llr_len) WANT(LV_LDPC_E_BITS_LENGTH, llr_len, bits_len);
	if (!res) WANT(LV_LDPC_E_NULL, 0, 0);
	if (res_len != frames) WANT(LV_LDPC_E_RESULTS_LENGTH, frames, res_len);
	if (!work) WANT(LV_LDPC_E_NULL, 0, 0);
	if (lv_ldpc_work_size(code, frames, &need, NULL) != LV_LDPC_OK) abort();
	if (work_len < need) WANT(LV_LDPC_E_WORK, 0, work_len);
	return want;
#undef WANT
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	const uint8_t* h = take(&data, &size, 14);
	uint64_t n, m, iters, frames, f;
	uint32_t *ptr, *vars;
	size_t ptr_len, vars_len, syn_len, llr_len, bits_len, res_len, work_len, out_len, need = 0, i, bytes;
	uint8_t *syn, *bits, *out;
	double* llr;
	void* work;
	lv_ldpc_result* res;
	lv_ldpc_code code;
	lv_ldpc_fault fault, want;
	lv_ldpc_status st, code_st;
	char message[256];
	int raw_ptr;

	if (!h) return 0;
	n = 1 + (h[0] | (h[1] & 1) << 8); /* 1 .. 512 */
	m = 1 + h[2] % 128;               /* 1 .. 128 */
	frames = 1 + h[3] % 24;           /* 1 .. 24: one frame alone, a few, more than the 16 lanes */
	if (h[4] == 0xFF) n = (h[5] & 1) ? 0 : ((uint64_t)1 << 31) + 1; /* absurd sizes */
	if (h[4] == 0xFE) m = (h[5] & 1) ? 0 : ((uint64_t)1 << 40);
	raw_ptr = h[6] & 1; /* check_ptr from raw bytes (may decrease) or from small degrees */
	iters = (h[7] == 0xFF) ? LV_LDPC_MAX_ITERATIONS + 1 : h[7] % 10; /* 0 is refused too */

	if (n > 4096 || m > 4096) { /* only the checks: never allocate for absurd sizes */
		uint32_t tiny_ptr[2] = { 0, 0 };
		uint8_t tiny[8] = { 0 };
		double one = 1.0;
		lv_ldpc_result r1;
		size_t w;
		code = (lv_ldpc_code){ n, m, tiny_ptr, 2, (const uint32_t*)tiny, 0 };
		if (lv_ldpc_work_size(&code, frames, &w, &fault) == LV_LDPC_OK) abort();
		if (lv_ldpc_decode(&code, tiny, 1, &one, 1, 1, tiny, 1, &r1, 1, tiny, sizeof tiny, &fault) == LV_LDPC_OK) abort();
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
	bytes = (size_t)((m + 7) / 8);
	syn_len = with_delta(bytes * (size_t)frames, (h[10] & 0x40) ? (int)(h[10] & 3) - 2 : 0);
	syn = malloc(syn_len ? syn_len : 1);
	for (i = 0; i < syn_len; i++) {
		const uint8_t* b = take(&data, &size, 1);
		syn[i] = b ? b[0] : 0;
	}
	/* padding bits cleared, except (h[10] & 0x20) in frame h[12] % frames and the ones after it */
	if (m & 7)
		for (f = 0; f < frames && (f + 1) * bytes <= syn_len; f++)
			if (!(h[10] & 0x20) || f < h[12] % frames) syn[(f + 1) * bytes - 1] &= (uint8_t)(0xFF00u >> (m & 7));
	/* LLRs for frames (+ 0 .. 3 frames, or + -2 .. 1 values: a length that is no multiple of n) */
	llr_len = (h[11] & 0x80) ? with_delta((size_t)n * (size_t)frames, (int)(h[11] & 3) - 2)
		: (size_t)n * (size_t)(frames + ((h[11] & 0x20) ? (uint64_t)(h[11] & 3) : 0));
	if (h[11] & 0x10) llr_len = 0;
	llr = malloc(sizeof(double) * (llr_len ? llr_len : 1));
	for (i = 0; i < llr_len; i++) {
		const uint8_t* b = take(&data, &size, (h[11] & 0x40) ? 8 : 1);
		if (!b) llr[i] = 1.0;
		else if (h[11] & 0x40) memcpy(&llr[i], b, 8); /* any bit pattern: NaN, subnormal, huge */
		else llr[i] = b[0] == 0 ? INFINITY : b[0] == 1 ? -INFINITY : ((double)b[0] - 128.0) / 16.0;
	}
	bits_len = with_delta(llr_len, (h[5] & 0x80) ? (int)(h[5] & 3) - 2 : 0);
	bits = malloc(bits_len ? bits_len : 1);
	memset(bits, 0xA5, bits_len);
	res_len = with_delta(n && llr_len % n == 0 ? llr_len / n : frames, (h[13] & 0x80) ? (int)(h[13] & 3) - 2 : 0);
	res = malloc(sizeof(lv_ldpc_result) * (res_len ? res_len : 1));
	for (i = 0; i < res_len; i++) res[i] = (lv_ldpc_result){ 0xDEADBEEF, 7 };

	code = (lv_ldpc_code){ n, m, ptr, ptr_len, vars, vars_len };
	code_st = lv_ldpc_work_size(&code, 1, &need, &fault);
	if ((unsigned)code_st >= LV_LDPC_STATUS_COUNT) abort();
	if (code_st == LV_LDPC_OK) {
		size_t ignored;
		if (lv_ldpc_work_size(&code, 0, &ignored, &fault) != LV_LDPC_E_FRAMES || fault.status != LV_LDPC_E_FRAMES) abort();
		if (lv_ldpc_work_size(&code, 1, NULL, NULL) != LV_LDPC_E_NULL) abort();
		need = 0;
		if (n && llr_len && llr_len % n == 0 && lv_ldpc_work_size(&code, llr_len / n, &need, NULL) != LV_LDPC_OK) abort();
	}
	work_len = need ? with_delta(need, (h[6] & 0x80) ? -(int)(h[6] >> 1 & 7) - 1 : 0) : 64;
	work = malloc(work_len ? work_len : 1);
	fault.status = LV_LDPC_OK; /* a call that succeeds leaves the fault alone */
	fault.index = fault.value = 0;
	{
		/* h[13] & 0x70 picks a NULL buffer now and then */
		const unsigned null_pick = (h[13] >> 4) & 7;
		const uint8_t* s_arg = null_pick == 1 ? NULL : syn;
		const double* l_arg = null_pick == 2 ? NULL : llr;
		uint8_t* b_arg = null_pick == 3 ? NULL : bits;
		lv_ldpc_result* r_arg = null_pick == 4 ? NULL : res;
		void* w_arg = null_pick == 5 ? NULL : work;
		st = lv_ldpc_decode(&code, s_arg, syn_len, l_arg, llr_len, iters, b_arg, bits_len, r_arg, res_len, w_arg, work_len, &fault);
		if ((unsigned)st >= LV_LDPC_STATUS_COUNT || st != fault.status) abort();
		if (code_st != LV_LDPC_OK && st != code_st) abort(); /* the code is checked first */
		if (code_st == LV_LDPC_OK) {
			want = expected(&code, s_arg, syn_len, l_arg, llr_len, iters, b_arg, bits_len, r_arg, res_len, w_arg, work_len);
			if (st != want.status || fault.index != want.index || fault.value != want.value) abort();
		}
	}
	lv_ldpc_describe(&fault, &code, message, sizeof message);
	if (st != LV_LDPC_OK) {
		for (i = 0; i < bits_len; i++)
			if (bits[i] != 0xA5) abort(); /* a refused call wrote its output */
		for (i = 0; i < res_len; i++)
			if (res[i].iterations != 0xDEADBEEF || res[i].converged != 7) abort();
	} else {
		const size_t nn = (size_t)n;
		frames = llr_len / nn;
		out = malloc(bytes);
		for (f = 0; f < frames; f++) {
			if (res[f].iterations < 1 || res[f].iterations > iters || (res[f].converged != 0 && res[f].converged != 1)) abort();
			for (i = 0; i < nn; i++)
				if (bits[nn * f + i] > 1) abort();
			if (lv_ldpc_syndrome(&code, bits + nn * f, nn, out, bytes, &fault) != LV_LDPC_OK) abort();
			if (res[f].converged && memcmp(out, syn + bytes * f, bytes)) abort(); /* "converged" to a word of another syndrome */
		}
		free(out);
	}
	/* the syndrome entry point on raw bits (values > 1 refused) */
	out_len = (h[12] & 0x40) ? with_delta(bytes, (h[12] & 0x20) ? 1 : -1) : bytes;
	out = malloc(out_len ? out_len : 1);
	st = lv_ldpc_syndrome(&code, syn_len ? syn : bits, syn_len ? (syn_len < bits_len ? syn_len : bits_len) : bits_len, out, out_len, &fault);
	if ((unsigned)st >= LV_LDPC_STATUS_COUNT) abort();
	lv_ldpc_describe(&fault, &code, message, sizeof message);
	free(out);
	free(ptr);
	free(vars);
	free(syn);
	free(llr);
	free(bits);
	free(res);
	free(work);
	return 0;
}
