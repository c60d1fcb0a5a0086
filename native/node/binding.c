/*
 * LIGHTVIBES Node-API addon: the C kernels of native/kernels/ for Node, the C side of
 * hal/node/kernels.ts (the XS host binds the same cores in native/host/kernels.c). Thin: checks
 * its arguments, allocates the kernel's scratch once per call, calls the core, and turns a status
 * into a JS error that names the argument. Plain C against node_api.h (no C++ wrapper needed).
 *
 *   toeplitzHash(input, n, seed, outputBits[, method]) -> Uint8Array of ceil(outputBits / 8) bytes
 *       method: 0 auto (default), 1 words, 2 fft, 3 fft with the portable multiply
 *   backend() -> "vpclmul-avx2" | "pclmul" | "portable"
 *   autoMethod(n, outputBits) -> 1 (words) | 2 (fft)
 *   ldpcDecode / ldpcSyndrome / ldpcWorkBytes: the LDPC kernel (see the block above init)
 */
#include <node_api.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ldpc.h"
#include "toeplitz.h"

napi_status lv_pulse_register(napi_env env, napi_value exports); /* pulse.c */

#define THROW(kind, ...)                                       \
	do {                                                       \
		char message_[256];                                    \
		snprintf(message_, sizeof message_, __VA_ARGS__);      \
		napi_throw_##kind(env, NULL, message_);                \
		return NULL;                                           \
	} while (0)

/* A Uint8Array argument's bytes, or NULL after throwing a TypeError. */
static uint8_t* uint8_array_arg(napi_env env, napi_value value, const char* field, size_t* length)
{
	bool is_typed = false;
	napi_typedarray_type type;
	void* data = NULL;
	if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) goto bad;
	if (napi_get_typedarray_info(env, value, &type, length, &data, NULL, NULL) != napi_ok || type != napi_uint8_array) goto bad;
	return data ? (uint8_t*)data : (uint8_t*)"";
bad: {
		char message[128];
		snprintf(message, sizeof message, "toeplitzHash: \"%s\" expected Uint8Array", field);
		napi_throw_type_error(env, NULL, message);
		return NULL;
	}
}

/* An integer argument in [min, max]; returns 0 after throwing. */
static int integer_arg(napi_env env, napi_value value, const char* field, double min, double max, uint64_t* out)
{
	napi_valuetype t;
	double v;
	char message[160];
	if (napi_typeof(env, value, &t) != napi_ok || t != napi_number || napi_get_value_double(env, value, &v) != napi_ok ||
		!isfinite(v) || floor(v) != v) {
		snprintf(message, sizeof message, "toeplitzHash: \"%s\" expected an integer", field);
		napi_throw_type_error(env, NULL, message);
		return 0;
	}
	if (v < min || v > max) {
		snprintf(message, sizeof message, "toeplitzHash: \"%s\" expected an integer in [%.0f, %.0f], got %.0f", field, min, max, v);
		napi_throw_range_error(env, NULL, message);
		return 0;
	}
	*out = (uint64_t)v;
	return 1;
}

static napi_value toeplitz_hash(napi_env env, napi_callback_info info)
{
	size_t argc = 5, input_len, seed_len, need;
	napi_value argv[5], buffer, result;
	uint64_t n, bits, method = LV_TOEPLITZ_AUTO;
	uint8_t *input, *seed, *out;
	void* scratch;
	lv_toeplitz_status status;
	char message[256];

	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
	if (argc < 4) THROW(type_error, "toeplitzHash: expected (input, n, seed, outputBits[, method]), got %u arguments", (unsigned)argc);
	if (!(input = uint8_array_arg(env, argv[0], "input", &input_len))) return NULL;
	if (!integer_arg(env, argv[1], "n", 1, (double)LV_TOEPLITZ_MAX_BITS, &n)) return NULL;
	if (!(seed = uint8_array_arg(env, argv[2], "seed", &seed_len))) return NULL;
	if (!integer_arg(env, argv[3], "outputBits", 1, (double)n, &bits)) return NULL;
	if (argc > 4) {
		napi_valuetype t;
		napi_typeof(env, argv[4], &t);
		if (t != napi_undefined && !integer_arg(env, argv[4], "method", 0, 3, &method)) return NULL;
	}
	if (napi_create_arraybuffer(env, (size_t)((bits + 7) / 8), (void**)&out, &buffer) != napi_ok ||
		napi_create_typedarray(env, napi_uint8_array, (size_t)((bits + 7) / 8), buffer, 0, &result) != napi_ok)
		return NULL;
	need = lv_toeplitz_scratch_size(n, bits, (lv_toeplitz_method)method);
	scratch = malloc(need ? need : 1);
	if (!scratch) THROW(error, "toeplitzHash: out of memory (%llu bytes of scratch)", (unsigned long long)need);
	status = lv_toeplitz_hash(input, input_len, n, seed, seed_len, bits, out, (size_t)((bits + 7) / 8), scratch, need, (lv_toeplitz_method)method);
	free(scratch);
	if (status != LV_TOEPLITZ_OK) {
		lv_toeplitz_describe(status, n, bits, input_len, seed_len, message, sizeof message);
		THROW(range_error, "%s", message);
	}
	return result;
}

static napi_value backend(napi_env env, napi_callback_info info)
{
	napi_value s;
	napi_create_string_utf8(env, lv_toeplitz_backend(), NAPI_AUTO_LENGTH, &s);
	return s;
}

static napi_value auto_method(napi_env env, napi_callback_info info)
{
	size_t argc = 2;
	napi_value argv[2], r;
	uint64_t n, bits;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
	if (argc < 2) THROW(type_error, "autoMethod: expected (n, outputBits)");
	if (!integer_arg(env, argv[0], "n", 1, (double)LV_TOEPLITZ_MAX_BITS, &n)) return NULL;
	if (!integer_arg(env, argv[1], "outputBits", 1, (double)n, &bits)) return NULL;
	napi_create_uint32(env, (uint32_t)lv_toeplitz_auto_method(n, bits), &r);
	return r;
}

/* ---- LDPC (native/kernels/ldpc.c)
 *   ldpcDecode(code, syndromes, channelLlrs, maxIterations) -> { bits: Uint8Array(F n), outcomes: Int32Array(F) }
 *       F = channelLlrs.length / n frames; outcome k = iterations, negated when frame k did not converge
 *   ldpcSyndrome(code, bits) -> Uint8Array of ceil(m / 8) bytes
 *   ldpcWorkBytes(code, frames) -> bytes of work a decode of that many frames allocates
 * code = { n, m, checkPtr: Uint32Array, checkVars: Uint32Array }. A fault throws the message the
 * TypeScript reference would (lv_ldpc_describe). */

/* A typed array argument of the given type, or NULL after throwing a TypeError naming it. */
static void* ldpc_typed_arg(napi_env env, napi_value value, napi_typedarray_type want, const char* field, const char* type_name, size_t* length)
{
	bool is_typed = false;
	napi_typedarray_type type;
	void* data = NULL;
	if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed ||
		napi_get_typedarray_info(env, value, &type, length, &data, NULL, NULL) != napi_ok || type != want) {
		char message[160];
		snprintf(message, sizeof message, "ldpc: \"%s\" expected %s", field, type_name);
		napi_throw_type_error(env, NULL, message);
		return NULL;
	}
	return data ? data : (void*)"";
}

/* An integer argument in [min, max], messages worded as the reference's checkInteger; 0 after throwing. */
static int ldpc_integer_arg(napi_env env, napi_value value, const char* field, double min, double max, uint64_t* out)
{
	napi_valuetype t;
	double v;
	char message[160];
	if (napi_typeof(env, value, &t) != napi_ok || t != napi_number || napi_get_value_double(env, value, &v) != napi_ok ||
		!isfinite(v) || floor(v) != v) {
		snprintf(message, sizeof message, "ldpc: \"%s\" expected an integer", field);
		napi_throw_type_error(env, NULL, message);
		return 0;
	}
	if (v < min || v > max) {
		snprintf(message, sizeof message, "\"%s\" expected an integer in [%.0f, %.0f], got %.0f", field, min, max, v);
		napi_throw_range_error(env, NULL, message);
		return 0;
	}
	*out = (uint64_t)v;
	return 1;
}

/*
 * code.{n, m, checkPtr, checkVars}: every property is read first (a getter may run JS), the
 * arrays' addresses last (ldpc_code_views), after the caller's last allocation. 0 after throwing.
 */
typedef struct {
	napi_value check_ptr, check_vars;
} ldpc_code_values;

static int ldpc_code_arg(napi_env env, napi_value value, lv_ldpc_code* code, ldpc_code_values* v)
{
	napi_valuetype t;
	napi_value n, m;
	if (napi_typeof(env, value, &t) != napi_ok || t != napi_object) {
		napi_throw_type_error(env, NULL, "ldpc: \"code\" expected an LdpcCodeView");
		return 0;
	}
	if (napi_get_named_property(env, value, "n", &n) != napi_ok || napi_get_named_property(env, value, "m", &m) != napi_ok ||
		napi_get_named_property(env, value, "checkPtr", &v->check_ptr) != napi_ok ||
		napi_get_named_property(env, value, "checkVars", &v->check_vars) != napi_ok)
		return 0;
	return ldpc_integer_arg(env, n, "code.n", 1, (double)LV_LDPC_MAX_N, &code->n) &&
		ldpc_integer_arg(env, m, "code.m", 1, (double)LV_LDPC_MAX_N, &code->m);
}

static int ldpc_code_views(napi_env env, const ldpc_code_values* v, lv_ldpc_code* code)
{
	return (code->check_ptr = ldpc_typed_arg(env, v->check_ptr, napi_uint32_array, "code.checkPtr", "Uint32Array", &code->check_ptr_len)) &&
		(code->check_vars = ldpc_typed_arg(env, v->check_vars, napi_uint32_array, "code.checkVars", "Uint32Array", &code->check_vars_len));
}

#define LDPC_FAULT(fault, code)                                                  \
	do {                                                                         \
		char message_[256];                                                      \
		lv_ldpc_describe(&(fault), &(code), message_, sizeof message_);          \
		if ((fault).status == LV_LDPC_E_NULL) napi_throw_error(env, NULL, message_); \
		else napi_throw_range_error(env, NULL, message_);                       \
		return NULL;                                                             \
	} while (0)

/*
 * The decoder's work, kept between calls of this environment: a fresh buffer costs its page faults
 * on every call (24 MB for 16 frames of 10^5 key bits: 2-4 ms a frame). The kernel wipes it before
 * returning, so it holds nothing between calls; one larger than LDPC_WORK_KEEP is freed at once.
 */
#define LDPC_WORK_KEEP ((size_t)64 << 20)
typedef struct {
	void* data;
	size_t size;
} ldpc_work_cache;

static void ldpc_work_finalize(napi_env env, void* data, void* hint)
{
	ldpc_work_cache* cache = data;
	(void)env;
	(void)hint;
	free(cache->data);
	free(cache);
}

/* `need` bytes of work: the kept buffer when it is large enough; *fresh says the caller must free it. */
static void* ldpc_work(napi_env env, size_t need, int* fresh)
{
	ldpc_work_cache* cache = NULL;
	*fresh = 0;
	if (need > LDPC_WORK_KEEP) {
		*fresh = 1;
		return malloc(need);
	}
	if (napi_get_instance_data(env, (void**)&cache) != napi_ok) return NULL;
	if (!cache) {
		if (!(cache = calloc(1, sizeof *cache))) return NULL;
		if (napi_set_instance_data(env, cache, ldpc_work_finalize, NULL) != napi_ok) {
			free(cache);
			return NULL;
		}
	}
	if (cache->size < need) {
		free(cache->data);
		cache->data = malloc(need);
		cache->size = cache->data ? need : 0;
	}
	return cache->data;
}

static napi_value ldpc_decode(napi_env env, napi_callback_info info)
{
	size_t argc = 4, syndromes_len, llr_len, frames = 0, need = 0, k;
	napi_value argv[4], buffer, bits_value = NULL, outcomes_value = NULL, result;
	lv_ldpc_code code;
	ldpc_code_values values;
	lv_ldpc_fault fault = { LV_LDPC_OK, 0, 0 };
	lv_ldpc_result* results = NULL;
	lv_ldpc_status status;
	uint8_t *syndromes, *bits = NULL, refused_bits = 0;
	int32_t* outcomes = NULL;
	double* llrs;
	uint64_t max_iterations;
	void* work = NULL;
	int fresh_work = 0;

	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
	if (argc < 4) THROW(type_error, "ldpcDecode: expected (code, syndromes, channelLlrs, maxIterations), got %u arguments", (unsigned)argc);
	if (!ldpc_code_arg(env, argv[0], &code, &values)) return NULL;
	if (!ldpc_integer_arg(env, argv[3], "maxIterations", 1, LV_LDPC_MAX_ITERATIONS, &max_iterations)) return NULL;
	/* The outputs are allocated only once the caller's LLRs show the frames are real (8n bytes each). */
	if (!ldpc_code_views(env, &values, &code)) return NULL;
	if (!ldpc_typed_arg(env, argv[1], napi_uint8_array, "syndromes", "Uint8Array", &syndromes_len)) return NULL;
	if (!ldpc_typed_arg(env, argv[2], napi_float64_array, "channelLlrs", "Float64Array", &llr_len)) return NULL;
	if (llr_len && llr_len % code.n == 0) {
		frames = llr_len / (size_t)code.n;
		if (napi_create_arraybuffer(env, llr_len, (void**)&bits, &buffer) != napi_ok ||
			napi_create_typedarray(env, napi_uint8_array, llr_len, buffer, 0, &bits_value) != napi_ok ||
			napi_create_arraybuffer(env, 4 * frames, (void**)&outcomes, &buffer) != napi_ok ||
			napi_create_typedarray(env, napi_int32_array, frames, buffer, 0, &outcomes_value) != napi_ok)
			return NULL;
	} else
		bits = &refused_bits; /* the decode refuses the call on the LLRs' length before writing */
	/* Addresses after the last allocation. */
	if (!ldpc_code_views(env, &values, &code)) return NULL;
	syndromes = ldpc_typed_arg(env, argv[1], napi_uint8_array, "syndromes", "Uint8Array", &syndromes_len);
	llrs = ldpc_typed_arg(env, argv[2], napi_float64_array, "channelLlrs", "Float64Array", &llr_len);
	if (!syndromes || !llrs) return NULL;
	if ((status = lv_ldpc_work_size(&code, frames ? frames : 1, &need, &fault)) != LV_LDPC_OK) LDPC_FAULT(fault, code);
	work = ldpc_work(env, need ? need : 1, &fresh_work);
	results = malloc(sizeof(lv_ldpc_result) * (frames ? frames : 1));
	if (!work || !results) {
		if (fresh_work) free(work);
		free(results);
		THROW(error, "ldpcDecode: out of memory (%llu bytes of work)", (unsigned long long)need);
	}
	status = lv_ldpc_decode(&code, syndromes, syndromes_len, llrs, llr_len, max_iterations, bits, frames ? llr_len : 0,
		results, frames, work, need, &fault);
	if (fresh_work) free(work);
	for (k = 0; k < frames; k++) outcomes[k] = results[k].converged ? (int32_t)results[k].iterations : -(int32_t)results[k].iterations;
	free(results);
	if (status != LV_LDPC_OK) LDPC_FAULT(fault, code);
	if (!bits_value) THROW(error, "ldpcDecode: internal error: a call with %llu LLRs for n = %llu was accepted", (unsigned long long)llr_len, (unsigned long long)code.n);
	napi_create_object(env, &result);
	napi_set_named_property(env, result, "bits", bits_value);
	napi_set_named_property(env, result, "outcomes", outcomes_value);
	return result;
}

static napi_value ldpc_syndrome(napi_env env, napi_callback_info info)
{
	size_t argc = 2, bits_len, out_len;
	napi_value argv[2], buffer, result;
	lv_ldpc_code code;
	ldpc_code_values values;
	lv_ldpc_fault fault = { LV_LDPC_OK, 0, 0 };
	uint8_t *bits, *out;

	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
	if (argc < 2) THROW(type_error, "ldpcSyndrome: expected (code, bits), got %u arguments", (unsigned)argc);
	if (!ldpc_code_arg(env, argv[0], &code, &values)) return NULL;
	if (!ldpc_typed_arg(env, argv[1], napi_uint8_array, "bits", "Uint8Array", &bits_len)) return NULL;
	out_len = (size_t)((code.m + 7) >> 3);
	if (bits_len != code.n) out_len = 0; /* refused below; allocate nothing for an absurd m */
	if (napi_create_arraybuffer(env, out_len, (void**)&out, &buffer) != napi_ok ||
		napi_create_typedarray(env, napi_uint8_array, out_len, buffer, 0, &result) != napi_ok)
		return NULL;
	if (!ldpc_code_views(env, &values, &code)) return NULL;
	if (!(bits = ldpc_typed_arg(env, argv[1], napi_uint8_array, "bits", "Uint8Array", &bits_len))) return NULL;
	if (lv_ldpc_syndrome(&code, bits, bits_len, out ? out : (uint8_t*)"", out_len, &fault) != LV_LDPC_OK) LDPC_FAULT(fault, code);
	return result;
}

static napi_value ldpc_work_bytes(napi_env env, napi_callback_info info)
{
	size_t argc = 2, need;
	napi_value argv[2], result;
	lv_ldpc_code code;
	ldpc_code_values values;
	lv_ldpc_fault fault = { LV_LDPC_OK, 0, 0 };
	uint64_t frames;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
	if (argc < 2) THROW(type_error, "ldpcWorkBytes: expected (code, frames)");
	if (!ldpc_code_arg(env, argv[0], &code, &values) || !ldpc_code_views(env, &values, &code)) return NULL;
	if (!ldpc_integer_arg(env, argv[1], "frames", 1, 4294967295.0, &frames)) return NULL;
	if (lv_ldpc_work_size(&code, frames, &need, &fault) != LV_LDPC_OK) LDPC_FAULT(fault, code);
	napi_create_double(env, (double)need, &result);
	return result;
}

static napi_value init(napi_env env, napi_value exports)
{
	napi_property_descriptor props[] = {
		{ "toeplitzHash", NULL, toeplitz_hash, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "backend", NULL, backend, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "autoMethod", NULL, auto_method, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "ldpcDecode", NULL, ldpc_decode, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "ldpcSyndrome", NULL, ldpc_syndrome, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "ldpcWorkBytes", NULL, ldpc_work_bytes, NULL, NULL, NULL, napi_enumerable, NULL },
	};
	napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
	lv_pulse_register(env, exports); /* pulse.c: the pulse-timing kernel */
	return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
