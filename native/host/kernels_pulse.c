/*
 * LIGHTVIBES XS host (and board): the xsmc binding of the pulse-timing kernel
 * (native/kernels/pulse.c), the C side of src/pulse/native.ts. Thin: it reads its arguments,
 * calls the core and reports the status; the TypeScript side turns a status into the same
 * PulseError the reference throws (same reason codes). Every buffer is a byte view
 * (xsmcGetBuffer reads only 1-byte typed arrays), so wider arrays travel as Uint8Array views.
 *
 *   native("xs_lv_pulse_schedule")(bits, bases, intensities, firstSlot, t0, period, delay, width,
 *       words, edges, result)   words: bytes of a Uint16Array(count), edges: of a Uint32Array(2·count),
 *       result: of a Uint32Array(3) ← [status, where, edgeCount]
 *   native("xs_lv_pulse_bin")(stamps, detectors, t0, period, gateOffset, gateWidth, slotCount,
 *       slots, masks, result)   result: of a Uint32Array(12) ← [status, where, slots, inGate,
 *       outsideGate, outOfRange, repeats, doubleClicks, phaseMin, phaseMax, phaseSumLo, phaseSumHi]
 */
#include "xsmc.h" /* no lvxs.h: the same file builds on boards (manifest.json platforms.esp32) */
#include "../kernels/pulse.h"

#include <math.h>

static uint8_t* lvPulseBytes(xsMachine* the, int index, const char* field, size_t* length, int writable)
{
	void* data;
	xsUnsignedValue count;
	if (xsmcArgc <= index || xsmcTypeOf(xsArg(index)) != xsReferenceType)
		xsTypeError("pulse: \"%s\" expected a byte view", field);
	if (writable)
		xsmcGetBufferWritable(xsArg(index), &data, &count);
	else
		xsmcGetBufferReadable(xsArg(index), &data, &count);
	*length = count;
	return data;
}

static uint32_t lvPulseU32(xsMachine* the, int index, const char* field)
{
	double value;
	if (xsmcArgc <= index)
		xsTypeError("pulse: \"%s\" expected an integer, got undefined", field);
	value = xsmcToNumber(xsArg(index));
	if (!isfinite(value) || floor(value) != value || value < 0 || value > 4294967295.0)
		xsRangeError("pulse: \"%s\" expected an integer in [0, 4294967295]", field);
	return (uint32_t)value;
}

/* Wider arrays must be aligned for their element type (they are, coming from a typed array). */
static void lvPulseAligned(xsMachine* the, const void* p, size_t length, size_t align, const char* field)
{
	if (length && ((uintptr_t)p) % align)
		xsRangeError("pulse: \"%s\" is not %u-byte aligned", field, (unsigned)align);
}

void xs_lv_pulse_schedule(xsMachine* the)
{
	size_t nBits, nBases, nInts, nWords, nEdges, nResult, edgeCount = 0, where = 0;
	uint8_t *bits, *bases, *ints, *words, *edges, *result;
	uint32_t first, out[3];
	lv_pulse_timing timing;
	lv_pulse_status status;

	first = lvPulseU32(the, 3, "firstSlot");
	timing.t0 = lvPulseU32(the, 4, "t0");
	timing.period = lvPulseU32(the, 5, "period");
	timing.delay = lvPulseU32(the, 6, "delay");
	timing.width = lvPulseU32(the, 7, "width");
	/* No XS allocation from here on: the buffers cannot move. */
	bits = lvPulseBytes(the, 0, "bits", &nBits, 0);
	bases = lvPulseBytes(the, 1, "bases", &nBases, 0);
	ints = lvPulseBytes(the, 2, "intensities", &nInts, 0);
	words = lvPulseBytes(the, 8, "words", &nWords, 1);
	edges = lvPulseBytes(the, 9, "edges", &nEdges, 1);
	result = lvPulseBytes(the, 10, "result", &nResult, 1);
	if (nBases != nBits || nInts != nBits)
		xsRangeError("pulse: \"bases\" and \"intensities\" expected length %lu like \"bits\"", (unsigned long)nBits);
	if (nResult < sizeof out)
		xsRangeError("pulse: \"result\" expected at least %u bytes", (unsigned)sizeof out);
	lvPulseAligned(the, words, nWords, 2, "words");
	lvPulseAligned(the, edges, nEdges, 4, "edges");
	status = lv_pulse_schedule(bits, bases, ints, nBits, first, &timing,
		(uint16_t*)words, nWords / 2, (uint32_t*)edges, nEdges / 4, &edgeCount, &where);
	out[0] = (uint32_t)status;
	out[1] = (uint32_t)where;
	out[2] = (uint32_t)edgeCount;
	c_memcpy(result, out, sizeof out);
}

void xs_lv_pulse_bin(xsMachine* the)
{
	size_t nStamps, nDet, nSlots, nMasks, nResult, where = 0;
	uint8_t *stamps, *det, *slots, *masks, *result;
	uint32_t out[12];
	lv_pulse_gate gate;
	lv_pulse_bin_stats stats;
	lv_pulse_status status;

	gate.t0 = lvPulseU32(the, 2, "t0");
	gate.period = lvPulseU32(the, 3, "period");
	gate.gate_offset = lvPulseU32(the, 4, "gateOffset");
	gate.gate_width = lvPulseU32(the, 5, "gateWidth");
	gate.slot_count = lvPulseU32(the, 6, "slotCount");
	stamps = lvPulseBytes(the, 0, "stamps", &nStamps, 0);
	det = lvPulseBytes(the, 1, "detectors", &nDet, 0);
	slots = lvPulseBytes(the, 7, "slots", &nSlots, 1);
	masks = lvPulseBytes(the, 8, "masks", &nMasks, 1);
	result = lvPulseBytes(the, 9, "result", &nResult, 1);
	if (nStamps != 4 * nDet)
		xsRangeError("pulse: \"detectors\" expected length %lu like \"stamps\"", (unsigned long)(nStamps / 4));
	if (nResult < sizeof out)
		xsRangeError("pulse: \"result\" expected at least %u bytes", (unsigned)sizeof out);
	lvPulseAligned(the, stamps, nStamps, 4, "stamps");
	lvPulseAligned(the, slots, nSlots, 4, "slots");
	c_memset(&stats, 0, sizeof stats);
	status = lv_pulse_bin((const uint32_t*)stamps, det, nDet, &gate, (uint32_t*)slots, masks,
		nSlots / 4 < nMasks ? nSlots / 4 : nMasks, &stats, &where);
	out[0] = (uint32_t)status;
	out[1] = (uint32_t)where;
	out[2] = stats.slots;
	out[3] = stats.in_gate;
	out[4] = stats.outside_gate;
	out[5] = stats.out_of_range;
	out[6] = stats.repeats;
	out[7] = stats.double_clicks;
	out[8] = stats.phase_min;
	out[9] = stats.phase_max;
	out[10] = (uint32_t)(stats.phase_sum & 0xFFFFFFFFu);
	out[11] = (uint32_t)(stats.phase_sum >> 32);
	c_memcpy(result, out, sizeof out);
}
