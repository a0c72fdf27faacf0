/*
 * httpsrv: accept, read a head, answer whole, close; see httpsrv.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "httpsrv.h"
#include "text.h"

/* Room kept before the body for the status line and header fields. */
#define HEAD_ROOM 768

struct client {
	struct httpsrv *srv;
	int fd;			/* -1: the slot is free */
	ev_timer_id timer;
	char in[HTTP_REQ_MAX];
	size_t inlen;
	char *out;		/* HEAD_ROOM + HTTPSRV_BODY_MAX, once answering */
	size_t outoff, outend;
};

struct httpsrv {
	struct ev_loop *loop;
	struct httpsrv_conf conf;
	int fd;
	struct httpsrv_stats stats;
	struct client clients[HTTPSRV_CLIENTS_MAX];
};

static int
parse_port(const char *s, uint16_t *port)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (!text_isdigit(*s) || (v = v * 10 + (*s - '0')) > 65535)
			return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

int
httpsrv_parse_addr(const char *spec, struct sockaddr_storage *ss, socklen_t *sslen, char *err,
    size_t errlen)
{
	char host[HTTPSRV_ADDR_MAX];
	const char *colon, *hs = spec;
	size_t hlen;
	uint16_t port;

	memset(ss, 0, sizeof(*ss));
	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');

		if (close == NULL || close[1] != ':')
			return text_errf(err, errlen, "%s: want [IPv6]:PORT", spec);
		hs = spec + 1;
		hlen = (size_t)(close - hs);
		colon = close + 1;
	} else {
		if ((colon = strrchr(spec, ':')) == NULL || memchr(spec, ':', (size_t)(colon - spec)))
			return text_errf(err, errlen, "%s: want ADDRESS:PORT or [IPv6]:PORT", spec);
		hlen = (size_t)(colon - spec);
	}
	if (hlen == 0 || hlen >= sizeof(host))
		return text_errf(err, errlen, "%s: no address before the port", spec);
	if (parse_port(colon + 1, &port) < 0)
		return text_errf(err, errlen, "%s: the port must be 0 to 65535", spec);
	text_copy_n(host, sizeof(host), hs, hlen);
	if (spec[0] == '[') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
			return text_errf(err, errlen, "%s: %s is not an IPv6 address", spec, host);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*sslen = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			return text_errf(err, errlen, "%s: %s is not an IPv4 address", spec, host);
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*sslen = sizeof(*s4);
	}
	return 0;
}

static void
client_drop(struct client *c)
{
	if (c->fd < 0)
		return;
	ev_fd_del(c->srv->loop, c->fd);
	ev_timer_cancel(c->srv->loop, c->timer);
	close(c->fd);
	free(c->out);
	c->out = NULL;
	c->fd = -1;
	c->inlen = c->outoff = c->outend = 0;
	c->timer = 0;
}

/* The status line and fields, then the body, laid out in c->out. */
static int
client_frame(struct client *c, int status, const char *type, size_t body_len, bool send_body,
    bool allow)
{
	char head[HEAD_ROOM];
	int n = snprintf(head, sizeof(head),
	    "HTTP/1.1 %d %s\r\n"
	    "Content-Type: %s\r\n"
	    "Content-Length: %zu\r\n"
	    "%s"
	    "Connection: close\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n"
	    "\r\n",
	    status, http_status_text(status), type, body_len, allow ? "Allow: GET, HEAD\r\n" : "");

	if (n < 0 || (size_t)n >= sizeof(head))
		return -1;
	memcpy(c->out + HEAD_ROOM - (size_t)n, head, (size_t)n);
	c->outoff = HEAD_ROOM - (size_t)n;
	c->outend = HEAD_ROOM + (send_body ? body_len : 0);
	return 0;
}

/* A refusal or failure of the server's own: its status as the body. */
static int
client_frame_error(struct client *c, int status, bool send_body)
{
	int n = snprintf(c->out + HEAD_ROOM, HTTPSRV_BODY_MAX, "%d %s\n", status,
	    http_status_text(status));

	return client_frame(c, status, "text/plain; charset=utf-8", (size_t)n, send_body,
	    status == 405);
}

static int
client_answer(struct client *c, const struct http_request *req, bool ok)
{
	struct httpsrv *srv = c->srv;
	struct httpsrv_reply reply;
	bool send_body = !ok || req->method != HTTP_HEAD;

	if ((c->out = malloc(HEAD_ROOM + HTTPSRV_BODY_MAX)) == NULL)
		return -1;
	if (!ok) {
		srv->stats.refused++;
		return client_frame_error(c, req->status, true);
	}
	reply.status = 200;
	reply.content_type = "text/plain; charset=utf-8";
	strbuf_init(&reply.body, c->out + HEAD_ROOM, HTTPSRV_BODY_MAX);
	srv->conf.handler(srv->conf.arg, req, &reply);
	if (reply.body.overflow || reply.status < 200 || reply.status > 599)
		return client_frame_error(c, 500, send_body);
	return client_frame(c, reply.status, reply.content_type, reply.body.len, send_body,
	    false);
}

/* Send what the socket takes; drop the client when all is sent or the
 * peer is gone. */
static void
client_write(struct client *c)
{
	while (c->outoff < c->outend) {
		ssize_t n = send(c->fd, c->out + c->outoff, c->outend - c->outoff, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			client_drop(c);
			return;
		}
		c->outoff += (size_t)n;
	}
	c->srv->stats.answered++;
	shutdown(c->fd, SHUT_WR);
	client_drop(c);
}

static void
client_read(struct client *c)
{
	struct http_request req;
	enum http_parse r;
	ssize_t n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);

	if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {		/* gone before its request ended */
		client_drop(c);
		return;
	}
	c->inlen += (size_t)n;
	if ((r = http_req_parse(c->in, c->inlen, &req)) == HTTP_PARSE_MORE)
		return;
	if (client_answer(c, &req, r == HTTP_PARSE_DONE) < 0) {
		client_drop(c);
		return;
	}
	ev_fd_events(c->srv->loop, c->fd, POLLOUT);
	client_write(c);
}

static void
on_client(int fd, short revents, void *arg)
{
	struct client *c = arg;

	(void)fd;
	if (c->out != NULL && (revents & (POLLOUT | POLLERR | POLLHUP)))
		client_write(c);
	else if (c->out == NULL && (revents & (POLLIN | POLLERR | POLLHUP)))
		client_read(c);
}

static void
on_client_timeout(void *arg)
{
	struct client *c = arg;

	c->timer = 0;
	c->srv->stats.timeouts++;
	client_drop(c);
}

static struct client *
free_slot(struct httpsrv *srv)
{
	for (int i = 0; i < HTTPSRV_CLIENTS_MAX; i++)
		if (srv->clients[i].fd < 0)
			return &srv->clients[i];
	return NULL;
}

static int
set_nonblock_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static void
on_accept(int fd, short revents, void *arg)
{
	struct httpsrv *srv = arg;
	struct client *c;
	int cfd;

	(void)revents;
	if ((cfd = accept(fd, NULL, NULL)) < 0)
		return;
	if ((c = free_slot(srv)) == NULL) {
		srv->stats.busy++;
		close(cfd);
		return;
	}
	c->fd = cfd;
	if (set_nonblock_cloexec(cfd) < 0 ||
	    (c->timer = ev_timer_add(srv->loop, srv->conf.timeout_ms, on_client_timeout, c)) == 0 ||
	    ev_fd_add(srv->loop, cfd, POLLIN, on_client, c) < 0)
		client_drop(c);
}

static int
listen_on(const struct sockaddr_storage *ss, socklen_t sslen)
{
	int one = 1, fd = socket(ss->ss_family, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (ss->ss_family == AF_INET6 &&
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0) ||
	    set_nonblock_cloexec(fd) < 0 || bind(fd, (const struct sockaddr *)ss, sslen) < 0 ||
	    listen(fd, HTTPSRV_CLIENTS_MAX) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

struct httpsrv *
httpsrv_open(struct ev_loop *loop, const struct httpsrv_conf *conf, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct httpsrv *srv;

	if (httpsrv_parse_addr(conf->addr, &ss, &sslen, err, errlen) < 0)
		return NULL;
	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		text_errf(err, errlen, "%s: %s", conf->addr, strerror(errno));
		return NULL;
	}
	srv->loop = loop;
	srv->conf = *conf;
	for (int i = 0; i < HTTPSRV_CLIENTS_MAX; i++) {
		srv->clients[i].fd = -1;
		srv->clients[i].srv = srv;
	}
	if ((srv->fd = listen_on(&ss, sslen)) < 0 ||
	    ev_fd_add(loop, srv->fd, POLLIN, on_accept, srv) < 0) {
		text_errf(err, errlen, "%s: %s", conf->addr, strerror(errno));
		if (srv->fd >= 0)
			close(srv->fd);
		free(srv);
		return NULL;
	}
	return srv;
}

void
httpsrv_close(struct httpsrv *srv)
{
	if (srv == NULL)
		return;
	for (int i = 0; i < HTTPSRV_CLIENTS_MAX; i++)
		client_drop(&srv->clients[i]);
	ev_fd_del(srv->loop, srv->fd);
	close(srv->fd);
	free(srv);
}

int
httpsrv_port(const struct httpsrv *srv)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(srv->fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

void
httpsrv_get_stats(const struct httpsrv *srv, struct httpsrv_stats *st)
{
	*st = srv->stats;
}
