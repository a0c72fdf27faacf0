/*
 * shm_export: the NTP SHM refclock segment, writer side.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "shm_export.h"

int
shm_export_open(struct shm_export *x, int unit, char *err, size_t errlen)
{
	int perm = unit <= 1 ? 0600 : 0666;

	memset(x, 0, sizeof(*x));
	x->id = -1;
	if (unit < 0 || unit > 255) {
		snprintf(err, errlen, "SHM unit %d: must be 0..255", unit);
		return -1;
	}
	x->unit = unit;
	x->id = shmget((key_t)(SHM_EXPORT_KEY_BASE + unit), sizeof(struct shm_time),
	    IPC_CREAT | perm);
	if (x->id == -1) {
		snprintf(err, errlen, "SHM unit %d: shmget: %s", unit, strerror(errno));
		return -1;
	}
	void *p = shmat(x->id, NULL, 0);
	if (p == (void *)-1) {
		snprintf(err, errlen, "SHM unit %d: shmat: %s", unit, strerror(errno));
		return -1;
	}
	x->seg = p;
	return 0;
}

void
shm_export_write(struct shm_export *x, struct timespec truth, struct timespec local,
    int leap, int precision)
{
	struct shm_time *t = x->seg;

	if (t == NULL)
		return;
	t->valid = 0;
	t->mode = 1;
	t->count++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->clock_sec = truth.tv_sec;
	t->clock_usec = (int)(truth.tv_nsec / 1000);
	t->clock_nsec = (unsigned)truth.tv_nsec;
	t->receive_sec = local.tv_sec;
	t->receive_usec = (int)(local.tv_nsec / 1000);
	t->receive_nsec = (unsigned)local.tv_nsec;
	t->leap = leap;
	t->precision = precision;
	t->nsamples = 3;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->count++;
	t->valid = 1;
}

void
shm_export_close(struct shm_export *x)
{
	if (x->seg != NULL)
		shmdt(x->seg);
	x->seg = NULL;
}
