/*
 * simmain: the simulators' common main() parts (see simmain.h).
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "evloop.h"
#include "log.h"
#include "simmain.h"

static void
on_signal(int signo, void *arg)
{
	log_info("signal %d: exiting", signo);
	ev_break(arg);
}

struct ev_loop *
sim_loop_new(void)
{
	struct ev_loop *loop;

	signal(SIGPIPE, SIG_IGN);
	if ((loop = ev_new()) == NULL)
		fatal("ev_new");
	if (ev_signal(loop, SIGTERM, on_signal, loop) < 0 ||
	    ev_signal(loop, SIGINT, on_signal, loop) < 0 ||
	    ev_signal(loop, SIGHUP, on_signal, loop) < 0)
		fatal("ev_signal");
	return loop;
}

double
sim_num_arg(const char *prog, const char *opt, const char *s, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v < lo || v > hi) {
		fprintf(stderr, "%s: %s: '%s' is not a number from %g to %g\n", prog, opt, s, lo,
		    hi);
		exit(2);
	}
	return v;
}

long
sim_int_arg(const char *prog, const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "%s: %s: '%s' is not a number from %ld to %ld\n", prog, opt, s, lo,
		    hi);
		exit(2);
	}
	return v;
}

void
sim_write_pid_file(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		fatal("%s", path);
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0)
		fatal("%s", path);
}
