/*
 * simmain: what every simulator's main() does the same way.
 *
 *   - An event loop that SIGTERM, SIGINT and SIGHUP end, each logged
 *     ("signal 15: exiting"); SIGPIPE is ignored, because a host that goes
 *     away is noticed on its pty or socket, not by a signal.
 *   - Numeric options checked whole and against their range; a bad one is a
 *     usage error: "gpssim: --baud: 'x' is not a number from 4800 to
 *     115200" on stderr, exit status 2.
 *   - A pid file, for tests that signal the simulator itself.
 *
 * Failures to set up are fatal (log.h): a simulator has no one to report
 * to but its caller.
 */
#ifndef OUTPOST_SIMMAIN_H
#define OUTPOST_SIMMAIN_H

struct ev_loop;

struct ev_loop *sim_loop_new(void);
/* prog: the simulator's name, for the message. */
double sim_num_arg(const char *prog, const char *opt, const char *s, double lo, double hi);
long sim_int_arg(const char *prog, const char *opt, const char *s, long lo, long hi);
void sim_write_pid_file(const char *path);

#endif
