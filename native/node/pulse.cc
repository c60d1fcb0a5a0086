/*
 * LIGHTVIBES Node-API addon (node-addon-api), the pulse-timing kernel (native/kernels/pulse.c):
 * the C++ side of src/pulse/native.ts on Node, with the same calling convention as the xsmc binding
 * (native/host/kernels_pulse.c), so one TypeScript wrapper serves both runtimes. Registered into the
 * addon's exports by binding.cc's Init (lvPulseRegister).
 *
 *   pulseSchedule(bits, bases, intensities, firstSlot, t0, period, delay, width, words, edges, result)
 *   pulseBin(stamps, detectors, t0, period, gateOffset, gateWidth, slotCount, slots, masks, result)
 * Every array argument is a typed array (read as bytes); result layouts as in native/host/kernels_pulse.c.
 */
#include <napi.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "pulse.h"

void lvPulseRegister(Napi::Env env, Napi::Object exports);

namespace {

/* An aligned stand-in for the NULL data of an empty array. */
alignas(8) uint8_t noBytes[8];

[[noreturn]] void pulseThrow(Napi::Env env, bool range, const char* field, const char* what)
{
	std::string message = std::string("pulse: \"") + field + "\" expected " + what;
	if (range) throw Napi::RangeError::New(env, message);
	throw Napi::TypeError::New(env, message);
}

struct Bytes {
	uint8_t* data;
	size_t size;
};

/* A typed array's bytes, whatever its element type. */
Bytes pulseBytes(Napi::Env env, Napi::Value value, const char* field)
{
	if (!value.IsTypedArray()) pulseThrow(env, false, field, "a typed array");
	Napi::TypedArray array = value.As<Napi::TypedArray>();
	size_t size = array.ByteLength();
	uint8_t* data = static_cast<uint8_t*>(array.ArrayBuffer().Data());
	return { data && size ? data + array.ByteOffset() : noBytes, size };
}

uint32_t pulseU32(Napi::Env env, Napi::Value value, const char* field)
{
	if (!value.IsNumber()) pulseThrow(env, false, field, "an integer");
	double v = value.As<Napi::Number>().DoubleValue();
	if (!std::isfinite(v) || std::floor(v) != v || v < 0 || v > 4294967295.0) pulseThrow(env, true, field, "an integer in [0, 4294967295]");
	return (uint32_t)v;
}

Napi::Value PulseSchedule(const Napi::CallbackInfo& info)
{
	Napi::Env env = info.Env();
	size_t edgeCount = 0, where = 0;
	lv_pulse_timing t;
	if (info.Length() < 11) pulseThrow(env, false, "arguments", "11 arguments");
	Bytes bits = pulseBytes(env, info[0], "bits"), bases = pulseBytes(env, info[1], "bases"), ints = pulseBytes(env, info[2], "intensities");
	uint32_t first = pulseU32(env, info[3], "firstSlot");
	t.t0 = pulseU32(env, info[4], "t0");
	t.period = pulseU32(env, info[5], "period");
	t.delay = pulseU32(env, info[6], "delay");
	t.width = pulseU32(env, info[7], "width");
	Bytes words = pulseBytes(env, info[8], "words"), edges = pulseBytes(env, info[9], "edges"), result = pulseBytes(env, info[10], "result");
	uint32_t out[3];
	if (bases.size != bits.size || ints.size != bits.size) pulseThrow(env, true, "bases", "the length of \"bits\"");
	if (result.size < sizeof out) pulseThrow(env, true, "result", "at least 12 bytes");
	if ((words.size && ((uintptr_t)words.data & 1)) || (edges.size && ((uintptr_t)edges.data & 3))) pulseThrow(env, true, "words", "aligned buffers");
	lv_pulse_status status = lv_pulse_schedule(bits.data, bases.data, ints.data, bits.size, first, &t, (uint16_t*)words.data, words.size / 2,
		(uint32_t*)edges.data, edges.size / 4, &edgeCount, &where);
	out[0] = (uint32_t)status;
	out[1] = (uint32_t)where;
	out[2] = (uint32_t)edgeCount;
	memcpy(result.data, out, sizeof out);
	return env.Undefined();
}

Napi::Value PulseBin(const Napi::CallbackInfo& info)
{
	Napi::Env env = info.Env();
	size_t where = 0;
	lv_pulse_gate g;
	lv_pulse_bin_stats s;
	if (info.Length() < 10) pulseThrow(env, false, "arguments", "10 arguments");
	Bytes stamps = pulseBytes(env, info[0], "stamps"), det = pulseBytes(env, info[1], "detectors");
	g.t0 = pulseU32(env, info[2], "t0");
	g.period = pulseU32(env, info[3], "period");
	g.gate_offset = pulseU32(env, info[4], "gateOffset");
	g.gate_width = pulseU32(env, info[5], "gateWidth");
	g.slot_count = pulseU32(env, info[6], "slotCount");
	Bytes slots = pulseBytes(env, info[7], "slots"), masks = pulseBytes(env, info[8], "masks"), result = pulseBytes(env, info[9], "result");
	uint32_t out[12];
	if (stamps.size != 4 * det.size) pulseThrow(env, true, "detectors", "the length of \"stamps\"");
	if (result.size < sizeof out) pulseThrow(env, true, "result", "at least 48 bytes");
	if ((stamps.size && ((uintptr_t)stamps.data & 3)) || (slots.size && ((uintptr_t)slots.data & 3))) pulseThrow(env, true, "stamps", "aligned buffers");
	memset(&s, 0, sizeof s);
	lv_pulse_status status = lv_pulse_bin((const uint32_t*)stamps.data, det.data, det.size, &g, (uint32_t*)slots.data, masks.data,
		slots.size / 4 < masks.size ? slots.size / 4 : masks.size, &s, &where);
	out[0] = (uint32_t)status; out[1] = (uint32_t)where; out[2] = s.slots; out[3] = s.in_gate;
	out[4] = s.outside_gate; out[5] = s.out_of_range; out[6] = s.repeats; out[7] = s.double_clicks;
	out[8] = s.phase_min; out[9] = s.phase_max;
	out[10] = (uint32_t)(s.phase_sum & 0xFFFFFFFFu); out[11] = (uint32_t)(s.phase_sum >> 32);
	memcpy(result.data, out, sizeof out);
	return env.Undefined();
}

} // namespace

void lvPulseRegister(Napi::Env env, Napi::Object exports)
{
	exports.Set("pulseSchedule", Napi::Function::New(env, PulseSchedule, "pulseSchedule"));
	exports.Set("pulseBin", Napi::Function::New(env, PulseBin, "pulseBin"));
}
