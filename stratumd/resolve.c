/*
 * resolve: host names of server, pool and peer lines, looked up without
 * blocking the event loop.
 *
 * Each lookup is a child forked for it (as OpenBSD's ntpd does): the child
 * calls getaddrinfo(3), writes fixed-size records to a pipe and exits; it
 * runs no other program, so there is nothing to execve and no argument a
 * name could smuggle into.  The parent reads the records when the pipe is
 * readable, checks each one (family, length) as it would any input, and
 * hands the addresses to sources_resolved().  A child that takes longer
 * than RESOLVE_TIMEOUT_S is killed.  getaddrinfo works the same on Linux
 * and FreeBSD, IPv4 and IPv6, with the system's resolver configuration.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "stratumd.h"

#define RESOLVE_TIMEOUT_S 30

static void
child_lookup(int fd, const char *host, uint16_t port)
{
	struct addrinfo hints, *res, *ai;
	struct resolve_record r;
	char service[8];
	int n = 0, e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_ADDRCONFIG;
	snprintf(service, sizeof(service), "%u", port);
	e = getaddrinfo(host, service, &hints, &res);
	if (e == EAI_BADFLAGS || (e != 0 && e != EAI_NONAME && e != EAI_AGAIN)) {
		/* AI_ADDRCONFIG hides loopback-only hosts on some systems. */
		hints.ai_flags = 0;
		e = getaddrinfo(host, service, &hints, &res);
	}
	if (e != 0) {
		memset(&r, 0, sizeof(r));
		r.gai_error = e;
		(void)!write(fd, &r, sizeof(r));
		return;
	}
	for (ai = res; ai != NULL && n < RESOLVE_MAX_ADDRS; ai = ai->ai_next) {
		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    ai->ai_addrlen > sizeof(r.addr))
			continue;
		memset(&r, 0, sizeof(r));
		r.family = ai->ai_family;
		r.len = ai->ai_addrlen;
		memcpy(&r.addr, ai->ai_addr, ai->ai_addrlen);
		if (write(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
			break;
		n++;
	}
	freeaddrinfo(res);
}

static bool
record_ok(const struct resolve_record *r)
{
	if (r->family == AF_INET)
		return r->len == sizeof(struct sockaddr_in) && r->addr.ss_family == AF_INET;
	if (r->family == AF_INET6)
		return r->len == sizeof(struct sockaddr_in6) && r->addr.ss_family == AF_INET6;
	return false;
}

static void
finish(struct stratumd *sd, struct resolve_slot *rs)
{
	if (rs->fd != -1) {
		ev_fd_del(sd->ev, rs->fd);
		close(rs->fd);
		rs->fd = -1;
	}
	if (rs->pid > 0) {
		kill(rs->pid, SIGKILL);
		waitpid(rs->pid, NULL, 0);
		rs->pid = 0;
	}
}

static void
on_result(int fd, short revents, void *arg)
{
	struct resolve_slot *rs = arg;
	struct sockaddr_storage addrs[RESOLVE_MAX_ADDRS];
	socklen_t lens[RESOLVE_MAX_ADDRS];
	int n = 0;
	const char *error = NULL;

	(void)revents;
	for (;;) {
		if (rs->got == sizeof(rs->rec))
			break; /* more than we take: the rest is not read */
		ssize_t r = read(fd, (char *)rs->rec + rs->got, sizeof(rs->rec) - rs->got);
		if (r > 0) {
			rs->got += (size_t)r;
			continue;
		}
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return; /* the child is not done: wait for more */
		break;      /* end of file, or an error: what came is all */
	}
	for (size_t i = 0; i < rs->got / sizeof(rs->rec[0]); i++) {
		const struct resolve_record *rec = &rs->rec[i];
		if (rec->family == 0) {
			error = gai_strerror(rec->gai_error);
			break;
		}
		if (!record_ok(rec) || n >= RESOLVE_MAX_ADDRS)
			continue;
		addrs[n] = rec->addr;
		lens[n] = rec->len;
		n++;
	}
	if (n == 0 && error == NULL)
		error = "no usable address";
	finish(rs->sd, rs);
	sources_resolved(rs->sd, rs->up, addrs, lens, n, error);
}

int
resolve_start(struct stratumd *sd, int up)
{
	struct resolve_slot *rs = &sd->sources.resolve[up];
	const struct upstream_conf *u = &sd->conf.upstream[up];
	int p[2];
	pid_t pid;

	if (rs->pid > 0)
		return 0; /* one at a time per line */
	if (pipe(p) == -1)
		return -1;
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) == -1 || fcntl(p[0], F_SETFD, FD_CLOEXEC) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	pid = fork();
	if (pid == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		alarm(RESOLVE_TIMEOUT_S); /* a resolver that never answers */
		child_lookup(p[1], u->host, u->port);
		_exit(0);
	}
	close(p[1]);
	rs->sd = sd;
	rs->up = up;
	rs->got = 0;
	if (ev_fd_add(sd->ev, p[0], POLLIN, on_result, rs) == -1) {
		close(p[0]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	rs->fd = p[0];
	rs->pid = pid;
	return 0;
}

void
resolve_stop_all(struct stratumd *sd)
{
	for (int i = 0; i < sd->conf.nupstream; i++)
		finish(sd, &sd->sources.resolve[i]);
}
