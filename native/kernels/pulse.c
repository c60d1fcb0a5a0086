/*
 * LIGHTVIBES native kernel: pulse timing. See pulse.h for the contract and src/pulse/ for the
 * reference this must match bit for bit. uint32_t arithmetic wraps modulo 2^32 exactly as the
 * reference's `>>> 0` and Math.imul do.
 */
#include "pulse.h"

uint16_t lv_pulse_word(uint32_t slot_label, unsigned bit, unsigned basis, unsigned intensity)
{
	uint32_t w = 0x8000u | (intensity << 13) | (basis << 12) | (bit << 11) | ((slot_label & 0x3FFu) << 1);
	uint32_t p = w;
	p ^= p >> 8; p ^= p >> 4; p ^= p >> 2; p ^= p >> 1;
	return (uint16_t)(w | (p & 1u));
}

const char* lv_pulse_reason(lv_pulse_status status)
{
	switch (status) {
	case LV_PULSE_OK: return "OK";
	case LV_PULSE_E_COUNT: return "COUNT";
	case LV_PULSE_E_BIT: return "BIT";
	case LV_PULSE_E_BASIS: return "BASIS";
	case LV_PULSE_E_INTENSITY: return "INTENSITY";
	case LV_PULSE_E_TIMING: return "TIMING";
	case LV_PULSE_E_OUTPUT: return "OUTPUT";
	case LV_PULSE_E_DETECTOR: return "DETECTOR";
	case LV_PULSE_E_ORDER: return "ORDER";
	case LV_PULSE_E_GATE: return "GATE";
	case LV_PULSE_E_NULL: return "LENGTH";
	}
	return "UNKNOWN";
}

lv_pulse_status lv_pulse_schedule(const uint8_t* bits, const uint8_t* bases, const uint8_t* intensities,
	size_t count, uint32_t first_slot, const lv_pulse_timing* timing,
	uint16_t* words, size_t words_len, uint32_t* edges, size_t edges_len,
	size_t* edge_count, size_t* where)
{
	size_t i, need = 0, e = 0;
	size_t dummy;
	if (!where) where = &dummy;
	*where = 0;
	if (!timing || !edge_count || (count && (!bits || !bases || !intensities || !words))) return LV_PULSE_E_NULL;
	if (count > LV_PULSE_MAX_COUNT) return LV_PULSE_E_COUNT;
	for (i = 0; i < count; i++) {
		*where = i;
		if (bits[i] > 1) return LV_PULSE_E_BIT;
		if (bases[i] > 1) return LV_PULSE_E_BASIS;
		if (intensities[i] > LV_PULSE_VACUUM) return LV_PULSE_E_INTENSITY;
		if (intensities[i] != LV_PULSE_VACUUM) need += 2;
	}
	*where = 0;
	if (timing->period < 2 || timing->width < 1 || (uint64_t)timing->delay + timing->width > timing->period)
		return LV_PULSE_E_TIMING;
	if (words_len < count || edges_len < need || (need && !edges)) return LV_PULSE_E_OUTPUT;
	for (i = 0; i < count; i++) {
		uint32_t rise;
		words[i] = lv_pulse_word(first_slot + (uint32_t)i, bits[i], bases[i], intensities[i]);
		if (intensities[i] == LV_PULSE_VACUUM) continue;
		rise = timing->t0 + (uint32_t)i * timing->period + timing->delay;
		edges[e++] = rise;
		edges[e++] = rise + timing->width;
	}
	*edge_count = e;
	return LV_PULSE_OK;
}

lv_pulse_status lv_pulse_bin(const uint32_t* stamps, const uint8_t* detectors, size_t count,
	const lv_pulse_gate* gate, uint32_t* slots, uint8_t* masks, size_t out_len,
	lv_pulse_bin_stats* stats, size_t* where)
{
	size_t i, n = 0;
	size_t dummy;
	uint32_t last = 0, t0, period, offset, width, slot_count;
	int64_t current = -1;
	unsigned mask = 0;
	lv_pulse_bin_stats s = { 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	if (!where) where = &dummy;
	*where = 0;
	if (!gate || !stats || (count && (!stamps || !detectors))) return LV_PULSE_E_NULL;
	t0 = gate->t0; period = gate->period; offset = gate->gate_offset; width = gate->gate_width; slot_count = gate->slot_count;
	/* The reference checks the gate first, then the batch. */
	if (period < 1 || width < 1 || (uint64_t)offset + width > period || slot_count < 1) return LV_PULSE_E_GATE;
	if (count > LV_PULSE_MAX_COUNT) return LV_PULSE_E_COUNT;
	for (i = 0; i < count; i++) {
		uint32_t dt = stamps[i] - t0;
		*where = i;
		if (detectors[i] > 3) return LV_PULSE_E_DETECTOR;
		if (dt < last) return LV_PULSE_E_ORDER;
		last = dt;
	}
	*where = 0;
	if (out_len < count || (count && (!slots || !masks))) return LV_PULSE_E_OUTPUT;
	for (i = 0; i < count; i++) {
		uint32_t dt = stamps[i] - t0;
		uint32_t slot = dt / period;
		uint32_t phase = dt - slot * period;
		unsigned bit;
		if (slot >= slot_count) { s.out_of_range++; continue; }
		if (phase < offset || phase - offset >= width) { s.outside_gate++; continue; }
		if (s.in_gate == 0 || phase < s.phase_min) s.phase_min = phase;
		if (s.in_gate == 0 || phase > s.phase_max) s.phase_max = phase;
		s.in_gate++;
		s.phase_sum += phase;
		if ((int64_t)slot != current) {
			if (current >= 0) {
				slots[n] = (uint32_t)current;
				masks[n++] = (uint8_t)mask;
				if (mask & (mask - 1)) s.double_clicks++;
			}
			current = slot;
			mask = 0;
		}
		bit = 1u << detectors[i];
		if (mask & bit) s.repeats++;
		mask |= bit;
	}
	if (current >= 0) {
		slots[n] = (uint32_t)current;
		masks[n++] = (uint8_t)mask;
		if (mask & (mask - 1)) s.double_clicks++;
	}
	s.slots = (uint32_t)n;
	*stats = s;
	return LV_PULSE_OK;
}
