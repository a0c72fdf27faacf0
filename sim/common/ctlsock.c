/*
 * ctlsock: line commands on a Unix stream socket, for the simulators.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctlsock.h"

struct ctl_client {
	struct ctlsock *cs;
	int fd;                     /* -1: free slot */
	char buf[CTLSOCK_LINE];
	size_t len;
};

struct ctlsock {
	struct ev_loop *loop;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	ctlsock_cmd cmd;
	void *arg;
	struct ctl_client client[CTLSOCK_CLIENTS];
};

static void
client_drop(struct ctl_client *c)
{
	ev_fd_del(c->cs->loop, c->fd);
	close(c->fd);
	c->fd = -1;
}

static void
client_send(struct ctl_client *c, const char *text)
{
	size_t len = strlen(text), off = 0;

	while (off < len) {
		ssize_t n = send(c->fd, text + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		off += (size_t)n;
	}
}

static void
on_client(int fd, short revents, void *arg)
{
	struct ctl_client *c = arg;
	char out[CTLSOCK_ANSWER];
	char *nl;

	(void)revents;
	ssize_t n = recv(fd, c->buf + c->len, sizeof(c->buf) - c->len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_drop(c);
		return;
	}
	c->len += (size_t)n;
	while ((nl = memchr(c->buf, '\n', c->len)) != NULL) {
		size_t ll = (size_t)(nl - c->buf);

		out[0] = '\0';
		c->cs->cmd(c->cs->arg, c->buf, ll, out, sizeof(out));
		client_send(c, out);
		memmove(c->buf, nl + 1, c->len - ll - 1);
		c->len -= ll + 1;
	}
	if (c->len == sizeof(c->buf)) {
		client_send(c, "error: line too long\n");
		client_drop(c);
	}
}

static void
on_accept(int fd, short revents, void *arg)
{
	struct ctlsock *cs = arg;

	(void)revents;
	int cfd = accept(fd, NULL, NULL);
	if (cfd < 0)
		return;
	for (int i = 0; i < CTLSOCK_CLIENTS; i++) {
		struct ctl_client *c = &cs->client[i];

		if (c->fd >= 0)
			continue;
		c->fd = cfd;
		c->len = 0;
		if (ev_fd_add(cs->loop, cfd, POLLIN, on_client, c) < 0) {
			close(cfd);
			c->fd = -1;
		}
		return;
	}
	send(cfd, "error: too many control connections\n", 37, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(cfd);
}

struct ctlsock *
ctlsock_open(struct ev_loop *loop, const char *path, ctlsock_cmd cmd, void *arg, char *err,
    size_t errlen)
{
	struct sockaddr_un sun;
	struct stat st;
	struct ctlsock *cs;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s: path too long for a socket", path);
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a socket: not replacing it", path);
			return NULL;
		}
		unlink(path);
	}
	if ((cs = calloc(1, sizeof(*cs))) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	cs->loop = loop;
	cs->cmd = cmd;
	cs->arg = arg;
	memcpy(cs->path, sun.sun_path, sizeof(cs->path));
	for (int i = 0; i < CTLSOCK_CLIENTS; i++) {
		cs->client[i].cs = cs;
		cs->client[i].fd = -1;
	}
	cs->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (cs->fd < 0 || bind(cs->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(cs->fd, CTLSOCK_CLIENTS) < 0 ||
	    ev_fd_add(loop, cs->fd, POLLIN, on_accept, cs) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (cs->fd >= 0)
			close(cs->fd);
		free(cs);
		return NULL;
	}
	return cs;
}

void
ctlsock_close(struct ctlsock *cs)
{
	if (cs == NULL)
		return;
	for (int i = 0; i < CTLSOCK_CLIENTS; i++)
		if (cs->client[i].fd >= 0)
			client_drop(&cs->client[i]);
	ev_fd_del(cs->loop, cs->fd);
	close(cs->fd);
	unlink(cs->path);
	free(cs);
}
