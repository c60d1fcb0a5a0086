/*
 * LIGHTVIBES XS host: the few things that need the engine's internal layout (xsAll.h), kept
 * apart from the rest of the host, which uses only the public xs.h / xsmc.h API.
 */
#include "xsAll.h"

/* XS heap counters: chunks and slots in use and at peak, in bytes. */
void lvHeapStats(txMachine* the, double stats[4])
{
	stats[0] = (double)the->currentChunksSize;
	stats[1] = (double)the->currentHeapCount * (double)sizeof(txSlot);
	stats[2] = (double)the->peakChunksSize;
	stats[3] = (double)the->peakHeapCount * (double)sizeof(txSlot);
}

/*
 * Makes a host constructor behave as a base class constructor, as XS's own `class` does: when it
 * runs (directly with `new`, or through a subclass's super()), XS first creates `this` from
 * new.target's prototype, so a subclass instance inherits the host slot, and calling it without
 * `new` throws. Without the flag, super() would leave `this` an ordinary object.
 */
void lvMarkBaseConstructor(txMachine* the, txSlot* constructor)
{
	txSlot* callback = constructor->value.reference->next;
	if (callback && callback->kind == XS_CALLBACK_KIND)
		callback->flag |= XS_BASE_FLAG;
}
