/*
 * LIGHTVIBES XS host: length-prefixed records over stdin/stdout, the transport under
 * hal/xs/stdio-link.ts (a Link port whose peer is the parent process, e.g. Node in the live
 * Node <-> XS QSP run). A record is u32 length (big-endian) || bytes. Blocking reads are fine: the
 * host has no event loop, so a script waiting for its peer has nothing else to do.
 *
 * Records go out through the same stdout FILE as print(), flushed per record, so the two never
 * interleave inside a record; a script that talks records should not print meanwhile.
 */
#include "lvxs.h"
#include "xsmc.h"
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#define lvStdioMaxRecord (1 << 20) /* larger than any QSP datagram (64 KiB payload + header) */

/* 1: filled; 0: end of input before the first byte; -1: end of input or error midway. */
static int lvReadFull(uint8_t* data, size_t length)
{
	size_t done = 0;
	while (done < length) {
		ssize_t count = read(STDIN_FILENO, data + done, length - done);
		if (count < 0) {
			if (errno == EINTR) continue;
			return -1;
		}
		if (count == 0)
			return done ? -1 : 0;
		done += (size_t)count;
	}
	return 1;
}

/* native("xs_lv_stdio_read")(): the next record as an ArrayBuffer; undefined at end of input. */
void xs_lv_stdio_read(xsMachine* the)
{
	uint8_t header[4];
	uint32_t length;
	int status = lvReadFull(header, 4);
	if (status == 0)
		return;
	if (status < 0)
		xsUnknownError("stdio_read: input ended inside a record header");
	length = ((uint32_t)header[0] << 24) | ((uint32_t)header[1] << 16) | ((uint32_t)header[2] << 8) | header[3];
	if (length > lvStdioMaxRecord)
		xsRangeError("stdio_read: record of %u bytes, at most %d", (unsigned)length, lvStdioMaxRecord);
	xsmcSetArrayBuffer(xsResult, NULL, length);
	/* no XS call runs between here and the read, so the buffer cannot move meanwhile */
	if (length && lvReadFull(xsmcToArrayBuffer(xsResult), length) != 1)
		xsUnknownError("stdio_read: input ended inside a %u-byte record", (unsigned)length);
}

/* native("xs_lv_stdio_write")(bytes): writes one record (any ArrayBuffer or typed array view). */
void xs_lv_stdio_write(xsMachine* the)
{
	void* data;
	xsUnsignedValue length;
	uint8_t header[4];
	if (xsmcArgc < 1)
		xsTypeError("stdio_write: \"bytes\" expected a Uint8Array");
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	if (length > lvStdioMaxRecord)
		xsRangeError("stdio_write: \"bytes\" expected at most %d bytes, got %u", lvStdioMaxRecord, (unsigned)length);
	header[0] = (uint8_t)(length >> 24);
	header[1] = (uint8_t)(length >> 16);
	header[2] = (uint8_t)(length >> 8);
	header[3] = (uint8_t)length;
	if (fwrite(header, 1, 4, stdout) != 4 || (length && fwrite(data, 1, length, stdout) != length) || fflush(stdout))
		xsUnknownError("stdio_write: stdout closed (errno %d)", errno);
}
