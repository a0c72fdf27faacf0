/*
 * web: stratumd's metrics (metrics.c) where Prometheus reads them, through
 * the exporter (exporter.h): /metrics on `metrics-listen`, and the textfile
 * `metrics-textfile` every `metrics-interval`.
 */
#include "exporter.h"
#include "log.h"
#include "stratumd.h"
#include "tsmath.h"

static void
build(void *arg, struct strbuf *b)
{
	metrics_text(arg, b);
}

void
web_open(struct stratumd *sd)
{
	const struct exporter_conf ec = { sd->conf.metrics_listen, sd->conf.metrics_textfile,
		sd->conf.metrics_interval, build, log_note, sd };

	if (sd->conf.metrics_listen[0] == '\0' && sd->conf.metrics_textfile[0] == '\0')
		return;
	if ((sd->exporter = exporter_new(sd->ev, &ec)) == NULL)
		log_warnx("metrics: out of memory: none served");
}

void
web_tick(struct stratumd *sd)
{
	if (sd->exporter != NULL)
		exporter_tick(sd->exporter, ts_to_double(ts_now_mono()));
}

void
web_close(struct stratumd *sd)
{
	exporter_free(sd->exporter);
	sd->exporter = NULL;
}
