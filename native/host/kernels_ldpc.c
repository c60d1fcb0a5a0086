/*
 * LIGHTVIBES XS host: the xsmc binding of the LDPC kernel (native/kernels/ldpc.c), the C side of
 * ldpcDecode in hal/xs/kernels.ts. (Named kernels_ldpc.c, not ldpc.c: the host Makefile names
 * objects by base name, and native/kernels/ldpc.c already takes ldpc.o.) Thin: it reads its
 * arguments, allocates the decoder's work once per call (C heap, freed before any throw), calls
 * the C core, and turns a fault into the error the TypeScript reference would throw.
 *
 *   native("xs_lv_ldpc_decode")(n, m, checkPtr, checkVars, syndromes, channelLlrs, maxIterations, bits, outcomes)
 *       checkPtr, checkVars: Uint32Array; syndromes, bits: Uint8Array; channelLlrs: Float64Array;
 *       outcomes: Int32Array. F = channelLlrs.length / n frames: writes their words to bits
 *       (length F n) and each frame's iterations to outcomes (length F), negated if not converged.
 *   native("xs_lv_ldpc_syndrome")(n, m, checkPtr, checkVars, bits, out)   H*bits packed into out
 *   native("xs_lv_ldpc_work_bytes")(n, m, checkPtr, checkVars, frames)  work bytes of a decode
 */
#include "lvxs.h"
#include "xsmc.h"
#include "../kernels/ldpc.h"
#include "../os/scratch.h"

#include <math.h>

/*
 * A typed-array argument. xsmcGetBuffer* only takes byte arrays, so a view is read through its
 * ArrayBuffer, in two phases: lvViewRead checks the type and reads byteOffset, length and buffer
 * (JS may run there: getters) into xsVar(slot); lvViewPin, once every view is read, takes the
 * address (no JS runs, nothing allocates until the kernel is done, so the GC cannot move it) and
 * bounds the window by the buffer's real length, so a view whose properties lie cannot push the
 * kernel outside it. xsVar(0) is scratch.
 */
typedef struct {
	int arg;
	const char* constructor;
	size_t size;
	const char* field;
	int writable;
	int slot;
	double offset, length;
	void* data;
	size_t count;
} lvView;

static void lvViewRead(xsMachine* the, lvView* v)
{
	if (xsmcArgc <= v->arg)
		xsTypeError("ldpc: \"%s\" expected %s, got undefined", v->field, v->constructor);
	xsmcGet(xsVar(0), xsGlobal, xsID(v->constructor));
	xsmcGet(xsVar(0), xsVar(0), xsID("prototype"));
	if (!xsmcIsInstanceOf(xsArg(v->arg), xsVar(0)))
		xsTypeError("ldpc: \"%s\" expected %s", v->field, v->constructor);
	xsmcGet(xsVar(0), xsArg(v->arg), xsID("byteOffset"));
	v->offset = xsmcToNumber(xsVar(0));
	xsmcGet(xsVar(0), xsArg(v->arg), xsID("length"));
	v->length = xsmcToNumber(xsVar(0));
	xsmcGet(xsVar(v->slot), xsArg(v->arg), xsID("buffer"));
}

static void lvViewPin(xsMachine* the, lvView* v)
{
	void* data;
	xsUnsignedValue bufferLength;
	if (v->writable)
		xsmcGetBufferWritable(xsVar(v->slot), &data, &bufferLength);
	else
		xsmcGetBufferReadable(xsVar(v->slot), &data, &bufferLength);
	if (!(v->offset >= 0) || !(v->length >= 0) || floor(v->offset) != v->offset || floor(v->length) != v->length ||
		v->offset + v->length * (double)v->size > (double)bufferLength || ((size_t)v->offset % v->size) != 0)
		xsTypeError("ldpc: \"%s\" is not a well-formed %s", v->field, v->constructor);
	v->count = (size_t)v->length;
	v->data = (uint8_t*)data + (size_t)v->offset;
}

/* Throws unless xsArg(index) is an integer in [min, max] (the reference's wording). */
static uint64_t lvLdpcInteger(xsMachine* the, int index, const char* field, double min, double max)
{
	double value;
	int type;
	if (xsmcArgc <= index)
		xsTypeError("ldpc: \"%s\" expected an integer, got undefined", field);
	type = xsmcTypeOf(xsArg(index));
	if (type != xsIntegerType && type != xsNumberType)
		xsTypeError("ldpc: \"%s\" expected an integer", field);
	value = xsmcToNumber(xsArg(index));
	if (!isfinite(value) || floor(value) != value)
		xsTypeError("ldpc: \"%s\" expected an integer, got %g", field, value);
	if (value < min || value > max)
		xsRangeError("\"%s\" expected an integer in [%.0f, %.0f], got %.0f", field, min, max, value);
	return (uint64_t)value;
}

/* (n, m) from arguments 0, 1; the views of checkPtr, checkVars (arguments 2, 3, slots 1, 2) are read, not pinned. */
static void lvLdpcCode(xsMachine* the, lv_ldpc_code* code, lvView* ptr, lvView* vars)
{
	code->n = lvLdpcInteger(the, 0, "code.n", 1, (double)LV_LDPC_MAX_N);
	code->m = lvLdpcInteger(the, 1, "code.m", 1, (double)LV_LDPC_MAX_N);
	*ptr = (lvView){ 2, "Uint32Array", 4, "code.checkPtr", 0, 1, 0, 0, NULL, 0 };
	*vars = (lvView){ 3, "Uint32Array", 4, "code.checkVars", 0, 2, 0, 0, NULL, 0 };
	lvViewRead(the, ptr);
	lvViewRead(the, vars);
}

static void lvLdpcPinCode(xsMachine* the, lv_ldpc_code* code, lvView* ptr, lvView* vars)
{
	lvViewPin(the, ptr);
	lvViewPin(the, vars);
	code->check_ptr = ptr->data;
	code->check_ptr_len = ptr->count;
	code->check_vars = vars->data;
	code->check_vars_len = vars->count;
}

static void lvLdpcThrow(xsMachine* the, const lv_ldpc_fault* fault, const lv_ldpc_code* code)
{
	char message[256];
	lv_ldpc_describe(fault, code, message, sizeof message);
	if (fault->status == LV_LDPC_E_NULL)
		xsUnknownError("ldpc: %s", message);
	xsRangeError("%s", message);
}

/*
 * The decoder's work, kept between calls: a fresh buffer costs its page faults on every call (24 MB
 * for 16 frames of 10^5 key bits: 2-4 ms a frame). The kernel wipes it before returning, so it
 * holds nothing between calls; one larger than LV_LDPC_WORK_KEEP is freed at once. The host runs
 * one machine on one thread.
 */
#define LV_LDPC_WORK_KEEP ((size_t)64 << 20)
static void* lvLdpcWork;
static size_t lvLdpcWorkSize;

/* `need` bytes of work: the kept buffer, or a larger one taken into *fresh (passed empty; the caller releases it). */
static void* lvLdpcWorkFor(size_t need, lv_scratch* fresh)
{
	if (need > LV_LDPC_WORK_KEEP)
		return lv_scratch_get(fresh, need);
	if (lvLdpcWorkSize < need) {
		c_free(lvLdpcWork);
		lvLdpcWork = c_malloc(need);
		lvLdpcWorkSize = lvLdpcWork ? need : 0;
	}
	return lvLdpcWork;
}

void xs_lv_ldpc_decode(xsMachine* the)
{
	lv_ldpc_code code;
	lv_ldpc_fault fault = { LV_LDPC_OK, 0, 0 };
	lv_ldpc_result* results;
	lv_ldpc_status status;
	lvView ptr, vars;
	lvView syndromes = { 4, "Uint8Array", 1, "syndromes", 0, 3, 0, 0, NULL, 0 };
	lvView llrs = { 5, "Float64Array", 8, "channelLlrs", 0, 4, 0, 0, NULL, 0 };
	lvView bits = { 7, "Uint8Array", 1, "bits", 1, 5, 0, 0, NULL, 0 };
	lvView outcomes = { 8, "Int32Array", 4, "outcomes", 1, 6, 0, 0, NULL, 0 };
	size_t need, frames, k;
	uint64_t maxIterations;
	void* work;
	int32_t* out;
	lv_scratch fresh = { NULL, NULL, 0 };

	xsmcVars(7);
	lvLdpcCode(the, &code, &ptr, &vars);
	lvViewRead(the, &syndromes);
	lvViewRead(the, &llrs);
	maxIterations = lvLdpcInteger(the, 6, "maxIterations", 1, LV_LDPC_MAX_ITERATIONS);
	lvViewRead(the, &bits);
	lvViewRead(the, &outcomes);
	lvLdpcPinCode(the, &code, &ptr, &vars);
	lvViewPin(the, &syndromes);
	lvViewPin(the, &llrs);
	lvViewPin(the, &bits);
	lvViewPin(the, &outcomes);
	/* F from the LLRs; a length that is no multiple of n is refused by the decode itself */
	frames = llrs.count && llrs.count % code.n == 0 ? llrs.count / (size_t)code.n : 0;
	if (frames && outcomes.count != frames)
		xsRangeError("ldpc: \"outcomes\" expected Int32Array of length %lu", (unsigned long)frames);
	if (lv_ldpc_work_size(&code, frames ? frames : 1, &need, &fault) != LV_LDPC_OK)
		lvLdpcThrow(the, &fault, &code);
	work = lvLdpcWorkFor(need ? need : 1, &fresh);
	results = c_malloc(sizeof(lv_ldpc_result) * (frames ? frames : 1));
	if (!work || !results) {
		lv_scratch_release(&fresh);
		c_free(results);
		xsUnknownError("ldpc: out of memory (%lu bytes of work)", (unsigned long)need);
	}
	status = lv_ldpc_decode(&code, syndromes.data, syndromes.count, llrs.data, llrs.count, maxIterations, bits.data, bits.count,
		results, frames, work, need, &fault);
	lv_scratch_release(&fresh);
	out = outcomes.data;
	if (status == LV_LDPC_OK)
		for (k = 0; k < frames; k++) out[k] = results[k].converged ? (int32_t)results[k].iterations : -(int32_t)results[k].iterations;
	c_free(results);
	if (status != LV_LDPC_OK)
		lvLdpcThrow(the, &fault, &code);
}

void xs_lv_ldpc_syndrome(xsMachine* the)
{
	lv_ldpc_code code;
	lv_ldpc_fault fault = { LV_LDPC_OK, 0, 0 };
	lvView ptr, vars;
	lvView bits = { 4, "Uint8Array", 1, "bits", 0, 3, 0, 0, NULL, 0 };
	lvView out = { 5, "Uint8Array", 1, "out", 1, 4, 0, 0, NULL, 0 };

	xsmcVars(5);
	lvLdpcCode(the, &code, &ptr, &vars);
	lvViewRead(the, &bits);
	lvViewRead(the, &out);
	lvLdpcPinCode(the, &code, &ptr, &vars);
	lvViewPin(the, &bits);
	lvViewPin(the, &out);
	if (lv_ldpc_syndrome(&code, bits.data, bits.count, out.data, out.count, &fault) != LV_LDPC_OK)
		lvLdpcThrow(the, &fault, &code);
}

void xs_lv_ldpc_work_bytes(xsMachine* the)
{
	lv_ldpc_code code;
	lv_ldpc_fault fault = { LV_LDPC_OK, 0, 0 };
	lvView ptr, vars;
	size_t need;
	uint64_t frames;
	xsmcVars(3);
	lvLdpcCode(the, &code, &ptr, &vars);
	frames = lvLdpcInteger(the, 4, "frames", 1, 4294967295.0);
	lvLdpcPinCode(the, &code, &ptr, &vars);
	if (lv_ldpc_work_size(&code, frames, &need, &fault) != LV_LDPC_OK)
		lvLdpcThrow(the, &fault, &code);
	xsmcSetNumber(xsResult, (double)need);
}
