/*
 * Unit tests for lib/secretfile: which files are trusted, what is read
 * from them, and that errors name the file but never the secret.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secretfile.h"

struct scratch {
	char dir[64];
	char path[128];
	char link[128];
};

static int
setup(void **state)
{
	struct scratch *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -1;
	snprintf(s->dir, sizeof(s->dir), "/tmp/outpost-secret.XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		return -1;
	snprintf(s->path, sizeof(s->path), "%s/token", s->dir);
	snprintf(s->link, sizeof(s->link), "%s/link", s->dir);
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	struct scratch *s = *state;

	unlink(s->link);
	unlink(s->path);
	rmdir(s->dir);
	free(s);
	return 0;
}

static void
write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void
test_reads_one_line(void **state)
{
	struct scratch *s = *state;
	char buf[64], err[256];
	static const struct {
		const char *content;
		mode_t mode;
		const char *want;
	} cases[] = {
		{ "azGCD7xuqJ3hY2eWnD1LNE3aTN6o5k\n", 0600, "azGCD7xuqJ3hY2eWnD1LNE3aTN6o5k" },
		{ "tk_abc-123\r\n", 0400, "tk_abc-123" },
		{ "no-newline", 0600, "no-newline" },
		{ "x", 0600, "x" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(s->path, cases[i].content, strlen(cases[i].content), cases[i].mode);
		assert_int_equal(secretfile_read(s->path, buf, sizeof(buf), err, sizeof(err)),
		    (int)strlen(cases[i].want));
		assert_string_equal(buf, cases[i].want);
	}
}

static void
test_refuses_shared_files(void **state)
{
	struct scratch *s = *state;
	char buf[64], err[256];

	write_file(s->path, "secret\n", 7, 0640);
	assert_int_equal(secretfile_read(s->path, buf, sizeof(buf), err, sizeof(err)), -1);
	assert_non_null(strstr(err, s->path));
	assert_non_null(strstr(err, "mode 0640"));
	assert_non_null(strstr(err, "chmod 600"));
	assert_null(strstr(err, "secret\n"));

	write_file(s->path, "secret\n", 7, 0604);
	assert_int_equal(secretfile_read(s->path, buf, sizeof(buf), err, sizeof(err)), -1);
	write_file(s->path, "secret\n", 7, 0610);
	assert_int_equal(secretfile_read(s->path, buf, sizeof(buf), err, sizeof(err)), -1);

	/* A symlink to a good file is not followed. */
	write_file(s->path, "secret\n", 7, 0600);
	assert_int_equal(symlink(s->path, s->link), 0);
	assert_int_equal(secretfile_read(s->link, buf, sizeof(buf), err, sizeof(err)), -1);
	assert_non_null(strstr(err, s->link));

	/* Not a regular file. */
	assert_int_equal(secretfile_read(s->dir, buf, sizeof(buf), err, sizeof(err)), -1);
	assert_int_equal(secretfile_read("/dev/null", buf, sizeof(buf), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));

	assert_int_equal(secretfile_read("/nonexistent/x", buf, sizeof(buf), err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "/nonexistent/x"));
}

static void
test_refuses_other_owner(void **state)
{
	struct scratch *s = *state;
	char buf[64], err[256];

	if (geteuid() != 0) {
		/* As a user we cannot make a file someone else owns; root-owned
		 * files are the ones we can find. */
		fail_msg("run as root (make check does): needs chown to test ownership");
	}
	write_file(s->path, "secret\n", 7, 0600);
	assert_int_equal(chown(s->path, 65534, 65534), 0);
	assert_int_equal(secretfile_read(s->path, buf, sizeof(buf), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "owned by uid 65534"));
}

static void
test_refuses_bad_contents(void **state)
{
	struct scratch *s = *state;
	char buf[16], err[256];
	static const char *const bad[] = {
		"", "\n", "\r\n", "two words\n", "line1\nline2\n", "tab\there", "caf\xc3\xa9\n",
		"del\x7f",
	};
	static const char nul[] = { 'a', '\0', 'b' };
	char big[SECRETFILE_MAX + 2];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(s->path, bad[i], strlen(bad[i]), 0600);
		assert_int_equal(secretfile_read(s->path, buf, sizeof(buf), err, sizeof(err)),
		    -1);
		assert_non_null(strstr(err, "does not hold a secret"));
	}
	write_file(s->path, nul, sizeof(nul), 0600);
	assert_int_equal(secretfile_read(s->path, buf, sizeof(buf), err, sizeof(err)), -1);

	/* Longer than the caller's buffer: refused, not cut. */
	write_file(s->path, "0123456789abcdef\n", 17, 0600);
	assert_int_equal(secretfile_read(s->path, buf, sizeof(buf), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "longer than 15 bytes"));
	assert_null(strstr(err, "0123"));
	write_file(s->path, "0123456789abcde\n", 16, 0600);
	assert_int_equal(secretfile_read(s->path, buf, sizeof(buf), err, sizeof(err)), 15);

	memset(big, 'a', sizeof(big));
	write_file(s->path, big, sizeof(big), 0600);
	assert_int_equal(secretfile_read(s->path, buf, sizeof(buf), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a secret file"));
}

static void
test_check_fd(void **state)
{
	struct scratch *s = *state;
	char err[256];
	int fd;

	write_file(s->path, "x", 1, 0600);
	fd = open(s->path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(secretfile_check_fd(fd, "name", err, sizeof(err)), 0);
	assert_int_equal(fchmod(fd, 0644), 0);
	assert_int_equal(secretfile_check_fd(fd, "name", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "name: group or others may access it (mode 0644)"));
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reads_one_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_shared_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_other_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_bad_contents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_fd, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
