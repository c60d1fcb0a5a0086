/*
 * LIGHTVIBES XS host: a serial line for the HIL rig bridge (hal/xs/hil-transport.ts): a tty in
 * raw mode (termios: no echo, no line discipline, 8N1), read with a poll(2) timeout because lvxs
 * has no event loop of its own. In CI the tty is one end of a socat pseudo-terminal pair; on a
 * board, Moddable's embedded:io/serial plays this part.
 *
 *   class XsSerial extends Native("xs_lv_serial_destructor")
 *   xs_lv_serial_open(path, baud)              opens the tty and sets raw mode
 *   xs_lv_serial_write(bytes)                   writes all of it; while the line is full it keeps
 *       reading what comes in (held for the next read): a relay like socat that cannot deliver to
 *       us stops reading from us, and both ends would wait on each other for ever
 *   xs_lv_serial_read(buffer, timeoutMs) -> n    held bytes first, else bytes read; 0 when none came in time
 *   xs_lv_serial_close()
 */
#include "lvxs.h"
#include "xsmc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define lvSerialMaxHeld (4 << 20)

typedef struct {
	int fd;
	uint8_t* held;      /* bytes read while a write waited */
	size_t heldLength, heldSize;
} lvSerial;

void xs_lv_serial_destructor(void* data)
{
	lvSerial* serial = data;
	if (!serial) return;
	if (serial->fd >= 0) close(serial->fd);
	c_free(serial->held);
	c_free(serial);
}

static lvSerial* lvSerialOf(xsMachine* the)
{
	lvSerial* serial = xsmcGetHostDataValidate(xsThis, xs_lv_serial_destructor);
	if (!serial) xsUnknownError("serial: closed");
	return serial;
}

static speed_t lvBaud(int baud)
{
	switch (baud) {
	case 9600: return B9600;
	case 19200: return B19200;
	case 38400: return B38400;
	case 57600: return B57600;
	case 115200: return B115200;
	case 230400: return B230400;
	case 460800: return B460800;
	case 921600: return B921600;
	default: return 0;
	}
}

void xs_lv_serial_open(xsMachine* the)
{
	const char* path;
	int baud = xsmcToInteger(xsArg(1));
	speed_t speed = lvBaud(baud);
	struct termios tio;
	lvSerial* serial;
	if (!speed) xsRangeError("serial: \"baud\" expected a standard rate (9600 … 921600), got %d", baud);
	path = xsmcToString(xsArg(0));
	serial = c_calloc(1, sizeof(lvSerial));
	if (!serial) xsUnknownError("serial: out of memory");
	serial->fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (serial->fd < 0) { c_free(serial); xsUnknownError("serial: open %s: %s", path, strerror(errno)); }
	if (tcgetattr(serial->fd, &tio)) {
		int e = errno;
		xs_lv_serial_destructor(serial);
		xsUnknownError("serial: %s is not a tty: %s", path, strerror(e));
	}
	cfmakeraw(&tio);
	tio.c_cflag |= CLOCAL | CREAD;
	tio.c_cc[VMIN] = 0;
	tio.c_cc[VTIME] = 0;
	cfsetispeed(&tio, speed);
	cfsetospeed(&tio, speed);
	if (tcsetattr(serial->fd, TCSANOW, &tio)) {
		int e = errno;
		xs_lv_serial_destructor(serial);
		xsUnknownError("serial: raw mode on %s: %s", path, strerror(e));
	}
	tcflush(serial->fd, TCIOFLUSH); /* nothing from before this open counts */
	xsmcSetHostData(xsThis, serial);
}

/* Reads what is waiting into the held buffer. */
static void lvSerialHold(xsMachine* the, lvSerial* serial)
{
	ssize_t n;
	if (serial->heldSize - serial->heldLength < 4096) {
		size_t size = serial->heldSize ? 2 * serial->heldSize : 65536;
		uint8_t* bigger;
		if (size > lvSerialMaxHeld) xsUnknownError("serial: %u bytes came in while a write waited", (unsigned)serial->heldLength);
		bigger = c_realloc(serial->held, size);
		if (!bigger) xsUnknownError("serial: out of memory");
		serial->held = bigger;
		serial->heldSize = size;
	}
	n = read(serial->fd, serial->held + serial->heldLength, serial->heldSize - serial->heldLength);
	if (n > 0) serial->heldLength += (size_t)n;
	else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) xsUnknownError("serial: read: %s", strerror(errno));
}

void xs_lv_serial_write(xsMachine* the)
{
	lvSerial* serial = lvSerialOf(the);
	void* data;
	xsUnsignedValue length, done = 0;
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	/* no XS call runs in this loop, so the buffer cannot move meanwhile */
	while (done < length) {
		ssize_t n = write(serial->fd, (const uint8_t*)data + done, length - done);
		if (n < 0) {
			if (errno == EINTR) continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				struct pollfd p = { serial->fd, POLLIN | POLLOUT, 0 };
				if (poll(&p, 1, 30000) == 0) xsUnknownError("serial: line full for 30 s");
				if (p.revents & POLLIN) lvSerialHold(the, serial);
				continue;
			}
			xsUnknownError("serial: write: %s", strerror(errno));
		}
		done += (xsUnsignedValue)n;
	}
}

void xs_lv_serial_read(xsMachine* the)
{
	lvSerial* serial = lvSerialOf(the);
	void* data;
	xsUnsignedValue length;
	int timeout = xsmcToInteger(xsArg(1));
	struct pollfd p = { serial->fd, POLLIN, 0 };
	ssize_t n;
	xsmcGetBufferWritable(xsArg(0), &data, &length);
	if (serial->heldLength) {
		size_t take = serial->heldLength < length ? serial->heldLength : length;
		c_memcpy(data, serial->held, take);
		c_memmove(serial->held, serial->held + take, serial->heldLength - take);
		serial->heldLength -= take;
		xsmcSetInteger(xsResult, (xsIntegerValue)take);
		return;
	}
	xsmcSetInteger(xsResult, 0);
	if (poll(&p, 1, timeout < 0 ? 0 : timeout) <= 0)
		return;
	if (p.revents & (POLLHUP | POLLERR) && !(p.revents & POLLIN))
		xsUnknownError("serial: the line hung up");
	n = read(serial->fd, data, length);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
		xsUnknownError("serial: read: %s", strerror(errno));
	}
	xsmcSetInteger(xsResult, (xsIntegerValue)n);
}

void xs_lv_serial_close(xsMachine* the)
{
	xs_lv_serial_destructor(lvSerialOf(the));
	xsmcSetHostData(xsThis, NULL);
}
