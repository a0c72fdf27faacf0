/*
 * oobd-push: send one push notification for oobd, then exit.
 *
 * oobd starts this as `oobd-push [-u USER]` with the request (push_wire.h)
 * on stdin; it prints one result line on stdout.  Run as root with -u, it
 * becomes USER (privdrop.h) once the request is read and before anything
 * goes out: what it takes from the network is parsed without privileges.
 *
 * Keeping libcurl and the TLS stack here means the daemon never maps them
 * (its memory stays small), a flaw in them is not a flaw in the long-lived
 * root process, and oobd can stop a push at any moment by killing this
 * process.
 *
 * Exit status: 0 sent, 1 not sent (the line says why), 2 bad request or
 * usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>		/* explicit_bzero on FreeBSD */
#include <unistd.h>

#include "fdio.h"
#include "privdrop.h"
#include "push_wire.h"
#include "transfer.h"

static int
report(const struct push_result *res, int status)
{
	char line[PUSH_RESULT_MAX];
	size_t n = push_result_format(res, line, sizeof(line));

	if (fwrite(line, 1, n, stdout) != n || fflush(stdout) != 0)
		return 2;
	return status;
}

static void
usage(void)
{
	fprintf(stderr, "usage: oobd-push [-u user] < request\n"
	    "(oobd runs this; see oobd-push(8))\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static char buf[PUSH_REQUEST_MAX + 1];
	static struct push_request rq;
	struct push_result res = { 0 };
	const char *user = NULL;
	char err[NOTIFY_ERR_MAX];
	long len;
	int ch, status;

	while ((ch = getopt(argc, argv, "u:")) != -1) {
		if (ch != 'u')
			usage();
		user = optarg;
	}
	if (optind != argc || isatty(0))
		usage();
	len = (long)fd_read_all(0, buf, sizeof(buf));
	if (len == (long)sizeof(buf))
		len = -1;	/* a full buffer is more than a request */
	if (len == -1 ||
	    push_request_decode(buf, (size_t)len, &rq, err, sizeof(err)) == -1) {
		snprintf(res.why, sizeof(res.why), "%.300s", len == -1 ? "bad request: too long "
		    "or unreadable" : err);
		explicit_bzero(buf, sizeof(buf));
		return report(&res, 2);
	}
	explicit_bzero(buf, sizeof(buf));
	if (user != NULL && geteuid() == 0 && privdrop(user, false, err, sizeof(err)) == -1) {
		snprintf(res.why, sizeof(res.why), "push helper: %.300s", err);
		status = report(&res, 1);
	} else if (push_transfer_init() == -1) {
		snprintf(res.why, sizeof(res.why), "libcurl cannot start");
		status = report(&res, 1);
	} else {
		push_transfer(&rq, &res);
		status = report(&res, res.ok ? 0 : 1);
	}
	explicit_bzero(&rq, sizeof(rq));
	return status;
}
