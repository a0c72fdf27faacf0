/*
 * dns: lookups over the cellular link with c-ares (see dns.h).
 *
 * One c-ares channel per lookup, configured entirely from the conf (so
 * that nothing in /etc/resolv.conf or the environment applies), driven from
 * the caller's loop: c-ares says which sockets to watch through its socket
 * state callback, and when it next needs to run through ares_timeout().
 * A lookup holds two timers: c-ares' next timeout, and our deadline, which
 * bounds the lookup and also reports outcomes staged while starting.
 *
 * c-ares calls back from inside its own functions (ares_getaddrinfo,
 * ares_process_fd, ares_destroy), where the channel must not be
 * destroyed; so its callbacks only record, and the outcome is reported
 * once the c-ares call has returned, by a function that frees the lookup
 * first, so the callback may start the next lookup or tear everything down.
 */
#include "dns.h"

#include <ares.h>
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "link.h"
#include "text.h"

#define DNS_LABEL_MAX 63

struct dns_lookup {
	struct ev_loop *loop;
	ares_channel channel;   /* NULL for a literal, or until set up */
	bool library;           /* ares_library_init() to balance */
	bool closing;           /* in ares_destroy(): its callbacks are ignored */
	ev_timer_id ares_timer; /* c-ares' next timeout */
	ev_timer_id deadline;   /* ours; 0 ms when an outcome is staged */
	dns_lookup_cb cb;
	void *arg;
	char ifname[IFNAMSIZ];
	char name[DNS_NAME_MAX + 2];
	char servers[DNS_SERVERS_TEXT_MAX];
	int nservers;
	int timeout_ms;
	bool decided;             /* res holds the outcome */
	char refusal[DNS_ERRLEN]; /* why a socket was refused, if one was */
	struct dns_lookup_result res;
};

/* --- the parts that are ours --- */

static bool
host_char(char c)
{
	return text_isalnum(c) || c == '-' || c == '_';
}

bool
dns_host_name_ok(const char *name)
{
	size_t i = 0, lab, len = strlen(name);

	if (len > 0 && name[len - 1] == '.')
		len--; /* the root, once */
	if (len == 0 || len > DNS_NAME_MAX || name[len - 1] == '.')
		return false;
	while (i < len) {
		for (lab = 0; i + lab < len && name[i + lab] != '.'; lab++)
			if (!host_char(name[i + lab]))
				return false;
		if (lab == 0 || lab > DNS_LABEL_MAX)
			return false;
		i += lab + 1; /* and the dot */
	}
	return true;
}

int
dns_servers_text(const struct in_addr *servers, int n, uint16_t port, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];
	size_t used = 0;
	int i, w;

	if (n < 1 || n > DNS_MAX_SERVERS || len == 0)
		return -1;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		inet_ntop(AF_INET, &servers[i], a, sizeof(a));
		w = snprintf(buf + used, len - used, "%s%s:%u", i > 0 ? "," : "", a,
		    port != 0 ? port : DNS_PORT);
		if (w < 0 || (size_t)w >= len - used)
			return -1;
		used += (size_t)w;
	}
	return 0;
}

const char *
dns_status_text(int status)
{
	switch (status) {
	case ARES_ENOTFOUND:
		return "no such name (NXDOMAIN)";
	case ARES_ENODATA:
		return "no A record";
	case ARES_ESERVFAIL:
		return "server answered SERVFAIL";
	case ARES_EREFUSED:
		return "server answered REFUSED";
	case ARES_EFORMERR:
		return "server answered FORMERR";
	case ARES_ENOTIMP:
		return "server answered NOTIMP";
	case ARES_EBADRESP:
		return "malformed answer";
	case ARES_ETIMEOUT:
		return "no answer";
	case ARES_ECONNREFUSED:
		return "refused or unreachable";
	case ARES_EBADNAME:
		return "not a valid host name";
	default:
		return ares_strerror(status);
	}
}

/* --- the lookup --- */

/* Stage a failure; the message names the interface, the servers and the
 * name. */
static void
lookup_fail(struct dns_lookup *l, const char *reason)
{
	l->res.ok = false;
	l->res.naddr = 0;
	snprintf(l->res.msg, sizeof(l->res.msg), "%s: DNS %s: %.80s: %.80s", l->ifname, l->servers,
	    l->name, reason);
	l->decided = true;
}

/* The same, for a system call that failed with errno. */
static void
lookup_fail_errno(struct dns_lookup *l, const char *what)
{
	char reason[DNS_ERRLEN];

	snprintf(reason, sizeof(reason), "%s: %s", what, strerror(errno));
	lookup_fail(l, reason);
}

/* How long the lookup may take in all (dns.h). */
static int64_t
lookup_bound_ms(const struct dns_lookup *l)
{
	return (int64_t)DNS_TRIES * l->nservers * l->timeout_ms;
}

/* No answer in time: the same words whoever noticed first, c-ares or us. */
static void
lookup_fail_timeout(struct dns_lookup *l)
{
	char reason[64];

	if (l->nservers == 1)
		snprintf(reason, sizeof(reason), "no answer in %d tries of %d ms", DNS_TRIES,
		    l->timeout_ms);
	else
		snprintf(reason, sizeof(reason), "no answer from %d servers in %lld ms",
		    l->nservers, (long long)lookup_bound_ms(l));
	lookup_fail(l, reason);
}

static void
lookup_free(struct dns_lookup *l)
{
	l->closing = true;
	if (l->channel != NULL)
		ares_destroy(l->channel); /* closes its sockets: ev_fd_del through on_sock_state */
	if (l->library)
		ares_library_cleanup();
	ev_timer_cancel(l->loop, l->ares_timer);
	ev_timer_cancel(l->loop, l->deadline);
	free(l);
}

static void
lookup_finish(struct dns_lookup *l)
{
	struct dns_lookup_result res = l->res;
	dns_lookup_cb cb = l->cb;
	void *arg = l->arg;

	lookup_free(l);
	cb(&res, arg);
}

static void
on_deadline(void *arg)
{
	struct dns_lookup *l = arg;

	l->deadline = 0;
	if (!l->decided)
		lookup_fail_timeout(l);
	lookup_finish(l);
}

static void on_ares_timer(void *arg);

/* Wake c-ares when it next has something to time out. */
static void
arm_ares_timer(struct dns_lookup *l)
{
	struct timeval buf, *tv;
	int64_t ms;

	ev_timer_cancel(l->loop, l->ares_timer);
	l->ares_timer = 0;
	if ((tv = ares_timeout(l->channel, NULL, &buf)) == NULL)
		return;
	ms = (int64_t)tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000; /* never early */
	l->ares_timer = ev_timer_add(l->loop, ms, on_ares_timer, l);
	if (l->ares_timer == 0)
		lookup_fail_errno(l, "event loop");
}

/* After c-ares ran from the loop: report, or wait for it again. */
static void
lookup_settle(struct dns_lookup *l)
{
	if (!l->decided)
		arm_ares_timer(l);
	if (l->decided)
		lookup_finish(l);
}

static void
on_ares_timer(void *arg)
{
	struct dns_lookup *l = arg;

	l->ares_timer = 0;
	ares_process_fd(l->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	lookup_settle(l);
}

static void
on_fd(int fd, short revents, void *arg)
{
	struct dns_lookup *l = arg;
	bool readable = (revents & (POLLIN | POLLERR | POLLHUP)) != 0;
	bool writable = (revents & POLLOUT) != 0;

	ares_process_fd(l->channel, readable ? fd : ARES_SOCKET_BAD,
	    writable ? fd : ARES_SOCKET_BAD);
	lookup_settle(l);
}

/* c-ares opened, changed or closed one of its sockets. */
static void
on_sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct dns_lookup *l = data;
	short events = (short)((readable ? POLLIN : 0) | (writable ? POLLOUT : 0));

	if (events == 0) {
		ev_fd_del(l->loop, fd);
		return;
	}
	if (ev_fd_add(l->loop, fd, events, on_fd, l) == -1 && !l->decided)
		lookup_fail_errno(l, "event loop");
}

/* Before c-ares connects a socket: it must be tied to the link. */
static int
on_sock_config(ares_socket_t fd, int type, void *data)
{
	struct dns_lookup *l = data;
	char why[LINK_ERRLEN];

	(void)type;
	if (link_sys_tied(fd, l->ifname, why, sizeof(why)) == 0)
		return 0;
	snprintf(l->refusal, sizeof(l->refusal), "%s", why);
	return -1;
}

/* ARES_ECONNREFUSED says only that no try got through: find out why. */
static const char *
refused_reason(struct dns_lookup *l, char *buf, size_t len)
{
	struct link_iface ifc;

	if (l->refusal[0] != '\0')
		return l->refusal;
	if (link_iface_get(l->ifname, &ifc, buf, len) == -1)
		return buf;
	if (!ifc.exists)
		return "the interface is gone";
	if (!ifc.up)
		return "the interface is down";
	if (!ifc.has_addr)
		return "the interface has no IPv4 address";
	return dns_status_text(ARES_ECONNREFUSED);
}

/* The answer's IPv4 addresses, in order, up to DNS_MAX_ADDRS. */
static int
take_addrs(const struct ares_addrinfo *ai, struct in_addr *addr)
{
	const struct ares_addrinfo_node *n;
	struct sockaddr_in sin;
	int count = 0;

	for (n = ai != NULL ? ai->nodes : NULL; n != NULL && count < DNS_MAX_ADDRS;
	    n = n->ai_next) {
		if (n->ai_family != AF_INET || n->ai_addrlen < sizeof(sin))
			continue;
		memcpy(&sin, n->ai_addr, sizeof(sin));
		addr[count++] = sin.sin_addr;
	}
	return count;
}

/* c-ares' verdict on the query (from inside a c-ares call: record only). */
static void
on_answer(void *arg, int status, int timeouts, struct ares_addrinfo *ai)
{
	struct dns_lookup *l = arg;
	char buf[LINK_ERRLEN];

	(void)timeouts;
	if (l->closing || l->decided) {
		ares_freeaddrinfo(ai);
		return;
	}
	if (status == ARES_SUCCESS && (l->res.naddr = take_addrs(ai, l->res.addr)) > 0) {
		l->res.ok = true;
		l->decided = true;
	} else if (status == ARES_ECONNREFUSED) {
		lookup_fail(l, refused_reason(l, buf, sizeof(buf)));
	} else if (status == ARES_ETIMEOUT) {
		lookup_fail_timeout(l);
	} else {
		lookup_fail(l, dns_status_text(status == ARES_SUCCESS ? ARES_ENODATA : status));
	}
	ares_freeaddrinfo(ai);
}

/* A channel that asks only conf's servers, from sockets bound to the
 * interface's address and tied to it.  Every setting comes from here, so
 * that c-ares has no reason to read resolv.conf: servers (ARES_OPT_SERVERS
 * is ares_set_servers() at init), lookups "b" (DNS only, no hosts file), no
 * search domains, no sort list.  No EDNS: answers fit in 512 octets, and
 * a truncated one is asked again over TCP.  NOCHECKRESP: a SERVFAIL or
 * REFUSED is reported as such, not taken as a reason to retry. */
static int
channel_open(struct dns_lookup *l, const struct dns_lookup_conf *conf, struct in_addr local,
    char *err, size_t errlen)
{
	struct in_addr servers[DNS_MAX_SERVERS];
	char lookups[] = "b";
	struct ares_options o;
	int st, mask;

	if ((st = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS)
		return text_errf(err, errlen, "resolve: c-ares: %s", ares_strerror(st));
	l->library = true;
	memcpy(servers, conf->servers, sizeof(servers));
	memset(&o, 0, sizeof(o));
	o.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_NOCHECKRESP;
	o.timeout = conf->timeout_ms;
	o.tries = DNS_TRIES;
	o.ndots = 1;
	o.udp_port = o.tcp_port = conf->port != 0 ? conf->port : DNS_PORT;
	o.servers = servers;
	o.nservers = conf->nservers;
	o.lookups = lookups;
	o.sock_state_cb = on_sock_state;
	o.sock_state_cb_data = l;
	mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_NDOTS |
	    ARES_OPT_UDP_PORT | ARES_OPT_TCP_PORT | ARES_OPT_SERVERS | ARES_OPT_DOMAINS |
	    ARES_OPT_LOOKUPS | ARES_OPT_SOCK_STATE_CB | ARES_OPT_SORTLIST | ARES_OPT_NOROTATE;
	if ((st = ares_init_options(&l->channel, &o, mask)) != ARES_SUCCESS) {
		l->channel = NULL;
		return text_errf(err, errlen, "resolve: c-ares: %s", ares_strerror(st));
	}
	ares_set_local_ip4(l->channel, ntohl(local.s_addr));
	ares_set_local_dev(l->channel, l->ifname); /* no-op where there is no SO_BINDTODEVICE */
	ares_set_socket_configure_callback(l->channel, on_sock_config, l);
	return 0;
}

/* Report the staged outcome from the loop, soon; -1 with err when the
 * loop could not take the timer. */
static int
lookup_defer(struct dns_lookup *l, char *err, size_t errlen)
{
	ev_timer_cancel(l->loop, l->deadline);
	l->deadline = ev_timer_add(l->loop, 0, on_deadline, l);
	if (l->deadline != 0)
		return 0;
	return text_errf(err, errlen, "resolve: event loop: %s", strerror(errno));
}

/* Ask; what goes wrong on the way is staged.  -1 with err only when
 * c-ares or the loop could not be set up. */
static int
lookup_begin(struct dns_lookup *l, const struct dns_lookup_conf *conf, char *err, size_t errlen)
{
	struct ares_addrinfo_hints hints;
	struct link_iface ifc;
	char why[LINK_ERRLEN];

	if (link_iface_get(l->ifname, &ifc, why, sizeof(why)) == -1)
		lookup_fail(l, why);
	else if (!ifc.exists)
		lookup_fail(l, "no such interface");
	else if (!ifc.has_addr)
		lookup_fail(l, "the interface has no IPv4 address");
	if (l->decided)
		return lookup_defer(l, err, errlen);
	if (channel_open(l, conf, ifc.addr, err, errlen) == -1)
		return -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_flags = ARES_AI_NOSORT; /* the answer's order; sorting would open sockets */
	ares_getaddrinfo(l->channel, l->name, NULL, &hints, on_answer, l);
	if (!l->decided) /* it may end inside: no socket could be opened */
		arm_ares_timer(l);
	if (l->decided)
		return lookup_defer(l, err, errlen);
	l->deadline = ev_timer_add(l->loop, lookup_bound_ms(l), on_deadline, l);
	if (l->deadline == 0)
		return text_errf(err, errlen, "resolve: event loop: %s", strerror(errno));
	return 0;
}

/* A literal needs no query: its answer is reported from the loop. */
static int
lookup_literal(struct dns_lookup *l, struct in_addr a, char *err, size_t errlen)
{
	l->res.ok = true;
	l->res.naddr = 1;
	l->res.addr[0] = a;
	l->decided = true;
	return lookup_defer(l, err, errlen);
}

static bool
conf_ok(const struct dns_lookup_conf *conf, dns_lookup_cb cb)
{
	return conf->ifname != NULL && conf->ifname[0] != '\0' &&
	    strlen(conf->ifname) < IFNAMSIZ && conf->name != NULL && conf->timeout_ms > 0 &&
	    conf->nservers >= 1 && conf->nservers <= DNS_MAX_SERVERS && cb != NULL;
}

struct dns_lookup *
dns_lookup_start(struct ev_loop *loop, const struct dns_lookup_conf *conf, dns_lookup_cb cb,
    void *arg, char *err, size_t errlen)
{
	struct dns_lookup *l;
	struct in_addr literal;
	bool is_literal;

	if (!conf_ok(conf, cb)) {
		text_errf(err, errlen, "resolve: bad interface, servers, name or timeout");
		return NULL;
	}
	is_literal = inet_pton(AF_INET, conf->name, &literal) == 1;
	if (!is_literal && !dns_host_name_ok(conf->name)) {
		text_errf(err, errlen, "resolve: \"%.64s\" is not a valid host name", conf->name);
		return NULL;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		text_errf(err, errlen, "resolve: %s", strerror(errno));
		return NULL;
	}
	l->loop = loop;
	l->cb = cb;
	l->arg = arg;
	snprintf(l->ifname, sizeof(l->ifname), "%s", conf->ifname);
	snprintf(l->name, sizeof(l->name), "%s", conf->name);
	dns_servers_text(conf->servers, conf->nservers, conf->port, l->servers, sizeof(l->servers));
	l->nservers = conf->nservers;
	l->timeout_ms = conf->timeout_ms;
	if ((is_literal ? lookup_literal(l, literal, err, errlen) :
			  lookup_begin(l, conf, err, errlen)) == -1) {
		lookup_free(l);
		return NULL;
	}
	return l;
}

void
dns_lookup_cancel(struct dns_lookup *l)
{
	if (l != NULL)
		lookup_free(l);
}
