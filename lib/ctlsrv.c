/*
 * ctlsrv: one request line in, one answer out, per connection.
 */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctlsrv.h"

struct ctlsrv_client {
	struct ctlsrv *srv;
	struct ctlsrv_client *next;
	int fd;
	ev_timer_id timer;
	char req[CTLSRV_REQ_MAX];
	size_t len;
};

struct ctlsrv {
	struct ev_loop *loop;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	ctlsrv_status_fn status;
	void *arg;
	struct ctlsrv_client *clients;
	char out[CTLSRV_REPLY_MAX];
};

static void
client_done(struct ctlsrv_client *c)
{
	struct ctlsrv_client **pp = &c->srv->clients;

	while (*pp != c)
		pp = &(*pp)->next;
	*pp = c->next;
	ev_timer_cancel(c->srv->loop, c->timer);
	ev_fd_del(c->srv->loop, c->fd);
	close(c->fd);
	free(c);
}

static void
client_timeout(void *arg)
{
	struct ctlsrv_client *c = arg;

	c->timer = 0;
	client_done(c);
}

static void
reply(int fd, const char *text, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = send(fd, text + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
}

static void
on_client(int fd, short revents, void *arg)
{
	struct ctlsrv_client *c = arg;
	struct ctlsrv *srv = c->srv;
	static const char unknown[] = "{\"error\":\"unknown request; try: status\"}\n";
	static const char too_big[] = "{\"error\":\"the status does not fit\"}\n";

	(void)revents;
	ssize_t n = recv(fd, c->req + c->len, sizeof(c->req) - 1 - c->len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_done(c);
		return;
	}
	c->len += (size_t)n;
	c->req[c->len] = '\0';
	char *nl = strchr(c->req, '\n');
	if (nl == NULL && c->len < sizeof(c->req) - 1)
		return;
	if (nl != NULL)
		*nl = '\0';
	if (strcmp(c->req, "status") != 0) {
		reply(fd, unknown, sizeof(unknown) - 1);
	} else {
		int len = srv->status(srv->arg, srv->out, sizeof(srv->out));
		if (len >= 0 && (size_t)len < sizeof(srv->out))
			reply(fd, srv->out, (size_t)len);
		else
			reply(fd, too_big, sizeof(too_big) - 1);
	}
	client_done(c);
}

static void
on_accept(int fd, short revents, void *arg)
{
	struct ctlsrv *srv = arg;

	(void)revents;
	int cfd = accept(fd, NULL, NULL);
	if (cfd == -1)
		return;
	struct ctlsrv_client *c = calloc(1, sizeof(*c));
	if (c == NULL || ev_fd_add(srv->loop, cfd, POLLIN, on_client, c) == -1) {
		close(cfd);
		free(c);
		return;
	}
	c->srv = srv;
	c->fd = cfd;
	c->next = srv->clients;
	srv->clients = c;
	c->timer = ev_timer_add(srv->loop, CTLSRV_TIMEOUT_MS, client_timeout, c);
}

static int
give_to_group(const char *path, const char *group, char *err, size_t errlen)
{
	struct group *gr;

	if (group == NULL || group[0] == '\0')
		return 0;
	if ((gr = getgrnam(group)) == NULL) {
		snprintf(err, errlen, "%s: no group %s", path, group);
		return -1;
	}
	if (chown(path, (uid_t)-1, gr->gr_gid) == -1) {
		snprintf(err, errlen, "%s: cannot give it to group %s: %s", path, group,
		    strerror(errno));
		return -1;
	}
	return 0;
}

struct ctlsrv *
ctlsrv_open(struct ev_loop *loop, const char *path, const char *group, ctlsrv_status_fn status,
    void *arg, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct ctlsrv *srv;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "control socket path too long: %s", path);
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return NULL;
	}
	srv->loop = loop;
	srv->status = status;
	srv->arg = arg;
	memcpy(srv->path, sun.sun_path, sizeof(srv->path));
	srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (srv->fd == -1) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		free(srv);
		return NULL;
	}
	unlink(path);
	mode_t old = umask(0117);
	int r = bind(srv->fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (r == -1 || listen(srv->fd, 8) == -1) {
		snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
	} else if (give_to_group(path, group, err, errlen) == 0 &&
	    ev_fd_add(loop, srv->fd, POLLIN, on_accept, srv) == 0) {
		return srv;
	}
	close(srv->fd);
	free(srv);
	return NULL;
}

void
ctlsrv_close(struct ctlsrv *srv)
{
	if (srv == NULL)
		return;
	while (srv->clients != NULL)
		client_done(srv->clients);
	ev_fd_del(srv->loop, srv->fd);
	close(srv->fd);
	unlink(srv->path);
	free(srv);
}
