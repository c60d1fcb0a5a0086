/*
 * LIGHTVIBES native kernel: Toeplitz hashing over GF(2). See toeplitz.h for the contract and
 * src/qkd/amplify.ts for the reference this must match bit for bit.
 *
 * Inside, bit strings are little-endian-first ("LSB-first"): bit k of a string is bit (k & 63)
 * of word k >> 6, so coefficient k of a GF(2)[z] polynomial is bit k. Packed input (MSB-first
 * bytes) is converted once on entry and the result converted back once on exit.
 */
#include "toeplitz.h"

#include <stdio.h>
#include <string.h>

/* -DLV_TOEPLITZ_PORTABLE_ONLY builds what a board without x86 gets (and lets a desktop test it). */
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__)) && !defined(LV_TOEPLITZ_PORTABLE_ONLY)
#define LV_HAVE_X86_CLMUL 1
#include <immintrin.h>
#endif

#define LV_ALIGN 64

/* ---------------------------------------------------------------- argument checks */

static size_t packed_len(uint64_t bits)
{
	return (size_t)((bits + 7) >> 3);
}

static int padding_clear(const uint8_t* bytes, size_t len, uint64_t bits)
{
	unsigned spare = (unsigned)(len * 8 - bits);
	return spare == 0 || (bytes[len - 1] & ((1u << spare) - 1)) == 0;
}

static lv_toeplitz_status check_sizes(uint64_t n, uint64_t l)
{
	if (n < 1 || n > LV_TOEPLITZ_MAX_BITS) return LV_TOEPLITZ_E_N;
	if (l < 1 || l > n) return LV_TOEPLITZ_E_OUTPUT_BITS;
	return LV_TOEPLITZ_OK;
}

const char* lv_toeplitz_describe(lv_toeplitz_status status, uint64_t n, uint64_t l,
	size_t input_len, size_t seed_len, char* buffer, size_t size)
{
	unsigned long long N = n, L = l;
	if (!buffer || !size) return buffer;
	switch (status) {
	case LV_TOEPLITZ_OK: snprintf(buffer, size, "ok"); break;
	case LV_TOEPLITZ_E_N: snprintf(buffer, size, "\"n\" expected an integer in [1, 2147483648], got %llu", N); break;
	case LV_TOEPLITZ_E_OUTPUT_BITS: snprintf(buffer, size, "\"outputBits\" expected an integer in [1, %llu], got %llu", N, L); break;
	case LV_TOEPLITZ_E_INPUT_LENGTH:
		snprintf(buffer, size, "\"input\" expected Uint8Array of length %llu, got length=%llu", (unsigned long long)packed_len(n), (unsigned long long)input_len);
		break;
	case LV_TOEPLITZ_E_SEED_LENGTH:
		snprintf(buffer, size, "\"seed\" expected Uint8Array of length %llu, got length=%llu", (unsigned long long)packed_len(n + l - 1), (unsigned long long)seed_len);
		break;
	case LV_TOEPLITZ_E_OUT_LENGTH: snprintf(buffer, size, "\"out\" expected Uint8Array of length %llu", (unsigned long long)packed_len(l)); break;
	case LV_TOEPLITZ_E_INPUT_PADDING: snprintf(buffer, size, "\"input\" expected zero padding bits after bit %llu", N); break;
	case LV_TOEPLITZ_E_SEED_PADDING: snprintf(buffer, size, "\"seed\" expected zero padding bits after bit %llu", N + L - 1); break;
	case LV_TOEPLITZ_E_METHOD: snprintf(buffer, size, "\"method\" expected 0 (auto), 1 (words), 2 (fft) or 3 (fft, portable multiply)"); break;
	case LV_TOEPLITZ_E_SCRATCH: snprintf(buffer, size, "\"scratch\" expected at least %llu bytes", (unsigned long long)lv_toeplitz_scratch_size(n, l, LV_TOEPLITZ_AUTO)); break;
	case LV_TOEPLITZ_E_NULL: snprintf(buffer, size, "a buffer is NULL"); break;
	default: snprintf(buffer, size, "unknown status %d", (int)status); break;
	}
	return buffer;
}

/* ---------------------------------------------------------------- bit strings */

/* Reverses the bits inside each byte of a 64-bit word. */
static inline uint64_t rev_bytes_bits(uint64_t v)
{
	v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
	v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
	v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
	return v;
}

/* MSB-first packed bytes → LSB-first words dst[before ..], every other word of dst[0 .. words) zero. */
static void load_bits(uint64_t* dst, size_t words, size_t before, const uint8_t* src, size_t len)
{
	size_t w, full = len >> 3;
	memset(dst, 0, words * sizeof(uint64_t));
	for (w = 0; w < full; w++) {
		const uint8_t* p = src + 8 * w;
		uint64_t v = (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
			(uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
		dst[before + w] = rev_bytes_bits(v);
	}
	if (len & 7) {
		uint64_t v = 0;
		size_t i;
		for (i = 0; i < (len & 7); i++) v |= (uint64_t)src[8 * full + i] << (8 * i);
		dst[before + full] = rev_bytes_bits(v);
	}
}

/* LSB-first words → MSB-first packed bytes for `bits` bits, padding bits cleared. */
static void store_bits(uint8_t* dst, const uint64_t* src, uint64_t bits)
{
	size_t len = packed_len(bits), i;
	for (i = 0; i < len; i++) dst[i] = (uint8_t)(rev_bytes_bits(src[i >> 3]) >> (8 * (i & 7)));
	if (bits & 7) dst[len - 1] &= (uint8_t)(0xFF00u >> (bits & 7));
}

/* Bits [pos, pos + 32) of an LSB-first string of `words` words, zero outside it (pos may be < 0). */
static inline uint32_t bits32_at(const uint64_t* w, size_t words, int64_t pos)
{
	uint64_t v;
	size_t i;
	unsigned sh;
	if (pos <= -32) return 0;
	if (pos < 0) return (uint32_t)(bits32_at(w, words, 0) << (unsigned)(-pos));
	i = (size_t)((uint64_t)pos >> 6);
	sh = (unsigned)(pos & 63);
	if (i >= words) return 0;
	v = w[i] >> sh;
	if (sh > 32 && i + 1 < words) v |= w[i + 1] << (64 - sh);
	return (uint32_t)v;
}

static void* align_up(void* p)
{
	return (void*)(((uintptr_t)p + (LV_ALIGN - 1)) & ~(uintptr_t)(LV_ALIGN - 1));
}

/* ---------------------------------------------------------------- method 1: words */

/*
 * Input nibble p (bits 4p..4p+3, value u MSB first) adds the seed slice G_u[n-4-4p ..) to y,
 * where G_u is the XOR of the seed shifted down by each c in u. Tables are kept in coordinates
 * shifted up by 64 bits, so the offset O = n + 60 - 4p is never negative; the XOR is word-aligned
 * into accumulator (O & 63) >> 2, and each accumulator is shifted into place once at the end.
 */
typedef struct {
	size_t gw; /* words per table */
	size_t lw; /* words per accumulator */
} words_plan;

static words_plan plan_words(uint64_t n, uint64_t l)
{
	words_plan p;
	p.lw = (size_t)((l + 63) >> 6) + 1;
	p.gw = (size_t)((n + 60) >> 6) + p.lw + 1;
	return p;
}

static size_t words_scratch(uint64_t n, uint64_t l)
{
	words_plan p = plan_words(n, l);
	return ((p.gw + 1) + 16 * p.gw + 16 * p.lw + p.lw) * sizeof(uint64_t) + LV_ALIGN;
}

static void toeplitz_words(const uint8_t* input, uint64_t n, const uint8_t* seed, uint64_t l, uint8_t* out, void* scratch)
{
	words_plan p = plan_words(n, l);
	const size_t GW = p.gw, LW = p.lw;
	uint64_t* s = align_up(scratch);   /* the seed, one zero word in front: GW + 1 words */
	uint64_t* g = s + GW + 1;          /* 16 tables of GW words */
	uint64_t* acc = g + 16 * GW;       /* 16 accumulators of LW words */
	uint64_t* y = acc + 16 * LW;       /* LW words */
	uint64_t nibbles = (n + 3) >> 2, q;
	unsigned u, a;
	size_t w;

	load_bits(s, GW + 1, 1, seed, packed_len(n + l - 1));
	memset(g, 0, GW * sizeof(uint64_t));
	for (u = 1; u < 16; u++) {
		unsigned c = (unsigned)__builtin_ctz(u);
		const uint64_t* from = g + (size_t)(u & (u - 1)) * GW;
		uint64_t* to = g + (size_t)u * GW;
		if (c == 0)
			for (w = 0; w < GW; w++) to[w] = from[w] ^ s[w];
		else
			for (w = 0; w < GW; w++) to[w] = from[w] ^ (s[w] >> c) ^ (s[w + 1] << (64 - c));
	}
	memset(acc, 0, 16 * LW * sizeof(uint64_t));
	for (q = 0; q < nibbles; q++) {
		uint8_t byte = input[q >> 1];
		uint64_t o = n + 60 - 4 * q;
		const uint64_t* restrict src;
		uint64_t* restrict dst;
		u = (q & 1) ? (byte & 15u) : (unsigned)(byte >> 4);
		if (!u) continue;
		src = g + (size_t)u * GW + (size_t)(o >> 6);
		dst = acc + (size_t)((o & 63) >> 2) * LW;
		for (w = 0; w < LW; w++) dst[w] ^= src[w];
	}
	memset(y, 0, LW * sizeof(uint64_t));
	for (a = 0; a < 16; a++) {
		unsigned sh = 4 * a + (unsigned)(n & 3);
		const uint64_t* r = acc + (size_t)a * LW;
		if (sh == 0)
			for (w = 0; w + 1 < LW; w++) y[w] ^= r[w];
		else
			for (w = 0; w + 1 < LW; w++) y[w] ^= (r[w] >> sh) | (r[w + 1] << (64 - sh));
	}
	store_bits(out, y, l);
}

/* ---------------------------------------------------------------- GF(2^64) */

/* GF(2^64) = GF(2)[x] / (x^64 + x^4 + x^3 + x + 1): reduces the 127-bit product hi:lo. */
static inline uint64_t gf_reduce(uint64_t hi, uint64_t lo)
{
	uint64_t h = hi ^ (hi >> 63) ^ (hi >> 61) ^ (hi >> 60);
	return lo ^ h ^ (h << 1) ^ (h << 3) ^ (h << 4);
}

/* Portable carry-less 64 x 64 multiply, 4-bit window on b. */
static inline uint64_t gf_mul_portable(uint64_t a, uint64_t b)
{
	uint64_t tlo[16], thi[16], lo = 0, hi = 0;
	unsigned i;
	tlo[0] = 0;
	thi[0] = 0;
	for (i = 1; i < 16; i++) {
		unsigned c = (unsigned)__builtin_ctz(i);
		unsigned r = i & (i - 1);
		tlo[i] = tlo[r] ^ (a << c);
		thi[i] = thi[r] ^ (c ? a >> (64 - c) : 0);
	}
	for (i = 16; i-- > 0;) {
		unsigned v = (unsigned)(b >> (4 * i)) & 15u;
		hi = (hi << 4) | (lo >> 60);
		lo <<= 4;
		lo ^= tlo[v];
		hi ^= thi[v];
	}
	return gf_reduce(hi, lo);
}

#ifdef LV_HAVE_X86_CLMUL
__attribute__((target("pclmul,sse2"))) static inline uint64_t gf_mul_clmul(uint64_t a, uint64_t b)
{
	__m128i p = _mm_clmulepi64_si128(_mm_cvtsi64_si128((long long)a), _mm_cvtsi64_si128((long long)b), 0x00);
	uint64_t lo = (uint64_t)_mm_cvtsi128_si64(p);
	uint64_t hi = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(p, p));
	return gf_reduce(hi, lo);
}
#endif

/*
 * The Cantor basis of GF(2^64): beta_0 = 1, beta_i^2 + beta_i = beta_{i-1}. With it the subspace
 * polynomials are s_i = (x^2 + x) composed i times = sum_j C(i, j) x^(2^j) (GF(2) coefficients),
 * s_i(beta_i) = 1, and s_{i-1}(beta_j) = beta_{j-i+1}: every FFT twiddle is a sum of basis elements.
 * tw_step[z] = beta_1 + ... + beta_{z+1} steps the twiddle from block r - 1 to block r (z = ctz r).
 */
typedef struct {
	uint64_t beta[64];
	uint64_t tw_step[64];
} cantor_basis;

static uint64_t gf_square_plus_self(uint64_t x)
{
	return gf_mul_portable(x, x) ^ x;
}

/* Solves x^2 + x = c over GF(2) linear algebra (the map has kernel {0, 1}); 0 if unsolvable. */
static int solve_artin_schreier(uint64_t c, uint64_t* x)
{
	uint64_t bv[64], bx[64];
	int have[64] = { 0 }, r, p;
	for (r = 0; r < 64; r++) {
		uint64_t v = gf_square_plus_self((uint64_t)1 << r), xv = (uint64_t)1 << r;
		for (p = 63; p >= 0 && v; p--)
			if ((v >> p) & 1) {
				if (!have[p]) {
					have[p] = 1;
					bv[p] = v;
					bx[p] = xv;
					v = 0;
					break;
				}
				v ^= bv[p];
				xv ^= bx[p];
			}
	}
	*x = 0;
	for (p = 63; p >= 0; p--)
		if ((c >> p) & 1) {
			if (!have[p]) return 0;
			c ^= bv[p];
			*x ^= bx[p];
		}
	return c == 0;
}

static const cantor_basis* the_basis(void)
{
	static cantor_basis basis;
	static volatile int ready = 0;
	if (!ready) {
		cantor_basis b;
		int i;
		b.beta[0] = 1;
		for (i = 1; i < 64; i++)
			if (!solve_artin_schreier(b.beta[i - 1], &b.beta[i])) b.beta[i] = 0; /* cannot happen in GF(2^64) */
		b.tw_step[0] = b.beta[1];
		for (i = 1; i < 63; i++) b.tw_step[i] = b.tw_step[i - 1] ^ b.beta[i + 1];
		b.tw_step[63] = b.tw_step[62];
		basis = b; /* idempotent: concurrent first calls write the same bytes */
		ready = 1;
	}
	return &basis;
}

/* The twiddle of block `index` at any level: s_{i-1}(omega_{index * 2^i}) = sum_t bit_t(index) beta_{t+1}. */
static uint64_t twiddle(const cantor_basis* cb, uint64_t index)
{
	uint64_t t = 0;
	unsigned b = 1;
	for (; index; index >>= 1, b++)
		if (index & 1) t ^= cb->beta[b];
	return t;
}

/* ---------------------------------------------------------------- the FFT butterflies */

/*
 * One FFT level on `count` consecutive blocks of 2h elements whose first has twiddle tw0 (the
 * next ones step by tw_step). Forward: f_j += c f_{j+h}; f_{j+h} += f_j. Inverse: the reverse.
 * Instantiated once per multiply (portable, PCLMULQDQ) so the multiply inlines into the loops.
 */
#define LV_DEFINE_BUTTERFLIES(SUFFIX, ATTR, MUL)                                                      \
	ATTR static void fft_run_fwd_##SUFFIX(uint64_t* f, size_t h, size_t count, uint64_t tw0,         \
		const uint64_t* step)                                                                          \
	{                                                                                                  \
		size_t r, j;                                                                                   \
		uint64_t c = tw0;                                                                              \
		for (r = 0; r < count; r++, f += 2 * h) {                                                      \
			uint64_t* restrict lo = f;                                                                 \
			uint64_t* restrict hi = f + h;                                                             \
			if (r) c ^= step[__builtin_ctzll((unsigned long long)r)];                                  \
			if (c)                                                                                     \
				for (j = 0; j < h; j++) {                                                              \
					uint64_t a = lo[j] ^ MUL(c, hi[j]);                                                \
					lo[j] = a;                                                                         \
					hi[j] ^= a;                                                                        \
				}                                                                                      \
			else                                                                                       \
				for (j = 0; j < h; j++) hi[j] ^= lo[j];                                                \
		}                                                                                              \
	}                                                                                                  \
	ATTR static void fft_run_inv_##SUFFIX(uint64_t* f, size_t h, size_t count, uint64_t tw0,         \
		const uint64_t* step)                                                                          \
	{                                                                                                  \
		size_t r, j;                                                                                   \
		uint64_t c = tw0;                                                                              \
		for (r = 0; r < count; r++, f += 2 * h) {                                                      \
			uint64_t* restrict lo = f;                                                                 \
			uint64_t* restrict hi = f + h;                                                             \
			if (r) c ^= step[__builtin_ctzll((unsigned long long)r)];                                  \
			if (c)                                                                                     \
				for (j = 0; j < h; j++) {                                                              \
					uint64_t b = hi[j] ^ lo[j];                                                        \
					hi[j] = b;                                                                         \
					lo[j] ^= MUL(c, b);                                                                \
				}                                                                                      \
			else                                                                                       \
				for (j = 0; j < h; j++) hi[j] ^= lo[j];                                                \
		}                                                                                              \
	}                                                                                                  \
	ATTR static void pointwise_##SUFFIX(uint64_t* restrict acc, const uint64_t* restrict a,          \
		const uint64_t* restrict b, size_t count, int first)                                           \
	{                                                                                                  \
		size_t u;                                                                                      \
		if (first)                                                                                     \
			for (u = 0; u < count; u++) acc[u] = MUL(a[u], b[u]);                                      \
		else                                                                                           \
			for (u = 0; u < count; u++) acc[u] ^= MUL(a[u], b[u]);                                     \
	}

LV_DEFINE_BUTTERFLIES(portable, , gf_mul_portable)
#ifdef LV_HAVE_X86_CLMUL
LV_DEFINE_BUTTERFLIES(clmul, __attribute__((target("pclmul,sse2"))), gf_mul_clmul)
#endif

#ifdef LV_HAVE_X86_CLMUL
/*
 * Four butterflies at a time with VPCLMULQDQ (AVX2 + VPCLMULQDQ CPUs): the same arithmetic as
 * gf_mul_clmul, lane by lane. Blocks with h < 4 go to the scalar PCLMULQDQ loops.
 */
#define LV_AVX_ATTR __attribute__((target("avx2,pclmul,vpclmulqdq")))

LV_AVX_ATTR static inline __m256i gf_reduce4(__m256i hi, __m256i lo)
{
	__m256i h = _mm256_xor_si256(_mm256_xor_si256(hi, _mm256_srli_epi64(hi, 63)), _mm256_xor_si256(_mm256_srli_epi64(hi, 61), _mm256_srli_epi64(hi, 60)));
	__m256i r = _mm256_xor_si256(lo, h);
	r = _mm256_xor_si256(r, _mm256_slli_epi64(h, 1));
	r = _mm256_xor_si256(r, _mm256_slli_epi64(h, 3));
	return _mm256_xor_si256(r, _mm256_slli_epi64(h, 4));
}

/* Lane-wise products a_u * b_u in GF(2^64) (b is a broadcast twiddle in the butterflies). */
LV_AVX_ATTR static inline __m256i gf_mul4(__m256i a, __m256i b)
{
	__m256i p0 = _mm256_clmulepi64_epi128(a, b, 0x00);
	__m256i p1 = _mm256_clmulepi64_epi128(a, b, 0x11);
	return gf_reduce4(_mm256_unpackhi_epi64(p0, p1), _mm256_unpacklo_epi64(p0, p1));
}

/*
 * The two lowest levels (h = 1, 2) have a twiddle per block of 2 or 4 values: four butterflies of
 * consecutive blocks share one vector, their twiddles stepped in scalar code.
 */
LV_AVX_ATTR static void fft_small_avx(uint64_t* f, size_t h, size_t count, uint64_t tw0, const uint64_t* step, int inverse)
{
	size_t r;
	uint64_t c = tw0, t[4];
	for (r = 0; r < count; r += 4 / h, f += 8) {
		__m256i A = _mm256_loadu_si256((const __m256i*)f), B = _mm256_loadu_si256((const __m256i*)(f + 4)), LO, HI, C;
		size_t q;
		for (q = 0; q < 4 / h; q++) {
			if (r + q) c ^= step[__builtin_ctzll((unsigned long long)(r + q))];
			t[q] = c;
		}
		if (h == 1) { /* blocks (l0 h0)(l1 h1)(l2 h2)(l3 h3): lanes (0 2 1 3) */
			LO = _mm256_unpacklo_epi64(A, B);
			HI = _mm256_unpackhi_epi64(A, B);
			C = _mm256_set_epi64x((long long)t[3], (long long)t[1], (long long)t[2], (long long)t[0]);
		} else { /* blocks (l0 l1 h0 h1)(l2 l3 h2 h3) */
			LO = _mm256_permute2x128_si256(A, B, 0x20);
			HI = _mm256_permute2x128_si256(A, B, 0x31);
			C = _mm256_set_epi64x((long long)t[1], (long long)t[1], (long long)t[0], (long long)t[0]);
		}
		if (!inverse) {
			LO = _mm256_xor_si256(LO, gf_mul4(HI, C));
			HI = _mm256_xor_si256(HI, LO);
		} else {
			HI = _mm256_xor_si256(HI, LO);
			LO = _mm256_xor_si256(LO, gf_mul4(HI, C));
		}
		if (h == 1) {
			A = _mm256_unpacklo_epi64(LO, HI);
			B = _mm256_unpackhi_epi64(LO, HI);
		} else {
			A = _mm256_permute2x128_si256(LO, HI, 0x20);
			B = _mm256_permute2x128_si256(LO, HI, 0x31);
		}
		_mm256_storeu_si256((__m256i*)f, A);
		_mm256_storeu_si256((__m256i*)(f + 4), B);
	}
}

/* The levels with h < 4 for the 4-lane loops: whole groups of blocks in vectors, else scalar. */
LV_AVX_ATTR static void fft_small_fwd_avx(uint64_t* f, size_t h, size_t count, uint64_t tw0, const uint64_t* step)
{
	if (count % (4 / h) == 0)
		fft_small_avx(f, h, count, tw0, step, 0);
	else
		fft_run_fwd_clmul(f, h, count, tw0, step);
}

LV_AVX_ATTR static void fft_small_inv_avx(uint64_t* f, size_t h, size_t count, uint64_t tw0, const uint64_t* step)
{
	if (count % (4 / h) == 0)
		fft_small_avx(f, h, count, tw0, step, 1);
	else
		fft_run_inv_clmul(f, h, count, tw0, step);
}

/*
 * The butterfly runs and the pointwise product with vectors of LANES values (VEC, with its LOAD,
 * STORE, XOR, SET1 and lane-wise MUL); blocks with h < LANES go to SMALL_FWD / SMALL_INV and the
 * last count % LANES products to TAIL. Instantiated once per vector width.
 */
#define LV_DEFINE_VECTOR_RUNS(SUFFIX, ATTR, VEC, LANES, LOAD, STORE, XOR, SET1, MUL, SMALL_FWD, SMALL_INV, TAIL) \
	ATTR static void fft_run_fwd_##SUFFIX(uint64_t* f, size_t h, size_t count, uint64_t tw0, const uint64_t* step) \
	{                                                                                                  \
		size_t r, j;                                                                                   \
		uint64_t c = tw0;                                                                              \
		if (h < (LANES)) {                                                                             \
			SMALL_FWD(f, h, count, tw0, step);                                                         \
			return;                                                                                    \
		}                                                                                              \
		for (r = 0; r < count; r++, f += 2 * h) {                                                      \
			uint64_t* lo = f;                                                                          \
			uint64_t* hi = f + h;                                                                      \
			VEC C;                                                                                     \
			if (r) c ^= step[__builtin_ctzll((unsigned long long)r)];                                  \
			C = SET1((long long)c);                                                                    \
			for (j = 0; j < h; j += (LANES)) {                                                         \
				VEC H = LOAD(hi + j);                                                                  \
				VEC A = XOR(LOAD(lo + j), MUL(H, C));                                                  \
				STORE(lo + j, A);                                                                      \
				STORE(hi + j, XOR(H, A));                                                              \
			}                                                                                          \
		}                                                                                              \
	}                                                                                                  \
	ATTR static void fft_run_inv_##SUFFIX(uint64_t* f, size_t h, size_t count, uint64_t tw0, const uint64_t* step) \
	{                                                                                                  \
		size_t r, j;                                                                                   \
		uint64_t c = tw0;                                                                              \
		if (h < (LANES)) {                                                                             \
			SMALL_INV(f, h, count, tw0, step);                                                         \
			return;                                                                                    \
		}                                                                                              \
		for (r = 0; r < count; r++, f += 2 * h) {                                                      \
			uint64_t* lo = f;                                                                          \
			uint64_t* hi = f + h;                                                                      \
			VEC C;                                                                                     \
			if (r) c ^= step[__builtin_ctzll((unsigned long long)r)];                                  \
			C = SET1((long long)c);                                                                    \
			for (j = 0; j < h; j += (LANES)) {                                                         \
				VEC A = LOAD(lo + j);                                                                  \
				VEC B = XOR(LOAD(hi + j), A);                                                          \
				STORE(hi + j, B);                                                                      \
				STORE(lo + j, XOR(A, MUL(B, C)));                                                      \
			}                                                                                          \
		}                                                                                              \
	}                                                                                                  \
	ATTR static void pointwise_##SUFFIX(uint64_t* acc, const uint64_t* a, const uint64_t* b, size_t count, int first) \
	{                                                                                                  \
		size_t u = 0;                                                                                  \
		for (; u + (LANES) <= count; u += (LANES)) {                                                   \
			VEC p = MUL(LOAD(a + u), LOAD(b + u));                                                     \
			STORE(acc + u, first ? p : XOR(p, LOAD(acc + u)));                                         \
		}                                                                                              \
		if (u < count) TAIL(acc + u, a + u, b + u, count - u, first);                                  \
	}

LV_AVX_ATTR static inline __m256i load4(const uint64_t* p) { return _mm256_loadu_si256((const __m256i*)p); }
LV_AVX_ATTR static inline void store4(uint64_t* p, __m256i v) { _mm256_storeu_si256((__m256i*)p, v); }

LV_DEFINE_VECTOR_RUNS(avx, LV_AVX_ATTR, __m256i, 4, load4, store4, _mm256_xor_si256, _mm256_set1_epi64x, gf_mul4,
	fft_small_fwd_avx, fft_small_inv_avx, pointwise_clmul)

#ifndef LV_TOEPLITZ_NO_AVX512
/*
 * Eight butterflies at a time with 512-bit VPCLMULQDQ (AVX-512F CPUs): the same arithmetic again,
 * the reduction's XORs folded three at a time (VPTERNLOGQ 0x96 = a ^ b ^ c). Blocks with h < 8
 * go to the 256-bit loops. -DLV_TOEPLITZ_NO_AVX512 leaves this out (and lets a test reach those).
 */
#define LV_AVX512_ATTR __attribute__((target("avx512f,avx2,pclmul,vpclmulqdq")))
#define LV_XOR3 0x96

LV_AVX512_ATTR static inline __m512i gf_mul8(__m512i a, __m512i b)
{
	__m512i p0 = _mm512_clmulepi64_epi128(a, b, 0x00);
	__m512i p1 = _mm512_clmulepi64_epi128(a, b, 0x11);
	__m512i hi = _mm512_unpackhi_epi64(p0, p1), lo = _mm512_unpacklo_epi64(p0, p1);
	__m512i h = _mm512_ternarylogic_epi64(hi, _mm512_srli_epi64(hi, 63), _mm512_srli_epi64(hi, 61), LV_XOR3);
	__m512i r;
	h = _mm512_xor_si512(h, _mm512_srli_epi64(hi, 60));
	r = _mm512_ternarylogic_epi64(lo, h, _mm512_slli_epi64(h, 1), LV_XOR3);
	return _mm512_ternarylogic_epi64(r, _mm512_slli_epi64(h, 3), _mm512_slli_epi64(h, 4), LV_XOR3);
}

LV_AVX512_ATTR static inline __m512i load8(const uint64_t* p) { return _mm512_loadu_si512((const void*)p); }
LV_AVX512_ATTR static inline void store8(uint64_t* p, __m512i v) { _mm512_storeu_si512((void*)p, v); }

LV_DEFINE_VECTOR_RUNS(avx512, LV_AVX512_ATTR, __m512i, 8, load8, store8, _mm512_xor_si512, _mm512_set1_epi64, gf_mul8,
	fft_run_fwd_avx, fft_run_inv_avx, pointwise_avx)
#endif
#endif

typedef struct {
	void (*run_fwd)(uint64_t*, size_t, size_t, uint64_t, const uint64_t*);
	void (*run_inv)(uint64_t*, size_t, size_t, uint64_t, const uint64_t*);
	void (*pointwise)(uint64_t*, const uint64_t*, const uint64_t*, size_t, int);
	const cantor_basis* cb;
} gf_ops;

/* 0: portable multiply; 1: PCLMULQDQ; 2: and 4-lane VPCLMULQDQ (AVX2); 3: and 8-lane (AVX-512F). */
static int cpu_clmul_level(void)
{
#ifdef LV_HAVE_X86_CLMUL
	static int known = -1;
	if (known < 0) {
		__builtin_cpu_init();
		known = !__builtin_cpu_supports("pclmul") ? 0
			: !__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("vpclmulqdq") ? 1
#ifndef LV_TOEPLITZ_NO_AVX512
			: __builtin_cpu_supports("avx512f") ? 3
#endif
			: 2;
	}
	return known;
#else
	return 0;
#endif
}

const char* lv_toeplitz_backend(void)
{
	static const char* names[] = { "portable", "pclmul", "vpclmul-avx2", "vpclmul-avx512" };
	return names[cpu_clmul_level()];
}

static gf_ops the_ops(int portable)
{
	gf_ops ops;
	ops.cb = the_basis();
	ops.run_fwd = fft_run_fwd_portable;
	ops.run_inv = fft_run_inv_portable;
	ops.pointwise = pointwise_portable;
#ifdef LV_HAVE_X86_CLMUL
	if (!portable && cpu_clmul_level() == 1) {
		ops.run_fwd = fft_run_fwd_clmul;
		ops.run_inv = fft_run_inv_clmul;
		ops.pointwise = pointwise_clmul;
	}
	if (!portable && cpu_clmul_level() == 2) {
		ops.run_fwd = fft_run_fwd_avx;
		ops.run_inv = fft_run_inv_avx;
		ops.pointwise = pointwise_avx;
	}
#ifndef LV_TOEPLITZ_NO_AVX512
	if (!portable && cpu_clmul_level() == 3) {
		ops.run_fwd = fft_run_fwd_avx512;
		ops.run_inv = fft_run_inv_avx512;
		ops.pointwise = pointwise_avx512;
	}
#endif
#else
	(void)portable;
#endif
	return ops;
}

/* ---------------------------------------------------------------- the additive FFT */

/*
 * Blocks up to 2^LV_FFT_LOCAL elements (64 KiB) are finished level by level in cache; larger
 * ones do one level and recurse into their halves (depth first, so the data stays in cache).
 */
#define LV_FFT_LOCAL 13

/*
 * Basis conversion, one level on one block of 2h elements: divides the polynomial by
 * s_{i-1}(x) = x^h + sum_{j in J} x^(2^j) (h = 2^(i-1); J: the j < i-1 with C(i-1, j) odd), the
 * quotient ending in the upper half, the remainder in the lower. Long division from the top:
 * f[t - h + 2^j] += f[t]; done in chunks of h/2 so each inner loop is a plain vector XOR.
 */
static void conv_level_top(uint64_t* f, unsigned i, int inverse, size_t top)
{
	size_t h = (size_t)1 << (i - 1), step, lo, hi, t;
	unsigned j, terms = i - 1;
	if (i < 2 || top <= h) return;
	step = h >> 1;
	/* chunks of at most h/2 words: a chunk's writes all land below it */
	for (hi = inverse ? h : top; inverse ? hi < top : hi > h; hi = inverse ? hi + step : lo) {
		size_t piece, len, size;
		lo = inverse ? hi : (hi - h > step ? hi - step : h);
		size = inverse ? (top - hi < step ? top - hi : step) : hi - lo;
		/* in pieces of 2^11 words, so the source stays in L1 while every term reads it */
		for (piece = 0; piece < size; piece += len) {
			len = size - piece < 2048 ? size - piece : 2048;
			for (j = 0; j < i - 1; j++) {
				uint64_t* restrict dst;
				const uint64_t* restrict src;
				if ((j & terms) != j) continue;
				src = f + lo + piece;
				dst = f + lo + piece - h + ((size_t)1 << j);
				for (t = 0; t < len; t++) dst[t] ^= src[t];
			}
		}
	}
}

static void conv_level(uint64_t* f, unsigned i, int inverse)
{
	conv_level_top(f, i, inverse, (size_t)1 << i);
}

/* One small level (h <= 16) with its term distances h - 2^j as constants, so it unrolls. */
static inline void conv_small_level(uint64_t* f, int h, int d0, int d1, int d2, int inverse)
{
	int t;
	if (!inverse)
		for (t = 2 * h - 1; t >= h; t--) {
			uint64_t v = f[t];
			f[t - d0] ^= v;
			if (d1) f[t - d1] ^= v;
			if (d2) f[t - d2] ^= v;
		}
	else
		for (t = h; t < 2 * h; t++) {
			uint64_t v = f[t];
			f[t - d0] ^= v;
			if (d1) f[t - d1] ^= v;
			if (d2) f[t - d2] ^= v;
		}
}

/* Levels 5..2 of a 32-element block: s_4 = x^16 + x, s_3 = x^8 + x^4 + x^2 + x, s_2 = x^4 + x, s_1 = x^2 + x. */
static void conv32(uint64_t* f, int inverse)
{
	int b;
	if (!inverse) {
		conv_small_level(f, 16, 15, 0, 0, 0);
		for (b = 0; b < 32; b += 16) conv_small_level(f + b, 8, 7, 6, 4, 0);
		for (b = 0; b < 32; b += 8) conv_small_level(f + b, 4, 3, 0, 0, 0);
		for (b = 0; b < 32; b += 4) conv_small_level(f + b, 2, 1, 0, 0, 0);
	} else {
		for (b = 0; b < 32; b += 4) conv_small_level(f + b, 2, 1, 0, 0, 1);
		for (b = 0; b < 32; b += 8) conv_small_level(f + b, 4, 3, 0, 0, 1);
		for (b = 0; b < 32; b += 16) conv_small_level(f + b, 8, 7, 6, 4, 1);
		conv_small_level(f, 16, 15, 0, 0, 1);
	}
}

static void conv_block(uint64_t* f, unsigned i, int inverse)
{
	if (i <= LV_FFT_LOCAL) {
		size_t size = (size_t)1 << i, b;
		unsigned lev, low = i >= 5 ? 6 : 2;
		if (!inverse)
			for (lev = i; lev >= low; lev--)
				for (b = 0; b < size; b += (size_t)1 << lev) conv_level(f + b, lev, 0);
		if (i >= 5)
			for (b = 0; b < size; b += 32) conv32(f + b, inverse);
		if (inverse)
			for (lev = low; lev <= i; lev++)
				for (b = 0; b < size; b += (size_t)1 << lev) conv_level(f + b, lev, 1);
		return;
	}
	if (!inverse) conv_level(f, i, 0);
	conv_block(f, i - 1, inverse);
	conv_block(f + ((size_t)1 << (i - 1)), i - 1, inverse);
	if (inverse) conv_level(f, i, 1);
}

/* Forward conversion of a block whose coefficients from `used` on are zero: zero parts are skipped. */
static void conv_block_used(uint64_t* f, unsigned i, size_t used)
{
	size_t h = (size_t)1 << (i - 1);
	if (!used) return;
	if (i <= LV_FFT_LOCAL || used >= 2 * h) {
		conv_block(f, i, 0);
		return;
	}
	if (used > h) {
		conv_level_top(f, i, 0, used);
		conv_block(f, i - 1, 0);
		conv_block_used(f + h, i - 1, used - h);
	} else
		conv_block_used(f, i - 1, used);
}

/* The FFT of a block of 2^i values whose block index at level i is `index`. */
static void fft_block(const gf_ops* ops, uint64_t* f, unsigned i, uint64_t index, int inverse)
{
	const uint64_t* step = ops->cb->tw_step;
	if (i <= LV_FFT_LOCAL) {
		unsigned lev;
		for (lev = inverse ? 1 : i; inverse ? lev <= i : lev >= 1; lev = inverse ? lev + 1 : lev - 1) {
			size_t h = (size_t)1 << (lev - 1), count = (size_t)1 << (i - lev);
			uint64_t tw0 = twiddle(ops->cb, index << (i - lev));
			(inverse ? ops->run_inv : ops->run_fwd)(f, h, count, tw0, step);
		}
		return;
	}
	if (!inverse) ops->run_fwd(f, (size_t)1 << (i - 1), 1, twiddle(ops->cb, index), step);
	fft_block(ops, f, i - 1, 2 * index, inverse);
	fft_block(ops, f + ((size_t)1 << (i - 1)), i - 1, 2 * index + 1, inverse);
	if (inverse) ops->run_inv(f, (size_t)1 << (i - 1), 1, twiddle(ops->cb, index), step);
}

/* Monomial coefficients → values at the 2^k points of the Cantor subspace. */
static void transform(const gf_ops* ops, uint64_t* f, unsigned k, size_t used)
{
	conv_block_used(f, k, used);
	fft_block(ops, f, k, 0, 0);
}

static void untransform(const gf_ops* ops, uint64_t* f, unsigned k)
{
	fft_block(ops, f, k, 0, 1);
	conv_block(f, k, 1);
}

/* ---------------------------------------------------------------- method 2: FFT */

/*
 * The hash is cut into row blocks of R output bits and column parts of B input bits (B a
 * multiple of 32, R of 64 when there are several row blocks). For row block a and part p,
 * with X_p(z) = sum_{j<B} x_{pB+j} z^j and S_p(z) = sum_t seed_{a+n-(p+1)B+t} z^t
 * (t < R + B - 1, bits outside the seed being zero), y_{a+i} = sum_p [z^(i+B-1)] S_p(z) X_p(z):
 * the parts add up in the evaluation domain, so one inverse transform per row block suffices.
 * The transforms have 2^k points, holding chunk polynomials of cx = B/32 and
 * cs = ceil((R + B - 1)/32) chunks: cx + cs - 1 <= 2^k.
 */
#define LV_FFT_MIN_K 2
#define LV_FFT_MAX_K 24

typedef struct {
	unsigned k;
	uint64_t R, B, rows, parts;
	double cost;
} fft_plan;

static int fits(unsigned k, uint64_t R, uint64_t B)
{
	uint64_t cx = B / 32, cs = (R + B - 1 + 31) / 32;
	return cx + cs - 1 <= ((uint64_t)1 << k);
}

static fft_plan plan_fft(uint64_t n, uint64_t l)
{
	fft_plan best;
	unsigned k, f;
	uint64_t nup = (n + 31) & ~(uint64_t)31;
	memset(&best, 0, sizeof best);
	for (k = LV_FFT_MIN_K; k <= LV_FFT_MAX_K; k++) {
		uint64_t K = (uint64_t)1 << k, cap = 32 * K;
		for (f = 1; f <= 8; f++) {
			fft_plan p;
			uint64_t R = f == 1 ? l : ((cap / (f + 1)) & ~(uint64_t)63), B;
			if (R == 0 || R > l || (f > 1 && R == l)) continue;
			if (cap < R + 64) continue;
			B = ((cap - R) / 64) * 32; /* 2B + R <= cap */
			if (B > nup) B = nup;
			while (B >= 32 && !fits(k, R, B)) B -= 32;
			if (B < 32) continue;
			p.k = k;
			p.R = R;
			p.B = B;
			p.rows = (l + R - 1) / R;
			p.parts = (n + B - 1) / B;
			p.cost = (double)p.rows * (double)(2 * p.parts + 1) * (double)K * (double)(k + 4);
			if (!best.k || p.cost < best.cost) best = p;
		}
	}
	return best;
}

static size_t fft_scratch(uint64_t n, uint64_t l)
{
	fft_plan p = plan_fft(n, l);
	size_t K = (size_t)1 << p.k;
	size_t xw = (size_t)(n / 64) + 2, sw = (size_t)((n + l - 1) / 64) + 2, yw = (size_t)(l / 64) + 2;
	return (3 * K + xw + sw + yw) * sizeof(uint64_t) + LV_ALIGN;
}

/* 32-bit word w of the product held as chunk coefficients F[t] (weight z^(32t), 63 bits each). */
static inline uint32_t product32(const uint64_t* F, size_t K, size_t w)
{
	uint32_t v = w < K ? (uint32_t)F[w] : 0;
	if (w >= 1 && w - 1 < K) v ^= (uint32_t)(F[w - 1] >> 32);
	return v;
}

/* Product bits [pos, pos + 64). */
static uint64_t product64_at(const uint64_t* F, size_t K, uint64_t pos)
{
	size_t w = (size_t)(pos >> 5);
	unsigned sh = (unsigned)(pos & 31);
	uint64_t v = (uint64_t)product32(F, K, w) | (uint64_t)product32(F, K, w + 1) << 32;
	if (sh) v = (v >> sh) | ((uint64_t)product32(F, K, w + 2) << (64 - sh));
	return v;
}

static void toeplitz_fft(const uint8_t* input, uint64_t n, const uint8_t* seed, uint64_t l, uint8_t* out,
	void* scratch, int portable)
{
	fft_plan plan = plan_fft(n, l);
	gf_ops ops = the_ops(portable);
	const unsigned k = plan.k;
	const size_t K = (size_t)1 << k;
	const uint64_t m = n + l - 1;
	const size_t xwords = (size_t)(n / 64) + 2, swords = (size_t)(m / 64) + 2, ywords = (size_t)(l / 64) + 2;
	uint64_t* F = align_up(scratch);
	uint64_t* T1 = F + K;
	uint64_t* T2 = T1 + K;
	uint64_t* xw = T2 + K;
	uint64_t* sw = xw + xwords;
	uint64_t* yw = sw + swords;
	uint64_t a, p;
	size_t c;

	load_bits(xw, xwords, 0, input, packed_len(n));
	load_bits(sw, swords, 0, seed, packed_len(m));
	memset(yw, 0, ywords * sizeof(uint64_t));
	for (a = 0; a < l; a += plan.R) {
		uint64_t R = l - a < plan.R ? l - a : plan.R;
		size_t cx = (size_t)(plan.B / 32), cs = (size_t)((R + plan.B - 1 + 31) / 32), q;
		for (p = 0; p < plan.parts; p++) {
			int64_t sigma = (int64_t)a + (int64_t)n - (int64_t)((p + 1) * plan.B);
			for (c = 0; c < cx; c++) T1[c] = bits32_at(xw, xwords, (int64_t)(p * plan.B + 32 * c));
			memset(T1 + cx, 0, (K - cx) * sizeof(uint64_t));
			for (c = 0; c < cs; c++) T2[c] = bits32_at(sw, swords, sigma + 32 * (int64_t)c);
			memset(T2 + cs, 0, (K - cs) * sizeof(uint64_t));
			transform(&ops, T1, k, cx);
			transform(&ops, T2, k, cs);
			ops.pointwise(F, T1, T2, K, p == 0);
		}
		untransform(&ops, F, k);
		/* y bits [a, a + R) = product bits [B - 1, B - 1 + R); a is a multiple of 64 */
		for (q = 0; 64 * (uint64_t)q < R; q++) yw[a / 64 + q] = product64_at(F, K, plan.B - 1 + 64 * (uint64_t)q);
	}
	store_bits(out, yw, l);
}

/* ---------------------------------------------------------------- entry points */

lv_toeplitz_method lv_toeplitz_auto_method(uint64_t n, uint64_t l)
{
	double words_ns, fft_ns;
	if (check_sizes(n, l) != LV_TOEPLITZ_OK || n < 1024) return LV_TOEPLITZ_WORDS;
	/* measured on x86-64 with AVX2 + VPCLMULQDQ: 0.35 ns per word XOR, 0.7 ns per FFT cost unit
	   (AVX-512 is ~20 % cheaper; kept at 0.7, which leans to the exact-anyway word method); the
	   portable multiply makes FFT units several times dearer */
	words_ns = (double)n / 4 * (double)((l + 63) / 64 + 1) * 0.35;
	fft_ns = plan_fft(n, l).cost * (cpu_clmul_level() >= 2 ? 0.7 : cpu_clmul_level() == 1 ? 1.5 : 6.0) + 2000;
	return words_ns <= fft_ns ? LV_TOEPLITZ_WORDS : LV_TOEPLITZ_FFT;
}

size_t lv_toeplitz_scratch_size(uint64_t n, uint64_t l, lv_toeplitz_method method)
{
	if (check_sizes(n, l) != LV_TOEPLITZ_OK) return 0;
	if (method == LV_TOEPLITZ_AUTO) method = lv_toeplitz_auto_method(n, l);
	if (method != LV_TOEPLITZ_WORDS && method <= LV_TOEPLITZ_FFT_PORTABLE && plan_fft(n, l).k == 0)
		method = LV_TOEPLITZ_WORDS; /* no FFT plan fits (cannot happen for valid sizes): stay exact */
	switch (method) {
	case LV_TOEPLITZ_WORDS: return words_scratch(n, l);
	case LV_TOEPLITZ_FFT:
	case LV_TOEPLITZ_FFT_PORTABLE: return fft_scratch(n, l);
	default: return 0;
	}
}

lv_toeplitz_status lv_toeplitz_hash(const uint8_t* input, size_t input_len, uint64_t n,
	const uint8_t* seed, size_t seed_len, uint64_t l,
	uint8_t* out, size_t out_len, void* scratch, size_t scratch_len, lv_toeplitz_method method)
{
	lv_toeplitz_status st = check_sizes(n, l);
	size_t need;
	if (st != LV_TOEPLITZ_OK) return st;
	if (input_len != packed_len(n)) return LV_TOEPLITZ_E_INPUT_LENGTH;
	if (seed_len != packed_len(n + l - 1)) return LV_TOEPLITZ_E_SEED_LENGTH;
	if (out_len != packed_len(l)) return LV_TOEPLITZ_E_OUT_LENGTH;
	if (!input || !seed || !out || !scratch) return LV_TOEPLITZ_E_NULL;
	if (!padding_clear(input, input_len, n)) return LV_TOEPLITZ_E_INPUT_PADDING;
	if (!padding_clear(seed, seed_len, n + l - 1)) return LV_TOEPLITZ_E_SEED_PADDING;
	if ((unsigned)method > LV_TOEPLITZ_FFT_PORTABLE) return LV_TOEPLITZ_E_METHOD;
	if (method == LV_TOEPLITZ_AUTO) method = lv_toeplitz_auto_method(n, l);
	if (method != LV_TOEPLITZ_WORDS && plan_fft(n, l).k == 0) method = LV_TOEPLITZ_WORDS;
	need = lv_toeplitz_scratch_size(n, l, method);
	if (scratch_len < need) return LV_TOEPLITZ_E_SCRATCH;
	if (method == LV_TOEPLITZ_WORDS)
		toeplitz_words(input, n, seed, l, out, scratch);
	else
		toeplitz_fft(input, n, seed, l, out, scratch, method == LV_TOEPLITZ_FFT_PORTABLE);
	memset(scratch, 0, need); /* key-dependent: wipe */
	return LV_TOEPLITZ_OK;
}
