/*
 * LIGHTVIBES XS host: desktop stand-ins for the peripherals behind embedded:io (ECMA-419), so the
 * board backends of hal/moddable run in lvxs unchanged. One host-object class, a simulated pin or
 * SPI bus that records every edge and every word with the nanosecond it happened at, and takes
 * the far end's bytes (the detector front end's FIFO) from the test. hal/moddable/sim-io.ts wraps
 * it in the Digital and SPI classes of embedded:io.
 *
 *   class SimPeripheral extends Native("xs_lv_io_destructor") — constructor: xs_lv_io_open(kind)
 *     kind 0 = digital pin, 1 = SPI bus (16-bit words, big-endian on the wire)
 *   xs_lv_io_write(value | bytes)     pin: 0/1; bus: a byte view of whole words. Recorded.
 *   xs_lv_io_read(bytes) -> n         bus: bytes taken from the receive FIFO (0 when empty)
 *   xs_lv_io_pending() -> n           bytes waiting in the receive FIFO
 *   xs_lv_io_inject(bytes)            the far end: appends to the receive FIFO
 *   xs_lv_io_records(bytes) -> n      copies up to n records (u32 tick ns, u32 value), host order
 *   xs_lv_io_play(edges, paced, result)   pin: plays a schedule of edge ticks (ns, u32, relative
 *       to edges[0]); paced, it busy-waits for each edge's time; every edge toggles and is
 *       recorded. result (u32 × 6) <- edges, elapsed ns (lo, hi), lateness p50, p99, max (ns)
 *   xs_lv_io_close()
 *
 * And the file primitives of the flash store (hal/moddable/files-xs.ts), on a directory:
 *   xs_lv_file_write(path, bytes)  (create/replace, fsync)   xs_lv_file_rename(from, to)
 *   xs_lv_file_delete(path)   xs_lv_file_exists(path) -> bool   xs_lv_file_list(dir) -> "a\nb\n…"
 */
#define _GNU_SOURCE
#include "lvxs.h"
#include "xsmc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LV_IO_RECORDS (1 << 20)
#define LV_IO_FIFO (1 << 20)

typedef struct {
	int kind;
	uint32_t value;
	uint32_t count;               /* records kept (the first LV_IO_RECORDS) */
	uint32_t dropped;             /* records past capacity */
	uint32_t* records;            /* tick, value pairs */
	uint8_t* fifo;
	size_t head, tail;            /* fifo[head .. tail) */
} lvIo;

static uint64_t lvNowNs(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void xs_lv_io_destructor(void* data)
{
	lvIo* io = data;
	if (!io) return;
	c_free(io->records);
	c_free(io->fifo);
	c_free(io);
}

static lvIo* lvIoOf(xsMachine* the)
{
	lvIo* io = xsmcGetHostDataValidate(xsThis, xs_lv_io_destructor);
	if (!io) xsUnknownError("sim io: closed");
	return io;
}

static void lvIoRecord(lvIo* io, uint64_t ns, uint32_t value)
{
	if (io->count >= LV_IO_RECORDS) { io->dropped++; return; }
	io->records[2 * io->count] = (uint32_t)ns;
	io->records[2 * io->count + 1] = value;
	io->count++;
}

void xs_lv_io_open(xsMachine* the)
{
	int kind = xsmcToInteger(xsArg(0));
	lvIo* io;
	if (kind != 0 && kind != 1) xsRangeError("sim io: \"kind\" expected 0 (digital) or 1 (spi)");
	io = c_calloc(1, sizeof(lvIo));
	if (!io) xsUnknownError("sim io: out of memory");
	io->kind = kind;
	io->records = c_malloc(sizeof(uint32_t) * 2 * LV_IO_RECORDS);
	io->fifo = kind == 1 ? c_malloc(LV_IO_FIFO) : NULL;
	if (!io->records || (kind == 1 && !io->fifo)) { xs_lv_io_destructor(io); xsUnknownError("sim io: out of memory"); }
	xsmcSetHostData(xsThis, io);
}

void xs_lv_io_write(xsMachine* the)
{
	lvIo* io = lvIoOf(the);
	uint64_t ns = lvNowNs();
	if (io->kind == 0) {
		io->value = xsmcToInteger(xsArg(0)) ? 1 : 0;
		lvIoRecord(io, ns, io->value);
	} else {
		void* data;
		xsUnsignedValue n, i;
		xsmcGetBufferReadable(xsArg(0), &data, &n);
		if (n & 1) xsRangeError("sim io: \"data\" expected whole 16-bit words, got %u bytes", (unsigned)n);
		for (i = 0; i < n; i += 2) {
			const uint8_t* b = (const uint8_t*)data + i;
			lvIoRecord(io, ns, ((uint32_t)b[0] << 8) | b[1]);
		}
	}
}

void xs_lv_io_pending(xsMachine* the)
{
	lvIo* io = lvIoOf(the);
	xsmcSetInteger(xsResult, (xsIntegerValue)(io->tail - io->head));
}

void xs_lv_io_read(xsMachine* the)
{
	lvIo* io = lvIoOf(the);
	void* data;
	xsUnsignedValue n;
	size_t take;
	if (io->kind == 0) { xsmcSetInteger(xsResult, (xsIntegerValue)io->value); return; }
	xsmcGetBufferWritable(xsArg(0), &data, &n);
	take = io->tail - io->head;
	if (take > n) take = n;
	c_memcpy(data, io->fifo + io->head, take);
	io->head += take;
	if (io->head == io->tail) io->head = io->tail = 0;
	xsmcSetInteger(xsResult, (xsIntegerValue)take);
}

void xs_lv_io_inject(xsMachine* the)
{
	lvIo* io = lvIoOf(the);
	void* data;
	xsUnsignedValue n;
	if (io->kind != 1) xsUnknownError("sim io: inject needs a bus");
	xsmcGetBufferReadable(xsArg(0), &data, &n);
	if (io->head) { c_memmove(io->fifo, io->fifo + io->head, io->tail - io->head); io->tail -= io->head; io->head = 0; }
	if (io->tail + n > LV_IO_FIFO) xsRangeError("sim io: receive FIFO full (%u bytes)", (unsigned)LV_IO_FIFO);
	c_memcpy(io->fifo + io->tail, data, n);
	io->tail += n;
}

void xs_lv_io_records(xsMachine* the)
{
	lvIo* io = lvIoOf(the);
	void* data;
	xsUnsignedValue n;
	uint32_t k;
	xsmcGetBufferWritable(xsArg(0), &data, &n);
	k = (uint32_t)(n / 8);
	if (k > io->count) k = io->count;
	c_memcpy(data, io->records, (size_t)k * 8);
	xsmcSetInteger(xsResult, (xsIntegerValue)k);
}

static int lvCompareU32(const void* a, const void* b)
{
	uint32_t x = *(const uint32_t*)a, y = *(const uint32_t*)b;
	return x < y ? -1 : x > y;
}

void xs_lv_io_play(xsMachine* the)
{
	lvIo* io = lvIoOf(the);
	void *edgesData, *resultData;
	xsUnsignedValue edgesBytes, resultBytes;
	int paced = xsmcTest(xsArg(1));
	size_t n, k;
	uint32_t* late;
	uint64_t start, end;
	uint32_t out[6];
	if (io->kind != 0) xsUnknownError("sim io: play needs a pin");
	xsmcGetBufferReadable(xsArg(0), &edgesData, &edgesBytes);
	xsmcGetBufferWritable(xsArg(2), &resultData, &resultBytes);
	if (resultBytes < sizeof out) xsRangeError("sim io: \"result\" expected 24 bytes");
	if (((uintptr_t)edgesData) & 3) xsRangeError("sim io: \"edges\" is not 4-byte aligned");
	n = edgesBytes / 4;
	late = c_malloc((n ? n : 1) * sizeof(uint32_t)); /* once, outside the edge loop */
	if (!late) xsUnknownError("sim io: out of memory");
	start = lvNowNs();
	for (k = 0; k < n; k++) {
		const uint32_t* edges = edgesData;
		uint64_t due = start + (uint32_t)(edges[k] - edges[0]), now;
		if (paced) while ((now = lvNowNs()) < due) { /* the edge's nanosecond has not come */ }
		else now = lvNowNs();
		io->value ^= 1;
		lvIoRecord(io, now, io->value);
		late[k] = paced ? (uint32_t)(now - due > 0xFFFFFFFFu ? 0xFFFFFFFFu : now - due) : 0;
	}
	end = lvNowNs();
	qsort(late, n, sizeof(uint32_t), lvCompareU32);
	out[0] = (uint32_t)n;
	out[1] = (uint32_t)((end - start) & 0xFFFFFFFFu);
	out[2] = (uint32_t)((end - start) >> 32);
	out[3] = n ? late[n / 2] : 0;
	out[4] = n ? late[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1] : 0;
	out[5] = n ? late[n - 1] : 0;
	c_free(late);
	c_memcpy(resultData, out, sizeof out);
}

void xs_lv_io_close(xsMachine* the)
{
	xs_lv_io_destructor(lvIoOf(the));
	xsmcSetHostData(xsThis, NULL);
}

/* ---- file primitives of the flash store */

void xs_lv_file_write(xsMachine* the)
{
	const char* path;
	void* data;
	xsUnsignedValue n;
	int fd;
	size_t done = 0;
	xsmcVars(1);
	xsmcGetBufferReadable(xsArg(1), &data, &n);
	path = xsmcToString(xsArg(0));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) xsUnknownError("file: cannot create %s: %s", path, strerror(errno));
	while (done < n) {
		ssize_t w = write(fd, (const uint8_t*)data + done, n - done);
		if (w < 0) { if (errno == EINTR) continue; close(fd); xsUnknownError("file: write %s: %s", path, strerror(errno)); }
		done += (size_t)w;
	}
	if (fsync(fd)) { close(fd); xsUnknownError("file: fsync %s: %s", path, strerror(errno)); }
	close(fd);
}

void xs_lv_file_rename(xsMachine* the)
{
	char from[1024];
	const char* to;
	c_strncpy(from, xsmcToString(xsArg(0)), sizeof from - 1);
	from[sizeof from - 1] = 0;
	to = xsmcToString(xsArg(1));
	if (rename(from, to)) xsUnknownError("file: rename %s: %s", from, strerror(errno));
}

void xs_lv_file_delete(xsMachine* the)
{
	const char* path = xsmcToString(xsArg(0));
	if (unlink(path) && errno != ENOENT) xsUnknownError("file: delete %s: %s", path, strerror(errno));
}

void xs_lv_file_exists(xsMachine* the)
{
	xsmcSetBoolean(xsResult, access(xsmcToString(xsArg(0)), F_OK) == 0);
}

void xs_lv_file_list(xsMachine* the)
{
	const char* path = xsmcToString(xsArg(0));
	DIR* dir = opendir(path);
	struct dirent* e;
	char* text;
	size_t length = 0, size = 256;
	if (!dir) xsUnknownError("file: list %s: %s", path, strerror(errno));
	text = c_malloc(size);
	if (!text) { closedir(dir); xsUnknownError("file: out of memory"); }
	while ((e = readdir(dir))) {
		size_t l = strlen(e->d_name);
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
		if (length + l + 2 > size) {
			char* bigger = c_realloc(text, size = 2 * (length + l + 2));
			if (!bigger) { c_free(text); closedir(dir); xsUnknownError("file: out of memory"); }
			text = bigger;
		}
		c_memcpy(text + length, e->d_name, l);
		length += l;
		text[length++] = '\n';
	}
	closedir(dir);
	text[length] = 0;
	xsmcSetString(xsResult, text);
	c_free(text);
}
