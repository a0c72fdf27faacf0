/*
 * fdio: whole reads and writes on a file descriptor, the loops every
 * reader of a small file and every writer of a whole buffer would
 * otherwise write out again.  Interrupted calls (EINTR) are retried; any
 * other error ends the call.
 */
#ifndef OUTPOST_FDIO_H
#define OUTPOST_FDIO_H

#include <stddef.h>
#include <sys/types.h>

/* Read until end of file or until cap bytes are in buf: the count read, or
 * -1 with errno.  A count of cap means there may be more: to refuse a file
 * longer than max, read with cap = max + 1. */
ssize_t fd_read_all(int fd, void *buf, size_t cap);
/* Write all len bytes of buf: 0, or -1 with errno (a write of nothing is
 * an error, EIO). */
int fd_write_all(int fd, const void *buf, size_t len);

#endif
