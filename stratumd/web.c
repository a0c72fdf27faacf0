/*
 * web: stratumd's metrics (metrics.c) where Prometheus reads them: over
 * HTTP at /metrics on `metrics-listen` (httpsrv.h: localhost unless the
 * configuration says otherwise), and as a file for node_exporter's textfile
 * collector, `metrics-textfile`, replaced whole every `metrics-interval`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "httpsrv.h"
#include "log.h"
#include "promtext.h"
#include "stratumd.h"
#include "tsmath.h"

#define WEB_RETRY_S 10

static void
on_request(void *arg, const struct http_request *req, struct httpsrv_reply *reply)
{
	struct stratumd *sd = arg;

	if (strcmp(req->path, "/metrics") == 0) {
		reply->content_type = PROM_CONTENT_TYPE;
		metrics_text(sd, &reply->body);
		return;
	}
	reply->status = 404;
	strbuf_adds(&reply->body, "stratumd serves /metrics\n");
}

/* Listen, if asked to and not yet; a failure is logged once, and tried
 * again every WEB_RETRY_S: time service does not wait for a port that a
 * chrony_exporter left running still holds. */
static void
web_listen(struct stratumd *sd)
{
	struct httpsrv_conf hc = { sd->conf.metrics_listen, HTTPSRV_TIMEOUT_MS, on_request, sd };
	char err[256];

	sd->web_retry = ts_to_double(ts_now_mono()) + WEB_RETRY_S;
	if ((sd->web = httpsrv_open(sd->ev, &hc, err, sizeof(err))) == NULL) {
		if (!sd->web_failing)
			log_warnx("metrics-listen %s (trying again every %d s)", err, WEB_RETRY_S);
		sd->web_failing = true;
		return;
	}
	log_info("metrics: http://%s/metrics", sd->conf.metrics_listen);
	sd->web_failing = false;
}

void
web_open(struct stratumd *sd)
{
	if (sd->conf.metrics_listen[0] != '\0')
		web_listen(sd);
}

void
web_close(struct stratumd *sd)
{
	httpsrv_close(sd->web);
	sd->web = NULL;
}

/* The textfile, when it is due; a failure is logged once until it works. */
void
web_tick(struct stratumd *sd)
{
	struct strbuf b;
	char err[300], *buf;
	double now = ts_to_double(ts_now_mono());
	int rc = -1;

	if (sd->conf.metrics_listen[0] != '\0' && sd->web == NULL && now >= sd->web_retry)
		web_listen(sd);
	if (sd->conf.metrics_textfile[0] == '\0' || now < sd->textfile_next)
		return;
	sd->textfile_next = now + sd->conf.metrics_interval;
	if ((buf = malloc(HTTPSRV_BODY_MAX)) == NULL) {
		snprintf(err, sizeof(err), "%s: out of memory", sd->conf.metrics_textfile);
	} else {
		strbuf_init(&b, buf, HTTPSRV_BODY_MAX);
		if (metrics_text(sd, &b) < 0)
			snprintf(err, sizeof(err), "%s: the metrics do not fit in %d bytes",
			    sd->conf.metrics_textfile, HTTPSRV_BODY_MAX);
		else
			rc = atomicfile_write_nosync(sd->conf.metrics_textfile, b.p, b.len, 0644,
			    err, sizeof(err));
		free(buf);
	}
	if (rc == 0 && sd->textfile_failing)
		log_info("metrics-textfile %s: written again", sd->conf.metrics_textfile);
	else if (rc < 0 && !sd->textfile_failing)
		log_warnx("metrics-textfile %s", err);
	sd->textfile_failing = rc < 0;
}
