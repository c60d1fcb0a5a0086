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
 */
#include <node_api.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "toeplitz.h"

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

static napi_value init(napi_env env, napi_value exports)
{
	napi_property_descriptor props[] = {
		{ "toeplitzHash", NULL, toeplitz_hash, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "backend", NULL, backend, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "autoMethod", NULL, auto_method, NULL, NULL, NULL, napi_enumerable, NULL },
	};
	napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
	return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
