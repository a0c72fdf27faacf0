/*
 * pps: RFC 2783 PPS API devices.  Linux (pps-tools' <sys/timepps.h>) and
 * FreeBSD (base system) implement the same API, so one file serves both.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>		/* before timepps.h: FreeBSD's needs uint64_t */
#include <sys/timepps.h>
#include <unistd.h>

#include "pps.h"

struct pps_dev {
	int fd;
	pps_handle_t handle;
	unsigned long last_seq;
	bool have_seq;
};

int
pps_dev_open(const char *path, struct pps_dev **out, char *err, size_t errlen)
{
	pps_params_t params;
	int mode;
	struct pps_dev *d = calloc(1, sizeof(*d));

	if (d == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	d->fd = open(path, O_RDWR | O_CLOEXEC);
	if (d->fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(d);
		return -1;
	}
	if (time_pps_create(d->fd, &d->handle) == -1) {
		snprintf(err, errlen, "%s: not a PPS device: %s", path, strerror(errno));
		goto fail;
	}
	if (time_pps_getcap(d->handle, &mode) == -1 || !(mode & PPS_CAPTUREASSERT)) {
		snprintf(err, errlen, "%s: cannot capture assert edges", path);
		goto fail_handle;
	}
	if (time_pps_getparams(d->handle, &params) == -1)
		goto fail_params;
	params.mode |= PPS_CAPTUREASSERT | PPS_TSFMT_TSPEC;
	params.mode &= ~PPS_CAPTURECLEAR;
	if (time_pps_setparams(d->handle, &params) == -1)
		goto fail_params;
	*out = d;
	return 0;
fail_params:
	snprintf(err, errlen, "%s: cannot set PPS parameters: %s", path, strerror(errno));
fail_handle:
	time_pps_destroy(d->handle);
fail:
	close(d->fd);
	free(d);
	return -1;
}

int
pps_dev_fetch(struct pps_dev *d, struct pps_edge *e)
{
	pps_info_t info;
	struct timespec zero = { 0, 0 };

	if (time_pps_fetch(d->handle, PPS_TSFMT_TSPEC, &info, &zero) == -1)
		return -1;
	unsigned long seq = info.assert_sequence;
	if (d->have_seq && seq == d->last_seq)
		return 0;
	bool first = !d->have_seq;
	d->have_seq = true;
	d->last_seq = seq;
	/* The first fetch reports whatever edge was captured before we
	 * looked: its age is unknown, so it only sets the sequence. */
	if (first || (info.assert_timestamp.tv_sec == 0 && info.assert_timestamp.tv_nsec == 0))
		return 0;
	memset(e, 0, sizeof(*e));
	e->local = info.assert_timestamp;
	e->pulse = true;
	e->sequence = seq;
	return 1;
}

void
pps_dev_close(struct pps_dev *d)
{
	if (d == NULL)
		return;
	time_pps_destroy(d->handle);
	close(d->fd);
	free(d);
}
