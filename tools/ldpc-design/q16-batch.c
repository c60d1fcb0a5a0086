/*
 * Design study (offline, x86-64 with AVX2): can the LDPC decoder reach 10 Mbit/s on one core?
 * It led to the product decoder (src/qkd/ldpc/decode.ts, native/kernels/ldpc.c), which is this
 * arithmetic and layout; the study still times the float64 decoder it replaced beside the lanes,
 * so it needs that decoder's source: `git show ecc9e2b:native/kernels/ldpc.c` (and ldpc.h).
 *
 * Why a new layout: ldpc.c runs up to four rows of one frame side by side, and its time goes
 * mostly to the scattered loads and stores of the running LLRs L[v] (n doubles, gathered and
 * scattered lane by lane). Here 16 frames of one code share the work instead, one per 16-bit
 * lane: frame k's L[v] and message on edge e sit beside the other frames' (L[16 v + k],
 * R[16 e + k]), so every access is one contiguous 32-byte vector and nothing is gathered.
 *
 * The arithmetic is float-decode.ts's layered box-plus with its two-line correction, in fixed
 * point: LLRs in units of 1/256 (int16, saturated at +-32767), g(x) = max(170 - (21 x >> 6),
 * 68 - (65 x >> 10), 0) (float-decode.ts's constants at this scale; 21/64 and 65/1024 are
 * VPMULHW by 21504 and 4160), each box-plus clamped at 0, the sums saturating. The scalar twin
 * below is the same arithmetic in plain C, frame by frame: the lanes must equal it (word,
 * iterations, convergence) or the run fails. A lane whose frame converges (its syndrome holds
 * after an iteration) or reaches the iteration cap takes the next frame at once.
 *
 * Run (frames from tools/ldpc-design/frames.ts; "ldpc.c" below is the float64 decoder of ecc9e2b):
 *   npx tsx tools/ldpc-design/frames.ts 0.02 100000 96 /tmp/f2.bin
 *   mkdir -p /tmp/float && for f in ldpc.c ldpc.h; do git show ecc9e2b:native/kernels/$f > /tmp/float/$f; done
 *   cc -O2 -std=gnu11 -ffp-contract=off -mavx2 -I/tmp/float tools/ldpc-design/q16-batch.c \
 *     /tmp/float/ldpc.c -o /tmp/q16 && /tmp/q16 /tmp/f2.bin
 * It prints, for the same frames: ldpc.c (one frame at a time) and the 16-lane decoder, in
 * CPU ms a frame and key Mbit/s; frames converged and mean iterations of each; and how many
 * converged words the two share.
 *
 * Measured on this desk (2-core x86-64 VM, AMD EPYC; 96 frames of 10^5 key bits at the
 * engine's f; the two background fuzzers stopped, else both columns slow by up to a third):
 *   QBER 2 %, f 1.16: ldpc.c 37.7 ms a frame (2.66 Mbit/s), lanes 10.6 ms (9.45 Mbit/s): 3.56x
 *   QBER 5 %, f 1.11: ldpc.c 38.5 ms (2.60 Mbit/s), lanes 10.8 ms (9.27 Mbit/s): 3.57x
 *   built with -O3 instead: 9.0-10.0 Mbit/s at 2 % (3.5-3.9x)
 * Every frame converged in both, to the same word, in the same mean iterations within 0.1. At
 * the edge of the waterfall the fixed point loses nothing either: 2 % at f 1.10 (frames.ts
 * --efficiency 1.10), 66 of 96 converge in both, the same frames (53.1 and 53.6 iterations);
 * 5 % at f 1.06, 20 of 96 in both. At 10^6 key bits (1 %, f 1.10, 32 frames, fuzzers running)
 * the lanes stream 16 x 2(n + E) bytes = 304 MB from memory: 1,304 -> 501 ms a frame (0.77 ->
 * 2.00 Mbit/s, 2.6x). The lanes' memory is 2(n + E) bytes a frame (14 a key bit at 2 %), a
 * quarter of ldpc.c's work (57 a key bit), but for 16 frames at once.
 * What making it the decoder would take: the fixed-point arithmetic as the reference
 * (decode.ts), a batch entry point on the Kernels port that the engine feeds with 16 frames of
 * one plan, the portable twin and the lanes in native/kernels with their bindings, vectors and
 * fuzz targets, and the FER tables of adapt.ts measured again on it.
 */
#include "ldpc.h"

#include <immintrin.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LANES 16
#define SCALE 256.0
#define LMAX 32767
#define MAX_ITERATIONS 100
#define G0 170 /* 0.6630859375 * 256 = 169.75 */
#define K0 68  /* 0.2666015625 * 256 = 68.25 */

static double cpu_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void* need(void* p)
{
	if (!p) {
		fprintf(stderr, "q16-batch: out of memory\n");
		exit(2);
	}
	return p;
}

static int16_t quantise(double llr)
{
	const double v = llr * SCALE;
	return v >= LMAX ? LMAX : v <= -LMAX ? -LMAX : (int16_t)lround(v);
}

static int syndrome_bit(const uint8_t* syndrome, uint32_t r)
{
	return (syndrome[r >> 3] >> (7 - (r & 7))) & 1;
}

/* ---- the scalar twin: the arithmetic the lanes must reproduce ---- */

static int32_t sat(int32_t x)
{
	return x > LMAX ? LMAX : x < -LMAX ? -LMAX : x;
}

static int32_t g1(int32_t x)
{
	const int32_t u = G0 - ((21 * x) >> 6), w = K0 - ((65 * x) >> 10), y = u > w ? u : w;
	return y > 0 ? y : 0;
}

static int32_t boxplus1(int32_t A, int32_t B)
{
	const int32_t mn = A < B ? A : B, D = A > B ? A - B : B - A, r = mn + g1(A + B > LMAX ? LMAX : A + B) - g1(D);
	return r > 0 ? r : 0;
}

typedef struct {
	uint32_t n, m, edges, dmax;
	const uint32_t *cp, *cv;
} code_t;

/* Decodes one frame; returns the iterations (converged) or 0 (not); word[j] = 1 where L < 0. */
static uint32_t decode_scalar(const code_t* c, const uint8_t* syndrome, const double* llr, uint8_t* word, int32_t* L, int32_t* R, int32_t* buf)
{
	int32_t *q = buf, *a = q + c->dmax, *P = a + c->dmax, *S = P + c->dmax;
	uint32_t it, r, i, j, e;
	for (j = 0; j < c->n; j++) L[j] = quantise(llr[j]);
	memset(R, 0, sizeof(int32_t) * c->edges);
	for (it = 1; it <= MAX_ITERATIONS; it++) {
		int ok = 1;
		for (r = 0; r < c->m; r++) {
			const uint32_t lo = c->cp[r], d = c->cp[r + 1] - lo;
			unsigned parity = (unsigned)syndrome_bit(syndrome, r);
			if (d < 2) continue; /* the bench codes have none; a study need not */
			for (i = 0; i < d; i++) {
				const int32_t qi = sat(L[c->cv[lo + i]] - R[lo + i]);
				q[i] = qi;
				a[i] = qi < 0 ? -qi : qi;
				parity ^= qi < 0;
			}
			P[0] = a[0];
			S[d - 2] = a[d - 1];
			for (i = 1; i + 1 < d; i++) {
				P[i] = boxplus1(P[i - 1], a[i]);
				S[d - 2 - i] = boxplus1(S[d - 1 - i], a[d - 1 - i]);
			}
			for (i = 0; i < d; i++) {
				const int32_t x = i == 0 ? S[0] : i == d - 1 ? P[d - 2] : boxplus1(P[i - 1], S[i]);
				const int32_t out = (parity ^ (q[i] < 0)) ? -x : x;
				R[lo + i] = out;
				L[c->cv[lo + i]] = sat(q[i] + out);
			}
		}
		for (j = 0; j < c->n; j++) word[j] = L[j] < 0;
		for (r = 0; r < c->m && ok; r++) {
			unsigned parity = (unsigned)syndrome_bit(syndrome, r);
			for (e = c->cp[r]; e < c->cp[r + 1]; e++) parity ^= word[c->cv[e]];
			ok = !(parity & 1);
		}
		if (ok) return it;
	}
	return 0;
}

/* ---- 16 frames in the lanes of one AVX2 register ---- */

static inline __attribute__((always_inline)) __m256i g16(__m256i x)
{
	const __m256i u = _mm256_sub_epi16(_mm256_set1_epi16(G0), _mm256_mulhi_epi16(x, _mm256_set1_epi16(21504)));
	const __m256i w = _mm256_sub_epi16(_mm256_set1_epi16(K0), _mm256_mulhi_epi16(x, _mm256_set1_epi16(4160)));
	return _mm256_max_epi16(_mm256_max_epi16(u, w), _mm256_setzero_si256());
}

static inline __attribute__((always_inline)) __m256i boxplus16(__m256i A, __m256i B)
{
	const __m256i mn = _mm256_min_epi16(A, B), D = _mm256_abs_epi16(_mm256_sub_epi16(A, B));
	return _mm256_max_epi16(_mm256_sub_epi16(_mm256_add_epi16(mn, g16(_mm256_adds_epi16(A, B))), g16(D)), _mm256_setzero_si256());
}

typedef struct {
	const code_t* c;
	int16_t *L, *R, *SY; /* L[16 v + k], R[16 e + k], SY[16 r + k] = -1 where frame k's syndrome bit r is 1 */
	__m256i *q, *a, *P, *S;
} batch_t;

/* Loads frame (syndrome, llr) into lane k: its LLRs and its syndrome. Its messages are not
   cleared here (a pass over all of R, strided, cost as much as an iteration): each is read
   once an iteration before it is written, so the lane's first iteration reads them as zero. */
__attribute__((noinline)) static void lane_load(batch_t* b, int k, const uint8_t* syndrome, const double* llr)
{
	uint32_t j;
	for (j = 0; j < b->c->n; j++) b->L[LANES * j + k] = quantise(llr[j]);
	for (j = 0; j < b->c->m; j++) b->SY[LANES * j + k] = syndrome_bit(syndrome, j) ? -1 : 0;
}

/* One layered iteration over all 16 lanes; lanes set in `fresh` are in their first (messages zero).
   The arrays are taken into locals first: the vector stores could alias b's fields. */
__attribute__((noinline)) static void iterate16(const batch_t* b, unsigned fresh)
{
	const uint32_t *const cp = b->c->cp, *const cv = b->c->cv, m = b->c->m;
	int16_t *const L = b->L, *const R = b->R;
	const int16_t* const SY = b->SY;
	__m256i *const q = b->q, *const a = b->a, *const P = b->P, *const S = b->S;
	const __m256i floor16 = _mm256_set1_epi16(-LMAX), one = _mm256_set1_epi16(1);
	const __m256i bits = _mm256_setr_epi16(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, (short)32768);
	const __m256i keep = _mm256_cmpeq_epi16(_mm256_and_si256(_mm256_set1_epi16((short)fresh), bits), _mm256_setzero_si256());
	uint32_t r, i;
	for (r = 0; r < m; r++) {
		const uint32_t lo = cp[r], d = cp[r + 1] - lo;
		const uint32_t* const v = cv + lo;
		int16_t* const msg = R + LANES * (size_t)lo;
		__m256i parity = _mm256_load_si256((const __m256i*)&SY[LANES * r]);
		if (d < 2) continue;
		for (i = 0; i < d; i++) {
			const __m256i l = _mm256_load_si256((const __m256i*)&L[LANES * v[i]]);
			const __m256i old = _mm256_and_si256(keep, _mm256_load_si256((const __m256i*)&msg[LANES * i]));
			const __m256i qi = _mm256_max_epi16(_mm256_subs_epi16(l, old), floor16);
			q[i] = qi;
			a[i] = _mm256_abs_epi16(qi);
			parity = _mm256_xor_si256(parity, qi); /* the sign bit is what counts */
		}
		P[0] = a[0];
		S[d - 2] = a[d - 1];
		for (i = 1; i + 1 < d; i++) {
			P[i] = boxplus16(P[i - 1], a[i]);
			S[d - 2 - i] = boxplus16(S[d - 1 - i], a[d - 1 - i]);
		}
		for (i = 0; i < d; i++) {
			const __m256i x = i == 0 ? S[0] : i == d - 1 ? P[d - 2] : boxplus16(P[i - 1], S[i]);
			/* negate where parity XOR (q < 0): VPSIGNW by a never-zero value with that sign bit */
			const __m256i out = _mm256_sign_epi16(x, _mm256_or_si256(_mm256_xor_si256(parity, q[i]), one));
			_mm256_store_si256((__m256i*)&msg[LANES * i], out);
			_mm256_store_si256((__m256i*)&L[LANES * v[i]], _mm256_max_epi16(_mm256_adds_epi16(q[i], out), floor16));
		}
	}
}

/* Lanes (bit k) whose hard decisions miss some syndrome bit; the scan stops once every lane in
   `active` has missed one (most iterations: within the first rows). */
static unsigned lanes_of(__m256i v)
{
	/* VPACKSSWB keeps each lane's sign; per 128-bit half, so lanes 0-7 are mask bits 0-7, lanes 8-15 bits 16-23 */
	const unsigned mask = (unsigned)_mm256_movemask_epi8(_mm256_packs_epi16(v, _mm256_setzero_si256()));
	return (mask & 0xFFu) | ((mask >> 8) & 0xFF00u);
}

__attribute__((noinline)) static unsigned failing16(const batch_t* b, unsigned active)
{
	const code_t* c = b->c;
	__m256i bad = _mm256_setzero_si256();
	uint32_t r, e;
	for (r = 0; r < c->m; r++) {
		__m256i p = _mm256_load_si256((const __m256i*)&b->SY[LANES * r]);
		for (e = c->cp[r]; e < c->cp[r + 1]; e++) p = _mm256_xor_si256(p, _mm256_load_si256((const __m256i*)&b->L[LANES * c->cv[e]]));
		bad = _mm256_or_si256(bad, p);
		if ((r & 15) == 15 && (lanes_of(bad) & active) == active) break;
	}
	return lanes_of(bad);
}

int main(int argc, char** argv)
{
	FILE* f;
	uint32_t h[5], k, j;
	code_t c;
	size_t syn_len, syn_pad;
	uint8_t *syndromes, *words_ref, *words_lane, *word;
	double *llrs, t0, t_ref = 0, t_lane = 0;
	uint32_t *its_ref, *its_lane, count, key_bits, next = 0, active = 0, slot[LANES], lane_it[LANES];
	unsigned long sum_ref = 0, sum_lane = 0;
	int conv_ref = 0, conv_lane = 0, same_word = 0, twin_differs = 0;
	batch_t b;

	if (argc != 2 || !(f = fopen(argv[1], "rb")) || fread(h, 4, 5, f) != 5) {
		fprintf(stderr, "usage: q16-batch <frames file from tools/ldpc-design/frames.ts>\n");
		return 2;
	}
	c.n = h[0], c.m = h[1], c.edges = h[2], count = h[3], key_bits = h[4];
	c.cp = need(malloc(4 * ((size_t)c.m + 1)));
	c.cv = need(malloc(4 * (size_t)c.edges));
	syn_len = (c.m + 7) / 8;
	syn_pad = (syn_len + 7) & ~(size_t)7;
	syndromes = need(malloc(syn_pad * count));
	llrs = need(malloc(sizeof(double) * c.n * (size_t)count));
	if (fread((void*)c.cp, 4, c.m + 1, f) != c.m + 1 || fread((void*)c.cv, 4, c.edges, f) != c.edges) return 2;
	for (k = 0; k < count; k++)
		if (fread(syndromes + syn_pad * k, 1, syn_pad, f) != syn_pad || fread(llrs + (size_t)c.n * k, 8, c.n, f) != c.n) return 2;
	fclose(f);
	c.dmax = 0;
	for (j = 0; j < c.m; j++)
		if (c.cp[j + 1] - c.cp[j] > c.dmax) c.dmax = c.cp[j + 1] - c.cp[j];

	/* ldpc.c, one frame at a time */
	{
		lv_ldpc_code code = { c.n, c.m, c.cp, (size_t)c.m + 1, c.cv, c.edges };
		size_t work_len;
		void* work;
		lv_ldpc_work_size(&code, &work_len, NULL);
		work = need(malloc(work_len));
		words_ref = need(malloc((size_t)c.n * count));
		its_ref = need(malloc(4 * (size_t)count));
		for (k = 0; k < count; k++) {
			lv_ldpc_result res;
			t0 = cpu_seconds();
			if (lv_ldpc_decode(&code, syndromes + syn_pad * k, syn_len, llrs + (size_t)c.n * k, c.n, MAX_ITERATIONS, words_ref + (size_t)c.n * k, c.n, work,
					work_len, &res, NULL) != LV_LDPC_OK)
				return 2;
			t_ref += cpu_seconds() - t0;
			its_ref[k] = res.converged ? res.iterations : 0;
			conv_ref += res.converged;
			sum_ref += res.iterations;
		}
		free(work);
	}

	/* 16 lanes, each taking the next frame as soon as it is free */
	b.c = &c;
	b.L = need(aligned_alloc(32, 32 * (size_t)c.n));
	b.R = need(aligned_alloc(32, 32 * (size_t)c.edges));
	b.SY = need(aligned_alloc(32, 32 * (size_t)c.m));
	b.q = need(aligned_alloc(32, 32 * (size_t)c.dmax));
	b.a = need(aligned_alloc(32, 32 * (size_t)c.dmax));
	b.P = need(aligned_alloc(32, 32 * (size_t)c.dmax));
	b.S = need(aligned_alloc(32, 32 * (size_t)c.dmax));
	words_lane = need(malloc((size_t)c.n * count));
	its_lane = need(malloc(4 * (size_t)count));
	memset(b.L, 0, 32 * (size_t)c.n);
	memset(b.R, 0, 32 * (size_t)c.edges);
	memset(b.SY, 0, 32 * (size_t)c.m);
	t0 = cpu_seconds();
	for (k = 0; k < LANES && next < count; k++, next++) {
		lane_load(&b, (int)k, syndromes + syn_pad * next, llrs + (size_t)c.n * next);
		slot[k] = next;
		lane_it[k] = 0;
		active |= 1u << k;
	}
	while (active) {
		unsigned bad, fresh = 0;
		for (k = 0; k < LANES; k++) fresh |= (unsigned)(lane_it[k] == 0) << k;
		iterate16(&b, fresh);
		bad = failing16(&b, active);
		for (k = 0; k < LANES; k++) {
			if (!(active >> k & 1)) continue;
			lane_it[k]++;
			if ((bad >> k & 1) && lane_it[k] < MAX_ITERATIONS) continue;
			its_lane[slot[k]] = (bad >> k & 1) ? 0 : lane_it[k];
			for (j = 0; j < c.n; j++) words_lane[(size_t)c.n * slot[k] + j] = b.L[LANES * j + k] < 0;
			if (next < count) {
				lane_load(&b, (int)k, syndromes + syn_pad * next, llrs + (size_t)c.n * next);
				slot[k] = next++;
				lane_it[k] = 0;
			} else
				active &= ~(1u << k);
		}
	}
	t_lane = cpu_seconds() - t0;

	/* the scalar twin, frame by frame: the lanes must be it */
	{
		int32_t *L = need(malloc(4 * (size_t)c.n)), *R = need(malloc(4 * (size_t)c.edges)), *buf = need(malloc(16 * (size_t)c.dmax));
		word = need(malloc(c.n));
		for (k = 0; k < count; k++) {
			const uint32_t it = decode_scalar(&c, syndromes + syn_pad * k, llrs + (size_t)c.n * k, word, L, R, buf);
			const uint8_t* lane = words_lane + (size_t)c.n * k;
			if (it != its_lane[k] || memcmp(word, lane, c.n) != 0) twin_differs++;
			conv_lane += its_lane[k] != 0;
			sum_lane += its_lane[k] ? its_lane[k] : MAX_ITERATIONS;
			if (its_lane[k] && its_ref[k] && memcmp(lane, words_ref + (size_t)c.n * k, c.n) == 0) same_word++;
		}
	}

	printf("%u frames, n %u, m %u, %u edges, %u key bits a frame (CPU time, one core)\n", count, c.n, c.m, c.edges, key_bits);
	printf("ldpc.c, a frame at a time:   %3d converged, %5.1f iterations, %7.2f ms a frame, %6.2f Mbit/s\n", conv_ref, (double)sum_ref / count,
		t_ref / count * 1e3, key_bits * (double)count / t_ref / 1e6);
	printf("16 frames in int16 lanes:    %3d converged, %5.1f iterations, %7.2f ms a frame, %6.2f Mbit/s (%.2fx)\n", conv_lane, (double)sum_lane / count,
		t_lane / count * 1e3, key_bits * (double)count / t_lane / 1e6, t_ref / t_lane);
	printf("converged words the same: %d; frames where the lanes differ from their scalar twin: %d\n", same_word, twin_differs);
	return twin_differs ? 1 : 0;
}
