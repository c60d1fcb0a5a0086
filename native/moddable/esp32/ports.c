/*
 * LIGHTVIBES on ESP32 (Moddable SDK): the board's side of the Entropy and Clock ports, with the
 * same native names lvxs gives on the desktop (native/host/ports.c), so hal/moddable/entropy.ts
 * and clock.ts run unchanged:
 *   native("xs_lv_entropy_fill")(bytes)   esp_fill_random: the hardware RNG (true random while
 *                                         the RF subsystem or the bootloader entropy source runs)
 *   native("xs_lv_clock_monotonic")()     esp_timer_get_time() in ms (microsecond timer)
 *   native("xs_lv_clock_wall")()          gettimeofday (RTC, set by SNTP) in ms
 * Built by mcconfig from manifest.json (platforms.esp32); not compiled in CI (no ESP-IDF there).
 */
#include "xsmc.h"
#include "xsHost.h"

#include <sys/time.h>
#include "esp_random.h"
#include "esp_timer.h"

void xs_lv_entropy_fill(xsMachine* the)
{
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferWritable(xsArg(0), &data, &length);
	esp_fill_random(data, length);
}

void xs_lv_clock_monotonic(xsMachine* the)
{
	xsmcSetNumber(xsResult, (double)esp_timer_get_time() / 1000.0);
}

void xs_lv_clock_wall(xsMachine* the)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	xsmcSetNumber(xsResult, (double)tv.tv_sec * 1000.0 + (double)tv.tv_usec / 1000.0);
}
