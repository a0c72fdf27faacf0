/*
 * cmd_otp: outpost otp init|code -- the one-time-code secret that lets a
 * phone activate oobd by SMS.
 *
 *   init   make a 160-bit secret, store it in base32 in a file only its
 *          owner can read (refusing to replace one unless --force: phones
 *          set up with the old secret would stop working), and print the
 *          otpauth:// URI, as a QR code too when built with libqrencode,
 *          for an authenticator app
 *   code   print the code for a time (default now), from a secret on stdin
 *          or in a file: to check a phone, or to activate by hand
 *
 * The secret is shown once, at init; after that it lives only in the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_QRENCODE
#include <qrencode.h>
#endif

#include "atomicfile.h"
#include "base32.h"
#include "fdio.h"
#include "outpost.h"
#include "totp.h"

#define DEFAULT_SECRET_FILE "/etc/outpost/otp.secret"
#define DEFAULT_ISSUER	    "outpost"
#define LABEL_MAX	    64	/* issuer or account, before encoding */
#define STDIN_MAX	    1024
#define QR_QUIET	    4	/* modules of white around the code */

struct otp_args {
	const char *secret_file;
	const char *issuer;
	const char *account;
	bool force;
	bool have_time;
	int64_t time;
	int digits;
};

static int
usage(FILE *f)
{
	fprintf(f, "usage: %s otp init [--secret-file F] [--issuer NAME] [--account NAME] "
		   "[--force]\n"
		   "       %s otp code [--time UNIX] [--digits N] [--secret-file F]\n"
		   "  init: make a secret, write it to F (default %s), print its\n"
		   "    otpauth:// URI and QR code for an authenticator app.\n"
		   "  code: the code for a time (default now) from the base32 secret on\n"
		   "    stdin or in F.\n",
	    outpost_progname, outpost_progname, DEFAULT_SECRET_FILE);
	return f == stdout ? 0 : EXIT_USAGE;
}

/* A whole decimal number in lo..hi, or -1. */
static int
number_arg(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	long long v;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int
bad_value(const char *what, const char *want)
{
	fprintf(stderr, "%s otp: %s wants %s\n", outpost_progname, what, want);
	return EXIT_USAGE;
}

/* A label part for the URI: something, not too long, no ':' (it separates
 * issuer and account) and no control characters. */
static int
check_label(const char *what, const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > LABEL_MAX || strchr(s, ':') != NULL)
		return bad_value(what, "1 to 64 characters, no ':'");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < ' ' || s[i] == 127)
			return bad_value(what, "printable characters");
	return 0;
}

static int
parse_args(int argc, char **argv, bool init, struct otp_args *a)
{
	long long v;
	int rc;

	memset(a, 0, sizeof(*a));
	a->secret_file = init ? DEFAULT_SECRET_FILE : NULL;
	a->issuer = DEFAULT_ISSUER;
	a->digits = TOTP_DEFAULT_DIGITS;
	for (int i = 1; i < argc; i++) {
		bool missing = false;
		const char *val;

		if ((val = outpost_option(argc, argv, &i, "--secret-file", &missing)) != NULL) {
			a->secret_file = val;
		} else if (init && (val = outpost_option(argc, argv, &i, "--issuer", &missing)) != NULL) {
			if ((rc = check_label("--issuer", val)) != 0)
				return rc;
			a->issuer = val;
		} else if (init && (val = outpost_option(argc, argv, &i, "--account", &missing)) != NULL) {
			if ((rc = check_label("--account", val)) != 0)
				return rc;
			a->account = val;
		} else if (init && !missing && strcmp(argv[i], "--force") == 0) {
			a->force = true;
		} else if (!init && (val = outpost_option(argc, argv, &i, "--time", &missing)) != NULL) {
			if (number_arg(val, 0, INT64_MAX / 2, &v) < 0)
				return bad_value("--time", "seconds since 1970 (a whole number >= 0)");
			a->time = v;
			a->have_time = true;
		} else if (!init && (val = outpost_option(argc, argv, &i, "--digits", &missing)) != NULL) {
			if (number_arg(val, TOTP_MIN_DIGITS, TOTP_MAX_DIGITS, &v) < 0)
				return bad_value("--digits", "6, 7 or 8");
			a->digits = (int)v;
		} else {
			if (missing)
				fprintf(stderr, "%s otp: %s wants a value\n", outpost_progname,
				    argv[i]);
			return usage(stderr);
		}
	}
	if (a->secret_file != NULL && a->secret_file[0] == '\0')
		return bad_value("--secret-file", "a file name");
	return 0;
}

/* ---- init ---- */

static int
random_bytes(uint8_t *buf, size_t len)
{
	struct stat sb;
	ssize_t got;
	int fd, saved;

	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &sb) < 0 || !S_ISCHR(sb.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	got = fd_read_all(fd, buf, len);
	saved = errno;
	close(fd);
	errno = got >= 0 ? EIO : saved;	/* a random device never ends */
	return got >= 0 && (size_t)got == len ? 0 : -1;
}

/* The directory of path into dir ("." when it has none). */
static int
dir_of(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash == NULL ? 1 : slash == path ? 1 : (size_t)(slash - path);

	if (n >= len)
		return -1;
	memcpy(dir, slash == NULL ? "." : path, n);
	dir[n] = '\0';
	return 0;
}

/* The directory holding the secret: made 0700 if missing. */
static int
ensure_dir(const char *dir)
{
	struct stat sb;

	if (stat(dir, &sb) == 0) {
		if (S_ISDIR(sb.st_mode))
			return 0;
		fprintf(stderr, "%s otp: %s: not a directory\n", outpost_progname, dir);
		return -1;
	}
	if (errno != ENOENT || mkdir(dir, 0700) < 0) {
		fprintf(stderr, "%s otp: %s: %s\n", outpost_progname, dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* A new file unless --force; either way written whole or not at all
 * (a symlink at path is replaced, never written through). */
static int
write_secret(const char *path, const char *text, bool force)
{
	struct stat sb;
	char err[PATH_MAX + 64];

	if (!force && lstat(path, &sb) == 0) {
		fprintf(stderr,
		    "%s otp: %s exists; phones set up with it keep working. "
		    "To replace it, use --force\n",
		    outpost_progname, path);
		return -1;
	}
	if (atomicfile_write(path, text, strlen(text), 0600, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s otp: %s\n", outpost_progname, err);
		return -1;
	}
	return 0;
}

/* RFC 3986 percent-encoding of everything but the unreserved characters. */
static void
percent_encode(const char *s, char *out, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *s != '\0' && n + 4 <= len; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			out[n++] = (char)c;
		} else {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	out[n] = '\0';
}

/* The Key URI that authenticator apps read (the otpauth:// scheme). */
static int
otpauth_uri(const struct otp_args *a, const char *account, const char *secret, char *uri,
    size_t len)
{
	char issuer[3 * LABEL_MAX + 1], acct[3 * LABEL_MAX + 1];
	int n;

	percent_encode(a->issuer, issuer, sizeof(issuer));
	percent_encode(account, acct, sizeof(acct));
	n = snprintf(uri, len,
	    "otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1&digits=%d&period=%d",
	    issuer, acct, secret, issuer, TOTP_DEFAULT_DIGITS, TOTP_STEP_SECONDS);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

#ifdef HAVE_QRENCODE
static bool
qr_dark(const QRcode *qr, int x, int y)
{
	x -= QR_QUIET;
	y -= QR_QUIET;
	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return false;
	return (qr->data[y * qr->width + x] & 1) != 0;
}

/* Two rows of modules per line with half blocks; dark is the character's
 * ink.  On a terminal the colours are set (black on white) so that the
 * code is the right way round whatever the terminal's own colours. */
static int
print_qr(const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	bool tty = isatty(STDOUT_FILENO);
	int size;

	if (qr == NULL)
		return -1;
	size = qr->width + 2 * QR_QUIET;
	for (int y = 0; y < size; y += 2) {
		if (tty)
			fputs("\033[30;47m", stdout);
		for (int x = 0; x < size; x++) {
			bool top = qr_dark(qr, x, y), bottom = qr_dark(qr, x, y + 1);

			/* U+2588 full block, U+2580 upper half, U+2584 lower half */
			fputs(top && bottom ? "\xe2\x96\x88"
			    : top	    ? "\xe2\x96\x80"
			    : bottom	    ? "\xe2\x96\x84"
					    : " ",
			    stdout);
		}
		if (tty)
			fputs("\033[0m", stdout);
		putchar('\n');
	}
	QRcode_free(qr);
	return 0;
}
#endif

static int
otp_init(int argc, char **argv)
{
	struct otp_args a;
	uint8_t key[TOTP_KEY_DEFAULT];
	char secret[BASE32_ENCODED_LEN(TOTP_KEY_DEFAULT) + 2], host[256], dir[PATH_MAX];
	char uri[1024];
	int rc;

	if ((rc = parse_args(argc, argv, true, &a)) != 0)
		return rc;
	if (a.account == NULL) {
		if (gethostname(host, sizeof(host)) < 0 || host[0] == '\0')
			snprintf(host, sizeof(host), "outpost");
		host[sizeof(host) - 1] = '\0';
		if ((rc = check_label("the host name as --account", host)) != 0)
			return rc;
		a.account = host;
	}
	if (dir_of(a.secret_file, dir, sizeof(dir)) < 0 || ensure_dir(dir) < 0)
		return 1;
	if (random_bytes(key, sizeof(key)) < 0) {
		fprintf(stderr, "%s otp: /dev/urandom: %s\n", outpost_progname, strerror(errno));
		return 1;
	}
	(void)base32_encode(key, sizeof(key), secret, sizeof(secret) - 1, false);
	explicit_bzero(key, sizeof(key));
	if (otpauth_uri(&a, a.account, secret, uri, sizeof(uri)) < 0)
		return 1;
	secret[strlen(secret) + 1] = '\0';
	secret[strlen(secret)] = '\n';
	rc = write_secret(a.secret_file, secret, a.force);
	explicit_bzero(secret, sizeof(secret));
	if (rc < 0) {
		explicit_bzero(uri, sizeof(uri));
		return 1;
	}
	fprintf(stderr, "%s otp: wrote %s; add this to an authenticator app:\n",
	    outpost_progname, a.secret_file);
	printf("%s\n", uri);
#ifdef HAVE_QRENCODE
	putchar('\n');
	if (print_qr(uri) < 0)
		fprintf(stderr, "%s otp: cannot make a QR code: %s\n", outpost_progname,
		    strerror(errno));
#endif
	explicit_bzero(uri, sizeof(uri));
	return fflush(stdout) == 0 ? 0 : 1;
}

/* ---- code ---- */

static int
secret_from_stdin(uint8_t *key, size_t cap, size_t *keylen)
{
	char buf[STDIN_MAX + 1], err[256];
	size_t n = fread(buf, 1, sizeof(buf), stdin);
	int rc = -1;

	if (ferror(stdin))
		fprintf(stderr, "%s otp: stdin: %s\n", outpost_progname, strerror(errno));
	else if (n > STDIN_MAX)
		fprintf(stderr, "%s otp: stdin: more than %d bytes: not a base32 secret\n",
		    outpost_progname, STDIN_MAX);
	else if ((rc = totp_parse_secret("stdin", buf, n, key, cap, keylen, err, sizeof(err))) < 0)
		fprintf(stderr, "%s otp: %s\n", outpost_progname, err);
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

static int
otp_code(int argc, char **argv)
{
	struct otp_args a;
	uint8_t key[TOTP_KEY_MAX];
	size_t keylen = 0;
	char code[TOTP_MAX_DIGITS + 1], err[512];
	int rc;

	if ((rc = parse_args(argc, argv, false, &a)) != 0)
		return rc;
	if (a.secret_file != NULL) {
		if (totp_read_secret_file(a.secret_file, key, sizeof(key), &keylen, err,
			sizeof(err)) < 0) {
			fprintf(stderr, "%s otp: %s\n", outpost_progname, err);
			return 1;
		}
	} else if (secret_from_stdin(key, sizeof(key), &keylen) < 0) {
		return 1;
	}
	rc = totp_code(key, keylen, a.have_time ? a.time : (int64_t)time(NULL), a.digits, code,
	    sizeof(code));
	explicit_bzero(key, sizeof(key));
	if (rc < 0) {
		fprintf(stderr, "%s otp: cannot compute the code\n", outpost_progname);
		return 1;
	}
	printf("%s\n", code);
	return fflush(stdout) == 0 ? 0 : 1;
}

int
cmd_otp(int argc, char **argv)
{
	if (argc < 1)
		return usage(stderr);
	if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "help") == 0)
		return usage(stdout);
	if (strcmp(argv[0], "init") == 0)
		return otp_init(argc, argv);
	if (strcmp(argv[0], "code") == 0)
		return otp_code(argc, argv);
	fprintf(stderr, "%s otp: unknown subcommand '%s'\n", outpost_progname, argv[0]);
	return usage(stderr);
}
