/*
 * LIGHTVIBES native kernel: syndrome-based LDPC decoding and syndrome computation.
 *
 * The same functions as src/qkd/ldpc/decode.ts and src/qkd/ldpc/syndrome.ts (the reference) and
 * hal/kernels.ts (the port): layered box-plus belief propagation with the piecewise-linear
 * Jacobian correction in 16-bit fixed point (LLRs in units of 1/256, saturated at +-32767),
 * exactly as the header of decode.ts specifies it. Integers only, so every build, CPU and
 * runtime gives the same bits.
 *
 * One call decodes one or more frames of one code: frame k's syndrome is
 * syndromes[k * ceil(m / 8) ...], its channel LLRs llrs[k * n ...], its word bits[k * n ...], its
 * outcome results[k]; the frame count is llr_len / n. Each frame's outcome is the one a call with
 * that frame alone gives.
 *
 * The code is H (m x n) in compressed rows: row r has columns check_vars[check_ptr[r] ..
 * check_ptr[r+1]). Syndromes are m bits packed most significant bit first with zero padding;
 * words are one bit per byte (0/1). Channel LLRs are log(P(0)/P(1)) as doubles, +-Infinity
 * allowed (shortened bits), NaN refused; punctured bits carry 0.
 *
 * Memory: the caller provides every buffer; lv_ldpc_work_size() checks the code and says how
 * many bytes of work a decode of that many frames needs on this build and CPU. With E edges
 * (check_vars_len) and dmax the largest row degree:
 *   16 lanes (AVX2 at run time and frames >= 5):  32 (n + E + m) + 128 dmax + 31
 *     (each lane's running LLRs, messages and syndrome bits in int16, four row buffers of dmax
 *     vectors of 32 bytes, 31 to align the start to 32 bytes)
 *   a frame at a time in row groups (AVX2, fewer frames):  2 (n + E) + 80 dmax + 4 n + m + 31
 *     (running LLRs and messages in int16, four row buffers of dmax int32 and four of dmax
 *     16-byte vectors, a stamp per column and a group mark per row)
 *   a frame at a time (no AVX2):                    2 (n + E) + 16 dmax + 31
 * the same for any number of frames on one path. At 10^5 key bits (QBER 2 %: n 101,011,
 * m 17,172, E 619,491) that is 23.6 MB for the lanes, 1.86 MB in row groups and 1.4 MB plain. A size
 * over SIZE_MAX (a 32-bit host) is reported as SIZE_MAX and refused. Nothing is allocated
 * inside; the work is wiped before returning (it holds information about the key). A caller that
 * allocates the work afresh for each call pays for its first touch: 2-4 ms a frame more in a call
 * of 32 frames at 10^5 key bits (page faults on 23.6 MB); reusing the buffer avoids it (both
 * bindings keep theirs between calls).
 *
 * Speed: the layered schedule is sequential within a frame, so frames of one code run side by
 * side instead: with AVX2 (checked at run time; -DLV_LDPC_NO_AVX2 leaves that path out) 16
 * frames sit in the 16-bit lanes of one register, frame k's running LLR of variable v at
 * L[16 v + k] and its message on edge e at R[16 e + k], so every access is one contiguous vector;
 * a lane whose frame is done takes the next frame at once, so a call may carry any number of
 * frames. Fewer frames than LANE_MIN_FRAMES go one at a time: with AVX2, up to 8 consecutive rows
 * of one degree that share no column run together in the lanes of a 128-bit vector (row groups);
 * on another CPU, or with -DLV_LDPC_PORTABLE, in plain C. Every path gives the same bits.
 * Measured on this desk (noisy 2-core x86-64 VM, AMD EPYC; CPU time of a C driver, 32 frames of
 * tools/ldpc-design/frames.ts at 10^5 key bits and the engine's f, max_iterations 100, gcc -O2,
 * the work buffer reused):
 *   QBER 2 %: lanes (32 frames a call) 9.4-9.5 ms a frame (10.5-10.6 Mbit/s of key; before the
 *             lanes' prefetches and saturating g, run alternately with them, 10.8-11.7 ms; the
 *             other core idle); a frame alone in row groups 37.3-37.7 ms (2.7 Mbit/s), in plain
 *             C 96.5-100 ms (both with a fuzzer on each core); the float64 decoder this one
 *             replaced (AVX2 groups of 4 rows, measured earlier) 36.6-38.6 ms
 *   QBER 5 %: lanes 9.3-9.4 ms (10.7-10.8 Mbit/s; before, 10.8 ms); row groups 33.3-34.0 ms
 *             (3.0 Mbit/s), plain C 107-108 ms; float64 37.5-39.7 ms
 * Calls of F frames in the lanes, the same 32 frames (fuzzers on both cores): F = 2: 61.6 ms a
 * frame, 3: 43.4-44.0, 4: 33.9-34.7, 5: 27.2-29.3, 8: 17.6-19.5. Four frames in lanes cost what
 * four in row groups do, five clearly less: so the lanes start at five frames.
 */
#ifndef LV_LDPC_H
#define LV_LDPC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The reference's bounds: iterations a caller may ask for; sizes a binding may pass (2^31). */
#define LV_LDPC_MAX_ITERATIONS 100000u
#define LV_LDPC_MAX_N ((uint32_t)1 << 31)
/* The fixed point: an LLR of x is held as round(256 x) (half away from zero), saturated at +-32767. */
#define LV_LDPC_LLR_SCALE 256
#define LV_LDPC_LLR_MAX 32767

typedef enum {
	LV_LDPC_OK = 0,
	LV_LDPC_E_NULL,             /* a NULL buffer or code */
	LV_LDPC_E_N,                /* n outside [1, 2^31] */
	LV_LDPC_E_M,                /* m outside [1, 2^31] */
	LV_LDPC_E_CHECK_PTR,        /* check_ptr_len != m + 1 */
	LV_LDPC_E_CHECK_VARS,       /* check_ptr[0] != 0 or check_ptr[m] != check_vars_len */
	LV_LDPC_E_CHECK_PTR_ORDER,  /* check_ptr decreases at row `index` */
	LV_LDPC_E_COLUMN,           /* check_vars[index] = value >= n */
	LV_LDPC_E_SYNDROME_LENGTH,  /* syndromes_len != frames * ceil(m / 8) (index = frames, value = syndromes_len) */
	LV_LDPC_E_SYNDROME_PADDING, /* a padding bit of frame `index`'s syndrome is set */
	LV_LDPC_E_LLR_LENGTH,       /* llr_len is 0 or not a multiple of n (value = llr_len) */
	LV_LDPC_E_LLR_NAN,          /* llrs[index] is NaN */
	LV_LDPC_E_MAX_ITERATIONS,   /* max_iterations outside [1, LV_LDPC_MAX_ITERATIONS] */
	LV_LDPC_E_BITS_LENGTH,      /* bits_len != frames * n (decode) or n (syndrome) (index = that, value = bits_len) */
	LV_LDPC_E_BIT_VALUE,        /* bits[index] = value is neither 0 nor 1 (syndrome input) */
	LV_LDPC_E_OUT_LENGTH,       /* out_len != ceil(m / 8) (syndrome output) */
	LV_LDPC_E_WORK,             /* work_len < lv_ldpc_work_size(...) (value = work_len) */
	LV_LDPC_E_RESULTS_LENGTH,   /* results_len != frames (index = frames, value = results_len) */
	LV_LDPC_E_FRAMES,           /* frames = 0 (lv_ldpc_work_size) */
} lv_ldpc_status;

#define LV_LDPC_STATUS_COUNT 19

/* H in compressed rows, with the lengths of its arrays as the caller holds them. */
typedef struct {
	uint64_t n;
	uint64_t m;
	const uint32_t* check_ptr;
	size_t check_ptr_len;
	const uint32_t* check_vars;
	size_t check_vars_len;
} lv_ldpc_code;

/* What went wrong, and where: index/value as the status comments say. */
typedef struct {
	lv_ldpc_status status;
	uint64_t index;
	uint64_t value;
} lv_ldpc_fault;

typedef struct {
	uint32_t iterations; /* iterations run (<= max_iterations) */
	int converged;       /* 1 when H * bits = syndrome */
} lv_ldpc_result;

/*
 * Checks the code (in the reference's order) and sets *work_size to the work bytes a decode of
 * `frames` frames needs on this build and CPU. `fault` may be NULL.
 */
lv_ldpc_status lv_ldpc_work_size(const lv_ldpc_code* code, uint64_t frames, size_t* work_size, lv_ldpc_fault* fault);

/*
 * Decodes llr_len / n frames: writes frame k's word to bits[k n .. (k + 1) n) and its outcome to
 * results[k]. Every argument is checked before anything is written, in the reference's order
 * (code, the LLRs' length, the syndromes' length, each frame's syndrome padding, each LLR for
 * NaN, max_iterations; then bits_len, results_len, work_len); on a status other than
 * LV_LDPC_OK, bits and results are left untouched.
 */
lv_ldpc_status lv_ldpc_decode(const lv_ldpc_code* code, const uint8_t* syndromes, size_t syndromes_len,
	const double* llrs, size_t llr_len, uint64_t max_iterations, uint8_t* bits, size_t bits_len,
	lv_ldpc_result* results, size_t results_len, void* work, size_t work_len, lv_ldpc_fault* fault);

/* s = H * bits over GF(2), packed to out[0 .. ceil(m / 8)). No work buffer needed. */
lv_ldpc_status lv_ldpc_syndrome(const lv_ldpc_code* code, const uint8_t* bits, size_t bits_len,
	uint8_t* out, size_t out_len, lv_ldpc_fault* fault);

/*
 * The message for a fault, worded as the TypeScript reference words it (e.g. "\"channelLlrs[7]\"
 * is NaN"), so every implementation fails the same way. Returns `buffer`. With F frames (llr_len
 * / n) and B = ceil(m / 8), the decode's messages are:
 *   LV_LDPC_E_LLR_LENGTH        "channelLlrs" expected Float64Array of a positive multiple of n = <n> values, got <value>
 *   LV_LDPC_E_SYNDROME_LENGTH   "syndromes" expected Uint8Array of length <F B> (<F> frames of <m> bits packed), got <value>
 *   LV_LDPC_E_SYNDROME_PADDING  "syndromes" expected zero padding bits (frame <index>)
 *   LV_LDPC_E_LLR_NAN           "channelLlrs[<index>]" is NaN
 * lv_ldpc_describe learns F from fault->value of the length faults only, so the syndrome-length
 * fault carries F in `index`.
 */
const char* lv_ldpc_describe(const lv_ldpc_fault* fault, const lv_ldpc_code* code, char* buffer, size_t size);

#ifdef __cplusplus
}
#endif

#endif
