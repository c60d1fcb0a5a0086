/*
 * LIGHTVIBES Node-API addon, the pulse-timing kernel (native/kernels/pulse.c): the C side of
 * src/pulse/native.ts on Node, with the same calling convention as the xsmc binding
 * (native/host/kernels_pulse.c), so one TypeScript wrapper serves both runtimes. Registered into the
 * addon's exports by binding.c's init (lv_pulse_register).
 *
 *   pulseSchedule(bits, bases, intensities, firstSlot, t0, period, delay, width, words, edges, result)
 *   pulseBin(stamps, detectors, t0, period, gateOffset, gateWidth, slotCount, slots, masks, result)
 * Every array argument is a typed array (read as bytes); result layouts as in native/host/kernels_pulse.c.
 */
#include <node_api.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pulse.h"

napi_status lv_pulse_register(napi_env env, napi_value exports);

static int pulse_throw(napi_env env, int range, const char* field, const char* what)
{
	char message[160];
	snprintf(message, sizeof message, "pulse: \"%s\" expected %s", field, what);
	if (range) napi_throw_range_error(env, NULL, message);
	else napi_throw_type_error(env, NULL, message);
	return 0;
}

/* A typed array's bytes; 0 after throwing. */
static int pulse_bytes(napi_env env, napi_value value, const char* field, uint8_t** data, size_t* bytes)
{
	bool is_typed = false;
	napi_typedarray_type type;
	size_t length;
	void* p = NULL;
	napi_value buffer;
	size_t offset;
	static const size_t sizes[] = { 1, 1, 1, 2, 2, 4, 4, 4, 8, 8, 8 };
	if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return pulse_throw(env, 0, field, "a typed array");
	if (napi_get_typedarray_info(env, value, &type, &length, &p, &buffer, &offset) != napi_ok) return pulse_throw(env, 0, field, "a typed array");
	static uint64_t empty; /* an aligned stand-in for the NULL data of an empty array */
	*data = p ? (uint8_t*)p : (uint8_t*)&empty;
	*bytes = length * ((size_t)type < sizeof sizes / sizeof sizes[0] ? sizes[type] : 1);
	return 1;
}

static int pulse_u32(napi_env env, napi_value value, const char* field, uint32_t* out)
{
	double v;
	napi_valuetype t;
	if (napi_typeof(env, value, &t) != napi_ok || t != napi_number || napi_get_value_double(env, value, &v) != napi_ok)
		return pulse_throw(env, 0, field, "an integer");
	if (!isfinite(v) || floor(v) != v || v < 0 || v > 4294967295.0) return pulse_throw(env, 1, field, "an integer in [0, 4294967295]");
	*out = (uint32_t)v;
	return 1;
}

static napi_value pulse_schedule(napi_env env, napi_callback_info info)
{
	size_t argc = 11, nBits, nBases, nInts, nWords, nEdges, nResult, edge_count = 0, where = 0;
	napi_value argv[11];
	uint8_t *bits, *bases, *ints, *words, *edges, *result;
	uint32_t first, out[3];
	lv_pulse_timing t;
	lv_pulse_status status;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
	if (argc < 11) { pulse_throw(env, 0, "arguments", "11 arguments"); return NULL; }
	if (!pulse_bytes(env, argv[0], "bits", &bits, &nBits) || !pulse_bytes(env, argv[1], "bases", &bases, &nBases) ||
		!pulse_bytes(env, argv[2], "intensities", &ints, &nInts) || !pulse_u32(env, argv[3], "firstSlot", &first) ||
		!pulse_u32(env, argv[4], "t0", &t.t0) || !pulse_u32(env, argv[5], "period", &t.period) ||
		!pulse_u32(env, argv[6], "delay", &t.delay) || !pulse_u32(env, argv[7], "width", &t.width) ||
		!pulse_bytes(env, argv[8], "words", &words, &nWords) || !pulse_bytes(env, argv[9], "edges", &edges, &nEdges) ||
		!pulse_bytes(env, argv[10], "result", &result, &nResult))
		return NULL;
	if (nBases != nBits || nInts != nBits) { pulse_throw(env, 1, "bases", "the length of \"bits\""); return NULL; }
	if (nResult < sizeof out) { pulse_throw(env, 1, "result", "at least 12 bytes"); return NULL; }
	if ((nWords && ((uintptr_t)words & 1)) || (nEdges && ((uintptr_t)edges & 3))) { pulse_throw(env, 1, "words", "aligned buffers"); return NULL; }
	status = lv_pulse_schedule(bits, bases, ints, nBits, first, &t, (uint16_t*)words, nWords / 2, (uint32_t*)edges, nEdges / 4, &edge_count, &where);
	out[0] = (uint32_t)status;
	out[1] = (uint32_t)where;
	out[2] = (uint32_t)edge_count;
	memcpy(result, out, sizeof out);
	return NULL;
}

static napi_value pulse_bin(napi_env env, napi_callback_info info)
{
	size_t argc = 10, nStamps, nDet, nSlots, nMasks, nResult, where = 0;
	napi_value argv[10];
	uint8_t *stamps, *det, *slots, *masks, *result;
	uint32_t out[12];
	lv_pulse_gate g;
	lv_pulse_bin_stats s;
	lv_pulse_status status;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
	if (argc < 10) { pulse_throw(env, 0, "arguments", "10 arguments"); return NULL; }
	if (!pulse_bytes(env, argv[0], "stamps", &stamps, &nStamps) || !pulse_bytes(env, argv[1], "detectors", &det, &nDet) ||
		!pulse_u32(env, argv[2], "t0", &g.t0) || !pulse_u32(env, argv[3], "period", &g.period) ||
		!pulse_u32(env, argv[4], "gateOffset", &g.gate_offset) || !pulse_u32(env, argv[5], "gateWidth", &g.gate_width) ||
		!pulse_u32(env, argv[6], "slotCount", &g.slot_count) || !pulse_bytes(env, argv[7], "slots", &slots, &nSlots) ||
		!pulse_bytes(env, argv[8], "masks", &masks, &nMasks) || !pulse_bytes(env, argv[9], "result", &result, &nResult))
		return NULL;
	if (nStamps != 4 * nDet) { pulse_throw(env, 1, "detectors", "the length of \"stamps\""); return NULL; }
	if (nResult < sizeof out) { pulse_throw(env, 1, "result", "at least 48 bytes"); return NULL; }
	if ((nStamps && ((uintptr_t)stamps & 3)) || (nSlots && ((uintptr_t)slots & 3))) { pulse_throw(env, 1, "stamps", "aligned buffers"); return NULL; }
	memset(&s, 0, sizeof s);
	status = lv_pulse_bin((const uint32_t*)stamps, det, nDet, &g, (uint32_t*)slots, masks, nSlots / 4 < nMasks ? nSlots / 4 : nMasks, &s, &where);
	out[0] = (uint32_t)status; out[1] = (uint32_t)where; out[2] = s.slots; out[3] = s.in_gate;
	out[4] = s.outside_gate; out[5] = s.out_of_range; out[6] = s.repeats; out[7] = s.double_clicks;
	out[8] = s.phase_min; out[9] = s.phase_max;
	out[10] = (uint32_t)(s.phase_sum & 0xFFFFFFFFu); out[11] = (uint32_t)(s.phase_sum >> 32);
	memcpy(result, out, sizeof out);
	return NULL;
}

napi_status lv_pulse_register(napi_env env, napi_value exports)
{
	napi_property_descriptor props[] = {
		{ "pulseSchedule", NULL, pulse_schedule, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "pulseBin", NULL, pulse_bin, NULL, NULL, NULL, napi_enumerable, NULL },
	};
	return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
