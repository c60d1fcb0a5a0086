/*
 * LIGHTVIBES native kernel: LDPC syndrome decoding (see ldpc.h). The algorithm is the 16-bit
 * fixed-point layered box-plus that the header of src/qkd/ldpc/decode.ts specifies, operation for
 * operation; comments here only say why the C is shaped as it is. Three paths give the same
 * bits: one frame at a time in plain C; with AVX2 (checked at run time) one frame at a time with
 * its rows in groups of up to 8 side by side; and with AVX2, 16 frames side by side in the int16
 * lanes of one register, as the design study tools/ldpc-design/q16-batch.c measured it.
 */
#include "ldpc.h"

#include <stdio.h>
#include <string.h>

/* AVX2 (chosen at run time, so one x86-64 binary serves every CPU) where the compiler can target it. */
#if !defined(LV_LDPC_PORTABLE) && !defined(LV_LDPC_NO_AVX2) && (defined(__GNUC__) || defined(__clang__)) && \
	(defined(__x86_64__) || defined(__i386__))
#define HAVE_LANES 1
#include <immintrin.h>
#define LV_AVX2 __attribute__((target("avx2")))
#define LV_AVX2_INLINE __attribute__((target("avx2"), always_inline)) inline
#else
#define HAVE_LANES 0
#endif

#define LMAX LV_LDPC_LLR_MAX
/* g's two lines at 1/256: 170 - 21x/64 and 68 - 65x/1024 (decode.ts) */
#define G0 170
#define K0 68

/* Frames that sit side by side in one AVX2 register, and the fewest frames for which they beat
   decoding the frames one by one in row groups (measured: see ldpc.h). */
#define LANES 16
#define LANE_MIN_FRAMES 5

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

static unsigned syndrome_bit(const uint8_t* syndrome, uint64_t r)
{
	return (syndrome[r >> 3] >> (7 - (r & 7))) & 1u;
}

/* x, negated when `negative` (0 or 1) is set, without a branch on the random sign */
static inline int32_t signed_by(uint32_t negative, int32_t x)
{
	const int32_t mask = -(int32_t)negative;
	return (x ^ mask) - mask;
}

/*
 * The spec's quantise: v = 256 llr, saturated, else v < 0 ? -floor(-v + 0.5) : floor(v + 0.5) in
 * double arithmetic. Computed here without rounding anything, so it is the same where doubles
 * are evaluated wider (x87) or contracted: 256 llr, |v| (the sign bit cleared: no branch on the
 * random sign), t - floor(t) and the comparisons are exact, and t + 0.5 (t = |v| < 32767) rounds
 * across an integer only at the largest double below 1/2, 0.5 - 2^-54, whose sum ties to 1.0
 * (above 1, t + 0.5 is exact or rounds within [2^e, 2^e + 0.5]). lround would give 0 there.
 */
static int32_t quantise(double llr)
{
	const double v = llr * LV_LDPC_LLR_SCALE;
	uint64_t u;
	uint32_t negative;
	double t;
	int32_t k;
	memcpy(&u, &v, sizeof u);
	negative = (uint32_t)(u >> 63);
	u &= ~((uint64_t)1 << 63);
	memcpy(&t, &u, sizeof t);
	if (t >= LMAX) return signed_by(negative, LMAX);
	k = (int32_t)t;
	k += t - (double)k >= (k ? 0.5 : 0x1.fffffffffffffp-2);
	return signed_by(negative, k);
}

/* ---- one frame at a time: the spec in plain C (int16 state, int32 arithmetic) ---- */

static inline int32_t sat(int32_t x)
{
	return x > LMAX ? LMAX : x < -LMAX ? -LMAX : x;
}

/*
 * g tabulated by the compiler from the spec's formula (G_AT), for x = 0 .. G_ZERO: g(x) = 0 for
 * every x >= G_ZERO = 1072 (both lines are <= 0 there), so g(min(x, G_ZERO)) is g(x) for any
 * x >= 0, min(A + B, LMAX) included. A load instead of two multiplies, shifts and maxima: the
 * scalar path runs about a quarter faster.
 */
#define G_LINE(x) ((G0 - ((21 * (x)) >> 6)) > (K0 - ((65 * (x)) >> 10)) ? (G0 - ((21 * (x)) >> 6)) : (K0 - ((65 * (x)) >> 10)))
#define G_AT(x) (G_LINE(x) > 0 ? G_LINE(x) : 0)
#define G_ZERO 1072
#define G_4(x) G_AT(x), G_AT((x) + 1), G_AT((x) + 2), G_AT((x) + 3)
#define G_16(x) G_4(x), G_4((x) + 4), G_4((x) + 8), G_4((x) + 12)
#define G_64(x) G_16(x), G_16((x) + 16), G_16((x) + 32), G_16((x) + 48)
#define G_256(x) G_64(x), G_64((x) + 64), G_64((x) + 128), G_64((x) + 192)
static const int16_t g_table[1088] = { G_256(0), G_256(256), G_256(512), G_256(768), G_64(1024) };

static inline int32_t g(int32_t x)
{
	return g_table[x < G_ZERO ? x : G_ZERO];
}

/*
 * NO_CLAMP: the spec's A ⊞ B = max(0, y), y = min(A, B) + g(min(A + B, LMAX)) - g(|A - B|), and y
 * is never negative: A + B = |A - B| + 2 min(A, B), each of g's lines falls by at most
 * floor(42 k / 64) + 1 over 2k (so does their maximum with 0), and min(A, B) = k >= 1 leaves
 * y >= k - floor(42 k / 64) - 1 >= 0; k = 0 gives y = 0; saturating A + B only raises g. So the
 * max is left out, here and in boxplus16; test_ldpc.c checks every pair of magnitudes.
 */
static inline int32_t boxplus(int32_t A, int32_t B)
{
	const int32_t mn = A < B ? A : B, t = A - B;
	/* g(A + B) = g(min(A + B, LMAX)): g clamps first */
	return mn + g(A + B) - g(t < 0 ? -t : t);
}

/* Edge i of a row: its message x, signed by parity XOR (q < 0); then L[v] = sat(q + message). */
static inline void emit(int16_t* L, int16_t* msg, const uint32_t* vars, uint32_t i, uint32_t parity, int32_t q, int32_t x)
{
	const int32_t out = signed_by(parity ^ ((uint32_t)q >> 31), x);
	msg[i] = (int16_t)out;
	L[vars[i]] = (int16_t)sat(q + out);
}

/*
 * One row (d >= 1 edges). The spec's two folds, P_i = P_{i-1} box-plus A_i and S = S box-plus
 * A_i, do not depend on each other, so they run in one loop (the CPU overlaps their latencies)
 * into P[i] and S[i] = the S that x_i takes; box-plus is a function of its operands alone, so
 * every value is the spec's. The outputs are written from i = d - 1 down to 0, as the spec
 * writes them: a column repeated in a row keeps the last write.
 */
static void row_scalar(int16_t* L, int16_t* msg, const uint32_t* vars, uint32_t d, uint32_t parity,
	int32_t* q, int32_t* a, int32_t* P, int32_t* S)
{
	uint32_t i;
	for (i = 0; i < d; i++) {
		const int32_t qi = sat((int32_t)L[vars[i]] - msg[i]);
		q[i] = qi;
		a[i] = qi < 0 ? -qi : qi;
		parity ^= (uint32_t)qi >> 31;
	}
	if (d == 1) {
		emit(L, msg, vars, 0, parity, q[0], LMAX);
		return;
	}
	P[0] = a[0];
	S[d - 2] = a[d - 1];
	for (i = 1; i + 1 < d; i++) {
		P[i] = boxplus(P[i - 1], a[i]);
		S[d - 2 - i] = boxplus(S[d - 1 - i], a[d - 1 - i]);
	}
	emit(L, msg, vars, d - 1, parity, q[d - 1], P[d - 2]);
	for (i = d - 2; i >= 1; i--) emit(L, msg, vars, i, parity, q[i], boxplus(P[i - 1], S[i]));
	emit(L, msg, vars, 0, parity, q[0], S[0]);
}

/* True when H * word equals the packed syndrome (the first failing row ends the test). */
static int syndrome_matches(const lv_ldpc_code* code, const uint8_t* word, const uint8_t* syndrome)
{
	const uint32_t *cp = code->check_ptr, *cv = code->check_vars;
	uint64_t r;
	for (r = 0; r < code->m; r++) {
		uint32_t parity = syndrome_bit(syndrome, r), e;
		for (e = cp[r]; e < cp[r + 1]; e++) parity ^= word[cv[e]];
		if (parity & 1) return 0;
	}
	return 1;
}

/*
 * Work of the path a frame at a time: L (n), R (E) as int16; q, a, P, S (dmax each) as int32;
 * with row groups (below) also their four row buffers of dmax 16-byte vectors, a stamp per
 * variable and a group mark per row.
 */
typedef struct {
	int16_t *L, *R;
	int32_t *q, *a, *P, *S;
	void* vectors; /* the groups' q, a, P, S; NULL: no groups */
	uint32_t* stamp;
	uint8_t* group;
} scalar_work;

static uint64_t scalar_bytes(const lv_ldpc_code* code, uint32_t dmax, int grouped)
{
	const uint64_t plain = 2 * (code->n + (uint64_t)code->check_vars_len) + 16 * (uint64_t)dmax;
	return grouped ? plain + 64 * (uint64_t)dmax + 4 * (uint64_t)code->n + code->m : plain;
}

/* Carves the work from `base` (aligned to 32), the widest elements first for their alignment. */
static scalar_work scalar_layout(const lv_ldpc_code* code, uint32_t dmax, void* base, int grouped)
{
	scalar_work w;
	uint8_t* p = (uint8_t*)base;
	w.vectors = grouped ? p : NULL;
	p += grouped ? 64 * (size_t)dmax : 0;
	w.q = (int32_t*)p;
	w.a = w.q + dmax;
	w.P = w.a + dmax;
	w.S = w.P + dmax;
	w.stamp = (uint32_t*)(w.S + dmax);
	w.L = (int16_t*)(w.stamp + (grouped ? code->n : 0));
	w.R = w.L + code->n;
	w.group = grouped ? (uint8_t*)(w.R + code->check_vars_len) : NULL;
	return w;
}

#if HAVE_LANES
/*
 * Row groups, for a frame alone on a CPU with AVX2: consecutive rows of one degree d >= 2 that
 * share no variable run together, row j of the group in int16 lane j of a 128-bit vector, with
 * the lanes' operations (see the 16-lane path below). The spec runs them one after the other;
 * as none reads a running LLR another writes, the values are the same. A group's messages are
 * its own region of R, interleaved: row j's i-th at R[lo + k i + j] (lo its first edge, k its
 * rows). group[r] = k marks the first row of a group of k >= 2 rows, found greedily from row 0
 * (at most GROUP rows); 0 elsewhere. On the codes at 10^5 key bits, 99.6 % (QBER 2 %) and 99.9 %
 * (5 %) of the rows are in groups of 2 or more.
 */
#define GROUP 8

static void find_groups(const lv_ldpc_code* code, uint32_t* stamp, uint8_t* group)
{
	const uint32_t *const cp = code->check_ptr, *const cv = code->check_vars;
	const uint64_t m = code->m;
	uint64_t r = 0;
	memset(stamp, 0, sizeof(uint32_t) * (size_t)code->n);
	memset(group, 0, (size_t)m);
	while (r < m) {
		const uint32_t d = cp[r + 1] - cp[r];
		uint32_t k = 1, e;
		if (d >= 2) {
			const uint32_t mark = (uint32_t)r + 1; /* above every earlier group's: no reset needed */
			for (e = cp[r]; e < cp[r + 1]; e++) stamp[cv[e]] = mark;
			while (k < GROUP && r + k < m && cp[r + k + 1] - cp[r + k] == d) {
				const uint32_t lo = cp[r + k], hi = cp[r + k + 1];
				for (e = lo; e < hi && stamp[cv[e]] != mark; e++) continue;
				if (e < hi) break;
				for (e = lo; e < hi; e++) stamp[cv[e]] = mark;
				k++;
			}
			if (k >= 2) group[r] = (uint8_t)k;
		}
		r += k;
	}
}

typedef union {
	__m128i v;
	int16_t s[GROUP];
} lanes8;

/*
 * g and the box-plus lane by lane, one definition for both widths: g8, boxplus8 on 128-bit
 * vectors (row groups), g16, boxplus16 on 256-bit ones (16 frames). How each instruction is the
 * spec's operation: see the 16-lane path below.
 */
#define LANE_ARITHMETIC(W, V, OP)                                                                             \
	static LV_AVX2_INLINE V g##W(V x)                                                                       \
	{                                                                                                       \
		const V u = OP##_subs_epu16(OP##_set1_epi16(G0), OP##_mulhi_epi16(x, OP##_set1_epi16(21 * 1024))); \
		const V w = OP##_subs_epu16(OP##_set1_epi16(K0), OP##_mulhi_epi16(x, OP##_set1_epi16(65 * 64)));   \
		return OP##_max_epi16(u, w);                                                                        \
	}                                                                                                       \
	static LV_AVX2_INLINE V boxplus##W(V A, V B)                                                            \
	{                                                                                                       \
		const V mn = OP##_min_epi16(A, B), D = OP##_abs_epi16(OP##_sub_epi16(A, B));                        \
		return OP##_sub_epi16(OP##_add_epi16(mn, g##W(OP##_adds_epi16(A, B))), g##W(D));                    \
	}
LANE_ARITHMETIC(8, __m128i, _mm)
LANE_ARITHMETIC(16, __m256i, _mm256)

/* Edge i of the group's k rows: message x signed by parity XOR q, stored; then L[v] = sat(q + message). */
static LV_AVX2_INLINE void emit8(int16_t* L, int16_t* msg, const uint32_t* v, uint32_t d, uint32_t i, __m128i parity, __m128i q,
	__m128i x, const unsigned k)
{
	lanes8 out, l;
	unsigned j;
	out.v = _mm_sign_epi16(x, _mm_or_si128(_mm_xor_si128(parity, q), _mm_set1_epi16(1)));
	memcpy(msg + (size_t)k * i, out.s, sizeof(int16_t) * k);
	l.v = _mm_max_epi16(_mm_adds_epi16(q, out.v), _mm_set1_epi16(-LMAX));
	for (j = 0; j < k; j++) L[v[(size_t)j * d + i]] = l.s[j];
}

/* The k rows from row r (degree d, edges from v = check_vars + lo, messages from msg = R + lo). */
static LV_AVX2_INLINE void group_rows(int16_t* L, int16_t* msg, const uint32_t* v, uint32_t d, const uint8_t* syndrome, uint64_t r,
	__m128i* q, const unsigned k)
{
	__m128i *const a = q + d, *const P = a + d, *const S = P + d;
	lanes8 l, old;
	__m128i parity;
	uint32_t i;
	unsigned j;
	l.v = old.v = _mm_setzero_si128(); /* lanes k and up compute on these and are never stored */
	for (j = 0; j < k; j++) l.s[j] = (int16_t)-(int32_t)syndrome_bit(syndrome, r + j);
	parity = l.v;
	for (i = 0; i < d; i++) {
		__m128i qi;
		for (j = 0; j < k; j++) l.s[j] = L[v[(size_t)j * d + i]];
		memcpy(old.s, msg + (size_t)k * i, sizeof(int16_t) * k);
		qi = _mm_max_epi16(_mm_subs_epi16(l.v, old.v), _mm_set1_epi16(-LMAX));
		q[i] = qi;
		a[i] = _mm_abs_epi16(qi);
		parity = _mm_xor_si128(parity, qi);
	}
	P[0] = a[0];
	S[d - 2] = a[d - 1];
	for (i = 1; i + 1 < d; i++) {
		P[i] = boxplus8(P[i - 1], a[i]);
		S[d - 2 - i] = boxplus8(S[d - 1 - i], a[d - 1 - i]);
	}
	emit8(L, msg, v, d, d - 1, parity, q[d - 1], P[d - 2], k);
	for (i = d - 2; i >= 1; i--) emit8(L, msg, v, d, i, parity, q[i], boxplus8(P[i - 1], S[i]), k);
	emit8(L, msg, v, d, 0, parity, q[0], S[0], k);
}

/* One iteration of a frame's rows, groups and rows alone. One copy of group_rows per k, so its
   lane loops and copies have a constant length. */
static LV_AVX2 __attribute__((noinline)) void iterate_groups(const lv_ldpc_code* code, const uint8_t* syndrome, const scalar_work* w)
{
	const uint32_t *const cp = code->check_ptr, *const cv = code->check_vars;
	const uint64_t m = code->m;
	__m128i* const vq = (__m128i*)w->vectors;
	uint64_t r = 0;
	while (r < m) {
		const uint32_t lo = cp[r], d = cp[r + 1] - lo;
		int16_t* const msg = w->R + lo;
		switch (w->group[r]) {
		case 2: group_rows(w->L, msg, cv + lo, d, syndrome, r, vq, 2); r += 2; continue;
		case 3: group_rows(w->L, msg, cv + lo, d, syndrome, r, vq, 3); r += 3; continue;
		case 4: group_rows(w->L, msg, cv + lo, d, syndrome, r, vq, 4); r += 4; continue;
		case 5: group_rows(w->L, msg, cv + lo, d, syndrome, r, vq, 5); r += 5; continue;
		case 6: group_rows(w->L, msg, cv + lo, d, syndrome, r, vq, 6); r += 6; continue;
		case 7: group_rows(w->L, msg, cv + lo, d, syndrome, r, vq, 7); r += 7; continue;
		case 8: group_rows(w->L, msg, cv + lo, d, syndrome, r, vq, 8); r += 8; continue;
		default: break;
		}
		if (d) row_scalar(w->L, msg, cv + lo, d, syndrome_bit(syndrome, r), w->q, w->a, w->P, w->S);
		r++;
	}
}

/* Row groups for a frame alone, where the CPU has AVX2. */
static int use_groups(void)
{
	return __builtin_cpu_supports("avx2");
}
#else
static int use_groups(void)
{
	return 0;
}
#endif

/* One frame, the spec's decodeFrame: writes its word to `word` (n) and returns its outcome. */
static lv_ldpc_result decode_frame(const lv_ldpc_code* code, const uint8_t* syndrome, const double* llr,
	uint32_t max_iterations, uint8_t* word, const scalar_work* w)
{
	const uint32_t *cp = code->check_ptr, *cv = code->check_vars;
	const uint64_t n = code->n, m = code->m;
	lv_ldpc_result res;
	uint64_t r, j;
	uint32_t it;
	for (j = 0; j < n; j++) w->L[j] = (int16_t)quantise(llr[j]);
	memset(w->R, 0, sizeof(int16_t) * code->check_vars_len);
	for (it = 1; it <= max_iterations; it++) {
#if HAVE_LANES
		if (w->group)
			iterate_groups(code, syndrome, w);
		else
#endif
			for (r = 0; r < m; r++) {
				const uint32_t lo = cp[r], d = cp[r + 1] - lo;
				if (d) row_scalar(w->L, w->R + lo, cv + lo, d, syndrome_bit(syndrome, r), w->q, w->a, w->P, w->S);
			}
		for (j = 0; j < n; j++) word[j] = (uint8_t)((uint16_t)w->L[j] >> 15);
		if (syndrome_matches(code, word, syndrome)) {
			res.iterations = it;
			res.converged = 1;
			return res;
		}
	}
	res.iterations = max_iterations;
	res.converged = 0;
	return res;
}

/* ---- 16 frames side by side: AVX2, chosen at run time ---- */

#if HAVE_LANES

/*
 * Frame k of the 16 in the register lives in int16 lane k: its running LLR of variable v at
 * L[16 v + k], its message on edge e at R[16 e + k], its syndrome bit r at SY[16 r + k] (-1 for a
 * 1: only the sign bit counts), so each access of a row is one aligned 32-byte vector. The
 * spec's operations map one to one onto lane-wise instructions: sat(L - R) is VPSUBSW then a
 * floor at -LMAX (VPSUBSW alone stops at -32768), |q| is VPABSW, 21x >> 6 and 65x >> 10 are
 * VPMULHW by 21 * 1024 and 65 * 64 (x >= 0, so the high half is the floor), max(G0 - y, 0) is
 * VPSUBUSW (unsigned saturation stops at 0), min(A + B, LMAX) is VPADDSW, and the box-plus's
 * mn + g - g cannot leave int16 (g(s) = 0 once min(A, B) > 535, and g <= 170), so wrapping adds
 * give the spec's value, which is never below 0 (NO_CLAMP).
 */
typedef struct {
	int16_t *L, *R, *SY;
	__m256i *q, *a, *P, *S;
} lane_work;

/* Edge i of a row in every lane: its message x, negated where parity XOR q is negative (VPSIGNW by
   a never-zero value with that sign); then L[v] = sat(q + message). */
static LV_AVX2_INLINE void emit16(int16_t* L, int16_t* msg, const uint32_t* v, uint32_t i, __m256i parity, __m256i q, __m256i x)
{
	const __m256i out = _mm256_sign_epi16(x, _mm256_or_si256(_mm256_xor_si256(parity, q), _mm256_set1_epi16(1)));
	_mm256_store_si256((__m256i*)&msg[LANES * (size_t)i], out);
	_mm256_store_si256((__m256i*)&L[LANES * (size_t)v[i]], _mm256_max_epi16(_mm256_adds_epi16(q, out), _mm256_set1_epi16(-LMAX)));
}

/*
 * One layered iteration of all 16 lanes. keep_lanes[k] is 0 in the lanes of a frame in its first
 * iteration, whose messages still hold the previous frame's: each is read once an iteration
 * before it is written, so masking the reads is the spec's R = 0 (clearing R, strided, would
 * cost as much as an iteration). Outputs are written from i = d - 1 down to 0, as the spec writes.
 */
static LV_AVX2 __attribute__((noinline)) void iterate16(const lv_ldpc_code* code, const lane_work* w, const int16_t* keep_lanes)
{
	const uint32_t *const cp = code->check_ptr, *const cv = code->check_vars;
	const uint64_t m = code->m;
	/* the arrays in locals: the vector stores could alias w's fields */
	int16_t *const L = w->L, *const R = w->R;
	const int16_t* const SY = w->SY;
	__m256i *const q = w->q, *const a = w->a, *const P = w->P, *const S = w->S;
	const __m256i floor16 = _mm256_set1_epi16(-LMAX), keep = _mm256_load_si256((const __m256i*)keep_lanes);
	uint64_t r;
	uint32_t i;
	for (r = 0; r < m; r++) {
		const uint32_t lo = cp[r], d = cp[r + 1] - lo;
		const uint32_t* v;
		int16_t* msg;
		__m256i parity;
		if (d == 0) continue; /* (check_vars may be NULL when there are no edges) */
		v = cv + lo;
		msg = R + (size_t)LANES * lo;
		parity = _mm256_load_si256((const __m256i*)&SY[(size_t)LANES * r]);
		/* Prefetches, measured (bench/ldpc-native.ts): the next row's L, scattered, while this row's
		   chains run, and the messages two rows on, 64 bytes a line, ahead of the stream the
		   hardware prefetcher finds late (about a tenth faster each). */
		if (r + 1 < m)
			for (i = cp[r + 1]; i < cp[r + 2]; i++) _mm_prefetch((const char*)&L[(size_t)LANES * cv[i]], _MM_HINT_T0);
		if (r + 2 < m)
			for (i = cp[r + 2]; i < cp[r + 3]; i += 2) _mm_prefetch((const char*)&R[(size_t)LANES * i], _MM_HINT_T0);
		for (i = 0; i < d; i++) {
			const __m256i l = _mm256_load_si256((const __m256i*)&L[(size_t)LANES * v[i]]);
			const __m256i old = _mm256_and_si256(keep, _mm256_load_si256((const __m256i*)&msg[LANES * (size_t)i]));
			const __m256i qi = _mm256_max_epi16(_mm256_subs_epi16(l, old), floor16);
			q[i] = qi;
			a[i] = _mm256_abs_epi16(qi);
			parity = _mm256_xor_si256(parity, qi);
		}
		if (d == 1) {
			emit16(L, msg, v, 0, parity, q[0], _mm256_set1_epi16(LMAX));
			continue;
		}
		P[0] = a[0];
		S[d - 2] = a[d - 1];
		for (i = 1; i + 1 < d; i++) {
			P[i] = boxplus16(P[i - 1], a[i]);
			S[d - 2 - i] = boxplus16(S[d - 1 - i], a[d - 1 - i]);
		}
		emit16(L, msg, v, d - 1, parity, q[d - 1], P[d - 2]);
		for (i = d - 2; i >= 1; i--) emit16(L, msg, v, i, parity, q[i], boxplus16(P[i - 1], S[i]));
		emit16(L, msg, v, 0, parity, q[0], S[0]);
	}
}

/* Bit k set where lane k of v is negative (VPACKSSWB keeps the sign; per 128-bit half). */
static LV_AVX2_INLINE unsigned lanes_of(__m256i v)
{
	const unsigned mask = (unsigned)_mm256_movemask_epi8(_mm256_packs_epi16(v, _mm256_setzero_si256()));
	return (mask & 0xFFu) | ((mask >> 8) & 0xFF00u);
}

/* The lanes whose hard decisions (L < 0) miss some syndrome bit. The scan stops once every lane
   in `active` has missed one: most iterations, within the first rows. */
static LV_AVX2 __attribute__((noinline)) unsigned failing16(const lv_ldpc_code* code, const lane_work* w, unsigned active)
{
	const uint32_t *const cp = code->check_ptr, *const cv = code->check_vars;
	const int16_t *const L = w->L, *const SY = w->SY;
	__m256i bad = _mm256_setzero_si256();
	uint64_t r;
	uint32_t e;
	for (r = 0; r < code->m; r++) {
		__m256i p = _mm256_load_si256((const __m256i*)&SY[(size_t)LANES * r]);
		for (e = cp[r]; e < cp[r + 1]; e++) p = _mm256_xor_si256(p, _mm256_load_si256((const __m256i*)&L[(size_t)LANES * cv[e]]));
		bad = _mm256_or_si256(bad, p);
		if ((r & 15) == 15 && (lanes_of(bad) & active) == active) break;
	}
	return lanes_of(bad);
}

/* Puts a frame into lane k: its quantised LLRs and its syndrome (its messages: see iterate16). */
static void lane_load(const lv_ldpc_code* code, const lane_work* w, unsigned k, const uint8_t* syndrome, const double* llr)
{
	uint64_t j;
	for (j = 0; j < code->n; j++) w->L[LANES * (size_t)j + k] = (int16_t)quantise(llr[j]);
	for (j = 0; j < code->m; j++) w->SY[LANES * (size_t)j + k] = (int16_t)-(int32_t)syndrome_bit(syndrome, j);
}

/* Lane k's hard decisions, its frame's word. */
static void lane_word(const lv_ldpc_code* code, const lane_work* w, unsigned k, uint8_t* word)
{
	uint64_t j;
	for (j = 0; j < code->n; j++) word[j] = (uint8_t)((uint16_t)w->L[LANES * (size_t)j + k] >> 15);
}

static lane_work lane_layout(const lv_ldpc_code* code, uint32_t dmax, void* base)
{
	lane_work w;
	w.q = (__m256i*)base;
	w.a = w.q + dmax;
	w.P = w.a + dmax;
	w.S = w.P + dmax;
	w.L = (int16_t*)(w.S + dmax);
	w.R = w.L + LANES * (size_t)code->n;
	w.SY = w.R + LANES * (size_t)code->check_vars_len;
	return w;
}

/*
 * All the frames through the 16 lanes: each lane takes the next frame as soon as its own
 * converges or reaches max_iterations, so the lanes stay busy whatever the frames' iteration
 * counts. Lanes without a frame run on (zeros at first, then their last frame) and are ignored.
 */
static void decode_lanes(const lv_ldpc_code* code, const uint8_t* syndromes, const double* llrs, uint64_t frames,
	uint32_t max_iterations, uint8_t* bits, lv_ldpc_result* results, const lane_work* w)
{
	const size_t n = (size_t)code->n, bytes = (size_t)((code->m + 7) >> 3);
	uint64_t slot[LANES], next = 0;
	uint32_t done[LANES]; /* iterations run on the lane's frame */
	unsigned active = 0, k;
	_Alignas(32) int16_t keep[LANES];
	for (k = 0; k < LANES; k++) {
		done[k] = 0;
		if (next < frames) {
			lane_load(code, w, k, syndromes + bytes * next, llrs + n * next);
			slot[k] = next++;
			active |= 1u << k;
		} else {
			uint64_t j;
			slot[k] = 0;
			for (j = 0; j < code->n; j++) w->L[LANES * (size_t)j + k] = 0;
			for (j = 0; j < code->m; j++) w->SY[LANES * (size_t)j + k] = 0;
		}
	}
	while (active) {
		unsigned bad;
		for (k = 0; k < LANES; k++) keep[k] = (int16_t)((active >> k & 1) && done[k] ? -1 : 0);
		iterate16(code, w, keep);
		bad = failing16(code, w, active);
		for (k = 0; k < LANES; k++) {
			if (!(active >> k & 1)) continue;
			if (++done[k] < max_iterations && (bad >> k & 1)) continue;
			lane_word(code, w, k, bits + n * slot[k]);
			results[slot[k]].iterations = done[k];
			results[slot[k]].converged = !(bad >> k & 1);
			done[k] = 0;
			if (next < frames) {
				lane_load(code, w, k, syndromes + bytes * next, llrs + n * next);
				slot[k] = next++;
			} else
				active &= ~(1u << k);
		}
	}
}

static uint64_t lane_bytes(const lv_ldpc_code* code, uint32_t dmax)
{
	return 2 * LANES * (code->n + (uint64_t)code->check_vars_len + code->m) + 32 * 4 * (uint64_t)dmax;
}

/* The lanes when the CPU has them and there are frames enough to fill them. */
static int use_lanes(uint64_t frames)
{
	return frames >= LANE_MIN_FRAMES && __builtin_cpu_supports("avx2");
}
#endif

/* ---- the entry points ---- */

/* The path's bytes, plus 31 to align the start to 32; over SIZE_MAX (32-bit hosts) it cannot be had. */
static uint64_t work_bytes(const lv_ldpc_code* code, uint32_t dmax, uint64_t frames)
{
#if HAVE_LANES
	if (use_lanes(frames)) return lane_bytes(code, dmax) + 31;
#else
	(void)frames;
#endif
	return scalar_bytes(code, dmax, use_groups()) + 31;
}

static void* align32(void* work)
{
	return (uint8_t*)work + ((32 - ((uintptr_t)work & 31)) & 31);
}

lv_ldpc_status lv_ldpc_work_size(const lv_ldpc_code* code, uint64_t frames, size_t* work_size, lv_ldpc_fault* fault)
{
	uint32_t dmax;
	uint64_t bytes;
	lv_ldpc_status st = check_code(code, &dmax, fault);
	if (st != LV_LDPC_OK) return st;
	if (!work_size) FAIL(LV_LDPC_E_NULL, 0, 0);
	if (frames == 0) FAIL(LV_LDPC_E_FRAMES, 0, 0);
	bytes = work_bytes(code, dmax, frames);
	*work_size = bytes > SIZE_MAX ? SIZE_MAX : (size_t)bytes;
	return LV_LDPC_OK;
}

/* The frames' syndromes and LLRs, in the reference's order (checkLdpcDecodeArgs); *frames = their count. */
static lv_ldpc_status check_frames(const lv_ldpc_code* code, const uint8_t* syndromes, size_t syndromes_len,
	const double* llrs, size_t llr_len, uint64_t* frames, lv_ldpc_fault* fault)
{
	const uint64_t n = code->n, m = code->m, bytes = (m + 7) >> 3;
	uint64_t f, i;
	if (!llrs) FAIL(LV_LDPC_E_NULL, 0, 0);
	if (llr_len == 0 || llr_len % n) FAIL(LV_LDPC_E_LLR_LENGTH, 0, llr_len);
	f = llr_len / n;
	if (!syndromes) FAIL(LV_LDPC_E_NULL, 0, 0);
	if (f > SIZE_MAX / bytes || syndromes_len != f * bytes) FAIL(LV_LDPC_E_SYNDROME_LENGTH, f, syndromes_len);
	if (m & 7)
		for (i = 0; i < f; i++)
			if (syndromes[(i + 1) * bytes - 1] & (0xFFu >> (m & 7))) FAIL(LV_LDPC_E_SYNDROME_PADDING, i, 0);
	for (i = 0; i < llr_len; i++)
		if (llrs[i] != llrs[i]) FAIL(LV_LDPC_E_LLR_NAN, i, 0);
	*frames = f;
	return LV_LDPC_OK;
}

lv_ldpc_status lv_ldpc_decode(const lv_ldpc_code* code, const uint8_t* syndromes, size_t syndromes_len,
	const double* llrs, size_t llr_len, uint64_t max_iterations, uint8_t* bits, size_t bits_len,
	lv_ldpc_result* results, size_t results_len, void* work, size_t work_len, lv_ldpc_fault* fault)
{
	uint32_t dmax;
	uint64_t frames, need, k;
	lv_ldpc_status st;

	if ((st = check_code(code, &dmax, fault)) != LV_LDPC_OK) return st;
	if ((st = check_frames(code, syndromes, syndromes_len, llrs, llr_len, &frames, fault)) != LV_LDPC_OK) return st;
	if (max_iterations < 1 || max_iterations > LV_LDPC_MAX_ITERATIONS) FAIL(LV_LDPC_E_MAX_ITERATIONS, 0, max_iterations);
	if (!bits) FAIL(LV_LDPC_E_NULL, 0, 0);
	if (bits_len != llr_len) FAIL(LV_LDPC_E_BITS_LENGTH, llr_len, bits_len);
	if (!results) FAIL(LV_LDPC_E_NULL, 0, 0);
	if (results_len != frames) FAIL(LV_LDPC_E_RESULTS_LENGTH, frames, results_len);
	if (!work) FAIL(LV_LDPC_E_NULL, 0, 0);
	need = work_bytes(code, dmax, frames);
	if (need > SIZE_MAX || work_len < need) FAIL(LV_LDPC_E_WORK, 0, work_len);

#if HAVE_LANES
	if (use_lanes(frames)) {
		const lane_work w = lane_layout(code, dmax, align32(work));
		decode_lanes(code, syndromes, llrs, frames, (uint32_t)max_iterations, bits, results, &w);
		wipe(work, (size_t)need);
		return LV_LDPC_OK;
	}
#endif
	{
		const scalar_work w = scalar_layout(code, dmax, align32(work), use_groups());
		const size_t n = (size_t)code->n, bytes = (size_t)((code->m + 7) >> 3);
#if HAVE_LANES
		if (w.group) find_groups(code, w.stamp, w.group);
#endif
		for (k = 0; k < frames; k++)
			results[k] = decode_frame(code, syndromes + bytes * k, llrs + n * k, (uint32_t)max_iterations, bits + n * k, &w);
	}
	wipe(work, (size_t)need);
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
	if (bits_len != code->n) FAIL(LV_LDPC_E_BITS_LENGTH, code->n, bits_len);
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
		snprintf(buffer, size, "\"syndromes\" expected Uint8Array of length %llu (%llu frames of %llu bits packed), got %llu", index * ((m + 7) >> 3),
			index, m, value);
		break;
	case LV_LDPC_E_SYNDROME_PADDING: snprintf(buffer, size, "\"syndromes\" expected zero padding bits (frame %llu)", index); break;
	case LV_LDPC_E_LLR_LENGTH:
		snprintf(buffer, size, "\"channelLlrs\" expected Float64Array of a positive multiple of n = %llu values, got %llu", n, value);
		break;
	case LV_LDPC_E_LLR_NAN: snprintf(buffer, size, "\"channelLlrs[%llu]\" is NaN", index); break;
	case LV_LDPC_E_MAX_ITERATIONS:
		snprintf(buffer, size, "\"maxIterations\" expected an integer in [1, %u], got %llu", LV_LDPC_MAX_ITERATIONS, value);
		break;
	case LV_LDPC_E_BITS_LENGTH: snprintf(buffer, size, "\"bits\" expected Uint8Array of length %llu, got length=%llu", index, value); break;
	case LV_LDPC_E_BIT_VALUE: snprintf(buffer, size, "\"bits[%llu]\" expected 0 or 1, got %llu", index, value); break;
	case LV_LDPC_E_OUT_LENGTH: snprintf(buffer, size, "\"out\" expected Uint8Array of length %llu", (m + 7) >> 3); break;
	case LV_LDPC_E_WORK: snprintf(buffer, size, "work buffer too small (%llu bytes)", value); break;
	case LV_LDPC_E_RESULTS_LENGTH: snprintf(buffer, size, "\"results\" expected %llu entries, got %llu", index, value); break;
	case LV_LDPC_E_FRAMES: snprintf(buffer, size, "\"frames\" expected at least 1"); break;
	default: snprintf(buffer, size, "unknown LDPC status %d", (int)fault->status); break;
	}
	return buffer;
}
