/*
 * fdio: whole reads and writes (see fdio.h).
 */
#include <errno.h>
#include <unistd.h>

#include "fdio.h"

ssize_t
fd_read_all(int fd, void *buf, size_t cap)
{
	char *p = buf;
	size_t got = 0;

	while (got < cap) {
		ssize_t n = read(fd, p + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int
fd_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
