/*
 * secretfile: read one secret (an API token, a user key, a PIN) from a file
 * that only its owner can read.
 *
 * Secrets stay out of configuration files, which are often world-readable
 * and get pasted into bug reports; the configuration names a file instead.
 * The file is trusted only when nobody else could have read or planted it:
 *   - opened without following a symlink (O_NOFOLLOW), and a regular file;
 *   - owned by root or by the effective user;
 *   - no group or other permission bits at all (chmod 600 or 400).
 * The secret is the file's one line: a final "\n" or "\r\n" is dropped, and
 * what is left must be 1..len-1 bytes of printable ASCII other than space
 * (0x21..0x7e).  Secrets end up in HTTP headers, form fields and AT
 * commands, where a CR, LF or NUL could smuggle in more than a value; a
 * secret that needs anything else is refused rather than mangled.
 *
 * Errors name the path and say what to do ("chmod 600 PATH"), never the
 * secret.  Temporary copies are wiped (explicit_bzero) before returning.
 */
#ifndef OUTPOST_SECRETFILE_H
#define OUTPOST_SECRETFILE_H

#include <stddef.h>

/* Biggest file read; longer files are refused. */
#define SECRETFILE_MAX 4096

/*
 * Read the secret in `path` into buf (len bytes, NUL-terminated).
 * Returns its length, or -1 with a message in err.
 */
int secretfile_read(const char *path, char *buf, size_t len, char *err, size_t errlen);

/*
 * The checks on an open file's owner and mode, alone (for callers that
 * read the contents themselves): 0, or -1 with a message naming `path`.
 */
int secretfile_check_fd(int fd, const char *path, char *err, size_t errlen);

#endif
