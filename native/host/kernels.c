/*
 * LIGHTVIBES XS host: the xsmc binding of the native kernels (native/kernels/), the C side of
 * hal/xs/kernels.ts. Thin: it checks its arguments, allocates the kernel's scratch once per call
 * (outside every loop, freed before any throw), calls the C core and turns a status into a JS
 * error that names the argument.
 *
 *   native("xs_lv_toeplitz_hash")(input, n, seed, outputBits, out[, method])
 *       input, seed, out: Uint8Array; n, outputBits: integers; method: 0 auto (default), 1 words,
 *       2 fft, 3 fft with the portable multiply. Writes the hash to out; returns undefined.
 *   native("xs_lv_toeplitz_backend")()            "vpclmul-avx512", "vpclmul-avx2", "pclmul" or "portable"
 *   native("xs_lv_toeplitz_auto_method")(n, outputBits)   1 (words) or 2 (fft)
 */
#include "lvxs.h"
#include "xsmc.h"
#include "../kernels/toeplitz.h"
#include "../os/scratch.h"

#include <math.h>

/* Throws TypeError unless xsArg(index) is a Uint8Array (xsVar(0) holds Uint8Array.prototype). */
static void lvCheckUint8Array(xsMachine* the, int index, const char* field)
{
	if (xsmcArgc <= index)
		xsTypeError("toeplitzHash: \"%s\" expected Uint8Array, got undefined", field);
	if (!xsmcIsInstanceOf(xsArg(index), xsVar(0)))
		xsTypeError("toeplitzHash: \"%s\" expected Uint8Array", field);
}

/* The bytes of a checked Uint8Array argument. */
static uint8_t* lvBytes(xsMachine* the, int index, size_t* length, int writable)
{
	void* data;
	xsUnsignedValue count;
	if (writable)
		xsmcGetBufferWritable(xsArg(index), &data, &count);
	else
		xsmcGetBufferReadable(xsArg(index), &data, &count);
	*length = count;
	return data;
}

/* Throws unless xsArg(index) is an integer in [min, max]. */
static uint64_t lvIntegerArg(xsMachine* the, int index, const char* field, double min, double max)
{
	double value;
	int type;
	if (xsmcArgc <= index)
		xsTypeError("toeplitzHash: \"%s\" expected an integer, got undefined", field);
	type = xsmcTypeOf(xsArg(index));
	if (type != xsIntegerType && type != xsNumberType)
		xsTypeError("toeplitzHash: \"%s\" expected an integer", field);
	value = xsmcToNumber(xsArg(index));
	if (!isfinite(value) || floor(value) != value)
		xsTypeError("toeplitzHash: \"%s\" expected an integer, got %g", field, value);
	if (value < min || value > max)
		xsRangeError("toeplitzHash: \"%s\" expected an integer in [%.0f, %.0f], got %.0f", field, min, max, value);
	return (uint64_t)value;
}

void xs_lv_toeplitz_hash(xsMachine* the)
{
	size_t inputLength, seedLength, outLength, need;
	uint64_t n, bits;
	lv_toeplitz_method method = LV_TOEPLITZ_AUTO;
	lv_toeplitz_status status;
	uint8_t *input, *seed, *out;
	lv_scratch scratch;
	char message[256];

	xsmcVars(1);
	xsmcGet(xsVar(0), xsGlobal, xsID("Uint8Array"));
	xsmcGet(xsVar(0), xsVar(0), xsID("prototype"));
	lvCheckUint8Array(the, 0, "input");
	n = lvIntegerArg(the, 1, "n", 1, (double)LV_TOEPLITZ_MAX_BITS);
	lvCheckUint8Array(the, 2, "seed");
	bits = lvIntegerArg(the, 3, "outputBits", 1, (double)n);
	lvCheckUint8Array(the, 4, "out");
	if (xsmcArgc > 5 && xsmcTypeOf(xsArg(5)) != xsUndefinedType)
		method = (lv_toeplitz_method)lvIntegerArg(the, 5, "method", 0, 3);
	/* Nothing allocates in XS from here to the end of the kernel, so the GC cannot move the buffers
	   (the scratch is C memory, not XS's heap). A detached buffer throws here, before the scratch exists. */
	input = lvBytes(the, 0, &inputLength, 0);
	seed = lvBytes(the, 2, &seedLength, 0);
	out = lvBytes(the, 4, &outLength, 1);
	need = lv_toeplitz_scratch_size(n, bits, method);
	if (!lv_scratch_get(&scratch, need)) /* a large one in huge pages (native/os/scratch.c) */
		xsUnknownError("toeplitzHash: out of memory (%lu bytes of scratch)", (unsigned long)need);
	status = lv_toeplitz_hash(input, inputLength, n, seed, seedLength, bits, out, outLength, scratch.data, need, method);
	lv_scratch_release(&scratch);
	if (status != LV_TOEPLITZ_OK) {
		lv_toeplitz_describe(status, n, bits, inputLength, seedLength, message, sizeof message);
		if (status == LV_TOEPLITZ_E_NULL)
			xsUnknownError("toeplitzHash: %s", message);
		xsRangeError("%s", message);
	}
}

void xs_lv_toeplitz_backend(xsMachine* the)
{
	xsmcSetString(xsResult, (char*)lv_toeplitz_backend());
}

void xs_lv_toeplitz_auto_method(xsMachine* the)
{
	uint64_t n, bits;
	xsmcVars(1);
	n = lvIntegerArg(the, 0, "n", 1, (double)LV_TOEPLITZ_MAX_BITS);
	bits = lvIntegerArg(the, 1, "outputBits", 1, (double)n);
	xsmcSetInteger(xsResult, (xsIntegerValue)lv_toeplitz_auto_method(n, bits));
}
