/*
 * exporter: /metrics and the textfile, for any daemon; see exporter.h.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "atomicfile.h"
#include "exporter.h"
#include "httpsrv.h"
#include "promtext.h"

struct exporter {
	struct ev_loop *loop;
	struct exporter_conf conf;
	struct httpsrv *srv;
	double listen_next;             /* monotonic s of the next try */
	bool listen_failing, textfile_failing;
	double textfile_next;
};

static void
on_request(void *arg, const struct http_request *req, struct httpsrv_reply *reply)
{
	struct exporter *e = arg;

	if (strcmp(req->path, "/metrics") == 0) {
		reply->content_type = PROM_CONTENT_TYPE;
		e->conf.build(e->conf.arg, &reply->body);
		return;
	}
	reply->status = 404;
	strbuf_adds(&reply->body, "metrics are at /metrics\n");
}

static void
note(struct exporter *e, bool warning, const char *what, const char *detail)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s %s", what, detail);
	e->conf.note(e->conf.arg, warning, msg);
}

static void
try_listen(struct exporter *e, double now)
{
	struct httpsrv_conf hc = { e->conf.listen, HTTPSRV_TIMEOUT_MS, on_request, e };
	char err[256];

	e->listen_next = now + EXPORTER_RETRY_S;
	if ((e->srv = httpsrv_open(e->loop, &hc, err, sizeof(err))) == NULL) {
		if (!e->listen_failing)
			note(e, true, "metrics-listen", err);
		e->listen_failing = true;
		return;
	}
	note(e, false, "metrics: serving /metrics on", e->conf.listen);
	e->listen_failing = false;
}

static void
write_textfile(struct exporter *e)
{
	struct strbuf b;
	char err[300], *buf = malloc(HTTPSRV_BODY_MAX);
	int rc = -1;

	if (buf == NULL) {
		snprintf(err, sizeof(err), "%s: out of memory", e->conf.textfile);
	} else {
		strbuf_init(&b, buf, HTTPSRV_BODY_MAX);
		e->conf.build(e->conf.arg, &b);
		if (b.overflow)
			snprintf(err, sizeof(err), "%s: the metrics do not fit in %d bytes",
			    e->conf.textfile, HTTPSRV_BODY_MAX);
		else
			rc = atomicfile_write_nosync(e->conf.textfile, b.p, b.len, 0644, err,
			    sizeof(err));
		free(buf);
	}
	if (rc == 0 && e->textfile_failing)
		note(e, false, "metrics-textfile: written again:", e->conf.textfile);
	else if (rc < 0 && !e->textfile_failing)
		note(e, true, "metrics-textfile", err);
	e->textfile_failing = rc < 0;
}

static bool
set(const char *s)
{
	return s != NULL && s[0] != '\0';
}

struct exporter *
exporter_new(struct ev_loop *loop, const struct exporter_conf *conf)
{
	struct exporter *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return NULL;
	e->loop = loop;
	e->conf = *conf;
	if (set(conf->listen))
		try_listen(e, 0);	/* again at the first tick if the port is taken */
	return e;
}

void
exporter_tick(struct exporter *e, double now)
{
	if (set(e->conf.listen) && e->srv == NULL && now >= e->listen_next)
		try_listen(e, now);
	if (set(e->conf.textfile) && now >= e->textfile_next) {
		e->textfile_next = now + e->conf.interval_s;
		write_textfile(e);
	}
}

void
exporter_free(struct exporter *e)
{
	if (e == NULL)
		return;
	httpsrv_close(e->srv);
	free(e);
}

int
exporter_check_listen(const char *s, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (httpsrv_parse_addr(s, &ss, &len, err, errlen) == -1)
		return -1;
	if ((ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
		((struct sockaddr_in6 *)&ss)->sin6_port) == 0) {
		snprintf(err, errlen, "%s: the port must be 1 to 65535", s);
		return -1;
	}
	return 0;
}
