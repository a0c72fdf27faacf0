/*
 * promtext: Prometheus text format 0.0.4; see promtext.h.
 */
#include <inttypes.h>
#include <math.h>		/* isnan, isinf: macros, no libm */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "promtext.h"
#include "text.h"

static bool
valid_name(const char *name, bool colon)
{
	if (name == NULL || name[0] == '\0' || text_isdigit(name[0]))
		return false;
	for (const char *p = name; *p != '\0'; p++)
		if (!text_isalnum(*p) && *p != '_' && !(colon && *p == ':'))
			return false;
	return true;
}

bool
prom_valid_metric_name(const char *name)
{
	return valid_name(name, true);
}

bool
prom_valid_label_name(const char *name)
{
	return valid_name(name, false);
}

static void
fail(struct strbuf *b)
{
	b->overflow = true;
}

/* Text with backslash and newline escaped, and the double quote when it
 * is a label value. */
static void
add_escaped(struct strbuf *b, const char *s, bool quote)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			strbuf_adds(b, "\\\\");
		else if (*s == '\n')
			strbuf_adds(b, "\\n");
		else if (quote && *s == '"')
			strbuf_adds(b, "\\\"");
		else
			strbuf_addc(b, *s);
	}
}

void
prom_family(struct strbuf *b, const char *name, enum prom_type type, const char *help)
{
	if (!prom_valid_metric_name(name)) {
		fail(b);
		return;
	}
	strbuf_adds(b, "# HELP ");
	strbuf_adds(b, name);
	strbuf_addc(b, ' ');
	add_escaped(b, help, false);
	strbuf_adds(b, "\n# TYPE ");
	strbuf_adds(b, name);
	strbuf_adds(b, type == PROM_COUNTER ? " counter\n" : " gauge\n");
}

static void
add_series(struct strbuf *b, const char *name, const struct prom_label *labels, size_t n)
{
	if (!prom_valid_metric_name(name)) {
		fail(b);
		return;
	}
	strbuf_adds(b, name);
	if (n == 0)
		return;
	strbuf_addc(b, '{');
	for (size_t i = 0; i < n; i++) {
		if (!prom_valid_label_name(labels[i].name) || labels[i].value == NULL) {
			fail(b);
			return;
		}
		if (i > 0)
			strbuf_addc(b, ',');
		strbuf_adds(b, labels[i].name);
		strbuf_adds(b, "=\"");
		add_escaped(b, labels[i].value, true);
		strbuf_addc(b, '"');
	}
	strbuf_addc(b, '}');
}

/* The shortest of %.15g, %.16g, %.17g that reads back the same. */
static void
format_double(double v, char *out, size_t len)
{
	if (isnan(v)) {
		snprintf(out, len, "NaN");
		return;
	}
	if (isinf(v)) {
		snprintf(out, len, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(out, len, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			return;
	}
}

void
prom_gauge(struct strbuf *b, const char *name, const struct prom_label *labels, size_t nlabels,
    double value)
{
	char num[32];

	add_series(b, name, labels, nlabels);
	format_double(value, num, sizeof(num));
	strbuf_addc(b, ' ');
	strbuf_adds(b, num);
	strbuf_addc(b, '\n');
}

void
prom_counter(struct strbuf *b, const char *name, const struct prom_label *labels,
    size_t nlabels, uint64_t value)
{
	char num[24];

	add_series(b, name, labels, nlabels);
	snprintf(num, sizeof(num), "%" PRIu64, value);
	strbuf_addc(b, ' ');
	strbuf_adds(b, num);
	strbuf_addc(b, '\n');
}

void
prom_single_gauge(struct strbuf *b, const char *name, const char *help, double value)
{
	prom_family(b, name, PROM_GAUGE, help);
	prom_gauge(b, name, NULL, 0, value);
}

void
prom_single_counter(struct strbuf *b, const char *name, const char *help, uint64_t value)
{
	prom_family(b, name, PROM_COUNTER, help);
	prom_counter(b, name, NULL, 0, value);
}
