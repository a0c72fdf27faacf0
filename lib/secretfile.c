/*
 * secretfile: one secret from an owner-only file (see secretfile.h).
 */
#include "secretfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>		/* explicit_bzero on FreeBSD */
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
int
secretfile_check_fd(int fd, const char *path, char *err, size_t errlen)
{
	struct stat sb;

	if (fstat(fd, &sb) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	if (sb.st_uid != 0 && sb.st_uid != geteuid()) {
		snprintf(err, errlen, "%s: owned by uid %u, which may change it: chown root %s",
		    path, (unsigned)sb.st_uid, path);
		return -1;
	}
	if ((sb.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: group or others may access it (mode %04o): chmod 600 %s",
		    path, (unsigned)(sb.st_mode & 07777), path);
		return -1;
	}
	return 0;
}

/* Length of the secret in buf[0..len): the line without its ending, or -1
 * when what is left is empty or holds a byte a secret may not hold. */
static ssize_t
secret_len(const char *buf, size_t len)
{
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] < 0x21 || buf[i] > 0x7e)
			return -1;
	}
	return (ssize_t)len;
}

int
secretfile_read(const char *path, char *buf, size_t len, char *err, size_t errlen)
{
	char tmp[SECRETFILE_MAX + 1];
	ssize_t n, slen;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (secretfile_check_fd(fd, path, err, errlen) == -1) {
		close(fd);
		return -1;
	}
	n = fd_read_all(fd, tmp, sizeof(tmp));
	if (n < 0)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	close(fd);
	if (n < 0)
		return -1;
	if ((size_t)n > SECRETFILE_MAX) {
		explicit_bzero(tmp, sizeof(tmp));
		snprintf(err, errlen, "%s: longer than %d bytes: not a secret file", path,
		    SECRETFILE_MAX);
		return -1;
	}
	slen = secret_len(tmp, (size_t)n);
	if (slen < 0 || (size_t)slen >= len) {
		explicit_bzero(tmp, sizeof(tmp));
		if (slen < 0)
			snprintf(err, errlen,
			    "%s: does not hold a secret (one line of printable ASCII, no spaces)",
			    path);
		else
			snprintf(err, errlen, "%s: the secret is longer than %zu bytes", path,
			    len - 1);
		return -1;
	}
	memcpy(buf, tmp, (size_t)slen);
	buf[slen] = '\0';
	explicit_bzero(tmp, sizeof(tmp));
	return (int)slen;
}
