/*
 * web: oobd's metrics (metrics.c) where Prometheus reads them, through the
 * exporter (exporter.h): /metrics on `metrics-listen`, and the textfile
 * `metrics-textfile` every `metrics-interval`, checked every second.
 */
#include "exporter.h"
#include "log.h"
#include "oobd.h"
#include "tsmath.h"

#define WEB_TICK_MS 1000

static void
build(void *arg, struct strbuf *b)
{
	metrics_text(arg, b);
}

static void
on_tick(void *arg)
{
	struct oobd *d = arg;

	exporter_tick(d->exporter, (double)ts_mono_ms() / 1000);
	d->web_timer = ev_timer_add(d->ev, WEB_TICK_MS, on_tick, d);
}

void
web_open(struct oobd *d)
{
	const struct exporter_conf ec = { d->conf.metrics_listen, d->conf.metrics_textfile,
		d->conf.metrics_interval, build, log_note, d };

	if (d->conf.metrics_listen[0] == '\0' && d->conf.metrics_textfile[0] == '\0')
		return;
	if ((d->exporter = exporter_new(d->ev, &ec)) == NULL) {
		log_warnx("metrics: out of memory: none served");
		return;
	}
	on_tick(d);
}

void
web_close(struct oobd *d)
{
	ev_timer_cancel(d->ev, d->web_timer);
	exporter_free(d->exporter);
	d->exporter = NULL;
}
