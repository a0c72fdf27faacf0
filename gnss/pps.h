/*
 * pps: where PPS edges come from.
 *
 * Two sources give the same struct pps_edge:
 *
 *  - RFC 2783 devices (/dev/pps0: pps-gpio on Linux, gpiopps on FreeBSD),
 *    read with time_pps_fetch() without waiting, so the daemon polls them
 *    from its event loop (the PPS API has no file descriptor to poll).  A
 *    new edge is one whose assert sequence number changed.
 *
 *  - chrony's SOCK refclock datagrams (struct sock_sample, as gpsd and
 *    gpssim send them): the system time of the edge, the offset of true
 *    time from it, pulse = 1 for PPS.  The layout is the platform's native
 *    struct, exactly as chronyd reads it, so the size check is the format
 *    check.  stratumd also writes this format to export its samples.
 */
#ifndef OUTPOST_PPS_H
#define OUTPOST_PPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include <time.h>

#define PPS_SOCK_MAGIC 0x534f434b   /* "SOCK" */

/* chrony's refclock_sock.c sample, field for field. */
struct pps_sock_sample {
	struct timeval tv;          /* system time of the event */
	double offset;              /* true time - system time, seconds */
	int pulse;                  /* 1: PPS, only the fraction of offset counts */
	int leap;                   /* 0 none, 1 insert, 2 delete */
	int _pad;
	int magic;
};

struct pps_edge {
	struct timespec local;      /* local clock at the edge */
	double offset;              /* SOCK only: true - local as the sender saw it */
	bool pulse;
	int leap;
	unsigned long sequence;     /* RFC 2783 only */
};

/* 0 on success; -1 when the datagram is not a valid sample (size, magic,
 * microseconds out of range, offset not finite or beyond +-1e6 s). */
int pps_sock_decode(const void *buf, size_t len, struct pps_edge *e);
/* Fill a sample (microsecond resolution, as the format has). */
void pps_sock_encode(const struct pps_edge *e, struct pps_sock_sample *s);

/* RFC 2783 (pps_rfc2783.c). */
struct pps_dev;
/* Open the device and ask for assert-edge captures. -1 with a message. */
int pps_dev_open(const char *path, struct pps_dev **out, char *err, size_t errlen);
/* 1 and *e when a new assert edge was captured since the last call, 0 when
 * none, -1 with errno on failure (device gone). */
int pps_dev_fetch(struct pps_dev *d, struct pps_edge *e);
void pps_dev_close(struct pps_dev *d);

#endif
