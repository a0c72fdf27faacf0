/*
 * shm_export: hand reference samples to a running ntpd or chronyd through
 * the classic NTP shared-memory driver (ntpd refclock 28, chrony
 * `refclock SHM N`), for people who keep their old time daemon.
 *
 * Segment N has SysV IPC key 0x4e545030 + N ("NTP0" + N).  Units 0 and 1
 * are created mode 0600 (only root's daemon may trust them), higher units
 * 0666, as ntpd and gpsd do.  Samples are written in mode 1 with the
 * count/valid protocol: valid = 0, count++, fields, count++, valid = 1,
 * with barriers between, so a reader that sees count change under it
 * throws the sample away instead of reading a torn one.
 */
#ifndef OUTPOST_SHM_EXPORT_H
#define OUTPOST_SHM_EXPORT_H

#include <stddef.h>
#include <time.h>

#define SHM_EXPORT_KEY_BASE 0x4e545030

/* The segment, field for field as ntpd's refclock_shm.c defines it. */
struct shm_time {
	int mode;
	volatile int count;
	time_t clock_sec;           /* true time of the sample */
	int clock_usec;
	time_t receive_sec;         /* local system time it was taken */
	int receive_usec;
	int leap;
	int precision;
	int nsamples;
	volatile int valid;
	unsigned clock_nsec;
	unsigned receive_nsec;
	int dummy[8];
};

struct shm_export {
	int unit;
	int id;
	struct shm_time *seg;
};

/* Create or attach unit N.  -1 with a message in err. */
int shm_export_open(struct shm_export *x, int unit, char *err, size_t errlen);
/* Publish one sample: at local time `local`, true time was `truth`. */
void shm_export_write(struct shm_export *x, struct timespec truth, struct timespec local,
    int leap, int precision);
void shm_export_close(struct shm_export *x);

#endif
