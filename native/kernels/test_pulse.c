/*
 * Unit test of native/kernels/pulse.c: known words and edges, the schedule against a direct
 * per-slot computation on pseudo-random frames (including timer wrap), binning against a naive
 * per-slot count, and every status (outputs untouched on a rejection). Run by
 * test/pulse-kernel.test.ts:
 *   cc -std=c11 -O2 -Wall -Wextra -o test_pulse test_pulse.c pulse.c && ./test_pulse
 * Prints one line per failure and a summary; exits non-zero on any failure.
 */
#include "pulse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_check.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint32_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

static int popcount16(unsigned w)
{
	int c = 0;
	while (w) { c += w & 1; w >>= 1; }
	return c;
}

static void known_words(void)
{
	/* slot 0, bit 0, basis Z, signal: start marker only -> one bit set -> parity 1 */
	CHECK(lv_pulse_word(0, 0, 0, 0) == 0x8001, "word(0,0,0,0) = %#x", lv_pulse_word(0, 0, 0, 0));
	/* slot 5, bit 1, basis X, decoy: 0x8000|0x2000|0x1000|0x0800|0x000A = 0xB80A, 6 bits -> parity 0 */
	CHECK(lv_pulse_word(5, 1, 1, 1) == 0xB80A, "word(5,1,1,1) = %#x", lv_pulse_word(5, 1, 1, 1));
	/* labels wrap at 1024 */
	CHECK(lv_pulse_word(1024 + 3, 0, 0, 2) == lv_pulse_word(3, 0, 0, 2), "label wrap");
	CHECK(popcount16(lv_pulse_word(777, 1, 0, 2)) % 2 == 0, "even parity");
}

static void schedule_random(int rounds)
{
	enum { MAX = 3000 };
	static uint8_t bits[MAX], bases[MAX], ints[MAX];
	static uint16_t words[MAX];
	static uint32_t edges[2 * MAX];
	int r;
	for (r = 0; r < rounds; r++) {
		size_t count = rng() % MAX, i, e = 0, edge_count = 99, where;
		lv_pulse_timing t;
		uint32_t first = rng();
		lv_pulse_status st;
		t.period = 2 + rng() % 100000;
		t.width = 1 + rng() % (t.period - 1);
		t.delay = rng() % (t.period - t.width + 1);
		t.t0 = (r & 1) ? 0xFFFFFFFFu - rng() % 100000 : rng(); /* odd rounds wrap the timer */
		for (i = 0; i < count; i++) { bits[i] = rng() & 1; bases[i] = rng() & 1; ints[i] = rng() % 3; }
		st = lv_pulse_schedule(bits, bases, ints, count, first, &t, words, count, edges, 2 * count, &edge_count, &where);
		CHECK(st == LV_PULSE_OK, "round %d: status %d", r, st);
		for (i = 0; i < count; i++) {
			uint32_t w = words[i];
			CHECK((w & 0x8000) && popcount16(w) % 2 == 0, "round %d slot %zu: marker/parity %#x", r, i, w);
			CHECK(((w >> 11) & 1) == bits[i] && ((w >> 12) & 1) == bases[i] && ((w >> 13) & 3) == ints[i], "round %d slot %zu: fields", r, i);
			CHECK(((w >> 1) & 0x3FF) == ((first + i) & 0x3FF), "round %d slot %zu: label", r, i);
			if (ints[i] != LV_PULSE_VACUUM) {
				uint64_t rise = ((uint64_t)t.t0 + (uint64_t)i * t.period + t.delay) & 0xFFFFFFFFu;
				CHECK(edges[e] == (uint32_t)rise && edges[e + 1] == (uint32_t)((rise + t.width) & 0xFFFFFFFFu), "round %d slot %zu: edges", r, i);
				e += 2;
			}
		}
		CHECK(edge_count == e, "round %d: edge count %zu != %zu", r, edge_count, e);
	}
}

static void schedule_rejects(void)
{
	uint8_t bits[4] = { 0, 1, 0, 1 }, bases[4] = { 0, 0, 1, 1 }, ints[4] = { 0, 1, 2, 0 };
	uint16_t words[4] = { 7, 7, 7, 7 };
	uint32_t edges[8] = { 7, 7, 7, 7, 7, 7, 7, 7 };
	size_t ec = 0, where = 0;
	lv_pulse_timing t = { 100, 10, 2, 3 }, bad = { 0, 10, 8, 3 };
	CHECK(lv_pulse_schedule(bits, bases, ints, 4, 0, &t, words, 4, edges, 6, &ec, &where) == LV_PULSE_OK && ec == 6, "exact buffers");
	CHECK(edges[0] == 102 && edges[1] == 105 && edges[2] == 112 && edges[4] == 132, "known edges %u %u %u %u", edges[0], edges[1], edges[2], edges[4]);
	memset(words, 7, sizeof words);
	bits[2] = 2;
	CHECK(lv_pulse_schedule(bits, bases, ints, 4, 0, &t, words, 4, edges, 8, &ec, &where) == LV_PULSE_E_BIT && where == 2, "bit 2 at 2");
	bits[2] = 0; bases[3] = 9;
	CHECK(lv_pulse_schedule(bits, bases, ints, 4, 0, &t, words, 4, edges, 8, &ec, &where) == LV_PULSE_E_BASIS && where == 3, "basis at 3");
	bases[3] = 1; ints[1] = 3;
	CHECK(lv_pulse_schedule(bits, bases, ints, 4, 0, &t, words, 4, edges, 8, &ec, &where) == LV_PULSE_E_INTENSITY && where == 1, "intensity at 1");
	ints[1] = 1;
	CHECK(lv_pulse_schedule(bits, bases, ints, 4, 0, &bad, words, 4, edges, 8, &ec, &where) == LV_PULSE_E_TIMING, "delay + width > period");
	bad.delay = 0; bad.period = 1; bad.width = 1;
	CHECK(lv_pulse_schedule(bits, bases, ints, 4, 0, &bad, words, 4, edges, 8, &ec, &where) == LV_PULSE_E_TIMING, "period 1");
	CHECK(lv_pulse_schedule(bits, bases, ints, 4, 0, &t, words, 3, edges, 8, &ec, &where) == LV_PULSE_E_OUTPUT, "words short");
	CHECK(lv_pulse_schedule(bits, bases, ints, 4, 0, &t, words, 4, edges, 5, &ec, &where) == LV_PULSE_E_OUTPUT, "edges short");
	CHECK(lv_pulse_schedule(bits, bases, ints, LV_PULSE_MAX_COUNT + 1, 0, &t, words, 4, edges, 8, &ec, &where) == LV_PULSE_E_COUNT, "count");
	CHECK(lv_pulse_schedule(NULL, bases, ints, 4, 0, &t, words, 4, edges, 8, &ec, &where) == LV_PULSE_E_NULL, "null");
	CHECK(words[0] == 0x0707 && words[3] == 0x0707, "words untouched after rejections");
}

/* Naive binning: per event, the same definition, into a slot-indexed mask array. */
static void bin_random(int rounds)
{
	enum { MAX = 4000, SLOTS = 600 };
	static uint32_t stamps[MAX], slots[MAX];
	static uint8_t det[MAX], masks[MAX], ref[SLOTS], rep[SLOTS];
	int r;
	for (r = 0; r < rounds; r++) {
		lv_pulse_gate g;
		lv_pulse_bin_stats s;
		size_t count = rng() % MAX, i, where, n = 0;
		uint32_t dt = 0, in_gate = 0, outside = 0, oor = 0, repeats = 0, dbl = 0, pmin = 0, pmax = 0;
		uint64_t psum = 0;
		lv_pulse_status st;
		g.period = 1 + rng() % 5000;
		g.gate_width = 1 + rng() % g.period;
		g.gate_offset = rng() % (g.period - g.gate_width + 1);
		g.slot_count = 1 + rng() % SLOTS;
		g.t0 = (r & 1) ? 0xFFFFFFF0u : rng();
		memset(ref, 0, sizeof ref);
		memset(rep, 0, sizeof rep);
		for (i = 0; i < count; i++) {
			dt += rng() % (2 * g.period * (uint32_t)SLOTS / (count + 1) + 1);
			stamps[i] = g.t0 + dt;
			det[i] = rng() & 3;
		}
		for (i = 0; i < count; i++) {
			uint32_t d = stamps[i] - g.t0, slot = d / g.period, phase = d % g.period;
			if (slot >= g.slot_count) { oor++; continue; }
			if (phase < g.gate_offset || phase >= g.gate_offset + g.gate_width) { outside++; continue; }
			if (!in_gate || phase < pmin) pmin = phase;
			if (!in_gate || phase > pmax) pmax = phase;
			in_gate++; psum += phase;
			if (ref[slot] & (1u << det[i])) repeats++;
			ref[slot] |= (uint8_t)(1u << det[i]);
		}
		st = lv_pulse_bin(stamps, det, count, &g, slots, masks, count, &s, &where);
		CHECK(st == LV_PULSE_OK, "round %d: status %d", r, st);
		for (i = 0; i < SLOTS; i++) {
			if (!ref[i]) continue;
			if (ref[i] & (ref[i] - 1)) dbl++;
			CHECK(n < s.slots && slots[n] == i && masks[n] == ref[i], "round %d: slot %zu", r, i);
			n++;
		}
		CHECK(n == s.slots, "round %d: %u slots, want %zu", r, s.slots, n);
		CHECK(s.in_gate == in_gate && s.outside_gate == outside && s.out_of_range == oor && s.repeats == repeats && s.double_clicks == dbl,
			"round %d: counters", r);
		CHECK(s.phase_min == pmin && s.phase_max == pmax && s.phase_sum == psum, "round %d: phase stats", r);
	}
}

static void bin_rejects(void)
{
	uint32_t stamps[3] = { 10, 20, 15 }, slots[3] = { 7, 7, 7 };
	uint8_t det[3] = { 0, 1, 2 }, masks[3] = { 7, 7, 7 };
	lv_pulse_gate g = { 0, 10, 0, 10, 5 };
	lv_pulse_bin_stats s;
	size_t where = 0;
	CHECK(lv_pulse_bin(stamps, det, 3, &g, slots, masks, 3, &s, &where) == LV_PULSE_E_ORDER && where == 2, "order at 2");
	stamps[2] = 25; det[1] = 4;
	CHECK(lv_pulse_bin(stamps, det, 3, &g, slots, masks, 3, &s, &where) == LV_PULSE_E_DETECTOR && where == 1, "detector at 1");
	det[1] = 1;
	g.gate_offset = 1;
	CHECK(lv_pulse_bin(stamps, det, 3, &g, slots, masks, 3, &s, &where) == LV_PULSE_E_GATE, "gate past period");
	g.gate_offset = 0; g.slot_count = 0;
	CHECK(lv_pulse_bin(stamps, det, 3, &g, slots, masks, 3, &s, &where) == LV_PULSE_E_GATE, "no slots");
	g.slot_count = 5;
	CHECK(lv_pulse_bin(stamps, det, 3, &g, slots, masks, 2, &s, &where) == LV_PULSE_E_OUTPUT, "output short");
	CHECK(slots[0] == 7 && masks[0] == 7, "outputs untouched");
	/* 10 -> slot 1, 20 -> slot 2, 25 -> slot 2 (detector 2): masks 1, 6 (a double click) */
	CHECK(lv_pulse_bin(stamps, det, 3, &g, slots, masks, 3, &s, &where) == LV_PULSE_OK, "ok");
	CHECK(s.slots == 2 && slots[0] == 1 && masks[0] == 1 && slots[1] == 2 && masks[1] == 6 && s.double_clicks == 1, "known bins");
	CHECK(s.phase_min == 0 && s.phase_max == 5 && s.phase_sum == 5, "known phases");
}

int main(void)
{
	known_words();
	schedule_random(200);
	schedule_rejects();
	bin_random(200);
	bin_rejects();
	printf("test_pulse: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
