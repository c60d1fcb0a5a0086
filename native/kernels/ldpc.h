/*
 * LIGHTVIBES native kernel: syndrome-based LDPC decoding and syndrome computation.
 *
 * The same functions as src/qkd/ldpc/decode.ts and src/qkd/ldpc/syndrome.ts (the reference) and
 * hal/kernels.ts (the port): layered box-plus belief propagation with the piecewise-linear
 * Jacobian correction, exactly as the header of decode.ts specifies it, so every float64 message
 * is the reference's to the bit (only IEEE-754 +, -, *, compare; no fused multiply-add: the file
 * turns contraction off and refuses to build where doubles are evaluated in wider precision).
 *
 * The code is H (m x n) in compressed rows: row r has columns check_vars[check_ptr[r] ..
 * check_ptr[r+1]). Syndromes are m bits packed most significant bit first with zero padding;
 * words are one bit per byte (0/1). Channel LLRs are log(P(0)/P(1)), +-Infinity allowed
 * (shortened bits), NaN refused; punctured bits carry 0.
 *
 * Memory: the caller provides every buffer. lv_ldpc_work_size() checks the code and says how
 * many bytes of work a decode needs: 8(n + E + 16 dmax) + m (E edges, dmax the largest row
 * degree): the running LLRs, one message per edge, four row buffers for a group of four rows
 * decoded side by side, and a mark per row. About 49 bytes per code bit at rate 0.6, 36 at rate
 * 0.5 (E ~ 3.5 n). Nothing is allocated inside; the work is wiped before returning (it holds
 * information about the key).
 *
 * Speed: the layered schedule is sequential by nature; rows that share no variable commute, so
 * groups of four such rows run side by side in SIMD lanes (same operations, same order, same
 * bits): one AVX2 register when the CPU has AVX2 (checked at run time; -DLV_LDPC_NO_AVX2 leaves
 * that path out), else two SSE2 registers; -DLV_LDPC_PORTABLE or a CPU without SSE2 runs one row
 * at a time. Measured on this desk (shared 2-core x86-64 VM, CPU time of a C driver over the
 * frames of bench/ldpc.ts at 10^5 key bits): 14-16 ns per edge per iteration with SSE2 groups,
 * 6-9 ns with AVX2 groups (the scalar LLR loads and the box-plus chains now share the time;
 * running two groups in lockstep or prefetching further ahead did not help). The forward and
 * backward folds of a row then ran as one interleaved loop (their latencies overlap; every value
 * is made as before): 4.8 ns, and `npx tsx bench/ldpc-native.ts 5` went from 70.2 to 56.2 ms a
 * frame at QBER 2 % and from 54.2 to 48.6 ms at 5 % (1.42 -> 1.78, 1.84 -> 2.06 Mbit/s). What
 * remains is mostly the scattered LLR loads (L is n doubles, 0.8 MB at n = 10^5, beside a 1 MB
 * L2): perf puts a quarter of the time outside the box-plus, waiting on them. The two-line
 * correction that replaced the one line (a second multiply, subtract and max per g) costs about
 * a tenth more per iteration and saves about as many iterations at the planned f (2 %, f 1.14:
 * 19.4 mean instead of 21.3): `npx tsx bench/ldpc-native.ts 5` gave 63.1 and 53.1 ms a frame at
 * 2 and 5 % (1.59, 1.88 Mbit/s) on a loaded desk. Four frames of one code decoded side by side
 * in the lanes instead (contiguous loads, no gathers; bit-exact) were only 1.2-1.35x faster per
 * frame: their messages, 32 bytes an edge, stream from memory. The two lines were then moved
 * onto the curve (decode.ts: new constants, same operations), which costs nothing per iteration.
 * The rows left out of groups of four (7 % of them at QBER 2 %, decoded one at a time) took a
 * fifth of the time: the AVX2 path now also takes runs of 2 and 3 such rows, in masked lanes, and
 * the pass that prefetched the next group's LLRs is gone (it had come to cost more than it hid).
 * `npx tsx bench/ldpc-native.ts 20`, old and new builds alternated twice, a fuzzer on the other
 * core: native / reference 7.8-8.3x -> 9.7-10.0x at 2 %, 12.3-12.6x -> 13.7-13.8x at 5 %.
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

typedef enum {
	LV_LDPC_OK = 0,
	LV_LDPC_E_NULL,             /* a NULL buffer or code */
	LV_LDPC_E_N,                /* n outside [1, 2^31] */
	LV_LDPC_E_M,                /* m outside [1, 2^31] */
	LV_LDPC_E_CHECK_PTR,        /* check_ptr_len != m + 1 */
	LV_LDPC_E_CHECK_VARS,       /* check_ptr[0] != 0 or check_ptr[m] != check_vars_len */
	LV_LDPC_E_CHECK_PTR_ORDER,  /* check_ptr decreases at row `index` */
	LV_LDPC_E_COLUMN,           /* check_vars[index] = value >= n */
	LV_LDPC_E_SYNDROME_LENGTH,  /* syndrome_len != ceil(m / 8) */
	LV_LDPC_E_SYNDROME_PADDING, /* a padding bit of the syndrome is set */
	LV_LDPC_E_LLR_LENGTH,       /* llr_len != n */
	LV_LDPC_E_LLR_NAN,          /* llr[index] is NaN */
	LV_LDPC_E_MAX_ITERATIONS,   /* max_iterations outside [1, LV_LDPC_MAX_ITERATIONS] */
	LV_LDPC_E_BITS_LENGTH,      /* bits_len != n */
	LV_LDPC_E_BIT_VALUE,        /* bits[index] = value is neither 0 nor 1 (syndrome input) */
	LV_LDPC_E_OUT_LENGTH,       /* out_len != ceil(m / 8) (syndrome output) */
	LV_LDPC_E_WORK,             /* work_len < lv_ldpc_work_size(...) */
} lv_ldpc_status;

#define LV_LDPC_STATUS_COUNT 17

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
 * Checks the code (in the reference's order) and sets *work_size to the work bytes a decode
 * needs. `fault` may be NULL.
 */
lv_ldpc_status lv_ldpc_work_size(const lv_ldpc_code* code, size_t* work_size, lv_ldpc_fault* fault);

/*
 * Decodes: writes the word to bits[0 .. n) and the outcome to *result. Every argument is checked
 * before anything is written (code, syndrome, LLRs, max_iterations, then the output and work
 * lengths); on a status other than LV_LDPC_OK, bits and *result are left untouched.
 */
lv_ldpc_status lv_ldpc_decode(const lv_ldpc_code* code, const uint8_t* syndrome, size_t syndrome_len,
	const double* llr, size_t llr_len, uint64_t max_iterations, uint8_t* bits, size_t bits_len,
	void* work, size_t work_len, lv_ldpc_result* result, lv_ldpc_fault* fault);

/* s = H * bits over GF(2), packed to out[0 .. ceil(m / 8)). No work buffer needed. */
lv_ldpc_status lv_ldpc_syndrome(const lv_ldpc_code* code, const uint8_t* bits, size_t bits_len,
	uint8_t* out, size_t out_len, lv_ldpc_fault* fault);

/*
 * The message for a fault, worded as the TypeScript reference words it (e.g. "\"channelLlr[7]\"
 * is NaN"), so every implementation fails the same way. Returns `buffer`.
 */
const char* lv_ldpc_describe(const lv_ldpc_fault* fault, const lv_ldpc_code* code, char* buffer, size_t size);

#ifdef __cplusplus
}
#endif

#endif
