/*
 * LIGHTVIBES XS host: a UDP socket for the HIL rig bridge (hal/xs/hil-transport.ts), because lvxs
 * has no event loop of its own: the script's loop (hal/xs/hil-loop.ts) waits here, in poll(2),
 * until a datagram comes or its next timer is due. On a board, Moddable's embedded:io UDP socket
 * with its onReadable callback plays this part.
 *
 *   class XsUdp extends Native("xs_lv_udp_destructor")
 *   xs_lv_udp_open(host, port, peerHost, peerPort)   bind host:port (0: any free port), connect to
 *       the peer so the kernel keeps every other sender out
 *   xs_lv_udp_port() -> n                     the bound port
 *   xs_lv_udp_send(bytes) -> bool              one datagram; false when the kernel dropped it
 *       (no buffer, or the peer's port refused): UDP loses, the protocol recovers
 *   xs_lv_udp_receive(buffer, timeoutMs) -> n  one datagram into buffer; -1 when none came in time.
 *       n is the datagram's length: more than the buffer's when it was cut short
 *   xs_lv_udp_close()
 */
#include "lvxs.h"
#include "xsmc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
	int fd;
} lvUdp;

void xs_lv_udp_destructor(void* data)
{
	lvUdp* udp = data;
	if (!udp) return;
	if (udp->fd >= 0) close(udp->fd);
	c_free(udp);
}

static lvUdp* lvUdpOf(xsMachine* the)
{
	lvUdp* udp = xsmcGetHostDataValidate(xsThis, xs_lv_udp_destructor);
	if (!udp) xsUnknownError("udp: closed");
	return udp;
}

static void lvUdpAddress(xsMachine* the, int arg, const char* name, struct sockaddr_in* address)
{
	int port = xsmcToInteger(xsArg(arg + 1));
	c_memset(address, 0, sizeof *address);
	address->sin_family = AF_INET;
	if (inet_pton(AF_INET, xsmcToString(xsArg(arg)), &address->sin_addr) != 1)
		xsTypeError("udp: \"%s\" expected a dotted IPv4 address", name);
	if (port < 0 || port > 65535)
		xsRangeError("udp: \"%s\" port expected an integer in [0, 65535], got %d", name, port);
	address->sin_port = htons((uint16_t)port);
}

void xs_lv_udp_open(xsMachine* the)
{
	struct sockaddr_in local, peer;
	int size = 4 << 20;
	lvUdp* udp;
	if (xsmcArgc < 4) xsTypeError("udp: open(host, port, peerHost, peerPort)");
	lvUdpAddress(the, 0, "host", &local);
	lvUdpAddress(the, 2, "peer", &peer);
	udp = c_calloc(1, sizeof(lvUdp));
	if (!udp) xsUnknownError("udp: out of memory");
	udp->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (udp->fd < 0) { c_free(udp); xsUnknownError("udp: socket: %s", strerror(errno)); }
	/* room for what the rig sends while the agent computes (the kernel caps it at rmem_max) */
	setsockopt(udp->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	setsockopt(udp->fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
	if (bind(udp->fd, (struct sockaddr*)&local, sizeof local) || connect(udp->fd, (struct sockaddr*)&peer, sizeof peer)) {
		int e = errno;
		xs_lv_udp_destructor(udp);
		xsUnknownError("udp: bind/connect: %s", strerror(e));
	}
	xsmcSetHostData(xsThis, udp);
}

void xs_lv_udp_port(xsMachine* the)
{
	lvUdp* udp = lvUdpOf(the);
	struct sockaddr_in local;
	socklen_t length = sizeof local;
	if (getsockname(udp->fd, (struct sockaddr*)&local, &length)) xsUnknownError("udp: getsockname: %s", strerror(errno));
	xsmcSetInteger(xsResult, ntohs(local.sin_port));
}

void xs_lv_udp_send(xsMachine* the)
{
	lvUdp* udp = lvUdpOf(the);
	void* data;
	xsUnsignedValue length;
	ssize_t sent;
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	do sent = send(udp->fd, data, length, MSG_DONTWAIT);
	while (sent < 0 && errno == EINTR);
	if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNREFUSED && errno != ENOBUFS)
		xsUnknownError("udp: send: %s", strerror(errno));
	xsmcSetBoolean(xsResult, sent == (ssize_t)length);
}

void xs_lv_udp_receive(xsMachine* the)
{
	lvUdp* udp = lvUdpOf(the);
	void* data;
	xsUnsignedValue length;
	int timeout = xsmcToInteger(xsArg(1));
	struct pollfd p = { udp->fd, POLLIN, 0 };
	ssize_t got;
	xsmcGetBufferWritable(xsArg(0), &data, &length);
	xsmcSetInteger(xsResult, -1);
	if (poll(&p, 1, timeout < 0 ? 0 : timeout) <= 0)
		return; /* nothing in time (EINTR counts as nothing: the loop comes back) */
	/* no XS call runs between here and recv, so the buffer cannot move meanwhile */
	got = recv(udp->fd, data, length, MSG_DONTWAIT | MSG_TRUNC);
	if (got < 0) {
		/* ECONNREFUSED: an ICMP error for an earlier send; the datagram was lost, as UDP may */
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNREFUSED) return;
		xsUnknownError("udp: recv: %s", strerror(errno));
	}
	xsmcSetInteger(xsResult, (xsIntegerValue)got);
}

void xs_lv_udp_close(xsMachine* the)
{
	xs_lv_udp_destructor(lvUdpOf(the));
	xsmcSetHostData(xsThis, NULL);
}
