/*
 * privdrop: run in a child (dropping is for good), as root as the test
 * suite runs: the child ends up as `nobody`, cannot become root again, and
 * holds CAP_SYS_TIME only when asked to (read back from /proc on Linux).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "privdrop.h"

/* Effective capabilities from /proc/self/status, or -1 where there is none. */
static long long
cap_eff(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long long v = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "CapEff:", 7) == 0)
			v = strtoll(line + 7, NULL, 16);
	fclose(f);
	return v;
}

/* Child exit codes: 0 fine, 1..n which check failed. */
static int
child(bool keep)
{
	char err[256];
	struct passwd *pw = getpwnam("nobody");

	if (pw == NULL)
		return 10;
	if (privdrop("nobody", keep, err, sizeof(err)) == -1)
		return 1;
	if (getuid() != pw->pw_uid || geteuid() != pw->pw_uid)
		return 2;
	if (setuid(0) == 0)
		return 3;
	long long caps = cap_eff();
	if (caps != -1) {
		long long want = keep ? 1LL << 25 : 0; /* CAP_SYS_TIME */
		if (caps != want)
			return 4;
	}
	return 0;
}

static int
run_child(bool keep)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(child(keep));
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
test_drop_keeping_clock(void **state)
{
	(void)state;
	assert_int_equal(getuid(), 0);      /* the suite runs as root (CI does) */
	assert_int_equal(run_child(true), 0);
}

static void
test_drop_everything(void **state)
{
	(void)state;
	assert_int_equal(run_child(false), 0);
}

static void
test_refusals(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(privdrop("no-such-user-xyz", false, err, sizeof(err)), -1);
	assert_string_equal(err, "user no-such-user-xyz: no such user");
	assert_int_equal(privdrop("root", false, err, sizeof(err)), -1);
	assert_string_equal(err, "user root is root: refusing to run as it");
	assert_int_equal(getuid(), 0);      /* nothing was dropped */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drop_keeping_clock),
		cmocka_unit_test(test_drop_everything),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
