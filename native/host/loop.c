/*
 * LIGHTVIBES XS host: the two engine hooks a script-driven event loop needs (hal/xs/hil-loop.ts).
 * lvxs runs a script, then drains promise jobs once at the end; an agent that waits on a rig must
 * run its promise jobs while it waits. On a board, Moddable's run loop does this between events.
 *
 *   xs_lv_loop_drain()        runs every queued promise job, and the jobs they queue, until none is
 *                             left (as the host's own run loop does). Refused inside a promise job:
 *                             the engine's job list is not re-entrant.
 *   xs_lv_heap_reset_peak()   sets the peak counters of chunks and slots to what is in use now, so
 *                             a later xs_lv_heap reads the peak of one phase (a post-processing block)
 *
 * Needs the engine's internal layout (xsAll.h), like internals.c.
 */
#include "xsAll.h"

/* the public name of the machine type, which the natives table declares these with */
typedef txMachine xsMachine;

void xs_lv_loop_drain(xsMachine* the)
{
	if (mxRunningJobs.value.reference->next)
		mxTypeError("loop: drain() inside a promise job");
	while (the->promiseJobs) {
		the->promiseJobs = 0;
		fxRunPromiseJobs(the);
	}
	fxEndJob(the);
}

void xs_lv_heap_reset_peak(xsMachine* the)
{
	the->peakChunksSize = the->currentChunksSize;
	the->peakHeapCount = the->currentHeapCount;
}
