/*
 * libFuzzer target: the pulse-timing kernel's entry points on arbitrary caller data
 * (lv_pulse_schedule, lv_pulse_bin, lv_pulse_word, lv_pulse_reason). The first bytes choose the
 * count, the timing or gate, and which output buffer is short or NULL; the rest fills the inputs,
 * each allocated to exactly its length so ASan sees any overread. Checked on every call:
 *  - the status is a known one, and lv_pulse_reason names it;
 *  - on any failure no output byte changed (outputs start as a sentinel pattern);
 *  - schedule, accepted: edge_count = 2 × the non-vacuum slots, rise/fall in order within a slot;
 *  - bin, accepted: slots strictly increasing and below slot_count, masks non-zero 4-bit, the
 *    counters add up (in_gate + outside_gate + out_of_range = count; slots ≤ in_gate),
 *    phase_min ≤ phase_max inside the gate.
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Inative/kernels native/fuzz/fuzz_pulse_api.c native/kernels/pulse.c
 * (scripts/fuzz-native.mjs builds and runs it: npm run fuzz:native)
 */
#include "pulse.h"

#include <stdlib.h>
#include <string.h>

#define SENTINEL 0xA5

static uint32_t u32(const uint8_t* p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int untouched(const void* p, size_t len)
{
	const uint8_t* b = (const uint8_t*)p;
	size_t i;
	for (i = 0; i < len; i++)
		if (b[i] != SENTINEL) return 0;
	return 1;
}

static void check_reason(lv_pulse_status st)
{
	const char* r;
	if ((unsigned)st > LV_PULSE_E_NULL) abort();
	r = lv_pulse_reason(st);
	if (!r || !r[0]) abort();
}

static void fuzz_schedule(const uint8_t* head, const uint8_t* data, size_t size)
{
	size_t count = size / 3, i, edge_count = SIZE_MAX, where = SIZE_MAX, words_len, edges_len, lit = 0;
	lv_pulse_timing timing;
	uint8_t *bits, *bases, *intensities;
	uint16_t* words;
	uint32_t* edges;
	lv_pulse_status st;

	/* mostly small, valid timings; the high bits of head[] break them on purpose */
	timing.t0 = u32(head);
	timing.period = 2 + head[4] % 200;
	timing.delay = head[5] % timing.period;
	timing.width = 1 + head[6] % (timing.period - timing.delay);
	if (head[7] & 0x80) timing.delay = timing.period; /* delay + width > period */
	if (head[7] & 0x40) timing.period = head[7] & 1;  /* period < 2 */
	words_len = count - (count && (head[8] & 0x80) ? 1 : 0);
	edges_len = 2 * count - (count && (head[8] & 0x40) ? 1 : 0);

	bits = malloc(count + 1);
	bases = malloc(count + 1);
	intensities = malloc(count + 1);
	words = malloc(words_len * sizeof *words + 1);
	edges = malloc(edges_len * sizeof *edges + 1);
	for (i = 0; i < count; i++) {
		/* values out of range only now and then, so most frames get through the checks */
		bits[i] = data[3 * i] % ((head[9] & 1) ? 3 : 2);
		bases[i] = data[3 * i + 1] % ((head[9] & 2) ? 3 : 2);
		intensities[i] = data[3 * i + 2] % ((head[9] & 4) ? 4 : 3);
	}
	memset(words, SENTINEL, words_len * sizeof *words);
	memset(edges, SENTINEL, edges_len * sizeof *edges);

	st = lv_pulse_schedule((head[8] & 0x20) ? NULL : bits, bases, intensities, count, u32(head + 10), &timing,
		words, words_len, edges, edges_len, &edge_count, &where);
	check_reason(st);
	if (st != LV_PULSE_OK) {
		if (!untouched(words, words_len * sizeof *words) || !untouched(edges, edges_len * sizeof *edges)) abort();
	} else {
		for (i = 0; i < count; i++)
			if (intensities[i] != LV_PULSE_VACUUM) lit++;
		if (edge_count != 2 * lit || edge_count > edges_len) abort();
		for (i = 0; i + 1 < edge_count; i += 2)
			if ((uint32_t)(edges[i + 1] - edges[i]) != timing.width) abort();
		for (i = 0; i < count; i++)
			if (words[i] != lv_pulse_word(u32(head + 10) + (uint32_t)i, bits[i], bases[i], intensities[i])) abort();
	}
	free(bits);
	free(bases);
	free(intensities);
	free(words);
	free(edges);
}

static void fuzz_bin(const uint8_t* head, const uint8_t* data, size_t size)
{
	size_t count = size / 3, i, where = SIZE_MAX, out_len;
	lv_pulse_gate gate;
	lv_pulse_bin_stats stats;
	uint32_t *stamps, *slots, t = 0;
	uint8_t *detectors, *masks;
	lv_pulse_status st;

	gate.t0 = u32(head);
	gate.period = 1 + head[4] % 200;
	gate.gate_offset = head[5] % gate.period;
	gate.gate_width = 1 + head[6] % (gate.period - gate.gate_offset);
	gate.slot_count = 1 + (head[7] & 0x3F) * 4;
	if (head[7] & 0x80) gate.gate_width = 0;
	out_len = count - (count && (head[8] & 0x80) ? 1 : 0);

	stamps = malloc(count * sizeof *stamps + 1);
	detectors = malloc(count + 1);
	slots = malloc(out_len * sizeof *slots + 1);
	masks = malloc(out_len + 1);
	for (i = 0; i < count; i++) {
		/* stamps move forward from t0 by small steps; a step byte of 0xFF goes backwards */
		t += data[3 * i] == 0xFF ? (uint32_t)-3 : data[3 * i];
		stamps[i] = gate.t0 + t;
		detectors[i] = data[3 * i + 1] % ((head[9] & 1) ? 5 : 4);
	}
	memset(slots, SENTINEL, out_len * sizeof *slots);
	memset(masks, SENTINEL, out_len);
	memset(&stats, SENTINEL, sizeof stats);

	st = lv_pulse_bin(stamps, (head[8] & 0x20) ? NULL : detectors, count, &gate, slots, masks, out_len, &stats, &where);
	check_reason(st);
	if (st != LV_PULSE_OK) {
		if (!untouched(slots, out_len * sizeof *slots) || !untouched(masks, out_len)) abort();
	} else {
		if (stats.in_gate + stats.outside_gate + stats.out_of_range != count || stats.slots > stats.in_gate || stats.slots > out_len) abort();
		for (i = 0; i < stats.slots; i++) {
			if (slots[i] >= gate.slot_count || (i && slots[i] <= slots[i - 1])) abort();
			if (masks[i] == 0 || masks[i] > 15) abort();
		}
		if (stats.in_gate && (stats.phase_min > stats.phase_max || stats.phase_min < gate.gate_offset || stats.phase_max >= gate.gate_offset + gate.gate_width)) abort();
	}
	free(stamps);
	free(detectors);
	free(slots);
	free(masks);
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	if (size < 15) return 0;
	if (data[14] & 1) fuzz_schedule(data, data + 15, size - 15);
	else fuzz_bin(data, data + 15, size - 15);
	return 0;
}
