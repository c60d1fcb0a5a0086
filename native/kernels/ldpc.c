/*
 * LIGHTVIBES native kernel: LDPC syndrome decoding (see ldpc.h). The algorithm is the one the
 * header of src/qkd/ldpc/decode.ts specifies, operation for operation and in the same order;
 * comments here only say why the C is shaped as it is.
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "ldpc.h"

#include <float.h>
#include <stdio.h>
#include <string.h>

/* Bit-exactness needs double arithmetic rounded to double at every step (no x87 excess precision). */
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD != 0 && FLT_EVAL_METHOD != -1
#error "ldpc.c needs FLT_EVAL_METHOD == 0 (SSE2 doubles on x86; -mfpmath=sse)"
#endif

#define LDPC_C 1000.0
#define LDPC_G0 0.6630859375
#define LDPC_G1 0.328125
#define LDPC_K0 0.2666015625
#define LDPC_K1 0.0634765625

static void fail(lv_ldpc_fault* fault, lv_ldpc_status status, uint64_t index, uint64_t value)
{
	if (fault) {
		fault->status = status;
		fault->index = index;
		fault->value = value;
	}
}

#define FAIL(status, index, value)                    \
	do {                                              \
		fail(fault, (status), (index), (value));      \
		return (status);                              \
	} while (0)

/* Wipes so the stores survive dead-store elimination: memset, then a compiler barrier that may read
   the memory (GCC, clang: the byte loop through a volatile pointer cost 4 % of a decode); elsewhere
   the volatile byte loop. */
static void wipe(void* p, size_t len)
{
#if defined(__GNUC__) || defined(__clang__)
	memset(p, 0, len);
	__asm__ __volatile__("" : : "r"(p) : "memory");
#else
	volatile uint8_t* b = (volatile uint8_t*)p;
	while (len--) *b++ = 0;
#endif
}

/* The code's checks, in the order of checkLdpcCodeView (decode.ts); *dmax = the largest row degree. */
static lv_ldpc_status check_code(const lv_ldpc_code* code, uint32_t* dmax, lv_ldpc_fault* fault)
{
	uint64_t r, m;
	size_t e;
	uint32_t most = 0;
	if (!code) FAIL(LV_LDPC_E_NULL, 0, 0);
	if (code->n < 1 || code->n > LV_LDPC_MAX_N) FAIL(LV_LDPC_E_N, 0, code->n);
	if (code->m < 1 || code->m > LV_LDPC_MAX_N) FAIL(LV_LDPC_E_M, 0, code->m);
	m = code->m;
	if (!code->check_ptr || (code->check_vars_len && !code->check_vars)) FAIL(LV_LDPC_E_NULL, 0, 0);
	if (code->check_ptr_len != m + 1) FAIL(LV_LDPC_E_CHECK_PTR, 0, code->check_ptr_len);
	if (code->check_ptr[0] != 0 || code->check_ptr[m] != code->check_vars_len) FAIL(LV_LDPC_E_CHECK_VARS, 0, 0);
	for (r = 0; r < m; r++) {
		uint32_t lo = code->check_ptr[r], hi = code->check_ptr[r + 1];
		if (hi < lo) FAIL(LV_LDPC_E_CHECK_PTR_ORDER, r, 0);
		if (hi - lo > most) most = hi - lo;
	}
	for (e = 0; e < code->check_vars_len; e++)
		if (code->check_vars[e] >= code->n) FAIL(LV_LDPC_E_COLUMN, e, code->check_vars[e]);
	*dmax = most;
	return LV_LDPC_OK;
}

/* L (n), R (E), the row buffers q, a, prefix, suffix (4 dmax each: a group of 4 rows), group marks (m bytes). */
static size_t work_bytes(const lv_ldpc_code* code, uint32_t dmax)
{
	return sizeof(double) * ((size_t)code->n + code->check_vars_len + 16 * (size_t)dmax) + (size_t)code->m;
}

lv_ldpc_status lv_ldpc_work_size(const lv_ldpc_code* code, size_t* work_size, lv_ldpc_fault* fault)
{
	uint32_t dmax;
	lv_ldpc_status st = check_code(code, &dmax, fault);
	if (st != LV_LDPC_OK) return st;
	if (!work_size) FAIL(LV_LDPC_E_NULL, 0, 0);
	*work_size = work_bytes(code, dmax);
	return LV_LDPC_OK;
}

static lv_ldpc_status check_syndrome(const lv_ldpc_code* code, const uint8_t* syndrome, size_t syndrome_len, lv_ldpc_fault* fault)
{
	size_t want = (size_t)((code->m + 7) >> 3);
	if (!syndrome) FAIL(LV_LDPC_E_NULL, 0, 0);
	if (syndrome_len != want) FAIL(LV_LDPC_E_SYNDROME_LENGTH, 0, syndrome_len);
	if ((code->m & 7) && (syndrome[want - 1] & (0xFFu >> (code->m & 7)))) FAIL(LV_LDPC_E_SYNDROME_PADDING, 0, 0);
	return LV_LDPC_OK;
}

/*
 * The spec's selections, branch-free where the CPU has an instruction with exactly their meaning
 * (branches on random LLR signs mispredict): SSE2 MINSD(a, b) is a < b ? a : b and MAXSD(a, b)
 * is a > b ? a : b, NaN and signed zeros included; a sign flip is an XOR of the sign bit, as
 * unary minus is. LV_LDPC_PORTABLE (or a CPU without SSE2) takes the ternaries themselves.
 */
#if defined(__SSE2__) && !defined(LV_LDPC_PORTABLE)
#include <emmintrin.h>
static inline double min_lt(double a, double b) { return _mm_cvtsd_f64(_mm_min_sd(_mm_set_sd(a), _mm_set_sd(b))); }
static inline double max_gt(double a, double b) { return _mm_cvtsd_f64(_mm_max_sd(_mm_set_sd(a), _mm_set_sd(b))); }
/* x < 0 ? -x : x (so -0 stays -0, as in the spec) */
static inline double abs_lt(double x)
{
	const __m128d v = _mm_set_sd(x);
	const __m128d neg = _mm_cmplt_sd(v, _mm_setzero_pd());
	return _mm_cvtsd_f64(_mm_xor_pd(v, _mm_and_pd(neg, _mm_set_sd(-0.0))));
}
#else
static inline double min_lt(double a, double b) { return a < b ? a : b; }
static inline double max_gt(double a, double b) { return a > b ? a : b; }
static inline double abs_lt(double x) { return x < 0 ? -x : x; }
#endif

/* negative ? -x : x, as an XOR of the sign bit */
static inline double signed_by(unsigned negative, double x)
{
	uint64_t u;
	memcpy(&u, &x, sizeof u);
	u ^= (uint64_t)(negative & 1) << 63;
	memcpy(&x, &u, sizeof x);
	return x;
}

/* y = u > w ? u : w, then y > 0 ? y : 0 (MAXSD(a, b) is a > b ? a : b) */
static inline double g(double x)
{
	return max_gt(max_gt(LDPC_G0 - LDPC_G1 * x, LDPC_K0 - LDPC_K1 * x), 0.0);
}

/* |a| box-plus |b| for magnitudes, in the spec's order: (mn + g(A + B)) - g(|A - B|). */
static inline double boxplus(double A, double B)
{
	const double mn = min_lt(A, B);
	const double D = abs_lt(A - B);
	return mn + g(A + B) - g(D);
}

/* True when H * bits equals the packed syndrome (the stopping test: first failing row ends it). */
static int syndrome_matches(const uint32_t* cp, const uint32_t* cv, uint64_t m, const uint8_t* bits, const uint8_t* syndrome)
{
	uint64_t r;
	for (r = 0; r < m; r++) {
		unsigned parity = (syndrome[r >> 3] >> (7 - (r & 7))) & 1;
		uint32_t e;
		for (e = cp[r]; e < cp[r + 1]; e++) parity ^= bits[cv[e]];
		if (parity & 1) return 0;
	}
	return 1;
}

/*
 * The spec's two folds, P_i = P_{i-1} box-plus A_i and S = S box-plus A_i, do not depend on each
 * other (only the outputs x_i take one of each), so they run side by side in one loop, where the
 * CPU overlaps their latencies, into prefix[i] = P_i and suffix[i] = the S of step i (A_{d-1}
 * folded down to A_{i+1}), for i <= d - 2; the outputs follow from the two arrays. Each value is
 * the spec's, made by the same operations on the same operands in the same argument order.
 */

/* One row of one iteration, exactly as the spec says (q, a, prefix, suffix: row buffers of dmax). */
static inline void decode_row(double* L, double* msg, const uint32_t* vars, uint32_t d, unsigned parity,
	double* q, double* a, double* prefix, double* suffix)
{
	uint32_t i;
	for (i = 0; i < d; i++) {
		const double qi = L[vars[i]] - msg[i];
		q[i] = qi;
		a[i] = min_lt(LDPC_C, abs_lt(qi)); /* = mag > C ? C : mag */
		parity ^= qi < 0;
	}
	if (d == 1) {
		const double x = signed_by(parity ^ (q[0] < 0), LDPC_C);
		msg[0] = x;
		L[vars[0]] = q[0] + x;
		return;
	}
	prefix[0] = a[0];
	suffix[d - 2] = a[d - 1];
	for (i = 1; i + 1 < d; i++) {
		prefix[i] = boxplus(prefix[i - 1], a[i]);
		suffix[d - 2 - i] = boxplus(suffix[d - 1 - i], a[d - 1 - i]);
	}
	/* i = d - 1: the prefix of all the others; then right to left, as the spec writes L. */
	{
		const double out = signed_by(parity ^ (q[d - 1] < 0), prefix[d - 2]);
		msg[d - 1] = out;
		L[vars[d - 1]] = q[d - 1] + out;
	}
	for (i = d - 2; i >= 1; i--) {
		const double out = signed_by(parity ^ (q[i] < 0), boxplus(prefix[i - 1], suffix[i]));
		msg[i] = out;
		L[vars[i]] = q[i] + out;
	}
	{
		/* i = 0 takes S = A_{d-1} box-plus ... box-plus A_1; the reference's last fold is unused. */
		const double out = signed_by(parity ^ (q[0] < 0), suffix[0]);
		msg[0] = out;
		L[vars[0]] = q[0] + out;
	}
}

/*
 * Rows that share no variable commute: running them one after the other in either order, or side
 * by side, gives the same messages to the bit. So up to GROUP consecutive rows of one degree
 * d >= 2 that are pairwise variable-disjoint run together, one per SIMD lane, with the same
 * operations in the same order as decode_row (lane-wise IEEE arithmetic is the scalar
 * arithmetic); the layered schedule is unchanged and the box-plus chains, latency-bound one row
 * at a time, overlap. group[r] = k marks the first row of such a group of k rows, k >= smallest
 * (GROUP on the SSE2 path; 2 on the AVX2 path, whose masked lanes take groups of 2 and 3 too: on
 * the QBER 2 % code at 10^5 key bits, 1,208 of the 17,172 rows ran one at a time, a fifth of the
 * decode; now 125 do). The groups are found once per decode, greedily from the first row.
 */
#define GROUP 4

static void find_groups(const uint32_t* cp, const uint32_t* cv, uint64_t m, uint64_t n, uint32_t* stamp, uint8_t* group, unsigned smallest)
{
	uint64_t r = 0, j;
	uint32_t mark = 0;
	for (j = 0; j < n; j++) stamp[j] = 0;
	memset(group, 0, (size_t)m);
	while (r + smallest <= m) {
		const uint32_t d = cp[r + 1] - cp[r];
		unsigned k = 0;
		mark++;
		if (d >= 2)
			for (; k < GROUP && r + k < m; k++) {
				uint32_t e;
				int ok = cp[r + k + 1] - cp[r + k] == d;
				/* disjoint from the group's earlier rows, whose variables carry this mark (a
				   repeat within the row is fine: the row is stamped after it is checked) */
				for (e = cp[r + k]; e < cp[r + k + 1] && ok; e++) ok = stamp[cv[e]] != mark;
				if (!ok) break;
				for (e = cp[r + k]; e < cp[r + k + 1]; e++) stamp[cv[e]] = mark;
			}
		if (k >= smallest) {
			group[r] = (uint8_t)k;
			r += k;
		} else
			r++;
	}
}

#if defined(__SSE2__) && !defined(LV_LDPC_PORTABLE)
#define HAVE_GROUPS 1
static inline __m128d abs_lt2(__m128d x)
{
	const __m128d neg = _mm_cmplt_pd(x, _mm_setzero_pd());
	return _mm_xor_pd(x, _mm_and_pd(neg, _mm_set1_pd(-0.0)));
}

static inline __m128d g2(__m128d x)
{
	const __m128d u = _mm_sub_pd(_mm_set1_pd(LDPC_G0), _mm_mul_pd(_mm_set1_pd(LDPC_G1), x));
	const __m128d w = _mm_sub_pd(_mm_set1_pd(LDPC_K0), _mm_mul_pd(_mm_set1_pd(LDPC_K1), x));
	return _mm_max_pd(_mm_max_pd(u, w), _mm_setzero_pd());
}

static inline __m128d boxplus2(__m128d A, __m128d B)
{
	const __m128d mn = _mm_min_pd(A, B);
	const __m128d D = abs_lt2(_mm_sub_pd(A, B));
	return _mm_sub_pd(_mm_add_pd(mn, g2(_mm_add_pd(A, B))), g2(D));
}

/* out = x with its sign flipped where parity XOR (q < 0); L[v] = q + out; msg = out: lanes 2h, 2h + 1. */
static inline void emit2(double* L, double* const* msg, const uint32_t* const* vars, uint32_t i, int h, __m128d qv, __m128d x, __m128d parity)
{
	const __m128d flip = _mm_and_pd(_mm_xor_pd(_mm_cmplt_pd(qv, _mm_setzero_pd()), parity), _mm_set1_pd(-0.0));
	const __m128d out = _mm_xor_pd(x, flip);
	const __m128d sum = _mm_add_pd(qv, out);
	_mm_storel_pd(&msg[2 * h][i], out);
	_mm_storeh_pd(&msg[2 * h + 1][i], out);
	_mm_storel_pd(&L[vars[2 * h][i]], sum);
	_mm_storeh_pd(&L[vars[2 * h + 1][i]], sum);
}

/* GROUP = 4 rows r .. r + 3 of degree d, as two lane pairs; q, a, prefix, suffix hold 4 * dmax doubles each. */
static void decode_group(double* L, double* R, const uint32_t* cp, const uint32_t* cv, uint64_t r, uint32_t d,
	const uint8_t* syndrome, double* q, double* a, double* prefix, double* suffix)
{
	const uint32_t* vars[GROUP];
	double* msg[GROUP];
	__m128d parity[GROUP / 2];
	unsigned par[GROUP];
	uint32_t i;
	int k, h;
	for (k = 0; k < GROUP; k++) {
		vars[k] = cv + cp[r + k];
		msg[k] = R + cp[r + k];
		par[k] = (syndrome[(r + k) >> 3] >> (7 - ((r + k) & 7))) & 1;
	}
	for (i = 0; i < d; i++)
		for (k = 0; k < GROUP; k++) {
			const double qi = L[vars[k][i]] - msg[k][i];
			q[GROUP * i + k] = qi;
			a[GROUP * i + k] = min_lt(LDPC_C, abs_lt(qi));
			par[k] ^= qi < 0;
		}
	for (h = 0; h < GROUP / 2; h++) {
		const uint64_t lo = par[2 * h] ? ~(uint64_t)0 : 0, hi = par[2 * h + 1] ? ~(uint64_t)0 : 0;
		parity[h] = _mm_castsi128_pd(_mm_set_epi64x((long long)hi, (long long)lo));
		_mm_storeu_pd(&prefix[2 * h], _mm_loadu_pd(&a[2 * h]));
		_mm_storeu_pd(&suffix[GROUP * (d - 2) + 2 * h], _mm_loadu_pd(&a[GROUP * (d - 1) + 2 * h]));
	}
	for (i = 1; i + 1 < d; i++)
		for (h = 0; h < GROUP / 2; h++) {
			_mm_storeu_pd(&prefix[GROUP * i + 2 * h],
				boxplus2(_mm_loadu_pd(&prefix[GROUP * (i - 1) + 2 * h]), _mm_loadu_pd(&a[GROUP * i + 2 * h])));
			_mm_storeu_pd(&suffix[GROUP * (d - 2 - i) + 2 * h],
				boxplus2(_mm_loadu_pd(&suffix[GROUP * (d - 1 - i) + 2 * h]), _mm_loadu_pd(&a[GROUP * (d - 1 - i) + 2 * h])));
		}
	for (h = 0; h < GROUP / 2; h++)
		emit2(L, msg, vars, d - 1, h, _mm_loadu_pd(&q[GROUP * (d - 1) + 2 * h]), _mm_loadu_pd(&prefix[GROUP * (d - 2) + 2 * h]), parity[h]);
	for (i = d - 2; i >= 1; i--)
		for (h = 0; h < GROUP / 2; h++) {
			const __m128d x = boxplus2(_mm_loadu_pd(&prefix[GROUP * (i - 1) + 2 * h]), _mm_loadu_pd(&suffix[GROUP * i + 2 * h]));
			emit2(L, msg, vars, i, h, _mm_loadu_pd(&q[GROUP * i + 2 * h]), x, parity[h]);
		}
	for (h = 0; h < GROUP / 2; h++) emit2(L, msg, vars, 0, h, _mm_loadu_pd(&q[2 * h]), _mm_loadu_pd(&suffix[2 * h]), parity[h]);
}
#else
#define HAVE_GROUPS 0
#endif

/*
 * The same group on AVX2, when the CPU has it (checked at run time, so one binary serves every
 * x86-64): its k = 2, 3 or 4 rows fill the first k lanes of one register, and the group's
 * messages are kept interleaved (row j's i-th at R[lo + k i + j], lo = the group's first edge:
 * the region is the group's own, only this function touches it, and it starts at +0 like the
 * rest), so they load and store as one vector (masked when k < 4) instead of k scalars. Unused
 * lanes compute on zeros (a box-plus of zeros is zero) and store nothing. The LLRs are loaded and
 * stored per lane (scalar: faster than VGATHERDPD here), each lane's in the row's order; the
 * operations are decode_group's, lane for lane (VMINPD, VMAXPD, VCMPPD less-than have MINSD's,
 * MAXSD's, CMPLTSD's meaning, and the file's no-contraction rule keeps every multiply and add
 * apart: target "avx2" enables no FMA). Measured on this desk: about twice decode_group's speed
 * (see ldpc.h). -DLV_LDPC_NO_AVX2 leaves it out.
 */
#if HAVE_GROUPS && (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__)) && !defined(LV_LDPC_NO_AVX2)
#define HAVE_AVX2_GROUPS 1
#include <immintrin.h>
#define LV_AVX2 __attribute__((target("avx2")))

static LV_AVX2 inline __m256d abs_lt4(__m256d x)
{
	const __m256d neg = _mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_LT_OQ);
	return _mm256_xor_pd(x, _mm256_and_pd(neg, _mm256_set1_pd(-0.0)));
}

static LV_AVX2 inline __m256d g4(__m256d x)
{
	const __m256d u = _mm256_sub_pd(_mm256_set1_pd(LDPC_G0), _mm256_mul_pd(_mm256_set1_pd(LDPC_G1), x));
	const __m256d w = _mm256_sub_pd(_mm256_set1_pd(LDPC_K0), _mm256_mul_pd(_mm256_set1_pd(LDPC_K1), x));
	return _mm256_max_pd(_mm256_max_pd(u, w), _mm256_setzero_pd());
}

static LV_AVX2 inline __m256d boxplus4(__m256d A, __m256d B)
{
	const __m256d mn = _mm256_min_pd(A, B);
	const __m256d D = abs_lt4(_mm256_sub_pd(A, B));
	return _mm256_sub_pd(_mm256_add_pd(mn, g4(_mm256_add_pd(A, B))), g4(D));
}

/* Edge i of the group's rows: out = x with its sign flipped where parity XOR (q < 0); msg = out; L[v] = q + out. */
static LV_AVX2 __attribute__((always_inline)) inline void emit4(double* L, double* msg, const uint32_t* v, size_t d, size_t i, __m256d qv, __m256d x,
	__m256d parity, unsigned lanes, __m256i mask)
{
	const __m256d flip = _mm256_and_pd(_mm256_xor_pd(_mm256_cmp_pd(qv, _mm256_setzero_pd(), _CMP_LT_OQ), parity), _mm256_set1_pd(-0.0));
	const __m256d out = _mm256_xor_pd(x, flip);
	const __m256d sum = _mm256_add_pd(qv, out);
	const __m128d low = _mm256_castpd256_pd128(sum), high = _mm256_extractf128_pd(sum, 1);
	if (lanes == 4) {
		_mm256_storeu_pd(&msg[4 * i], out);
		_mm_storel_pd(&L[v[i]], low);
		_mm_storeh_pd(&L[v[d + i]], low);
		_mm_storel_pd(&L[v[2 * d + i]], high);
		_mm_storeh_pd(&L[v[3 * d + i]], high);
		return;
	}
	_mm256_maskstore_pd(&msg[lanes * i], mask, out);
	_mm_storel_pd(&L[v[i]], low);
	_mm_storeh_pd(&L[v[d + i]], low);
	if (lanes == 3) _mm_storel_pd(&L[v[2 * d + i]], high);
}

/* `lanes` consecutive rows r .. r + lanes - 1 of degree d (their edges are consecutive: row k's i-th is v[k d + i]). */
static LV_AVX2 __attribute__((always_inline)) inline void group_avx2(double* L, double* R, const uint32_t* cp, const uint32_t* cv, uint64_t r, uint32_t degree,
	const uint8_t* syndrome, double* q, double* a, double* prefix, double* suffix, unsigned lanes)
{
	const __m256i mask = _mm256_set_epi64x(lanes > 3 ? -1 : 0, lanes > 2 ? -1 : 0, -1, -1);
	const size_t d = degree;
	const uint32_t* v = cv + cp[r];
	double* msg = R + cp[r];
	const __m256d zero = _mm256_setzero_pd(), sign = _mm256_set1_pd(-0.0), C = _mm256_set1_pd(LDPC_C);
	__m256d parity;
	unsigned par = 0;
	size_t i;
	int k;
	for (k = 0; k < (int)lanes; k++) par |= ((syndrome[(r + k) >> 3] >> (7 - ((r + k) & 7))) & 1u) << k;
	for (i = 0; i < d; i++) {
		const __m128d l01 = _mm_loadh_pd(_mm_load_sd(&L[v[i]]), &L[v[d + i]]);
		const __m128d l23 = lanes == 4 ? _mm_loadh_pd(_mm_load_sd(&L[v[2 * d + i]]), &L[v[3 * d + i]]) : lanes == 3 ? _mm_load_sd(&L[v[2 * d + i]]) : _mm_setzero_pd();
		const __m256d mi = lanes == 4 ? _mm256_loadu_pd(&msg[4 * i]) : _mm256_maskload_pd(&msg[lanes * i], mask);
		const __m256d qi = _mm256_sub_pd(_mm256_insertf128_pd(_mm256_castpd128_pd256(l01), l23, 1), mi);
		const __m256d neg = _mm256_cmp_pd(qi, zero, _CMP_LT_OQ);
		_mm256_storeu_pd(&q[4 * i], qi);
		_mm256_storeu_pd(&a[4 * i], _mm256_min_pd(C, _mm256_xor_pd(qi, _mm256_and_pd(neg, sign))));
		par ^= (unsigned)_mm256_movemask_pd(neg);
	}
	parity = _mm256_castsi256_pd(_mm256_set_epi64x(-(long long)((par >> 3) & 1), -(long long)((par >> 2) & 1),
		-(long long)((par >> 1) & 1), -(long long)(par & 1)));
	{
		__m256d P = _mm256_loadu_pd(a), S = _mm256_loadu_pd(&a[4 * (d - 1)]);
		_mm256_storeu_pd(prefix, P);
		_mm256_storeu_pd(&suffix[4 * (d - 2)], S);
		for (i = 1; i + 1 < d; i++) {
			P = boxplus4(P, _mm256_loadu_pd(&a[4 * i]));
			S = boxplus4(S, _mm256_loadu_pd(&a[4 * (d - 1 - i)]));
			_mm256_storeu_pd(&prefix[4 * i], P);
			_mm256_storeu_pd(&suffix[4 * (d - 2 - i)], S);
		}
	}
	emit4(L, msg, v, d, d - 1, _mm256_loadu_pd(&q[4 * (d - 1)]), _mm256_loadu_pd(&prefix[4 * (d - 2)]), parity, lanes, mask);
	for (i = d - 2; i >= 1; i--)
		emit4(L, msg, v, d, i, _mm256_loadu_pd(&q[4 * i]), boxplus4(_mm256_loadu_pd(&prefix[4 * (i - 1)]), _mm256_loadu_pd(&suffix[4 * i])), parity, lanes, mask);
	emit4(L, msg, v, d, 0, _mm256_loadu_pd(q), _mm256_loadu_pd(suffix), parity, lanes, mask);
}

/* One copy of group_avx2 per group size, so the full group's loads and stores stay unmasked. */
static LV_AVX2 void decode_group_avx2(double* L, double* R, const uint32_t* cp, const uint32_t* cv, uint64_t r, uint32_t d,
	const uint8_t* syndrome, double* q, double* a, double* prefix, double* suffix, unsigned lanes)
{
	if (lanes == 4) group_avx2(L, R, cp, cv, r, d, syndrome, q, a, prefix, suffix, 4);
	else if (lanes == 3) group_avx2(L, R, cp, cv, r, d, syndrome, q, a, prefix, suffix, 3);
	else group_avx2(L, R, cp, cv, r, d, syndrome, q, a, prefix, suffix, 2);
}

static int have_avx2(void)
{
	return __builtin_cpu_supports("avx2") ? 1 : 0;
}
#else
#define HAVE_AVX2_GROUPS 0
#endif

lv_ldpc_status lv_ldpc_decode(const lv_ldpc_code* code, const uint8_t* syndrome, size_t syndrome_len,
	const double* llr, size_t llr_len, uint64_t max_iterations, uint8_t* bits, size_t bits_len,
	void* work, size_t work_len, lv_ldpc_result* result, lv_ldpc_fault* fault)
{
	uint32_t dmax, it;
	uint64_t n, m, r, j;
	size_t need;
	const uint32_t *cp, *cv;
	double *L, *R, *q, *a, *prefix, *suffix;
	uint8_t* group;
	lv_ldpc_status st;
#if HAVE_AVX2_GROUPS
	const int avx2 = have_avx2(); /* one path for the whole decode: the groups' message layout is the path's */
#endif

	if ((st = check_code(code, &dmax, fault)) != LV_LDPC_OK) return st;
	if ((st = check_syndrome(code, syndrome, syndrome_len, fault)) != LV_LDPC_OK) return st;
	n = code->n;
	m = code->m;
	if (!llr) FAIL(LV_LDPC_E_NULL, 0, 0);
	if (llr_len != n) FAIL(LV_LDPC_E_LLR_LENGTH, 0, llr_len);
	for (j = 0; j < n; j++)
		if (llr[j] != llr[j]) FAIL(LV_LDPC_E_LLR_NAN, j, 0);
	if (max_iterations < 1 || max_iterations > LV_LDPC_MAX_ITERATIONS) FAIL(LV_LDPC_E_MAX_ITERATIONS, 0, max_iterations);
	if (!bits || !result || !work) FAIL(LV_LDPC_E_NULL, 0, 0);
	if (bits_len != n) FAIL(LV_LDPC_E_BITS_LENGTH, 0, bits_len);
	need = work_bytes(code, dmax);
	if (work_len < need) FAIL(LV_LDPC_E_WORK, 0, work_len);

	cp = code->check_ptr;
	cv = code->check_vars;
	L = (double*)work;
	R = L + n;
	q = R + code->check_vars_len;
	a = q + GROUP * (size_t)dmax;
	prefix = a + GROUP * (size_t)dmax;
	suffix = prefix + GROUP * (size_t)dmax;
	group = (uint8_t*)(suffix + GROUP * (size_t)dmax);
	/* The group marks, found with a stamp per variable that lives where L and R will (the first
	   4n bytes of the work: n doubles of L are at least that), before they are filled. */
	if (HAVE_GROUPS) find_groups(cp, cv, m, n, (uint32_t*)work, group,
#if HAVE_AVX2_GROUPS
		avx2 ? 2 :
#endif
		GROUP);
	else memset(group, 0, (size_t)m);
	memcpy(L, llr, (size_t)n * sizeof(double));
	for (j = 0; j < code->check_vars_len; j++) R[j] = 0.0;

	for (it = 1; it <= max_iterations; it++) {
		for (r = 0; r < m; r++) {
			const uint32_t lo = cp[r];
			const uint32_t d = cp[r + 1] - lo;
			if (d == 0) continue;
#if HAVE_GROUPS
			if (group[r]) {
				const unsigned lanes = group[r];
#if HAVE_AVX2_GROUPS
				if (avx2) decode_group_avx2(L, R, cp, cv, r, d, syndrome, q, a, prefix, suffix, lanes);
				else
#endif
					decode_group(L, R, cp, cv, r, d, syndrome, q, a, prefix, suffix);
				r += lanes - 1;
				continue;
			}
#endif
			decode_row(L, R + lo, cv + lo, d, (syndrome[r >> 3] >> (7 - (r & 7))) & 1, q, a, prefix, suffix);
		}
		for (j = 0; j < n; j++) bits[j] = L[j] < 0;
		if (syndrome_matches(cp, cv, m, bits, syndrome)) {
			result->iterations = it;
			result->converged = 1;
			wipe(work, need);
			return LV_LDPC_OK;
		}
	}
	result->iterations = (uint32_t)max_iterations;
	result->converged = 0;
	wipe(work, need);
	return LV_LDPC_OK;
}

lv_ldpc_status lv_ldpc_syndrome(const lv_ldpc_code* code, const uint8_t* bits, size_t bits_len,
	uint8_t* out, size_t out_len, lv_ldpc_fault* fault)
{
	uint32_t dmax;
	uint64_t r, j;
	lv_ldpc_status st;
	if ((st = check_code(code, &dmax, fault)) != LV_LDPC_OK) return st;
	if (!bits || !out) FAIL(LV_LDPC_E_NULL, 0, 0);
	if (bits_len != code->n) FAIL(LV_LDPC_E_BITS_LENGTH, 0, bits_len);
	for (j = 0; j < code->n; j++)
		if (bits[j] > 1) FAIL(LV_LDPC_E_BIT_VALUE, j, bits[j]);
	if (out_len != (size_t)((code->m + 7) >> 3)) FAIL(LV_LDPC_E_OUT_LENGTH, 0, out_len);
	memset(out, 0, out_len);
	for (r = 0; r < code->m; r++) {
		unsigned parity = 0;
		uint32_t e;
		for (e = code->check_ptr[r]; e < code->check_ptr[r + 1]; e++) parity ^= bits[code->check_vars[e]];
		if (parity & 1) out[r >> 3] |= (uint8_t)(0x80u >> (r & 7));
	}
	return LV_LDPC_OK;
}

const char* lv_ldpc_describe(const lv_ldpc_fault* fault, const lv_ldpc_code* code, char* buffer, size_t size)
{
	unsigned long long n = code ? (unsigned long long)code->n : 0, m = code ? (unsigned long long)code->m : 0;
	unsigned long long index = fault ? (unsigned long long)fault->index : 0, value = fault ? (unsigned long long)fault->value : 0;
	if (!buffer || !size) return buffer;
	switch (fault ? fault->status : LV_LDPC_E_NULL) {
	case LV_LDPC_OK: snprintf(buffer, size, "ok"); break;
	case LV_LDPC_E_NULL: snprintf(buffer, size, "a required buffer is NULL"); break;
	case LV_LDPC_E_N: snprintf(buffer, size, "\"code.n\" expected an integer in [1, %llu], got %llu", (unsigned long long)LV_LDPC_MAX_N, value); break;
	case LV_LDPC_E_M: snprintf(buffer, size, "\"code.m\" expected an integer in [1, %llu], got %llu", (unsigned long long)LV_LDPC_MAX_N, value); break;
	case LV_LDPC_E_CHECK_PTR: snprintf(buffer, size, "\"code.checkPtr\" expected Uint32Array of length %llu", m + 1); break;
	case LV_LDPC_E_CHECK_VARS:
		snprintf(buffer, size, "\"code.checkVars\" expected Uint32Array of length code.checkPtr[m], with code.checkPtr[0] = 0");
		break;
	case LV_LDPC_E_CHECK_PTR_ORDER: snprintf(buffer, size, "\"code.checkPtr\" decreases at row %llu", index); break;
	case LV_LDPC_E_COLUMN: snprintf(buffer, size, "\"code.checkVars[%llu]\" = %llu is not a column of n = %llu", index, value, n); break;
	case LV_LDPC_E_SYNDROME_LENGTH:
		snprintf(buffer, size, "\"syndrome\" expected Uint8Array of length %llu (%llu bits packed)", (m + 7) >> 3, m);
		break;
	case LV_LDPC_E_SYNDROME_PADDING: snprintf(buffer, size, "\"syndrome\" expected zero padding bits"); break;
	case LV_LDPC_E_LLR_LENGTH: snprintf(buffer, size, "\"channelLlr\" expected Float64Array of length %llu", n); break;
	case LV_LDPC_E_LLR_NAN: snprintf(buffer, size, "\"channelLlr[%llu]\" is NaN", index); break;
	case LV_LDPC_E_MAX_ITERATIONS:
		snprintf(buffer, size, "\"maxIterations\" expected an integer in [1, %u], got %llu", LV_LDPC_MAX_ITERATIONS, value);
		break;
	case LV_LDPC_E_BITS_LENGTH: snprintf(buffer, size, "\"bits\" expected Uint8Array of length %llu, got length=%llu", n, value); break;
	case LV_LDPC_E_BIT_VALUE: snprintf(buffer, size, "\"bits[%llu]\" expected 0 or 1, got %llu", index, value); break;
	case LV_LDPC_E_OUT_LENGTH: snprintf(buffer, size, "\"out\" expected Uint8Array of length %llu", (m + 7) >> 3); break;
	case LV_LDPC_E_WORK: snprintf(buffer, size, "work buffer too small (%llu bytes)", value); break;
	default: snprintf(buffer, size, "unknown LDPC status %d", (int)fault->status); break;
	}
	return buffer;
}
