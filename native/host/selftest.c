/*
 * LIGHTVIBES XS host: a minimal host-object class, the shape every native driver and kernel
 * takes (Moddable style): TypeScript declares
 *   class Probe extends Native("xs_lv_probe_destructor") {
 *     constructor(value) { super(); native("xs_lv_probe_constructor").call(this, value); }
 *     get value() { return native("xs_lv_probe_value").call(this); }
 *     close() { native("xs_lv_probe_close").call(this); }
 *   }
 * The conformance run uses it to prove Native() and native() together: host data is set in the
 * constructor, every call validates its receiver, close() frees, and the destructor runs on GC.
 */
#include "lvxs.h"
#include "xsmc.h"

typedef struct {
	int32_t value;
} lvProbe;

static int gProbesDestroyed = 0;

void xs_lv_probe_destructor(void* data)
{
	if (data) {
		c_free(data);
		gProbesDestroyed++;
	}
}

void xs_lv_probe_constructor(xsMachine* the)
{
	lvProbe* probe = c_malloc(sizeof(lvProbe));
	if (!probe)
		xsUnknownError("probe: out of memory");
	probe->value = xsmcToInteger(xsArg(0));
	xsmcSetHostData(xsThis, probe);
}

/* The receiver's state: throws unless `this` is an open probe (a closed one has no host data). */
static lvProbe* lvProbeOf(xsMachine* the)
{
	lvProbe* probe = xsmcGetHostDataValidate(xsThis, xs_lv_probe_destructor);
	if (!probe)
		xsUnknownError("probe: closed");
	return probe;
}

void xs_lv_probe_value(xsMachine* the)
{
	xsmcSetInteger(xsResult, lvProbeOf(the)->value);
}

void xs_lv_probe_close(xsMachine* the)
{
	xs_lv_probe_destructor(lvProbeOf(the));
	xsmcSetHostData(xsThis, NULL);
}

void xs_lv_probe_destroyed(xsMachine* the)
{
	xsmcSetInteger(xsResult, gProbesDestroyed);
}
