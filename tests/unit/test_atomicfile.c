/*
 * atomicfile: the new contents with the asked mode whatever the umask, a
 * symbolic link replaced rather than written through, no temporary file
 * left behind, and a failure that leaves the old file as it was; the same
 * for the variant without fsync.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_atomicfile.XXXXXX");
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
read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	size_t n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static int
entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.' || (e->d_name[1] != '\0' && e->d_name[1] != '.');
	closedir(d);
	return n;
}

static void
test_replace_with_mode(void **state)
{
	char path[PATH_MAX], buf[64], err[256];
	struct stat sb;

	(void)state;
	snprintf(path, sizeof(path), "%s/state", dir);
	mode_t old = umask(0);
	assert_int_equal(atomicfile_write(path, "one\n", 4, 0600, err, sizeof(err)), 0);
	umask(old);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(atomicfile_write(path, "two\n", 4, 0644, err, sizeof(err)), 0);
	read_file(path, buf, sizeof(buf));
	assert_string_equal(buf, "two\n");
	assert_int_equal(entries(), 1);		/* no temporary file left */
}

/* Without the fsyncs, the same file: mode, contents, nothing left over. */
static void
test_nosync_replaces_the_same_way(void **state)
{
	char path[PATH_MAX], buf[64], err[256];
	struct stat sb;

	(void)state;
	snprintf(path, sizeof(path), "%s/stratumd.prom", dir);
	assert_int_equal(atomicfile_write_nosync(path, "a 1\n", 4, 0644, err, sizeof(err)), 0);
	assert_int_equal(atomicfile_write_nosync(path, "a 2\n", 4, 0640, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0640);
	read_file(path, buf, sizeof(buf));
	assert_string_equal(buf, "a 2\n");
	assert_int_equal(entries(), 1);
	snprintf(path, sizeof(path), "%s/no/such/dir/x.prom", dir);
	assert_int_equal(atomicfile_write_nosync(path, "a 1\n", 4, 0644, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no/such/dir"));
}

static void
test_symlink_replaced_not_followed(void **state)
{
	char path[PATH_MAX], target[PATH_MAX], buf[64], err[256];
	struct stat sb;

	(void)state;
	snprintf(target, sizeof(target), "%s/target", dir);
	snprintf(path, sizeof(path), "%s/link", dir);
	assert_int_equal(atomicfile_write(target, "keep\n", 5, 0600, err, sizeof(err)), 0);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(atomicfile_write(path, "new\n", 4, 0600, err, sizeof(err)), 0);
	assert_int_equal(lstat(path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	read_file(target, buf, sizeof(buf));
	assert_string_equal(buf, "keep\n");
}

static void
test_failure_leaves_the_old_file(void **state)
{
	char path[PATH_MAX], file[PATH_MAX], buf[64], err[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/missing/state", dir);
	assert_int_equal(atomicfile_write(path, "x", 1, 0600, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "missing: cannot create a temporary file: No such file"));

	/* a directory where the file should be: the rename fails */
	snprintf(path, sizeof(path), "%s/adir", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(file, sizeof(file), "%s/adir/f", dir);
	assert_int_equal(atomicfile_write(file, "in\n", 3, 0600, err, sizeof(err)), 0);
	assert_int_equal(atomicfile_write(path, "x", 1, 0600, err, sizeof(err)), -1);
	assert_int_equal(entries(), 1);		/* only adir, no temporary file */
	read_file(file, buf, sizeof(buf));
	assert_string_equal(buf, "in\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replace_with_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nosync_replaces_the_same_way, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_replaced_not_followed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_leaves_the_old_file, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
