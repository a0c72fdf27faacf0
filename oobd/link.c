/*
 * link: interface state, host routes and the egress probe over the
 * cellular interface (see link.h).  What differs between Linux and FreeBSD
 * (counters, the routing socket, tying a socket to an interface) is in
 * link_linux.c and link_freebsd.c.
 *
 * A probe is one socket and one timer in the caller's loop.  Failures
 * found while starting are staged in the object and reported from a 0 ms
 * timer, so a callback never runs inside link_probe_start; every report
 * goes through one function that frees the object first, so the callback
 * may start the next probe or tear everything down.
 */
#include "link.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tsmath.h"

static bool
valid_ifname(const char *name)
{
	return name != NULL && name[0] != '\0' && strlen(name) < IFNAMSIZ;
}

static void
in_copy(struct in_addr *dst, const struct sockaddr *sa)
{
	struct sockaddr_in sin;

	memcpy(&sin, sa, sizeof(sin)); /* getifaddrs' sockaddrs need not be aligned */
	*dst = sin.sin_addr;
}

/* One getifaddrs(3) entry of the interface. */
static void
iface_take(const struct ifaddrs *i, struct link_iface *ifc)
{
	ifc->exists = true;
	ifc->up = (i->ifa_flags & IFF_UP) != 0;
	ifc->running = (i->ifa_flags & IFF_RUNNING) != 0;
	ifc->pointopoint = (i->ifa_flags & IFF_POINTOPOINT) != 0;
	if (i->ifa_addr == NULL)
		return;
	if (i->ifa_addr->sa_family != AF_INET) {
		link_sys_counters(i->ifa_addr, i->ifa_data, ifc);
		return;
	}
	if (ifc->has_addr)
		return;
	in_copy(&ifc->addr, i->ifa_addr);
	ifc->has_addr = true;
	if (ifc->pointopoint && i->ifa_dstaddr != NULL && i->ifa_dstaddr->sa_family == AF_INET) {
		in_copy(&ifc->peer, i->ifa_dstaddr);
		/* a link configured without a peer reports its own address */
		ifc->has_peer = ifc->peer.s_addr != ifc->addr.s_addr && ifc->peer.s_addr != 0;
	}
}

int
link_iface_get(const char *name, struct link_iface *ifc, char *err, size_t errlen)
{
	struct ifaddrs *list, *i;

	memset(ifc, 0, sizeof(*ifc));
	if (!valid_ifname(name)) {
		snprintf(err, errlen, "\"%.32s\": not an interface name", name ? name : "");
		return -1;
	}
	if (getifaddrs(&list) == -1) {
		snprintf(err, errlen, "getifaddrs: %s", strerror(errno));
		return -1;
	}
	for (i = list; i != NULL; i = i->ifa_next)
		if (i->ifa_name != NULL && strcmp(i->ifa_name, name) == 0)
			iface_take(i, ifc);
	freeifaddrs(list);
	return 0;
}

struct in_addr
link_gateway(const struct link_iface *ifc, struct in_addr configured)
{
	return ifc->has_peer ? ifc->peer : configured;
}

static int
route_change(bool add, struct in_addr dest, struct in_addr gw, const char *ifname, char *err,
    size_t errlen)
{
	if (!valid_ifname(ifname)) {
		snprintf(err, errlen, "\"%.32s\": not an interface name", ifname ? ifname : "");
		return -1;
	}
	return link_sys_route(add, dest, gw, ifname, err, errlen);
}

int
link_route_add(struct in_addr dest, struct in_addr gw, const char *ifname, char *err,
    size_t errlen)
{
	return route_change(true, dest, gw, ifname, err, errlen);
}

int
link_route_del(struct in_addr dest, struct in_addr gw, const char *ifname, char *err,
    size_t errlen)
{
	return route_change(false, dest, gw, ifname, err, errlen);
}

/* A TCP socket, nonblocking, tied to ifname and bound to an ephemeral
 * port, connecting to dest:port.  Returns the fd, or -1 with errno and
 * err. */
static int
open_tied(const char *ifname, struct in_addr dest, uint16_t port, char *err, size_t errlen)
{
	struct sockaddr_in sin;
	int fd, e;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		e = errno;
		snprintf(err, errlen, "socket: %s", strerror(e));
		errno = e;
		return -1;
	}
	if (link_sys_bind(fd, ifname, err, errlen) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = dest;
	sin.sin_port = htons(port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 || errno == EINPROGRESS)
		return fd;
	e = errno;
	snprintf(err, errlen, "%s", strerror(e));
	close(fd);
	errno = e;
	return -1;
}

/* --- egress probe --- */

struct link_probe {
	struct ev_loop *loop;
	int fd;
	ev_timer_id timer;
	link_probe_cb cb;
	void *arg;
	char ifname[IFNAMSIZ];
	struct in_addr dest;
	uint16_t port;
	int timeout_ms;
	char expect[LINK_BANNER_MAX]; /* "" when no banner is wanted */
	bool connected;
	struct timespec started;
	char line[LINK_BANNER_MAX]; /* what the server sent so far */
	size_t linelen;
	struct link_probe_result res; /* staged outcome */
};

const char *
link_probe_status_name(enum link_probe_status s)
{
	switch (s) {
	case LINK_PROBE_OK:
		return "ok";
	case LINK_PROBE_REFUSED:
		return "refused";
	case LINK_PROBE_TIMEOUT:
		return "timeout";
	case LINK_PROBE_UNREACHABLE:
		return "unreachable";
	case LINK_PROBE_BAD_BANNER:
		return "bad banner";
	case LINK_PROBE_ERROR:
		break;
	}
	return "error";
}

static enum link_probe_status
probe_status_of(int e)
{
	switch (e) {
	case ECONNREFUSED:
		return LINK_PROBE_REFUSED;
	case ETIMEDOUT:
		return LINK_PROBE_TIMEOUT;
	case ENETUNREACH:
	case EHOSTUNREACH:
	case ENETDOWN:
	case EHOSTDOWN:
	case ENODEV:
	case ENXIO:
	case EADDRNOTAVAIL:
		return LINK_PROBE_UNREACHABLE;
	default:
		return LINK_PROBE_ERROR;
	}
}

static void probe_set(struct link_probe *p, enum link_probe_status st, int e, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

/* Stage the outcome; the message says which interface and destination. */
static void
probe_set(struct link_probe *p, enum link_probe_status st, int e, const char *fmt, ...)
{
	char what[LINK_ERRLEN], dest[INET_ADDRSTRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	inet_ntop(AF_INET, &p->dest, dest, sizeof(dest));
	p->res.status = st;
	p->res.error = e;
	snprintf(p->res.msg, sizeof(p->res.msg), "%s: %s:%u: %.200s", p->ifname, dest, p->port,
	    what);
}

static void
probe_free(struct link_probe *p)
{
	if (p->fd != -1) {
		ev_fd_del(p->loop, p->fd);
		close(p->fd);
	}
	ev_timer_cancel(p->loop, p->timer);
	free(p);
}

/* Report the staged outcome and free the probe. */
static void
probe_finish(struct link_probe *p)
{
	struct link_probe_result res = p->res;
	link_probe_cb cb = p->cb;
	void *arg = p->arg;

	res.elapsed_ms = ts_to_ms(ts_sub(ts_now_mono(), p->started));
	probe_free(p);
	cb(&res, arg);
}

static void
probe_on_timer(void *arg)
{
	struct link_probe *p = arg;

	p->timer = 0;
	if (p->res.msg[0] == '\0') { /* the deadline, not a staged failure */
		if (p->connected)
			probe_set(p, LINK_PROBE_TIMEOUT, 0, "connected, but no banner within %d ms",
			    p->timeout_ms);
		else
			probe_set(p, LINK_PROBE_TIMEOUT, 0, "no answer within %d ms", p->timeout_ms);
	}
	probe_finish(p);
}

/* The first line as printable ASCII, for the result and messages. */
static void
banner_text(const char *line, size_t len, char *out, size_t outlen)
{
	size_t i;

	for (i = 0; i < len && i + 1 < outlen && line[i] != '\r' && line[i] != '\n'; i++)
		out[i] = line[i] >= ' ' && line[i] <= '~' ? line[i] : '?';
	out[i] = '\0';
}

/* Judge what the server sent so far: true once decided (staged). */
static bool
probe_judge_banner(struct link_probe *p, bool eof)
{
	size_t want = strlen(p->expect);
	size_t cmp = p->linelen < want ? p->linelen : want;
	bool complete;

	banner_text(p->line, p->linelen, p->res.banner, sizeof(p->res.banner));
	if (memcmp(p->line, p->expect, cmp) != 0) {
		probe_set(p, LINK_PROBE_BAD_BANNER, 0, "expected \"%s\", got \"%s\"", p->expect,
		    p->res.banner);
		return true;
	}
	complete = memchr(p->line, '\n', p->linelen) != NULL || p->linelen == sizeof(p->line);
	if (p->linelen >= want && (complete || eof)) {
		probe_set(p, LINK_PROBE_OK, 0, "%s", p->res.banner);
		return true;
	}
	if (eof) {
		probe_set(p, LINK_PROBE_BAD_BANNER, 0, "connection closed before a banner");
		return true;
	}
	return false;
}

static void
probe_read(struct link_probe *p)
{
	ssize_t n;

	n = recv(p->fd, p->line + p->linelen, sizeof(p->line) - p->linelen, 0);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		probe_set(p, probe_status_of(errno), errno, "connected, then: %s",
		    strerror(errno));
		probe_finish(p);
		return;
	}
	p->linelen += (size_t)n;
	if (probe_judge_banner(p, n == 0))
		probe_finish(p);
}

static void
probe_on_fd(int fd, short revents, void *arg)
{
	struct link_probe *p = arg;
	int soerr = 0;
	socklen_t sl = sizeof(soerr);

	(void)revents;
	if (p->connected) {
		probe_read(p);
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1)
		soerr = errno;
	if (soerr != 0) {
		probe_set(p, probe_status_of(soerr), soerr, "%s", strerror(soerr));
		probe_finish(p);
		return;
	}
	p->connected = true;
	if (p->expect[0] == '\0') {
		probe_set(p, LINK_PROBE_OK, 0, "connected");
		probe_finish(p);
		return;
	}
	if (ev_fd_events(p->loop, fd, POLLIN) == -1) {
		probe_set(p, LINK_PROBE_ERROR, errno, "event loop: %s", strerror(errno));
		probe_finish(p);
	}
}

/* Report the staged outcome from the loop, soon. */
static int
probe_defer(struct link_probe *p)
{
	ev_timer_cancel(p->loop, p->timer);
	p->timer = ev_timer_add(p->loop, 0, probe_on_timer, p);
	return p->timer == 0 ? -1 : 0;
}

/* Open and connect; failures are staged. -1 only when the loop refused. */
static int
probe_begin(struct link_probe *p)
{
	char why[LINK_ERRLEN];

	p->fd = open_tied(p->ifname, p->dest, p->port, why, sizeof(why));
	if (p->fd == -1) {
		probe_set(p, probe_status_of(errno), errno, "%s", why);
		return probe_defer(p);
	}
	/* connecting or (rarely) connected: writable either way */
	return ev_fd_add(p->loop, p->fd, POLLOUT, probe_on_fd, p);
}

struct link_probe *
link_probe_start(struct ev_loop *loop, const struct link_probe_conf *conf, link_probe_cb cb,
    void *arg, char *err, size_t errlen)
{
	struct link_probe *p;

	if (!valid_ifname(conf->ifname) || conf->port == 0 || conf->timeout_ms <= 0 ||
	    cb == NULL || (conf->banner != NULL && strlen(conf->banner) >= LINK_BANNER_MAX)) {
		snprintf(err, errlen, "probe: bad interface, port, timeout or banner");
		return NULL;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errlen, "probe: %s", strerror(errno));
		return NULL;
	}
	p->loop = loop;
	p->fd = -1;
	p->cb = cb;
	p->arg = arg;
	snprintf(p->ifname, sizeof(p->ifname), "%s", conf->ifname);
	p->dest = conf->dest;
	p->port = conf->port;
	p->timeout_ms = conf->timeout_ms;
	if (conf->banner != NULL)
		snprintf(p->expect, sizeof(p->expect), "%s", conf->banner);
	p->started = ts_now_mono();
	p->timer = ev_timer_add(loop, conf->timeout_ms, probe_on_timer, p);
	if (p->timer == 0 || probe_begin(p) == -1) {
		snprintf(err, errlen, "probe: event loop: %s", strerror(errno));
		probe_free(p);
		return NULL;
	}
	return p;
}

void
link_probe_cancel(struct link_probe *p)
{
	if (p != NULL)
		probe_free(p);
}
