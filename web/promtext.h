/*
 * promtext: metrics in Prometheus's text exposition format (version
 * 0.0.4), what node_exporter's textfile collector reads and what a
 * /metrics endpoint serves.
 *
 * A family is announced once, with its HELP and TYPE lines, and its samples
 * follow it.  Names must be valid metric and label names ([a-zA-Z_:][a-zA-Z0-9_:]*,
 * labels without ':'); label values and help text are escaped as the format
 * says (backslash, double quote in values, newline).  Values are written as
 * the shortest decimal that reads back to the same double ("NaN", "+Inf",
 * "-Inf" for the rest); counters that are integers are written exactly.
 *
 * Writing goes into a strbuf: a name that is not valid is a bug of the
 * caller's, and is treated like running out of room (the buffer's overflow
 * is set and nothing more is added), so that the one check the caller makes
 * at the end catches both.
 */
#ifndef OUTPOST_PROMTEXT_H
#define OUTPOST_PROMTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

enum prom_type { PROM_COUNTER, PROM_GAUGE };

struct prom_label {
	const char *name;
	const char *value;
};

void prom_family(struct strbuf *b, const char *name, enum prom_type type, const char *help);

/* name{labels...} value; nlabels may be 0 (labels NULL). */
void prom_gauge(struct strbuf *b, const char *name, const struct prom_label *labels,
    size_t nlabels, double value);
void prom_counter(struct strbuf *b, const char *name, const struct prom_label *labels,
    size_t nlabels, uint64_t value);

/* A family of one sample without labels: HELP, TYPE and the sample. */
void prom_single_gauge(struct strbuf *b, const char *name, const char *help, double value);
void prom_single_counter(struct strbuf *b, const char *name, const char *help, uint64_t value);

/* The checks prom_* make, for tests and callers that build names. */
bool prom_valid_metric_name(const char *name);
bool prom_valid_label_name(const char *name);

#endif
