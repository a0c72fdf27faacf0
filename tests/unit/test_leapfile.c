/*
 * leapfile: Debian's real leap-seconds.list (tests/corpus/ntp), what it says
 * at dates around the last leap, and the parser's refusals, each with the
 * line it names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "leapfile.h"

#define UNIX(ntp) ((int64_t)(ntp) - 2208988800LL)

static char *
slurp(const char *path, size_t *len)
{
	char full[512];
	FILE *f;
	char *buf = malloc(LEAPFILE_MAX_BYTES + 1);

	snprintf(full, sizeof(full), "%s/%s", getenv("OUTPOST_TOP") ? getenv("OUTPOST_TOP") : ".",
	    path);
	f = fopen(full, "rb");
	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, LEAPFILE_MAX_BYTES, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void
test_the_real_file(void **state)
{
	struct leapfile lf;
	char err[128];
	size_t len;
	char *buf = slurp("tests/corpus/ntp/leap-seconds.list", &len);

	(void)state;
	assert_int_equal(leapfile_parse(buf, len, &lf, err, sizeof(err)), 0);
	assert_int_equal(lf.n, 28);
	assert_true(lf.hashed);
	assert_int_equal(lf.entry[0].tai_utc, 10);
	assert_int_equal(lf.entry[0].when, 63072000);          /* 1972-01-01 */
	assert_int_equal(lf.entry[27].tai_utc, 37);
	assert_int_equal(lf.entry[27].when, 1483228800);       /* 2017-01-01 */
	assert_int_equal(lf.expires, UNIX(3991593600LL));     /* 2026-06-28 */
	assert_int_equal(lf.updated, UNIX(3960835200LL));

	/* One byte of the data changed: the hash says so. */
	char *p = strstr(buf, "\n3692217600");
	assert_non_null(p);
	p[10] = '1';
	assert_int_equal(leapfile_parse(buf, len, &lf, err, sizeof(err)), -1);
	assert_string_equal(err, "line 0: the hash (#h) does not match: a damaged file");
	free(buf);
}

static void
check_at(const struct leapfile *lf, int64_t now, enum leap_kind kind, int tai_utc, bool expired)
{
	struct leap_now ln;

	leapfile_at(lf, now, &ln);
	assert_int_equal(ln.kind, kind);
	assert_int_equal(ln.tai_utc, tai_utc);
	assert_int_equal(ln.expired, expired);
}

static void
test_what_it_says_when(void **state)
{
	struct leapfile lf;
	struct leap_now ln;
	char err[128];
	size_t len;
	char *buf = slurp("tests/corpus/ntp/leap-seconds.list", &len);

	(void)state;
	assert_int_equal(leapfile_parse(buf, len, &lf, err, sizeof(err)), 0);
	check_at(&lf, 1480550399, LEAP_NONE, 36, false);   /* 2016-11-30T23:59:59Z */
	check_at(&lf, 1480550400, LEAP_INSERT, 36, false); /* 2016-12-01T00:00:00Z */
	check_at(&lf, 1483228799, LEAP_INSERT, 36, false); /* the leap second's eve */
	check_at(&lf, 1483228800, LEAP_NONE, 37, false);   /* 2017-01-01 */
	check_at(&lf, 1435708799, LEAP_INSERT, 35, false); /* 2015-06-30T23:59:59Z */
	check_at(&lf, 1796947200, LEAP_NONE, 37, true);    /* 2026-12-09: expired */
	leapfile_at(&lf, 1483000000, &ln);
	assert_int_equal(ln.at, 1483228800);
	assert_true(leap_arm_due(ln.at, 1483228800 - 86400));
	assert_false(leap_arm_due(ln.at, 1483228800 - 86401));
	assert_true(leap_arm_due(ln.at, 1483228799));
	assert_false(leap_arm_due(ln.at, 1483228800));
	assert_int_equal(leap_month_end(1481760000), 1483228800);  /* 2016-12-15 -> 2017-01-01 */
	assert_int_equal(leap_month_end(1455062400), 1456790400);  /* 2016-02-10 -> 03-01 */
	assert_int_equal(leap_month_end(1483228799), 1483228800);
	assert_int_equal(leap_month_end(1483228800), 1485907200);  /* -> 2017-02-01 */
	free(buf);
}

/* A negative leap (none has happened yet) and a file with no hash line. */
static void
test_a_deleted_second(void **state)
{
	const char *f = "#@ 4000000000\n"
	                "3692217600 37\n"
	                "4000000000 36 # 1 Oct 2026, say\n";
	struct leapfile lf;
	char err[128];

	(void)state;
	assert_int_equal(leapfile_parse(f, strlen(f), &lf, err, sizeof(err)), 0);
	assert_false(lf.hashed);
	check_at(&lf, UNIX(4000000000LL) - 1, LEAP_DELETE, 37, false);
	check_at(&lf, UNIX(4000000000LL) - 31 * 86400, LEAP_NONE, 37, false);
}

static void
refused_n(const char *text, size_t len, const char *why)
{
	struct leapfile lf;
	char err[128];

	assert_int_equal(leapfile_parse(text, len, &lf, err, sizeof(err)), -1);
	assert_string_equal(err, why);
}

static void
refused(const char *text, const char *why)
{
	refused_n(text, strlen(text), why);
}

static void
test_load_names_the_file_and_line(void **state)
{
	char path[] = "/tmp/test_leapfile.XXXXXX", err[256], want[300];
	struct leapfile lf;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "#@ 3991593600\n3692217600 37 x\n", 31), 31);
	close(fd);
	assert_int_equal(leapfile_load(path, &lf, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: not \"NTP-seconds TAI-UTC\"", path);
	assert_string_equal(err, want);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "3692217600 37\n", 14), 14);
	close(fd);
	assert_int_equal(leapfile_load(path, &lf, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: no expiry (#@) line", path);
	assert_string_equal(err, want);
	unlink(path);
	assert_int_equal(leapfile_load(path, &lf, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(err, want);
}

static void
test_refusals(void **state)
{
	(void)state;
	refused("#@ 3991593600\n3692217600 x37\n", "line 2: not \"NTP-seconds TAI-UTC\"");
	refused("#@ 3991593600\n3692217600\n", "line 2: not \"NTP-seconds TAI-UTC\"");
	refused("#@ 3991593600\n3692217600 37 x\n", "line 2: not \"NTP-seconds TAI-UTC\"");
	refused("#@ 3991593600\n3692217600 37\n3644697600 36\n",
	    "line 3: not later than the line before");
	refused("#@ 3991593600\n3644697600 36\n3692217600 38\n",
	    "line 3: TAI-UTC does not change by one second");
	refused("3692217600 37\n", "line 0: no expiry (#@) line");
	refused("#@ 3991593600\n# nothing\n", "line 0: no leap second entries");
	refused("#@ soon\n3692217600 37\n", "line 1: a bad expiry (#@) line");
	refused("#$ 39608352000000\n", "line 1: a bad update (#$) line");
	refused("#@ 3991593600\n#h 1 2 3 4\n3692217600 37\n", "line 2: a bad hash (#h) line");
	refused("#@ 3991593600\n#h 1 2 3 4 123456789\n", "line 2: a bad hash (#h) line");
	refused_n("#@ 3991593600\n3692217600 37\0\n", 29, "line 2: a NUL byte");
	refused("#@ 99999999999999\n3692217600 37\n", "line 1: a bad expiry (#@) line");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_real_file),
		cmocka_unit_test(test_what_it_says_when),
		cmocka_unit_test(test_a_deleted_second),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_load_names_the_file_and_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
