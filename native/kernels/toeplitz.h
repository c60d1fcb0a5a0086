/*
 * LIGHTVIBES native kernel: Toeplitz hashing over GF(2) (privacy amplification).
 *
 * The same function as src/qkd/amplify.ts (the reference) and hal/kernels.ts (the port):
 * `input` holds n bits, `seed` n + l - 1 bits, both packed most significant bit first with zero
 * padding bits; the result is l packed bits y with y_i = XOR_{j<n} seed_{i-j+n-1} & input_j,
 * 0 <= i < l <= n <= 2^31. Exact: integers only, no floating point.
 *
 * Two methods, one result:
 *  - LV_TOEPLITZ_WORDS: word-parallel "four Russians" on input nibbles (as the reference does),
 *    about n*l/256 64-bit XORs; best for small blocks.
 *  - LV_TOEPLITZ_FFT: y is a window of the GF(2)[z] product seed(z)*input(z). The bits are cut
 *    into 32-bit chunks, taken as elements of GF(2^64) (a chunk product has degree < 63, so it is
 *    never reduced), and multiplied with the additive FFT of Lin, Chung and Han (FOCS 2014) over
 *    the Cantor basis of GF(2^64); large blocks are split into column parts (and row blocks)
 *    whose products are summed in the evaluation domain. O(n log n) field multiplications; the
 *    CPU is asked at run time: four at a time with VPCLMULQDQ + AVX2, one at a time with
 *    PCLMULQDQ, else a portable carry-less multiply (boards; an ARMv8 PMULL path would slot in
 *    the same way).
 *  - LV_TOEPLITZ_AUTO picks the cheaper; LV_TOEPLITZ_FFT_PORTABLE forces the portable multiply.
 *
 * Memory: the caller provides every buffer. lv_toeplitz_scratch_size() says how many scratch
 * bytes a call needs (the bindings allocate it once per call, outside every loop); nothing is
 * allocated inside. The scratch holds key-dependent data: the kernel wipes it before returning.
 * About 2(n + l) bytes for WORDS; for FFT three transforms of 2^k 64-bit points plus copies of
 * the input, seed and output (about 86 MB at n = 1.28e8, l = n/8; 150 MB at l = n/2).
 * Speed (one x86-64 core, VPCLMULQDQ): about 250 Mbit/s of input at n = 1.28e8, l = n/8, and
 * 150 Mbit/s at l = n/2 (npm run bench:amplify).
 */
#ifndef LV_TOEPLITZ_H
#define LV_TOEPLITZ_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LV_TOEPLITZ_MAX_BITS ((uint64_t)1 << 31)

typedef enum {
	LV_TOEPLITZ_AUTO = 0,
	LV_TOEPLITZ_WORDS = 1,
	LV_TOEPLITZ_FFT = 2,
	LV_TOEPLITZ_FFT_PORTABLE = 3,
} lv_toeplitz_method;

typedef enum {
	LV_TOEPLITZ_OK = 0,
	LV_TOEPLITZ_E_N,            /* n outside [1, 2^31] */
	LV_TOEPLITZ_E_OUTPUT_BITS,  /* output_bits outside [1, n] */
	LV_TOEPLITZ_E_INPUT_LENGTH, /* input_len != ceil(n / 8) */
	LV_TOEPLITZ_E_SEED_LENGTH,  /* seed_len != ceil((n + output_bits - 1) / 8) */
	LV_TOEPLITZ_E_OUT_LENGTH,   /* out_len != ceil(output_bits / 8) */
	LV_TOEPLITZ_E_INPUT_PADDING,/* a padding bit of input is set */
	LV_TOEPLITZ_E_SEED_PADDING, /* a padding bit of seed is set */
	LV_TOEPLITZ_E_METHOD,       /* not a lv_toeplitz_method */
	LV_TOEPLITZ_E_SCRATCH,      /* scratch_len < lv_toeplitz_scratch_size(...) */
	LV_TOEPLITZ_E_NULL,         /* a NULL buffer */
} lv_toeplitz_status;

/* Scratch bytes lv_toeplitz_hash needs for these sizes and this method; 0 if they are invalid. */
size_t lv_toeplitz_scratch_size(uint64_t n, uint64_t output_bits, lv_toeplitz_method method);

/* The method LV_TOEPLITZ_AUTO resolves to for these sizes (WORDS or FFT). */
lv_toeplitz_method lv_toeplitz_auto_method(uint64_t n, uint64_t output_bits);

/*
 * Writes the hash to out[0 .. out_len). Every length is checked before anything is read; on any
 * status other than LV_TOEPLITZ_OK, out is left untouched.
 */
lv_toeplitz_status lv_toeplitz_hash(const uint8_t* input, size_t input_len, uint64_t n,
	const uint8_t* seed, size_t seed_len, uint64_t output_bits,
	uint8_t* out, size_t out_len, void* scratch, size_t scratch_len, lv_toeplitz_method method);

/*
 * The message for a status, naming the argument the way the TypeScript reference does
 * ("\"seed\" expected Uint8Array of length 13, got length=12"). Returns `buffer`.
 */
const char* lv_toeplitz_describe(lv_toeplitz_status status, uint64_t n, uint64_t output_bits,
	size_t input_len, size_t seed_len, char* buffer, size_t size);

/* How the FFT multiplies on this CPU: "vpclmul-avx512" (8 lanes), "vpclmul-avx2" (4 lanes),
   "pclmul" (PCLMULQDQ, one at a time) or "portable". */
const char* lv_toeplitz_backend(void);

#ifdef __cplusplus
}
#endif

#endif
