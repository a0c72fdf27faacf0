/*
 * Unit tests for oobd/link on real interfaces, in network namespaces that
 * the test makes for itself (it runs as root, as the suite does); and the
 * DNS lookups over the link (oobd/dns, c-ares), which need the same world.
 *
 * The test process moves into a private namespace ("box") and forks two
 * children that each take one of their own: "carrier", the far end of the
 * cellular link, and "home", the far end of the home uplink.  Between them,
 * veth pairs made with ip(8):
 *
 *   box: cell0 10.64.0.2/30  <->  carrier: carrier0 10.64.0.1/30
 *   box: home0 192.168.77.2/24 <-> home: uplink0 192.168.77.1/24
 *        default route via 192.168.77.1 (the home uplink)
 *
 * Both far ends have the relay's address 198.51.100.7 and the DNS server's
 * 192.0.2.53, but answer differently ("SSH-2.0-carrier" / "SSH-2.0-home",
 * relay.test = 198.51.100.7 / 203.0.113.66), so every check can tell which
 * way its packets went.  Only home has 203.0.113.80: a host the internet
 * has but the carrier cannot reach.  On each far end: port 22 sends its
 * banner, 2200 sends an HTTP line, 2201 accepts into the backlog and never
 * speaks, 23 is closed; 53 is a small DNS server (UDP, and TCP for
 * answers too big for UDP).  Home can answer the box's cellular address
 * (a route back to 10.64.0.0/30): a lookup that leaked out the home uplink
 * would get home's answer.
 *
 * Everything vanishes with the processes: the namespaces are never named.
 * Linux only (FreeBSD would need vnet jails); elsewhere only the checks
 * that need no namespace run, and the file says so in its output.
 */
#define _GNU_SOURCE /* unshare, CLONE_NEWNET */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef __linux__
#include <sched.h>
#include <sys/prctl.h>
#endif

#include "dns.h"
#include "evloop.h"
#include "link.h"
#include "tsmath.h"

#define RELAY "198.51.100.7"
#define HOME_ONLY "203.0.113.80"
#define DNS_SERVER "192.0.2.53"
#define CELL_GW "10.64.0.1"

static struct in_addr
ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static const char *
ntoa(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* Run the loop until *done or max_ms passed. */
static void
run_until(struct ev_loop *loop, const bool *done, int max_ms)
{
	struct timespec end = ts_add_ns(ts_now_mono(), (int64_t)max_ms * 1000000);

	while (!*done && ts_cmp(ts_now_mono(), end) < 0)
		ev_run_once(loop, 20);
}

/* --- checks that need no namespace --- */

static void
test_iface_loopback_and_missing(void **state)
{
	struct link_iface ifc;
	char err[LINK_ERRLEN], a[INET_ADDRSTRLEN];

	(void)state;
#ifdef __linux__
	const char *lo = "lo";
#else
	const char *lo = "lo0";
#endif
	assert_int_equal(link_iface_get(lo, &ifc, err, sizeof(err)), 0);
	assert_true(ifc.exists);
	if (ifc.has_addr)
		assert_string_equal(ntoa(ifc.addr, a), "127.0.0.1");
	assert_true(ifc.has_counters);
	assert_int_equal(link_iface_get("nosuch0", &ifc, err, sizeof(err)), 0);
	assert_false(ifc.exists);
	assert_int_equal(link_iface_get("", &ifc, err, sizeof(err)), -1);
	assert_int_equal(link_iface_get("a-name-far-too-long-for-ifnamsiz", &ifc, err,
			     sizeof(err)),
	    -1);
}

static void
test_gateway_choice(void **state)
{
	struct link_iface ifc = { 0 };
	char a[INET_ADDRSTRLEN];

	(void)state;
	assert_string_equal(ntoa(link_gateway(&ifc, ip(CELL_GW)), a), CELL_GW);
	ifc.pointopoint = ifc.has_peer = true;
	ifc.peer = ip("10.9.0.1");
	assert_string_equal(ntoa(link_gateway(&ifc, ip(CELL_GW)), a), "10.9.0.1");
}

#ifdef __linux__

struct res_rec {
	bool done;
	int calls;
	struct dns_lookup_result r;
};

static void
on_resolved(const struct dns_lookup_result *r, void *arg)
{
	struct res_rec *rec = arg;

	rec->r = *r;
	rec->calls++;
	rec->done = true;
}

/* --- ip(8) and the namespaces --- */

static const char *
ip_path(void)
{
	static const char *const paths[] = { "/sbin/ip", "/usr/sbin/ip", "/bin/ip",
		"/usr/bin/ip" };
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

/* Run ip(8) with the words of fmt (spaces separate them); its exit status,
 * or -1.  With out, its standard output goes there (NUL-terminated). */
static int ip_run(char *out, size_t outlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
ip_run(char *out, size_t outlen, const char *fmt, ...)
{
	char line[512], sink[256], *argv[32], *save = NULL, *w;
	int argc = 0, pfd[2], status;
	size_t got = 0;
	ssize_t n;
	va_list ap;
	pid_t pid;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	argv[argc++] = (char *)ip_path();
	for (w = strtok_r(line, " ", &save); w != NULL && argc < 31; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	if (argv[0] == NULL || pipe(pfd) == -1)
		return -1;
	if ((pid = fork()) == 0) {
		char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], out ? out + got : sink, out ? outlen - 1 - got : sizeof(sink))) > 0)
		if (out != NULL)
			got += (size_t)n;
	close(pfd[0]);
	if (out != NULL)
		out[got] = '\0';
	if (pid == -1 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

#define IP(...) assert_int_equal(ip_run(NULL, 0, __VA_ARGS__), 0)

static void
write_byte(int fd, char c)
{
	while (write(fd, &c, 1) == -1 && errno == EINTR)
		;
}

static char
read_byte(int fd)
{
	char c = 0;

	while (read(fd, &c, 1) == -1 && errno == EINTR)
		;
	return c;
}

/* --- the far ends' servers (in the children) --- */

struct far_end {
	const char *name;      /* "carrier", "home" */
	const char *ifname;    /* its end of the veth pair */
	const char *ifaddr;
	const char *lo_addrs[3];
	const char *banner;
	const char *relay_answer; /* relay.test's A record */
	bool full_zone;        /* the carrier also knows the other test names */
	const char *route_back; /* to the box's other side, or NULL */
};

static const struct far_end carrier = { "carrier", "carrier0", "10.64.0.1/30",
	{ RELAY, DNS_SERVER, NULL }, "SSH-2.0-carrier\r\n", "198.51.100.7", true, NULL };
static const struct far_end home = { "home", "uplink0", "192.168.77.1/24",
	{ RELAY, DNS_SERVER, HOME_ONLY }, "SSH-2.0-home\r\n", "203.0.113.66", false,
	"10.64.0.0/30 via 192.168.77.2" };

static int
listen_on(int type, const char *addr, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, type, 0), on = 1;

	if (addr != NULL)
		inet_pton(AF_INET, addr, &sin.sin_addr);

	if (fd == -1)
		_exit(20);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		_exit(21);
	if (type == SOCK_STREAM && listen(fd, 8) == -1)
		_exit(22);
	return fd;
}

static size_t
dns_put_name(uint8_t *p, const char *name)
{
	size_t o = 0;

	while (*name != '\0') {
		size_t n = strcspn(name, ".");
		p[o++] = (uint8_t)n;
		memcpy(p + o, name, n);
		o += n;
		name += n;
		if (*name == '.')
			name++;
	}
	p[o++] = 0;
	return o;
}

static size_t
dns_put_a(uint8_t *p, uint16_t owner, const char *addr)
{
	struct in_addr a;

	inet_pton(AF_INET, addr, &a);
	p[0] = (uint8_t)(0xc0 | owner >> 8);
	p[1] = (uint8_t)owner;
	memcpy(p + 2, "\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04", 10);
	memcpy(p + 12, &a.s_addr, 4);
	return 16;
}

/* The answer to query q (n bytes) in a, the way the test's zone says: its
 * length, or 0 for none.  Some names never get an answer (silent.test) or
 * only on the second try (once.test); tc.test is too big for UDP (TC). */
static size_t
dns_reply(const uint8_t *q, ssize_t n, uint8_t *a, const struct far_end *fe, bool tcp)
{
	static int once_seen;
	char name[256];
	size_t pos = 12, o = 0, len;
	uint16_t an = 0;
	int i;

	if (n < 17)
		return 0;
	while (pos < (size_t)n && q[pos] != 0 && q[pos] < 64 && o + q[pos] + 2 < sizeof(name)) {
		size_t l = q[pos++];
		if (o > 0)
			name[o++] = '.';
		memcpy(name + o, q + pos, l);
		o += l;
		pos += l;
	}
	name[o] = '\0';
	len = pos + 5;
	if (len > (size_t)n)
		return 0;
	memcpy(a, q, len);
	a[2] = 0x81;
	a[3] = 0x80;
	if (strcmp(name, "relay.test") == 0) {
		len += dns_put_a(a + len, 12, fe->relay_answer);
		an = 1;
	} else if (fe->full_zone && strcmp(name, "alias.test") == 0) {
		/* alias.test CNAME edge.relay.test; edge.relay.test A */
		memcpy(a + len, "\xc0\x0c\x00\x05\x00\x01\x00\x00\x00\x3c", 10);
		size_t target = len + 12;
		size_t tl = dns_put_name(a + target, "edge.relay.test");
		a[len + 10] = 0;
		a[len + 11] = (uint8_t)tl;
		len = target + tl;
		len += dns_put_a(a + len, (uint16_t)target, "198.51.100.8");
		an = 2;
	} else if (fe->full_zone && strcmp(name, "many.test") == 0) {
		static const char *const many[] = { "192.0.2.1", "192.0.2.2", "192.0.2.3",
			"192.0.2.4", "192.0.2.5", "192.0.2.6" };
		for (i = 0; i < 6; i++)
			len += dns_put_a(a + len, 12, many[i]);
		an = 6;
	} else if (fe->full_zone && strcmp(name, "once.test") == 0) {
		if (once_seen++ == 0)
			return 0;
		len += dns_put_a(a + len, 12, "198.51.100.77");
		an = 1;
	} else if (fe->full_zone && strcmp(name, "silent.test") == 0) {
		return 0;
	} else if (fe->full_zone && strcmp(name, "servfail.test") == 0) {
		a[3] = 0x82; /* SERVFAIL */
	} else if (fe->full_zone && strcmp(name, "noa.test") == 0) {
		/* NOERROR, no records: the name has no A record */
	} else if (fe->full_zone && strcmp(name, "tc.test") == 0) {
		if (tcp) {
			len += dns_put_a(a + len, 12, "198.51.100.9");
			an = 1;
		} else {
			a[2] |= 0x02; /* TC: ask again over TCP */
		}
	} else {
		a[3] = 0x83; /* NXDOMAIN */
	}
	a[6] = (uint8_t)(an >> 8);
	a[7] = (uint8_t)an;
	return len;
}

static void
dns_answer_udp(int fd, const struct far_end *fe)
{
	uint8_t q[512], a[512];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from, &fl);
	size_t len = dns_reply(q, n, a, fe, false);

	if (len > 0)
		sendto(fd, a, len, 0, (struct sockaddr *)&from, fl);
}

/* One query on one TCP connection (RFC 1035 4.2.2: a 2-octet length
 * first); the client is c-ares, which sends it whole at once. */
static void
dns_answer_tcp(int lfd, const struct far_end *fe)
{
	uint8_t q[2 + 512], a[2 + 512];
	struct timeval tv = { .tv_sec = 2 };
	int c = accept(lfd, NULL, NULL);
	ssize_t n, got = 0;
	size_t len;

	if (c == -1)
		return;
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (got < 2 || got < 2 + (q[0] << 8 | q[1])) {
		if ((n = read(c, q + got, sizeof(q) - (size_t)got)) <= 0)
			break;
		got += n;
	}
	if (got >= 2 && (len = dns_reply(q + 2, got - 2, a + 2, fe, true)) > 0) {
		a[0] = (uint8_t)(len >> 8);
		a[1] = (uint8_t)len;
		(void)!write(c, a, len + 2);
	}
	close(c);
}

static void
serve_banner(int lfd, const char *line)
{
	int c = accept(lfd, NULL, NULL);

	if (c == -1)
		return;
	(void)!write(c, line, strlen(line));
	close(c);
}

static bool
write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	bool ok;

	if (fd == -1)
		return false;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok;
}

/* A far end's life: its own namespace, ip(8) set-up, then serve. */
static void
far_end_main(const struct far_end *fe, int up, int down)
{
	struct pollfd p[4];
	int i, silent;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (unshare(CLONE_NEWNET) == -1)
		_exit(10);
	write_byte(up, 'U');
	if (read_byte(down) != 'G')
		_exit(11);
	if (ip_run(NULL, 0, "link set lo up") != 0 ||
	    ip_run(NULL, 0, "addr add %s dev %s", fe->ifaddr, fe->ifname) != 0 ||
	    ip_run(NULL, 0, "link set %s up", fe->ifname) != 0)
		_exit(12);
	for (i = 0; i < 3 && fe->lo_addrs[i] != NULL; i++)
		if (ip_run(NULL, 0, "addr add %s/32 dev lo", fe->lo_addrs[i]) != 0)
			_exit(13);
	if (fe->route_back != NULL && ip_run(NULL, 0, "route add %s", fe->route_back) != 0)
		_exit(15);
	/* a router: what it cannot deliver, it answers with ICMP unreachable */
	if (!write_file("/proc/sys/net/ipv4/ip_forward", "1\n"))
		_exit(14);
	p[0].fd = listen_on(SOCK_STREAM, NULL, 22);
	p[1].fd = listen_on(SOCK_STREAM, NULL, 2200);
	/* bound to its address, so that answers come from it */
	p[2].fd = listen_on(SOCK_DGRAM, DNS_SERVER, 53);
	p[3].fd = listen_on(SOCK_STREAM, DNS_SERVER, 53);
	silent = listen_on(SOCK_STREAM, NULL, 2201); /* connections wait in its backlog */
	(void)silent;
	for (i = 0; i < 4; i++)
		p[i].events = POLLIN;
	write_byte(up, 'R');
	for (;;) {
		if (poll(p, 4, -1) == -1)
			continue;
		if (p[0].revents & POLLIN)
			serve_banner(p[0].fd, fe->banner);
		if (p[1].revents & POLLIN)
			serve_banner(p[1].fd, "HTTP/1.1 400 Bad Request\r\n");
		if (p[2].revents & POLLIN)
			dns_answer_udp(p[2].fd, fe);
		if (p[3].revents & POLLIN)
			dns_answer_tcp(p[3].fd, fe);
	}
}

static pid_t far_pid[2];

/* Fork a far end, give it its veth end, wait until it serves. */
static pid_t
far_end_start(const struct far_end *fe)
{
	int up[2], down[2];
	pid_t pid;

	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(down), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		far_end_main(fe, up[1], down[0]);
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	assert_int_equal(read_byte(up[0]), 'U');
	IP("link set %s netns %d", fe->ifname, (int)pid);
	write_byte(down[1], 'G');
	if (read_byte(up[0]) != 'R')
		fail_msg("%s end did not come up", fe->name);
	close(up[0]);
	close(down[1]);
	return pid;
}

static int
topology_up(void **state)
{
	(void)state;
	if (getuid() != 0 || ip_path() == NULL) {
		fprintf(stderr, "test_oobd_link needs root and ip(8)\n");
		return -1;
	}
	if (unshare(CLONE_NEWNET) == -1) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return -1;
	}
	if (ip_run(NULL, 0, "link set lo up") != 0 ||
	    ip_run(NULL, 0, "link add cell0 type veth peer name carrier0") != 0 ||
	    ip_run(NULL, 0, "link add home0 type veth peer name uplink0") != 0)
		return -1;
	far_pid[0] = far_end_start(&carrier);
	far_pid[1] = far_end_start(&home);
	if (ip_run(NULL, 0, "addr add 10.64.0.2/30 dev cell0") != 0 ||
	    ip_run(NULL, 0, "link set cell0 up") != 0 ||
	    ip_run(NULL, 0, "addr add 192.168.77.2/24 dev home0") != 0 ||
	    ip_run(NULL, 0, "link set home0 up") != 0 ||
	    ip_run(NULL, 0, "route add default via 192.168.77.1 dev home0") != 0)
		return -1;
	return 0;
}

static int
topology_down(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		if (far_pid[i] <= 0)
			continue;
		kill(far_pid[i], SIGTERM);
		waitpid(far_pid[i], NULL, 0);
	}
	return 0;
}

/* --- helpers on the box side --- */

/* Connect without any binding, as ssh and libcurl do, and read the first
 * line: which far end answered. */
static void
plain_banner(const char *dest, char *line, size_t len)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(22) };
	struct timeval tv = { .tv_sec = 2 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ssize_t n;

	sin.sin_addr = ip(dest);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	line[0] = '\0';
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    (n = read(fd, line, len - 1)) > 0)
		line[strcspn(line, "\r\n") < (size_t)n ? strcspn(line, "\r\n") : (size_t)n] = '\0';
	close(fd);
}

static void
route_add(const char *dest)
{
	char err[LINK_ERRLEN];

	if (link_route_add(ip(dest), ip(CELL_GW), "cell0", err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

static void
route_del(const char *dest)
{
	char err[LINK_ERRLEN];

	if (link_route_del(ip(dest), ip(CELL_GW), "cell0", err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

struct probe_rec {
	bool done;
	int calls;
	struct link_probe_result r;
};

static void
on_probed(const struct link_probe_result *r, void *arg)
{
	struct probe_rec *rec = arg;

	rec->r = *r;
	rec->calls++;
	rec->done = true;
}

/* Run one probe to completion. */
static struct link_probe_result
probe(const char *ifname, const char *dest, uint16_t port, int timeout_ms, const char *banner)
{
	struct ev_loop *loop = ev_new();
	struct link_probe_conf c = { .ifname = ifname, .port = port, .timeout_ms = timeout_ms,
		.banner = banner };
	struct probe_rec rec = { 0 };
	char err[LINK_ERRLEN];

	c.dest = ip(dest);
	if (link_probe_start(loop, &c, on_probed, &rec, err, sizeof(err)) == NULL)
		fail_msg("%s", err);
	assert_int_equal(rec.calls, 0);
	run_until(loop, &rec.done, timeout_ms + 2000);
	assert_int_equal(rec.calls, 1);
	ev_free(loop);
	return rec.r;
}

/* Run one lookup over cell0 to completion, asking the servers given
 * (a NULL-terminated list). */
static struct dns_lookup_result
resolve_with(const char *const *servers, const char *name, uint16_t port, int timeout_ms,
    int64_t *elapsed_ms)
{
	struct ev_loop *loop = ev_new();
	struct dns_lookup_conf c = { .ifname = "cell0", .port = port, .name = name,
		.timeout_ms = timeout_ms };
	struct res_rec rec = { 0 };
	struct timespec t0;
	char err[DNS_ERRLEN];

	for (c.nservers = 0; servers[c.nservers] != NULL; c.nservers++)
		c.servers[c.nservers] = ip(servers[c.nservers]);
	t0 = ts_now_mono();
	if (dns_lookup_start(loop, &c, on_resolved, &rec, err, sizeof(err)) == NULL)
		fail_msg("%s", err);
	assert_int_equal(rec.calls, 0);
	run_until(loop, &rec.done, DNS_TRIES * c.nservers * timeout_ms + 2000);
	assert_int_equal(rec.calls, 1);
	*elapsed_ms = ts_to_ms(ts_sub(ts_now_mono(), t0));
	ev_free(loop);
	return rec.r;
}

static struct dns_lookup_result
resolve(const char *name, uint16_t port, int timeout_ms, int64_t *elapsed_ms)
{
	static const char *const one[] = { DNS_SERVER, NULL };

	return resolve_with(one, name, port, timeout_ms, elapsed_ms);
}

/* --- the tests --- */

static void
test_iface_state(void **state)
{
	struct link_iface ifc;
	char err[LINK_ERRLEN], a[INET_ADDRSTRLEN];

	(void)state;
	assert_int_equal(link_iface_get("cell0", &ifc, err, sizeof(err)), 0);
	assert_true(ifc.exists && ifc.up && ifc.running && ifc.has_addr && ifc.has_counters);
	assert_false(ifc.pointopoint || ifc.has_peer);
	assert_string_equal(ntoa(ifc.addr, a), "10.64.0.2");
	assert_string_equal(ntoa(link_gateway(&ifc, ip(CELL_GW)), a), CELL_GW);

	/* a point-to-point link, as ppp0 is: up, no carrier (nobody holds the tun) */
	IP("tuntap add dev ppp9 mode tun");
	IP("addr add 10.9.0.2 peer 10.9.0.1 dev ppp9");
	IP("link set ppp9 up");
	assert_int_equal(link_iface_get("ppp9", &ifc, err, sizeof(err)), 0);
	assert_true(ifc.exists && ifc.up && ifc.pointopoint && ifc.has_peer);
	assert_false(ifc.running);
	assert_string_equal(ntoa(ifc.addr, a), "10.9.0.2");
	assert_string_equal(ntoa(ifc.peer, a), "10.9.0.1");
	assert_string_equal(ntoa(link_gateway(&ifc, ip(CELL_GW)), a), "10.9.0.1");
	IP("link set ppp9 down");
	assert_int_equal(link_iface_get("ppp9", &ifc, err, sizeof(err)), 0);
	assert_true(ifc.exists && !ifc.up);
	IP("tuntap del dev ppp9 mode tun");
	assert_int_equal(link_iface_get("ppp9", &ifc, err, sizeof(err)), 0);
	assert_false(ifc.exists);
}

static void
test_routes_touch_nothing_else(void **state)
{
	char before[4096], during[4096], after[4096], err[LINK_ERRLEN];

	(void)state;
	assert_int_equal(ip_run(before, sizeof(before), "-4 route show table all"), 0);
	route_add(RELAY);
	route_add(RELAY); /* again: replaces, no error */
	assert_int_equal(link_route_add(ip("192.0.2.99"), ip("0.0.0.0"), "cell0", err,
			     sizeof(err)),
	    0);
	assert_int_equal(ip_run(during, sizeof(during), "-4 route show table main"), 0);
	assert_non_null(strstr(during, "198.51.100.7 via 10.64.0.1 dev cell0 proto static"));
	assert_non_null(strstr(during, "192.0.2.99 dev cell0 proto static scope link"));
	assert_non_null(strstr(during, "default via 192.168.77.1 dev home0"));
	route_del(RELAY);
	route_del(RELAY); /* gone already: fine */
	assert_int_equal(link_route_del(ip("192.0.2.99"), ip("0.0.0.0"), "cell0", err,
			     sizeof(err)),
	    0);
	assert_int_equal(ip_run(after, sizeof(after), "-4 route show table all"), 0);
	assert_string_equal(before, after);

	/* a delete never takes someone else's route to the same host */
	IP("route add 198.51.100.7 via 192.168.77.1 dev home0");
	route_del(RELAY);
	assert_int_equal(ip_run(during, sizeof(during), "-4 route show 198.51.100.7"), 0);
	assert_non_null(strstr(during, "198.51.100.7 via 192.168.77.1 dev home0"));
	IP("route del 198.51.100.7 via 192.168.77.1 dev home0");

	/* what the kernel refuses, with its reason */
	assert_int_equal(link_route_add(ip(RELAY), ip("10.99.0.1"), "cell0", err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "route add 198.51.100.7/32 via 10.99.0.1 dev cell0: "));
	assert_int_equal(link_route_add(ip(RELAY), ip(CELL_GW), "nosuch0", err, sizeof(err)), -1);
	assert_string_equal(err, "route add 198.51.100.7/32 via 10.64.0.1 dev nosuch0: "
				 "no such interface");
	assert_int_equal(ip_run(after, sizeof(after), "-4 route show table all"), 0);
	assert_string_equal(before, after);
	assert_null(strstr(after, "198.51.100.7"));
}

static void
test_route_steers_unbound_traffic(void **state)
{
	char line[128];

	(void)state;
	plain_banner(RELAY, line, sizeof(line));
	assert_string_equal(line, "SSH-2.0-home");
	route_add(RELAY);
	plain_banner(RELAY, line, sizeof(line));
	assert_string_equal(line, "SSH-2.0-carrier");
	route_del(RELAY);
	plain_banner(RELAY, line, sizeof(line));
	assert_string_equal(line, "SSH-2.0-home");
}

static void
test_probe_reaches_relay_over_cell(void **state)
{
	struct link_iface before, after;
	struct link_probe_result r;
	char err[LINK_ERRLEN];

	(void)state;
	route_add(RELAY);
	assert_int_equal(link_iface_get("cell0", &before, err, sizeof(err)), 0);
	r = probe("cell0", RELAY, 22, 2000, "SSH-2.0-");
	assert_int_equal(link_iface_get("cell0", &after, err, sizeof(err)), 0);
	if (r.status != LINK_PROBE_OK)
		fail_msg("%s: %s", link_probe_status_name(r.status), r.msg);
	assert_string_equal(r.banner, "SSH-2.0-carrier");
	assert_string_equal(r.msg, "cell0: 198.51.100.7:22: SSH-2.0-carrier");
	assert_true(after.tx_packets >= before.tx_packets + 3); /* SYN, ACK, FIN at least */
	assert_true(after.rx_packets >= before.rx_packets + 2);
	assert_true(after.tx_bytes > before.tx_bytes + 100);
	assert_true(after.rx_bytes > before.rx_bytes + 100);

	r = probe("cell0", RELAY, 22, 2000, NULL); /* connecting is enough */
	assert_int_equal(r.status, LINK_PROBE_OK);
	assert_string_equal(r.msg, "cell0: 198.51.100.7:22: connected");
	route_del(RELAY);
}

/* The host is on the internet (home reaches it), but not over the cell:
 * the probe must say no, while an unbound connection gets through. */
static void
test_probe_never_uses_home_uplink(void **state)
{
	struct link_probe_result r;
	char line[128];

	(void)state;
	plain_banner(HOME_ONLY, line, sizeof(line));
	assert_string_equal(line, "SSH-2.0-home");

	route_add(HOME_ONLY); /* the carrier has no route: ICMP net unreachable */
	r = probe("cell0", HOME_ONLY, 22, 3000, "SSH-2.0-");
	route_del(HOME_ONLY);
	if (r.status != LINK_PROBE_UNREACHABLE)
		fail_msg("%s: %s", link_probe_status_name(r.status), r.msg);
	assert_string_equal(r.msg, "cell0: 203.0.113.80:22: Network is unreachable");
	assert_true(r.elapsed_ms < 2000);

	/* no host route: the kernel takes the host as on the link, and nobody
	 * on the cell side claims its address (ARP) */
	r = probe("cell0", HOME_ONLY, 22, 800, "SSH-2.0-");
	assert_int_equal(r.status, LINK_PROBE_TIMEOUT);
	assert_string_equal(r.msg, "cell0: 203.0.113.80:22: no answer within 800 ms");
}

static void
test_probe_failures_say_why(void **state)
{
	struct link_probe_result r;

	(void)state;
	route_add(RELAY);
	r = probe("cell0", RELAY, 23, 2000, "SSH-2.0-");
	assert_int_equal(r.status, LINK_PROBE_REFUSED);
	assert_string_equal(r.msg, "cell0: 198.51.100.7:23: Connection refused");
	assert_true(r.elapsed_ms < 1000);

	r = probe("cell0", RELAY, 2200, 2000, "SSH-2.0-");
	assert_int_equal(r.status, LINK_PROBE_BAD_BANNER);
	assert_string_equal(r.banner, "HTTP/1.1 400 Bad Request");
	assert_string_equal(r.msg, "cell0: 198.51.100.7:2200: expected \"SSH-2.0-\", got "
				   "\"HTTP/1.1 400 Bad Request\"");

	r = probe("cell0", RELAY, 2201, 500, "SSH-2.0-");
	assert_int_equal(r.status, LINK_PROBE_TIMEOUT);
	assert_string_equal(r.msg, "cell0: 198.51.100.7:2201: connected, but no banner within "
				   "500 ms");
	assert_true(r.elapsed_ms >= 500);

	r = probe("nosuch0", RELAY, 22, 2000, "SSH-2.0-");
	assert_int_equal(r.status, LINK_PROBE_UNREACHABLE);
	assert_string_equal(r.msg, "nosuch0: 198.51.100.7:22: SO_BINDTODEVICE: No such device");
	route_del(RELAY);
}

static void
test_probe_with_cell_down(void **state)
{
	struct link_probe_result r;
	struct link_iface ifc;
	char err[LINK_ERRLEN];

	(void)state;
	route_add(RELAY);
	IP("link set cell0 down");
	assert_int_equal(link_iface_get("cell0", &ifc, err, sizeof(err)), 0);
	assert_true(ifc.exists && !ifc.up && !ifc.running);
	r = probe("cell0", RELAY, 22, 2000, "SSH-2.0-");
	IP("link set cell0 up");
	assert_int_equal(r.status, LINK_PROBE_UNREACHABLE);
	assert_string_equal(r.msg, "cell0: 198.51.100.7:22: Network is unreachable");
	assert_true(r.elapsed_ms < 500);
	/* the kernel dropped the host route with the interface */
	route_del(RELAY);
}

static void
test_probe_cancel(void **state)
{
	struct ev_loop *loop = ev_new();
	struct link_probe_conf c = { .ifname = "nosuch0", .port = 22, .timeout_ms = 100 };
	struct probe_rec rec = { 0 };
	struct link_probe *p;
	char err[LINK_ERRLEN];

	(void)state;
	c.dest = ip(RELAY);
	p = link_probe_start(loop, &c, on_probed, &rec, err, sizeof(err));
	assert_non_null(p);
	link_probe_cancel(p);
	run_until(loop, &rec.done, 300);
	assert_int_equal(rec.calls, 0);
	c.port = 0;
	assert_null(link_probe_start(loop, &c, on_probed, &rec, err, sizeof(err)));
	ev_free(loop);
}

/* The check that dns.c makes on every socket c-ares opens. */
static void
test_tied_sockets(void **state)
{
	char err[LINK_ERRLEN];
	int fd;

	(void)state;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(link_sys_tied(fd, "cell0", err, sizeof(err)), -1);
	assert_string_equal(err, "socket not tied to cell0 (SO_BINDTODEVICE did not take)");
	assert_int_equal(link_sys_bind(fd, "home0", err, sizeof(err)), 0);
	assert_int_equal(link_sys_tied(fd, "cell0", err, sizeof(err)), -1);
	assert_int_equal(link_sys_tied(fd, "home0", err, sizeof(err)), 0);
	close(fd);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(link_sys_bind(fd, "cell0", err, sizeof(err)), 0);
	assert_int_equal(link_sys_tied(fd, "cell0", err, sizeof(err)), 0);
	close(fd);
}

static void
test_resolve_over_cell(void **state)
{
	struct dns_lookup_result r;
	char a[INET_ADDRSTRLEN];
	int64_t ms;

	(void)state;
	route_add(DNS_SERVER);
	r = resolve("relay.test", 0, 1000, &ms);
	if (!r.ok)
		fail_msg("%s", r.msg);
	assert_int_equal(r.naddr, 1);
	assert_string_equal(ntoa(r.addr[0], a), "198.51.100.7"); /* the carrier's answer */

	r = resolve("alias.test", 0, 1000, &ms);
	if (!r.ok)
		fail_msg("%s", r.msg);
	assert_int_equal(r.naddr, 1);
	assert_string_equal(ntoa(r.addr[0], a), "198.51.100.8");

	r = resolve("many.test", 0, 1000, &ms);
	assert_true(r.ok);
	assert_int_equal(r.naddr, DNS_MAX_ADDRS);
	assert_string_equal(ntoa(r.addr[0], a), "192.0.2.1"); /* in the answer's order */
	assert_string_equal(ntoa(r.addr[3], a), "192.0.2.4");

	r = resolve("missing.test", 0, 1000, &ms);
	assert_false(r.ok);
	assert_string_equal(r.msg, "cell0: DNS 192.0.2.53:53: missing.test: no such name "
				   "(NXDOMAIN)");
	assert_true(ms < 1000);

	r = resolve("noa.test", 0, 1000, &ms);
	assert_false(r.ok);
	assert_string_equal(r.msg, "cell0: DNS 192.0.2.53:53: noa.test: no A record");

	r = resolve("tc.test", 0, 1000, &ms); /* truncated over UDP: asked again over TCP */
	if (!r.ok)
		fail_msg("%s", r.msg);
	assert_string_equal(ntoa(r.addr[0], a), "198.51.100.9");
	assert_true(ms < 1000);

	r = resolve("servfail.test", 0, 1000, &ms); /* said as it is, not retried */
	assert_false(r.ok);
	assert_string_equal(r.msg, "cell0: DNS 192.0.2.53:53: servfail.test: server answered "
				   "SERVFAIL");
	assert_true(ms < 1000);
	route_del(DNS_SERVER);
}

/* Without the host route, the way out that the main table knows is the
 * home uplink, and home would answer.  The lookup still goes over cell0
 * (the kernel takes the server as on the link, and the carrier answers for
 * its address), so the answer is the carrier's. */
static void
test_resolve_never_uses_home_uplink(void **state)
{
	struct dns_lookup_result r;
	char a[INET_ADDRSTRLEN];
	int64_t ms;

	(void)state;
	r = resolve("relay.test", 0, 500, &ms);
	if (!r.ok)
		fail_msg("%s", r.msg);
	assert_string_equal(ntoa(r.addr[0], a), "198.51.100.7");
}

static void
test_resolve_retry_and_failures(void **state)
{
	struct dns_lookup_result r;
	char a[INET_ADDRSTRLEN];
	int64_t ms;

	(void)state;
	route_add(DNS_SERVER);
	r = resolve("once.test", 0, 400, &ms); /* the first query goes unanswered */
	if (!r.ok)
		fail_msg("%s", r.msg);
	assert_string_equal(ntoa(r.addr[0], a), "198.51.100.77");
	assert_true(ms >= 400 && ms < 800);

	r = resolve("silent.test", 0, 300, &ms);
	assert_false(r.ok);
	assert_string_equal(r.msg, "cell0: DNS 192.0.2.53:53: silent.test: no answer in 2 "
				   "tries of 300 ms");
	assert_true(ms >= 600 && ms < 900); /* our bound, not c-ares' back-off (300 + 600) */

	r = resolve("relay.test", 5353, 1000, &ms); /* nothing listens there: ICMP */
	assert_false(r.ok);
	assert_string_equal(r.msg, "cell0: DNS 192.0.2.53:5353: relay.test: refused or "
				   "unreachable");
	assert_true(ms < 1000);
	route_del(DNS_SERVER);

	IP("link set cell0 down");
	r = resolve("relay.test", 0, 1000, &ms);
	IP("link set cell0 up");
	assert_false(r.ok);
	assert_string_equal(r.msg, "cell0: DNS 192.0.2.53:53: relay.test: the interface is down");
	assert_true(ms < 1000);
}

/* The servers are asked in order: one that refuses (ICMP port unreachable:
 * the carrier's own address has no DNS server) is passed over at once, one
 * that never answers (the carrier has no route to it) after timeout_ms;
 * when none answers, the bound is per server. */
static void
test_resolve_server_list(void **state)
{
	static const char *const refusing_first[] = { CELL_GW, DNS_SERVER, NULL };
	static const char *const silent_first[] = { "192.0.2.99", DNS_SERVER, NULL };
	static const char *const twice[] = { DNS_SERVER, DNS_SERVER, NULL };
	struct dns_lookup_result r;
	char a[INET_ADDRSTRLEN];
	int64_t ms;

	(void)state;
	route_add(DNS_SERVER);
	route_add("192.0.2.99");
	r = resolve_with(refusing_first, "relay.test", 0, 1000, &ms);
	if (!r.ok)
		fail_msg("%s", r.msg);
	assert_string_equal(ntoa(r.addr[0], a), "198.51.100.7");
	assert_true(ms < 1000);

	r = resolve_with(silent_first, "relay.test", 0, 300, &ms);
	if (!r.ok)
		fail_msg("%s", r.msg);
	assert_string_equal(ntoa(r.addr[0], a), "198.51.100.7");
	assert_true(ms >= 300 && ms < 600);

	r = resolve_with(twice, "silent.test", 0, 200, &ms);
	assert_false(r.ok);
	assert_string_equal(r.msg, "cell0: DNS 192.0.2.53:53,192.0.2.53:53: silent.test: no answer "
				   "from 2 servers in 800 ms");
	assert_true(ms >= 800 && ms < 1100);
	route_del("192.0.2.99");
	route_del(DNS_SERVER);
}

static void
test_resolve_cancel_in_flight(void **state)
{
	struct ev_loop *loop = ev_new();
	struct dns_lookup_conf c = { .ifname = "cell0", .nservers = 1, .name = "silent.test",
		.timeout_ms = 200 };
	struct res_rec rec = { 0 };
	struct dns_lookup *l;
	char err[DNS_ERRLEN];

	(void)state;
	c.servers[0] = ip(DNS_SERVER);
	route_add(DNS_SERVER);
	l = dns_lookup_start(loop, &c, on_resolved, &rec, err, sizeof(err));
	assert_non_null(l);
	ev_run_once(loop, 50); /* the query is out; its answer never comes */
	assert_int_equal(rec.calls, 0);
	dns_lookup_cancel(l);
	run_until(loop, &rec.done, 600);
	assert_int_equal(rec.calls, 0);
	route_del(DNS_SERVER);
	ev_free(loop);
}

#endif /* __linux__ */

int
main(void)
{
	const struct CMUnitTest plain[] = {
		cmocka_unit_test(test_iface_loopback_and_missing),
		cmocka_unit_test(test_gateway_choice),
	};
	int failed = cmocka_run_group_tests_name("link without namespaces", plain, NULL, NULL);

#ifdef __linux__
	const struct CMUnitTest netns[] = {
		cmocka_unit_test(test_iface_state),
		cmocka_unit_test(test_routes_touch_nothing_else),
		cmocka_unit_test(test_route_steers_unbound_traffic),
		cmocka_unit_test(test_probe_reaches_relay_over_cell),
		cmocka_unit_test(test_probe_never_uses_home_uplink),
		cmocka_unit_test(test_probe_failures_say_why),
		cmocka_unit_test(test_probe_with_cell_down),
		cmocka_unit_test(test_probe_cancel),
		cmocka_unit_test(test_tied_sockets),
		cmocka_unit_test(test_resolve_over_cell),
		cmocka_unit_test(test_resolve_never_uses_home_uplink),
		cmocka_unit_test(test_resolve_retry_and_failures),
		cmocka_unit_test(test_resolve_server_list),
		cmocka_unit_test(test_resolve_cancel_in_flight),
	};
	failed += cmocka_run_group_tests_name("link in network namespaces", netns, topology_up,
	    topology_down);
#else
	printf("# test_oobd_link: the namespace tests are Linux-only and did not run\n");
#endif
	return failed;
}
