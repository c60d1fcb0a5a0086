/*
 * LIGHTVIBES XS host: the host's side of the ports.
 *
 * - Entropy: getrandom(2). crypto.getRandomValues is installed from it before any script runs,
 *   because XS has none and noble draws all its randomness from it.
 * - Clock: CLOCK_MONOTONIC and CLOCK_REALTIME, in milliseconds with sub-millisecond fraction.
 * - Heap: XS chunks and slots in use and at peak, so memory figures can be measured.
 * - native(name) / Native(name): host functions and host-object base classes, looked up in
 *   lvNatives[] and cached, so repeated calls return the same function object.
 */
#include "lvxs.h"
#include "xsmc.h"
#include <errno.h>
#include <sys/random.h>
#include <time.h>

#define lvGetRandomValuesLimit 65536 /* the Web Crypto quota per call */

static xsSlot gNativeCache;
static int gExitCode = 0;

extern void lvHeapStats(xsMachine* the, double stats[4]);
extern void lvMarkBaseConstructor(xsMachine* the, xsSlot* constructor);

int lvExitCode(void)
{
	return gExitCode;
}

static void lvFillEntropy(xsMachine* the, uint8_t* data, size_t length)
{
	while (length) {
		ssize_t count = getrandom(data, length, 0);
		if (count < 0) {
			if (errno == EINTR) continue;
			xsUnknownError("entropy: getrandom failed (errno %d)", errno);
		}
		data += count;
		length -= (size_t)count;
	}
}

/* crypto.getRandomValues(typedArray): integer typed arrays only, at most 65,536 bytes. */
static void xs_crypto_getRandomValues(xsMachine* the)
{
	void* data;
	xsUnsignedValue length;
	xsmcVars(1);
	if (xsmcArgc < 1 || !xsmcIsInstanceOf(xsArg(0), xsTypedArrayPrototype))
		xsTypeError("getRandomValues: \"array\" expected an integer TypedArray");
	xsmcGet(xsVar(0), xsArg(0), xsID("constructor"));
	xsmcGet(xsVar(0), xsVar(0), xsID("name"));
	const char* kind = xsmcToString(xsVar(0));
	if (!strncmp(kind, "Float", 5))
		xsTypeError("getRandomValues: \"array\" expected an integer TypedArray, got %s", kind);
	xsmcGetBufferWritable(xsArg(0), &data, &length);
	if (length > lvGetRandomValuesLimit)
		xsRangeError("getRandomValues: \"array\" expected at most %d bytes, got %u", lvGetRandomValuesLimit, (unsigned)length);
	lvFillEntropy(the, data, length);
	xsResult = xsArg(0);
}

/* native("xs_lv_entropy_fill")(bytes): fills any Uint8Array, whatever its length. */
void xs_lv_entropy_fill(xsMachine* the)
{
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferWritable(xsArg(0), &data, &length);
	lvFillEntropy(the, data, length);
}

static double lvClockMs(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void xs_lv_clock_monotonic(xsMachine* the)
{
	xsmcSetNumber(xsResult, lvClockMs(CLOCK_MONOTONIC));
}

void xs_lv_clock_wall(xsMachine* the)
{
	xsmcSetNumber(xsResult, lvClockMs(CLOCK_REALTIME));
}

/* native("xs_lv_heap")(collect): { chunks, slots, peakChunks, peakSlots } in bytes. */
void xs_lv_heap(xsMachine* the)
{
	double stats[4];
	xsmcVars(1);
	if (xsmcArgc > 0 && xsmcTest(xsArg(0)))
		xsCollectGarbage();
	lvHeapStats(the, stats);
	xsmcSetNewObject(xsResult);
	xsmcSetNumber(xsVar(0), stats[0]);
	xsmcSet(xsResult, xsID("chunks"), xsVar(0));
	xsmcSetNumber(xsVar(0), stats[1]);
	xsmcSet(xsResult, xsID("slots"), xsVar(0));
	xsmcSetNumber(xsVar(0), stats[2]);
	xsmcSet(xsResult, xsID("peakChunks"), xsVar(0));
	xsmcSetNumber(xsVar(0), stats[3]);
	xsmcSet(xsResult, xsID("peakSlots"), xsVar(0));
}

void xs_lv_exit_code(xsMachine* the)
{
	gExitCode = xsmcToInteger(xsArg(0));
}

/* native("xs_lv_read_file")(path): the whole file as an ArrayBuffer. */
void xs_lv_read_file(xsMachine* the)
{
	const char* path = xsmcToString(xsArg(0));
	FILE* file = fopen(path, "rb");
	long length;
	if (!file)
		xsUnknownError("read_file: cannot open %s", path);
	if (fseek(file, 0, SEEK_END) || (length = ftell(file)) < 0 || fseek(file, 0, SEEK_SET)) {
		fclose(file);
		xsUnknownError("read_file: cannot size %s", path);
	}
	xsmcSetArrayBuffer(xsResult, NULL, (xsUnsignedValue)length);
	if (length && fread(xsmcToArrayBuffer(xsResult), 1, (size_t)length, file) != (size_t)length) {
		fclose(file);
		xsUnknownError("read_file: short read on %s", path);
	}
	fclose(file);
}

static const lvNative* lvFindNative(const char* name, lvNativeKind kind)
{
	int i;
	for (i = 0; i < lvNativeCount; i++) {
		if (lvNatives[i].kind == kind && !strcmp(lvNatives[i].name, name))
			return &lvNatives[i];
	}
	return NULL;
}

/*
 * The entry of lvNatives[] named by xsArg(0), of the given kind; NULL when xsResult already holds
 * the cached object made for it earlier. `what` names the caller in error messages.
 */
static const lvNative* lvUncachedNative(xsMachine* the, lvNativeKind kind, const char* what)
{
	const lvNative* found;
	if (xsmcArgc < 1 || xsmcTypeOf(xsArg(0)) != xsStringType)
		xsTypeError("%s: \"name\" expected a string", what);
	found = lvFindNative(xsmcToString(xsArg(0)), kind);
	if (!found)
		xsReferenceError("%s: no host %s %s", what, kind == lvNativeFunction ? "function" : "destructor", xsmcToString(xsArg(0)));
	xsmcGet(xsResult, gNativeCache, xsID(found->name));
	return xsmcTest(xsResult) ? NULL : found;
}

static void xs_native(xsMachine* the)
{
	const lvNative* found = lvUncachedNative(the, lvNativeFunction, "native");
	if (!found)
		return;
	xsResult = xsNewHostFunction(found->function, 0);
	xsmcSet(gNativeCache, xsID(found->name), xsResult);
}

static void xs_native_base(xsMachine* the)
{
	/* The instance is made by XS from the host prototype; host data is set by the subclass. */
}

static void xs_Native(xsMachine* the)
{
	const lvNative* found = lvUncachedNative(the, lvNativeDestructor, "Native");
	if (!found)
		return;
	xsmcVars(1);
	xsVar(0) = xsNewHostObject(found->destructor);
	xsResult = xsNewHostConstructor(xs_native_base, 0, xsVar(0));
	lvMarkBaseConstructor(the, &xsResult);
	xsmcSet(gNativeCache, xsID(found->name), xsResult);
}

void lvInstallPorts(xsMachine* the)
{
	xsmcVars(2);
	gNativeCache = xsNewObject();
	xsRemember(gNativeCache);
	xsVar(0) = xsNewHostFunction(xs_native, 1);
	xsmcDefine(xsGlobal, xsID("native"), xsVar(0), xsDontEnum);
	xsVar(0) = xsNewHostFunction(xs_Native, 1);
	xsmcDefine(xsGlobal, xsID("Native"), xsVar(0), xsDontEnum);
	xsVar(0) = xsNewObject();
	xsVar(1) = xsNewHostFunction(xs_crypto_getRandomValues, 1);
	xsmcDefine(xsVar(0), xsID("getRandomValues"), xsVar(1), xsDontEnum);
	xsmcDefine(xsGlobal, xsID("crypto"), xsVar(0), xsDontEnum);
}
