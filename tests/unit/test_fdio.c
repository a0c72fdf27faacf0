/*
 * Unit tests for lib/fdio: whole reads (to end of file, or to a full
 * buffer) and whole writes, on a file and on a pipe.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"

static int
temp_file(void)
{
	char path[] = "/tmp/outpost-fdio.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	return fd;
}

static void
test_file_round_trip(void **state)
{
	static char data[100000], back[100001];
	int fd = temp_file();

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + 3);
	assert_int_equal(fd_write_all(fd, data, sizeof(data)), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	/* To end of file: fewer than cap means all of it. */
	assert_int_equal(fd_read_all(fd, back, sizeof(back)), (ssize_t)sizeof(data));
	assert_memory_equal(back, data, sizeof(data));
	/* A buffer it fills: cap, and there may be more. */
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(fd_read_all(fd, back, 4096), 4096);
	assert_int_equal(fd_read_all(fd, back, 0), 0);
	close(fd);
}

/* A pipe gives a few kilobytes a read; the writer's end closed is the end. */
static void
test_pipe_reads_to_the_end(void **state)
{
	char out[3000], in[4000];
	int p[2];

	(void)state;
	memset(out, 'x', sizeof(out));
	assert_int_equal(pipe(p), 0);
	assert_int_equal(fd_write_all(p[1], out, sizeof(out)), 0);
	close(p[1]);
	assert_int_equal(fd_read_all(p[0], in, sizeof(in)), (ssize_t)sizeof(out));
	assert_int_equal(fd_read_all(p[0], in, sizeof(in)), 0);
	close(p[0]);
}

static void
test_errors(void **state)
{
	char b[8] = "abcdefg";
	int p[2];

	(void)state;
	errno = 0;
	assert_int_equal(fd_read_all(-1, b, sizeof(b)), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(fd_write_all(-1, b, sizeof(b)), -1);
	assert_int_equal(errno, EBADF);
	/* Nothing to write is no write at all. */
	assert_int_equal(fd_write_all(-1, b, 0), 0);
	/* A pipe nobody reads: EPIPE (SIGPIPE ignored, as the daemons do). */
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	assert_int_equal(fd_write_all(p[1], b, sizeof(b)), -1);
	assert_int_equal(errno, EPIPE);
	signal(SIGPIPE, old);
	close(p[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_round_trip),
		cmocka_unit_test(test_pipe_reads_to_the_end),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
