/*
 * shm_export: what an ntpd/chronyd SHM reader sees after a write.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>

#include "shm_export.h"

/* A high unit no real daemon uses, removed again after the test. */
#define UNIT 117

static void
remove_segment(int unit)
{
	int id = shmget((key_t)(SHM_EXPORT_KEY_BASE + unit), 0, 0);
	if (id != -1)
		shmctl(id, IPC_RMID, NULL);
}

static void
test_reader_sees_sample(void **state)
{
	struct shm_export x;
	char err[128];
	struct timespec truth = { 1764000001, 0 }, local = { 1764000000, 999876543 };

	(void)state;
	remove_segment(UNIT);
	assert_int_equal(shm_export_open(&x, UNIT, err, sizeof(err)), 0);
	shm_export_write(&x, truth, local, 0, -20);

	/* read it the way a separate reader does, through its own mapping */
	int id = shmget((key_t)(SHM_EXPORT_KEY_BASE + UNIT), sizeof(struct shm_time), 0);
	assert_true(id != -1);
	struct shmid_ds ds;
	assert_int_equal(shmctl(id, IPC_STAT, &ds), 0);
	assert_int_equal(ds.shm_perm.mode & 0777, 0666);
	struct shm_time *t = shmat(id, NULL, SHM_RDONLY);
	assert_true(t != (void *)-1);
	assert_int_equal(t->mode, 1);
	assert_int_equal(t->valid, 1);
	assert_int_equal(t->count, 2);              /* even: no write in progress */
	assert_int_equal(t->clock_sec, 1764000001);
	assert_int_equal(t->clock_nsec, 0);
	assert_int_equal(t->receive_sec, 1764000000);
	assert_int_equal(t->receive_usec, 999876);
	assert_int_equal(t->receive_nsec, 999876543);
	assert_int_equal(t->precision, -20);
	shm_export_write(&x, truth, local, 1, -20);
	assert_int_equal(t->count, 4);
	assert_int_equal(t->leap, 1);
	shmdt(t);
	shm_export_close(&x);
	remove_segment(UNIT);
}

static void
test_unit_range(void **state)
{
	struct shm_export x;
	char err[128];

	(void)state;
	assert_int_equal(shm_export_open(&x, 256, err, sizeof(err)), -1);
	assert_string_equal(err, "SHM unit 256: must be 0..255");
	assert_int_equal(shm_export_open(&x, -1, err, sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_sees_sample),
		cmocka_unit_test(test_unit_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
