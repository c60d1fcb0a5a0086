/*
 * LIGHTVIBES native kernel: pulse timing for the photonics front end.
 *
 * The same functions as src/pulse/schedule.ts and src/pulse/bin.ts (the reference, which is the
 * specification; the layouts are documented there) and the same checks in the same order, so
 * an implementation fails where the reference fails, with the status whose code is the
 * reference's PulseReject.
 *  - lv_pulse_schedule: a frame of (bit, basis, intensity) slots → one 16-bit modulator word per
 *    slot and the laser-trigger GPIO edges (rise, fall) of the non-vacuum slots, in timer ticks
 *    modulo 2^32.
 *  - lv_pulse_bin: detector clicks (uint32 stamps + detector index) → slots with a click and a
 *    detector mask per slot, through a configurable gate, with counters and phase statistics.
 *
 * C11, no allocation, caller-provided buffers sized for the worst case (words: count; edges:
 * 2·count; slots and masks: count). Every input is checked before anything is written; on any
 * status other than LV_PULSE_OK the outputs are untouched and *where holds the offending index
 * (or 0).
 */
#ifndef LV_PULSE_H
#define LV_PULSE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LV_PULSE_MAX_COUNT ((size_t)1 << 21)
#define LV_PULSE_VACUUM 2

typedef enum {
	LV_PULSE_OK = 0,
	LV_PULSE_E_COUNT = 1,
	LV_PULSE_E_BIT = 2,
	LV_PULSE_E_BASIS = 3,
	LV_PULSE_E_INTENSITY = 4,
	LV_PULSE_E_TIMING = 5,
	LV_PULSE_E_OUTPUT = 6,
	LV_PULSE_E_DETECTOR = 7,
	LV_PULSE_E_ORDER = 8,
	LV_PULSE_E_GATE = 9,
	LV_PULSE_E_NULL = 10, /* PulseReject.LENGTH: a NULL buffer */
} lv_pulse_status;

typedef struct {
	uint32_t t0;     /* tick of the start of slot 0 */
	uint32_t period; /* ticks per slot, >= 2 */
	uint32_t delay;  /* slot start -> trigger rise */
	uint32_t width;  /* trigger high time, >= 1; delay + width <= period */
} lv_pulse_timing;

typedef struct {
	uint32_t t0;
	uint32_t period;      /* >= 1 */
	uint32_t gate_offset;
	uint32_t gate_width;  /* >= 1; gate_offset + gate_width <= period */
	uint32_t slot_count;  /* >= 1 */
} lv_pulse_gate;

typedef struct {
	uint32_t slots, in_gate, outside_gate, out_of_range, repeats, double_clicks;
	uint32_t phase_min, phase_max; /* 0 when in_gate == 0 */
	uint64_t phase_sum;            /* < 2^53: count <= 2^21 */
} lv_pulse_bin_stats;

/* The modulator word of one slot (layout in src/pulse/schedule.ts). */
uint16_t lv_pulse_word(uint32_t slot_label, unsigned bit, unsigned basis, unsigned intensity);

lv_pulse_status lv_pulse_schedule(const uint8_t* bits, const uint8_t* bases, const uint8_t* intensities,
	size_t count, uint32_t first_slot, const lv_pulse_timing* timing,
	uint16_t* words, size_t words_len, uint32_t* edges, size_t edges_len,
	size_t* edge_count, size_t* where);

lv_pulse_status lv_pulse_bin(const uint32_t* stamps, const uint8_t* detectors, size_t count,
	const lv_pulse_gate* gate, uint32_t* slots, uint8_t* masks, size_t out_len,
	lv_pulse_bin_stats* stats, size_t* where);

/* A short message for a status (the reason's name as the reference spells it). */
const char* lv_pulse_reason(lv_pulse_status status);

#ifdef __cplusplus
}
#endif

#endif
