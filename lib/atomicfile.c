/*
 * atomicfile: temporary file, fsync, rename, fsync of the directory.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "fdio.h"

static int
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	if (rc < 0 && (errno == EINVAL || errno == EROFS))
		rc = 0;		/* nothing more can be done there */
	close(fd);
	return rc;
}

static int
fail(const char *what, char *err, size_t errlen)
{
	int e = errno;

	snprintf(err, errlen, "%s: %s", what, strerror(e));
	errno = e;
	return -1;
}

static int
replace(const char *path, const void *data, size_t len, mode_t mode, bool durable, char *err,
    size_t errlen)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	const char *slash = strrchr(path, '/');
	const char *base = slash != NULL ? slash + 1 : path;
	size_t dlen = slash == NULL ? 1 : slash == path ? 1 : (size_t)(slash - path);

	if (dlen >= sizeof(dir) || *base == '\0') {
		errno = ENAMETOOLONG;
		return fail(path, err, errlen);
	}
	memcpy(dir, slash == NULL ? "." : path, dlen);
	dir[dlen] = '\0';
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, base) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return fail(path, err, errlen);
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: cannot create a temporary file: %s", dir, strerror(e));
		errno = e;
		return -1;
	}
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 || fchmod(fd, mode) < 0 ||
	    fd_write_all(fd, data, len) < 0 || (durable && fsync(fd) < 0)) {
		int e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return fail(tmp, err, errlen);
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return fail(path, err, errlen);
	}
	if (durable && sync_dir(dir) < 0)
		return fail(dir, err, errlen);
	return 0;
}

int
atomicfile_write(const char *path, const void *data, size_t len, mode_t mode, char *err,
    size_t errlen)
{
	return replace(path, data, len, mode, true, err, errlen);
}

int
atomicfile_write_nosync(const char *path, const void *data, size_t len, mode_t mode, char *err,
    size_t errlen)
{
	return replace(path, data, len, mode, false, err, errlen);
}
