/*
 * Unit tests for console/console_log: timestamps at line starts, marks on
 * lines of their own, rotation by size, fsync bookkeeping, and the
 * history the replay comes from.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console_log.h"

/* 2026-11-25T14:03:07.123Z */
static const struct timespec T0 = { 1795615387, 123456789 };

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_console_log.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
path_of(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

static size_t
slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n;
}

static struct console_log *
new_log(const char *name, uint64_t max, int keep)
{
	struct console_log *l = malloc(sizeof(*l));
	char path[128], err[256];

	assert_non_null(l);
	console_log_init(l);
	path_of(path, sizeof(path), name);
	if (console_log_open(l, path, max, keep, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	return l;
}

static void
free_log(struct console_log *l)
{
	console_log_close(l);
	free(l);
}

static void
test_stamp(void **state)
{
	char s[CONSOLE_STAMP_LEN + 1];

	(void)state;
	assert_int_equal(console_log_stamp(s, sizeof(s), T0), CONSOLE_STAMP_LEN);
	assert_string_equal(s, "2026-11-25T14:03:07.123Z ");
}

static void
test_stamps_at_line_starts(void **state)
{
	struct console_log *l = new_log("r.log", 0, 0);
	char buf[1024], path[128];
	struct timespec t1 = T0;

	(void)state;
	t1.tv_sec += 61;
	/* A line split over reads gets one stamp; CR LF line ends are kept. */
	assert_int_equal(console_log_data(l, (const uint8_t *)"U-Boot 20", 9, T0), 0);
	assert_int_equal(console_log_data(l, (const uint8_t *)"24.01\r\nDRAM: 512 MiB\r\nlo",
	    24, T0), 0);
	assert_int_equal(console_log_data(l, (const uint8_t *)"gin: ", 5, t1), 0);
	assert_true(l->dirty);
	assert_int_equal(console_log_sync(l), 0);
	assert_false(l->dirty);
	path_of(path, sizeof(path), "r.log");
	slurp(path, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-25T14:03:07.123Z U-Boot 2024.01\r\n"
	    "2026-11-25T14:03:07.123Z DRAM: 512 MiB\r\n"
	    "2026-11-25T14:03:07.123Z login: ");
	free_log(l);
}

static void
test_marks_on_their_own_lines(void **state)
{
	struct console_log *l = new_log("m.log", 0, 0);
	char buf[1024], path[128];

	(void)state;
	assert_int_equal(console_log_mark(l, "attach rw uid 0 (root)", T0), 0);
	assert_int_equal(console_log_data(l, (const uint8_t *)"login: ", 7, T0), 0);
	assert_int_equal(console_log_mark(l, "break sent by uid 0 (root)", T0), 0);
	assert_int_equal(console_log_data(l, (const uint8_t *)"\r\n", 2, T0), 0);
	path_of(path, sizeof(path), "m.log");
	slurp(path, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-25T14:03:07.123Z [-- attach rw uid 0 (root) --]\n"
	    "2026-11-25T14:03:07.123Z login: \n"
	    "2026-11-25T14:03:07.123Z [-- break sent by uid 0 (root) --]\n"
	    "2026-11-25T14:03:07.123Z \r\n");
	free_log(l);

	/* Reopened after a stop mid-line: the old line is ended first. */
	l = new_log("m.log", 0, 0);
	assert_int_equal(console_log_data(l, (const uint8_t *)"x", 1, T0), 0);
	assert_int_equal(console_log_mark(l, "console server stopped", T0), 0);
	free_log(l);
	l = new_log("m.log", 0, 0);
	assert_true(l->mid_line == false);
	assert_int_equal(console_log_data(l, (const uint8_t *)"y", 1, T0), 0);
	free_log(l);
	l = new_log("m.log", 0, 0);
	assert_true(l->mid_line);
	assert_int_equal(console_log_mark(l, "again", T0), 0);
	free_log(l);
	slurp(path, buf, sizeof(buf));
	assert_non_null(strstr(buf, "Z y\n2026-11-25T14:03:07.123Z [-- again --]\n"));
}

static void
test_rotation(void **state)
{
	struct console_log *l = new_log("rot.log", 200, 2);
	char path[128], p1[128], p2[128], p3[128], buf[4096];
	char line[64];
	struct stat st;

	(void)state;
	path_of(path, sizeof(path), "rot.log");
	path_of(p1, sizeof(p1), "rot.log.1");
	path_of(p2, sizeof(p2), "rot.log.2");
	path_of(p3, sizeof(p3), "rot.log.3");
	for (int i = 0; i < 40; i++) {
		int n = snprintf(line, sizeof(line), "line %02d of the boot log\r\n", i);

		assert_int_equal(console_log_data(l, (const uint8_t *)line, (size_t)n, T0), 0);
		/* Never more than one line past the limit. */
		assert_int_equal(stat(path, &st), 0);
		assert_true(st.st_size < 200 + CONSOLE_STAMP_LEN + n);
	}
	free_log(l);
	assert_int_equal(stat(p1, &st), 0);
	assert_int_equal(stat(p2, &st), 0);
	assert_int_equal(stat(p3, &st), -1);   /* keep 2 */
	/* Newest in rot.log, the one before in .1; every file starts with a stamp. */
	slurp(path, buf, sizeof(buf));
	assert_non_null(strstr(buf, "line 39 of"));
	assert_memory_equal(buf, "2026-", 5);
	slurp(p1, buf, sizeof(buf));
	assert_null(strstr(buf, "line 39 of"));
	assert_memory_equal(buf, "2026-", 5);

	/* keep 0: no old file at all. */
	l = new_log("none.log", 100, 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(console_log_data(l, (const uint8_t *)"0123456789\n", 11, T0), 0);
	free_log(l);
	path_of(p1, sizeof(p1), "none.log.1");
	assert_int_equal(stat(p1, &st), -1);
}

static void
test_tail_lines(void **state)
{
	struct console_log *l = malloc(sizeof(*l));
	uint8_t out[CONSOLE_HISTORY];
	const char *hist = "one\r\ntwo\r\nthree\r\nlogin: ";
	size_t n;

	(void)state;
	assert_non_null(l);
	console_log_init(l);    /* no file: the history still works */
	assert_int_equal(console_log_tail(l, 5, out, sizeof(out)), 0);
	assert_int_equal(console_log_data(l, (const uint8_t *)hist, strlen(hist), T0), 0);
	assert_int_equal(console_log_tail(l, 0, out, sizeof(out)), 0);
	n = console_log_tail(l, 1, out, sizeof(out));
	assert_int_equal(n, 7);
	assert_memory_equal(out, "login: ", 7);
	n = console_log_tail(l, 2, out, sizeof(out));
	assert_memory_equal(out, "three\r\nlogin: ", n);
	n = console_log_tail(l, 50, out, sizeof(out));
	assert_int_equal(n, strlen(hist));
	/* A history that ends with a line end: that end starts nothing. */
	assert_int_equal(console_log_data(l, (const uint8_t *)"\r\n", 2, T0), 0);
	n = console_log_tail(l, 1, out, sizeof(out));
	assert_int_equal(n, 9);
	assert_memory_equal(out, "login: \r\n", 9);
	/* A small buffer gets the newest bytes. */
	n = console_log_tail(l, 3, out, 4);
	assert_int_equal(n, 4);
	assert_memory_equal(out, ": \r\n", 4);
	free(l);
}

static void
test_history_wraps(void **state)
{
	struct console_log *l = malloc(sizeof(*l));
	static uint8_t out[CONSOLE_HISTORY], big[CONSOLE_HISTORY + 100];
	char line[32];
	size_t n;

	(void)state;
	assert_non_null(l);
	console_log_init(l);
	for (int i = 0; i < 5000; i++) {
		int k = snprintf(line, sizeof(line), "line %04d\n", i);

		assert_int_equal(console_log_data(l, (const uint8_t *)line, (size_t)k, T0), 0);
	}
	assert_int_equal(l->hist_len, CONSOLE_HISTORY);
	n = console_log_tail(l, 3, out, sizeof(out));
	assert_int_equal(n, 30);
	assert_memory_equal(out, "line 4997\nline 4998\nline 4999\n", 30);
	/* One write larger than the history keeps its own end. */
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '!';
	assert_int_equal(console_log_data(l, big, sizeof(big), T0), 0);
	n = console_log_tail(l, 1, out, sizeof(out));
	assert_int_equal(n, CONSOLE_HISTORY);
	assert_int_equal(out[n - 1], '!');
	free(l);
}

static void
test_open_refuses(void **state)
{
	struct console_log l;
	char path[128], err[256];

	(void)state;
	console_log_init(&l);
	path_of(path, sizeof(path), "no/such/dir/x.log");
	assert_int_equal(console_log_open(&l, path, 0, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "x.log"));
	/* A symbolic link is not followed (the log directory may be shared). */
	path_of(path, sizeof(path), "link.log");
	assert_int_equal(symlink("/etc/passwd", path), 0);
	assert_int_equal(console_log_open(&l, path, 0, 0, err, sizeof(err)), -1);
	console_log_close(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stamp),
		cmocka_unit_test(test_stamps_at_line_starts),
		cmocka_unit_test(test_marks_on_their_own_lines),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_tail_lines),
		cmocka_unit_test(test_history_wraps),
		cmocka_unit_test(test_open_refuses),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
