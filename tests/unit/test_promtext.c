/*
 * promtext: a family as the format's own example writes it, escaping of
 * help text and label values, the shortest exact value, the special
 * values, counters past 2^53 exactly, and invalid names failing the buffer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "promtext.h"

static void
test_family_and_samples(void **state)
{
	static const struct prom_label get200[] = { { "method", "post" }, { "code", "200" } };
	char buf[512];
	struct strbuf b;

	(void)state;
	strbuf_init(&b, buf, sizeof(buf));
	prom_family(&b, "http_requests_total", PROM_COUNTER, "The total number of HTTP requests.");
	prom_counter(&b, "http_requests_total", get200, 2, 1027);
	prom_family(&b, "chrony_tracking_rms_offset_seconds", PROM_GAUGE, "RMS offset.");
	prom_gauge(&b, "chrony_tracking_rms_offset_seconds", NULL, 0, 1.5e-06);
	assert_false(b.overflow);
	assert_string_equal(buf,
	    "# HELP http_requests_total The total number of HTTP requests.\n"
	    "# TYPE http_requests_total counter\n"
	    "http_requests_total{method=\"post\",code=\"200\"} 1027\n"
	    "# HELP chrony_tracking_rms_offset_seconds RMS offset.\n"
	    "# TYPE chrony_tracking_rms_offset_seconds gauge\n"
	    "chrony_tracking_rms_offset_seconds 1.5e-06\n");
}

static void
test_single(void **state)
{
	char buf[256];
	struct strbuf b;

	(void)state;
	strbuf_init(&b, buf, sizeof(buf));
	prom_single_gauge(&b, "g_seconds", "A gauge.", 2.5);
	prom_single_counter(&b, "c_total", "A counter.", 7);
	assert_false(b.overflow);
	assert_string_equal(buf, "# HELP g_seconds A gauge.\n# TYPE g_seconds gauge\ng_seconds 2.5\n"
				 "# HELP c_total A counter.\n# TYPE c_total counter\nc_total 7\n");
}

static void
test_escaping(void **state)
{
	static const struct prom_label l[] = { { "path", "C:\\DIR\\FILE.TXT" },
		{ "why", "say \"no\"\nthen stop" } };
	char buf[512];
	struct strbuf b;

	(void)state;
	strbuf_init(&b, buf, sizeof(buf));
	prom_family(&b, "x", PROM_GAUGE, "a \\ and\na \"quote\"");
	prom_gauge(&b, "x", l, 2, 1);
	assert_false(b.overflow);
	assert_string_equal(buf, "# HELP x a \\\\ and\\na \"quote\"\n"
				 "# TYPE x gauge\n"
				 "x{path=\"C:\\\\DIR\\\\FILE.TXT\",why=\"say \\\"no\\\"\\nthen stop\"} 1\n");
}

static void
test_values(void **state)
{
	static const struct {
		double v;
		const char *text;
	} v[] = {
		{ 0, "0" },
		{ 0.1, "0.1" },
		{ -2.5e-9, "-2.5e-09" },
		{ 1765432109.123456, "1765432109.123456" },
		{ 0.1 + 0.2, "0.30000000000000004" },
		{ 1e300, "1e+300" },
		{ 123456789012345678.0, "1.2345678901234568e+17" },
	};
	char buf[128];
	struct strbuf b;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char want[64];

		strbuf_init(&b, buf, sizeof(buf));
		prom_gauge(&b, "g", NULL, 0, v[i].v);
		snprintf(want, sizeof(want), "g %s\n", v[i].text);
		assert_string_equal(buf, want);
	}
	strbuf_init(&b, buf, sizeof(buf));
	prom_gauge(&b, "g", NULL, 0, NAN);
	prom_gauge(&b, "g", NULL, 0, INFINITY);
	prom_gauge(&b, "g", NULL, 0, -INFINITY);
	prom_counter(&b, "c", NULL, 0, UINT64_MAX);
	prom_counter(&b, "c", NULL, 0, (UINT64_C(1) << 53) + 1);
	assert_string_equal(buf, "g NaN\ng +Inf\ng -Inf\nc 18446744073709551615\n"
				 "c 9007199254740993\n");
}

static void
test_names(void **state)
{
	static const struct {
		const char *name;
		bool metric, label;
	} v[] = {
		{ "chrony_tracking_stratum", true, true },
		{ "outpost:sms_total", true, false },
		{ "_x9", true, true },
		{ "", false, false },
		{ "9lives", false, false },
		{ "with-dash", false, false },
		{ "caf\xc3\xa9", false, false },
		{ "a b", false, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(prom_valid_metric_name(v[i].name), v[i].metric);
		assert_int_equal(prom_valid_label_name(v[i].name), v[i].label);
	}
	assert_false(prom_valid_metric_name(NULL));
}

/* A bad name fails the buffer at once, like running out of room. */
static void
test_bad_names_fail_the_buffer(void **state)
{
	static const struct prom_label bad[] = { { "source-address", "x" } };
	static const struct prom_label novalue[] = { { "source", NULL } };
	char buf[128];
	struct strbuf b;

	(void)state;
	strbuf_init(&b, buf, sizeof(buf));
	prom_family(&b, "bad-name", PROM_GAUGE, "x");
	assert_true(b.overflow);
	strbuf_init(&b, buf, sizeof(buf));
	prom_gauge(&b, "ok", bad, 1, 1);
	assert_true(b.overflow);
	strbuf_init(&b, buf, sizeof(buf));
	prom_counter(&b, "ok", novalue, 1, 1);
	assert_true(b.overflow);
	strbuf_init(&b, buf, 8);
	prom_counter(&b, "long_enough", NULL, 0, 1);
	assert_true(b.overflow);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_family_and_samples),
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_bad_names_fail_the_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
