/*
 * LIGHTVIBES Node-API addon (node-addon-api): the C kernels of native/kernels/ for Node, the C++
 * side of hal/node/kernels.ts (the XS host binds the same cores in native/host/kernels.c). Thin:
 * checks its arguments, takes the kernel's scratch once per call (native/os/scratch.c: huge pages
 * for a large one), calls the core, and turns a status into a JS error that names the argument
 * (a C++ exception node-addon-api rethrows in JS).
 *
 *   toeplitzHash(input, n, seed, outputBits[, method]) -> Uint8Array of ceil(outputBits / 8) bytes
 *       method: 0 auto (default), 1 words, 2 fft, 3 fft with the portable multiply
 *   backend() -> "vpclmul-avx512" | "vpclmul-avx2" | "pclmul" | "portable"
 *   autoMethod(n, outputBits) -> 1 (words) | 2 (fft)
 *   ldpcDecode / ldpcSyndrome / ldpcWorkBytes: the LDPC kernel (see the block above LdpcDecode)
 *   pulseSchedule / pulseBin: the pulse-timing kernel (pulse.cc)
 */
#include <napi.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>

#include "ldpc.h"
#include "scratch.h"
#include "toeplitz.h"

void lvPulseRegister(Napi::Env env, Napi::Object exports); /* pulse.cc */

namespace {

/* What an empty typed array points at, so no kernel ever sees NULL data (a zero-length output is never written). */
alignas(8) uint8_t noBytes[8];

template <typename... Args>
std::string format(const char* pattern, Args... args)
{
	char message[256];
	snprintf(message, sizeof message, pattern, args...);
	return message;
}

/* A typed array argument of element type T (`want`), or a TypeError naming it: "<prefix>"<field>" expected <typeName>". */
template <typename T>
T* typedArg(Napi::Env env, Napi::Value value, napi_typedarray_type want, const char* prefix, const char* field, const char* typeName, size_t* length)
{
	if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != want)
		throw Napi::TypeError::New(env, format("%s\"%s\" expected %s", prefix, field, typeName));
	Napi::TypedArrayOf<T> array = value.As<Napi::TypedArrayOf<T>>();
	*length = array.ElementLength();
	return array.Data() ? array.Data() : (T*)noBytes;
}

/* An integer argument in [min, max]: a TypeError "<typePrefix>"<field>" expected an integer", or a RangeError. */
uint64_t integerArg(Napi::Env env, Napi::Value value, const char* typePrefix, const char* rangePrefix, const char* field, double min, double max)
{
	double v = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : NAN;
	if (!std::isfinite(v) || std::floor(v) != v)
		throw Napi::TypeError::New(env, format("%s\"%s\" expected an integer", typePrefix, field));
	if (v < min || v > max)
		throw Napi::RangeError::New(env, format("%s\"%s\" expected an integer in [%.0f, %.0f], got %.0f", rangePrefix, field, min, max, v));
	return (uint64_t)v;
}

/* A kernel's scratch for the length of one call (lv_scratch_get: a large one in huge pages). */
struct Scratch {
	lv_scratch s{};
	Scratch() = default;
	Scratch(const Scratch&) = delete;
	Scratch& operator=(const Scratch&) = delete;
	~Scratch() { lv_scratch_release(&s); }
	void* get(size_t size) { return lv_scratch_get(&s, size); }
};

/* ---- Toeplitz (native/kernels/toeplitz.c) */

uint64_t toeplitzInteger(Napi::Env env, Napi::Value value, const char* field, double min, double max)
{
	return integerArg(env, value, "toeplitzHash: ", "toeplitzHash: ", field, min, max);
}

Napi::Value ToeplitzHash(const Napi::CallbackInfo& info)
{
	Napi::Env env = info.Env();
	size_t inputLength, seedLength;
	uint64_t method = LV_TOEPLITZ_AUTO;
	if (info.Length() < 4)
		throw Napi::TypeError::New(env, format("toeplitzHash: expected (input, n, seed, outputBits[, method]), got %u arguments", (unsigned)info.Length()));
	typedArg<uint8_t>(env, info[0], napi_uint8_array, "toeplitzHash: ", "input", "Uint8Array", &inputLength);
	uint64_t n = toeplitzInteger(env, info[1], "n", 1, (double)LV_TOEPLITZ_MAX_BITS);
	typedArg<uint8_t>(env, info[2], napi_uint8_array, "toeplitzHash: ", "seed", "Uint8Array", &seedLength);
	uint64_t bits = toeplitzInteger(env, info[3], "outputBits", 1, (double)n);
	if (info.Length() > 4 && !info[4].IsUndefined()) method = toeplitzInteger(env, info[4], "method", 0, 3);
	size_t outLength = (size_t)((bits + 7) / 8);
	Napi::Uint8Array result = Napi::Uint8Array::New(env, outLength);
	/* addresses after the last allocation */
	const uint8_t* input = typedArg<uint8_t>(env, info[0], napi_uint8_array, "toeplitzHash: ", "input", "Uint8Array", &inputLength);
	const uint8_t* seed = typedArg<uint8_t>(env, info[2], napi_uint8_array, "toeplitzHash: ", "seed", "Uint8Array", &seedLength);
	size_t need = lv_toeplitz_scratch_size(n, bits, (lv_toeplitz_method)method);
	Scratch scratch;
	void* work = scratch.get(need);
	if (!work) throw Napi::Error::New(env, format("toeplitzHash: out of memory (%llu bytes of scratch)", (unsigned long long)need));
	lv_toeplitz_status status = lv_toeplitz_hash(input, inputLength, n, seed, seedLength, bits, result.Data(), outLength, work, need,
		(lv_toeplitz_method)method);
	if (status != LV_TOEPLITZ_OK) {
		char message[256];
		lv_toeplitz_describe(status, n, bits, inputLength, seedLength, message, sizeof message);
		throw Napi::RangeError::New(env, message);
	}
	return result;
}

Napi::Value Backend(const Napi::CallbackInfo& info)
{
	return Napi::String::New(info.Env(), lv_toeplitz_backend());
}

Napi::Value AutoMethod(const Napi::CallbackInfo& info)
{
	Napi::Env env = info.Env();
	if (info.Length() < 2) throw Napi::TypeError::New(env, "autoMethod: expected (n, outputBits)");
	uint64_t n = toeplitzInteger(env, info[0], "n", 1, (double)LV_TOEPLITZ_MAX_BITS);
	uint64_t bits = toeplitzInteger(env, info[1], "outputBits", 1, (double)n);
	return Napi::Number::New(env, (uint32_t)lv_toeplitz_auto_method(n, bits));
}

/* ---- LDPC (native/kernels/ldpc.c)
 *   ldpcDecode(code, syndromes, channelLlrs, maxIterations) -> { bits: Uint8Array(F n), outcomes: Int32Array(F) }
 *       F = channelLlrs.length / n frames; outcome k = iterations, negated when frame k did not converge
 *   ldpcSyndrome(code, bits) -> Uint8Array of ceil(m / 8) bytes
 *   ldpcWorkBytes(code, frames) -> bytes of work a decode of that many frames allocates
 * code = { n, m, checkPtr: Uint32Array, checkVars: Uint32Array }. A fault throws the message the
 * TypeScript reference would (lv_ldpc_describe). */

/* Range messages worded as the reference's checkInteger (no prefix). */
uint64_t ldpcInteger(Napi::Env env, Napi::Value value, const char* field, double min, double max)
{
	return integerArg(env, value, "ldpc: ", "", field, min, max);
}

/*
 * code.{n, m, checkPtr, checkVars}: every property is read first (a getter may run JS), the
 * arrays' addresses last (codeViews), after the caller's last allocation.
 */
struct CodeValues {
	Napi::Value checkPtr, checkVars;
};

CodeValues codeArg(Napi::Env env, Napi::Value value, lv_ldpc_code* code)
{
	if (value.Type() != napi_object) throw Napi::TypeError::New(env, "ldpc: \"code\" expected an LdpcCodeView");
	Napi::Object object = value.As<Napi::Object>();
	Napi::Value n = object.Get("n"), m = object.Get("m");
	CodeValues v = { object.Get("checkPtr"), object.Get("checkVars") };
	code->n = ldpcInteger(env, n, "code.n", 1, (double)LV_LDPC_MAX_N);
	code->m = ldpcInteger(env, m, "code.m", 1, (double)LV_LDPC_MAX_N);
	return v;
}

void codeViews(Napi::Env env, const CodeValues& v, lv_ldpc_code* code)
{
	code->check_ptr = typedArg<uint32_t>(env, v.checkPtr, napi_uint32_array, "ldpc: ", "code.checkPtr", "Uint32Array", &code->check_ptr_len);
	code->check_vars = typedArg<uint32_t>(env, v.checkVars, napi_uint32_array, "ldpc: ", "code.checkVars", "Uint32Array", &code->check_vars_len);
}

[[noreturn]] void throwFault(Napi::Env env, const lv_ldpc_fault& fault, const lv_ldpc_code& code)
{
	char message[256];
	lv_ldpc_describe(&fault, &code, message, sizeof message);
	if (fault.status == LV_LDPC_E_NULL) throw Napi::Error::New(env, message);
	throw Napi::RangeError::New(env, message);
}

/*
 * The decoder's work, kept between calls of this environment: a fresh buffer costs its page faults
 * on every call (24 MB for 16 frames of 10^5 key bits: 2-4 ms a frame). The kernel wipes it before
 * returning, so it holds nothing between calls; one larger than WORK_KEEP is freed at once.
 */
constexpr size_t WORK_KEEP = (size_t)64 << 20;

struct WorkCache {
	void* data = nullptr;
	size_t size = 0;
	~WorkCache() { free(data); }
};

/* `need` bytes of work: the kept buffer when it is large enough; `owned` holds one the call frees. */
void* ldpcWork(Napi::Env env, size_t need, Scratch& owned)
{
	if (need > WORK_KEEP) return owned.get(need);
	WorkCache* cache = env.GetInstanceData<WorkCache>();
	if (!cache) {
		std::unique_ptr<WorkCache> fresh(new (std::nothrow) WorkCache());
		if (!fresh) return nullptr;
		env.SetInstanceData(fresh.get()); /* deleted with the environment */
		cache = fresh.release();
	}
	if (cache->size < need) {
		free(cache->data);
		cache->data = malloc(need);
		cache->size = cache->data ? need : 0;
	}
	return cache->data;
}

Napi::Value LdpcDecode(const Napi::CallbackInfo& info)
{
	Napi::Env env = info.Env();
	size_t syndromesLength, llrLength, frames = 0, need = 0;
	lv_ldpc_code code;
	lv_ldpc_fault fault = { LV_LDPC_OK, 0, 0 };
	if (info.Length() < 4)
		throw Napi::TypeError::New(env, format("ldpcDecode: expected (code, syndromes, channelLlrs, maxIterations), got %u arguments", (unsigned)info.Length()));
	CodeValues values = codeArg(env, info[0], &code);
	uint64_t maxIterations = ldpcInteger(env, info[3], "maxIterations", 1, LV_LDPC_MAX_ITERATIONS);
	/* The outputs are allocated only once the caller's LLRs show the frames are real (8n bytes each). */
	codeViews(env, values, &code);
	typedArg<uint8_t>(env, info[1], napi_uint8_array, "ldpc: ", "syndromes", "Uint8Array", &syndromesLength);
	typedArg<double>(env, info[2], napi_float64_array, "ldpc: ", "channelLlrs", "Float64Array", &llrLength);
	Napi::Uint8Array bitsValue;
	Napi::Int32Array outcomesValue;
	uint8_t refusedBits = 0, *bits = &refusedBits; /* the decode refuses a bad LLR length before writing */
	if (llrLength && llrLength % code.n == 0) {
		frames = llrLength / (size_t)code.n;
		bitsValue = Napi::Uint8Array::New(env, llrLength);
		outcomesValue = Napi::Int32Array::New(env, frames);
		bits = bitsValue.Data();
	}
	/* Addresses after the last allocation. */
	codeViews(env, values, &code);
	const uint8_t* syndromes = typedArg<uint8_t>(env, info[1], napi_uint8_array, "ldpc: ", "syndromes", "Uint8Array", &syndromesLength);
	const double* llrs = typedArg<double>(env, info[2], napi_float64_array, "ldpc: ", "channelLlrs", "Float64Array", &llrLength);
	if (lv_ldpc_work_size(&code, frames ? frames : 1, &need, &fault) != LV_LDPC_OK) throwFault(env, fault, code);
	Scratch freshWork;
	void* work = ldpcWork(env, need ? need : 1, freshWork);
	std::unique_ptr<lv_ldpc_result[]> results(new (std::nothrow) lv_ldpc_result[frames ? frames : 1]);
	if (!work || !results) throw Napi::Error::New(env, format("ldpcDecode: out of memory (%llu bytes of work)", (unsigned long long)need));
	lv_ldpc_status status = lv_ldpc_decode(&code, syndromes, syndromesLength, llrs, llrLength, maxIterations, bits, frames ? llrLength : 0,
		results.get(), frames, work, need, &fault);
	for (size_t k = 0; k < frames; k++)
		outcomesValue[k] = results[k].converged ? (int32_t)results[k].iterations : -(int32_t)results[k].iterations;
	if (status != LV_LDPC_OK) throwFault(env, fault, code);
	if (bitsValue.IsEmpty())
		throw Napi::Error::New(env, format("ldpcDecode: internal error: a call with %llu LLRs for n = %llu was accepted", (unsigned long long)llrLength,
			(unsigned long long)code.n));
	Napi::Object result = Napi::Object::New(env);
	result.Set("bits", bitsValue);
	result.Set("outcomes", outcomesValue);
	return result;
}

Napi::Value LdpcSyndrome(const Napi::CallbackInfo& info)
{
	Napi::Env env = info.Env();
	size_t bitsLength;
	lv_ldpc_code code;
	lv_ldpc_fault fault = { LV_LDPC_OK, 0, 0 };
	if (info.Length() < 2) throw Napi::TypeError::New(env, format("ldpcSyndrome: expected (code, bits), got %u arguments", (unsigned)info.Length()));
	CodeValues values = codeArg(env, info[0], &code);
	typedArg<uint8_t>(env, info[1], napi_uint8_array, "ldpc: ", "bits", "Uint8Array", &bitsLength);
	size_t outLength = bitsLength == code.n ? (size_t)((code.m + 7) >> 3) : 0; /* refused below; nothing allocated for an absurd m */
	Napi::Uint8Array result = Napi::Uint8Array::New(env, outLength);
	codeViews(env, values, &code);
	const uint8_t* bits = typedArg<uint8_t>(env, info[1], napi_uint8_array, "ldpc: ", "bits", "Uint8Array", &bitsLength);
	if (lv_ldpc_syndrome(&code, bits, bitsLength, result.Data() ? result.Data() : (uint8_t*)noBytes, outLength, &fault) != LV_LDPC_OK)
		throwFault(env, fault, code);
	return result;
}

Napi::Value LdpcWorkBytes(const Napi::CallbackInfo& info)
{
	Napi::Env env = info.Env();
	size_t need;
	lv_ldpc_code code;
	lv_ldpc_fault fault = { LV_LDPC_OK, 0, 0 };
	if (info.Length() < 2) throw Napi::TypeError::New(env, "ldpcWorkBytes: expected (code, frames)");
	codeViews(env, codeArg(env, info[0], &code), &code);
	uint64_t frames = ldpcInteger(env, info[1], "frames", 1, 4294967295.0);
	if (lv_ldpc_work_size(&code, frames, &need, &fault) != LV_LDPC_OK) throwFault(env, fault, code);
	return Napi::Number::New(env, (double)need);
}

Napi::Object Init(Napi::Env env, Napi::Object exports)
{
	exports.Set("toeplitzHash", Napi::Function::New(env, ToeplitzHash, "toeplitzHash"));
	exports.Set("backend", Napi::Function::New(env, Backend, "backend"));
	exports.Set("autoMethod", Napi::Function::New(env, AutoMethod, "autoMethod"));
	exports.Set("ldpcDecode", Napi::Function::New(env, LdpcDecode, "ldpcDecode"));
	exports.Set("ldpcSyndrome", Napi::Function::New(env, LdpcSyndrome, "ldpcSyndrome"));
	exports.Set("ldpcWorkBytes", Napi::Function::New(env, LdpcWorkBytes, "ldpcWorkBytes"));
	lvPulseRegister(env, exports);
	return exports;
}

} // namespace

NODE_API_MODULE(NODE_GYP_MODULE_NAME, Init)
