/*
 * child: supervised child processes on the event loop (evloop.h).
 *
 * The daemons drive external programs (ssh, pppd, ppp) and must never block
 * while doing so.  A child is started with fork + execve, never through a
 * shell: the argv vector goes to the program as it is.  What the program
 * prints on stdout and stderr comes back, line by line, through a callback
 * run from the loop; its end comes back through another callback with the
 * wait status.  Contract:
 *
 * Start.  argv[0] names the program: an absolute path, or a bare name looked
 * up along opts->search_path (child_find_program()), so that "ssh: not found
 * in /usr/bin:/bin" is reported by child_spawn() itself.  A program that
 * exists but cannot be executed (mode, format) is reported the same way: the
 * child sends execve's errno back through a close-on-exec pipe, and
 * child_spawn() waits for that answer (exec or failure, microseconds) before
 * it returns.  A failed spawn returns NULL with a message and never calls a
 * callback; a successful one calls the exit callback exactly once.
 *
 * The child's world.  stdin is /dev/null, or a pipe holding opts->input
 * (at most CHILD_INPUT_MAX bytes, written before child_spawn() returns, then
 * end of file: the size fits any pipe's buffer, so the write never waits
 * for the child); stdout and stderr are pipes; every
 * other descriptor is closed.  Signal dispositions are back to the defaults
 * and the signal mask is empty (an ignored SIGPIPE in the daemon does not leak
 * into ssh).  The child leads a new session and process group (setsid), so
 * child_stop() reaches whatever it started, and a terminal never sends it
 * signals.  envp NULL passes the daemon's environment on.
 *
 * Output.  Lines end at '\n' (a '\r' before it is dropped) and are handed
 * over without the end of line, NUL-terminated, with their length (the bytes
 * are the program's: they may hold NULs).  A line longer than CHILD_LINE_MAX
 * bytes arrives in pieces of CHILD_LINE_MAX bytes; a last line without '\n'
 * arrives when the pipe closes.  All output the child wrote before it exited
 * is delivered before its exit callback.
 *
 * End.  SIGCHLD is watched through ev_signal() by the child_set, the daemon's
 * single registry of children (ev_signal allows one callback per signal).
 * When a child has exited, whatever is left of its process group is killed
 * (SIGKILL: a group never outlives its leader), its remaining output is
 * delivered, and the exit callback runs with the wait status (<sys/wait.h>
 * WIFEXITED etc.), or -1 when someone else reaped it.  After the exit
 * callback returns the struct child is freed: drop every pointer to it there.
 *
 * Stop.  child_stop() sends SIGTERM to the process group and SIGKILL after
 * grace_ms if the child is still there.  The exit callback still runs, once.
 * child_abandon() kills the group at once and never calls back: the set
 * reaps the child quietly (for an owner that is going away).
 *
 * Callbacks may spawn and stop children (including from an exit callback:
 * restart), but must not call child_set_free().
 */
#ifndef OUTPOST_CHILD_H
#define OUTPOST_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "evloop.h"

#define CHILD_LINE_MAX	1024	/* longer lines arrive in pieces */
#define CHILD_ERRLEN	256
#define CHILD_INPUT_MAX	16384	/* bytes of opts->input */

enum child_stream { CHILD_STDOUT = 1, CHILD_STDERR = 2 };

struct child;
struct child_set;

typedef void (*child_line_cb)(struct child *c, enum child_stream stream, const char *line,
    size_t len, void *arg);
typedef void (*child_exit_cb)(struct child *c, int status, void *arg);

struct child_opts {
	/* Directories (':'-separated, absolute ones only) to find a bare
	 * argv[0] in; NULL: argv[0] must be an absolute path. */
	const char *search_path;
	/* Each line of stdout and stderr; NULL: output is read and dropped. */
	child_line_cb on_line;
	/* What the child reads on stdin (NULL: /dev/null). */
	const void *input;
	size_t input_len;
};

/* The registry of a daemon's children; watches SIGCHLD on loop (which must
 * be the loop that owns signals).  NULL with a message on failure. */
struct child_set *child_set_new(struct ev_loop *loop, char *err, size_t errlen);
/* Kill (SIGKILL) and reap every child still running, without callbacks;
 * stop watching SIGCHLD.  Not from inside a callback. */
void child_set_free(struct child_set *set);
/* Collect every child that has exited and run its exit callback.  The
 * SIGCHLD callback does this; a daemon that takes SIGCHLD over for its own
 * purposes must call it from its handler. */
void child_reap_all(struct child_set *set);
/* Children running (exit callback not yet run). */
size_t child_count(const struct child_set *set);

/* Start argv[0] with argv (NULL-terminated) and envp (NULL: inherit).
 * opts may be NULL (absolute argv[0], output dropped).  on_exit is required.
 * Returns the child, or NULL with a message in err. */
struct child *child_spawn(struct child_set *set, char *const argv[], char *const envp[],
    const struct child_opts *opts, child_exit_cb on_exit, void *arg, char *err,
    size_t errlen);

/* SIGTERM to the child's process group, SIGKILL after grace_ms (<= 0: at
 * once).  Calling it again only makes the SIGKILL come sooner, never later. */
void child_stop(struct child *c, int64_t grace_ms);
/* SIGKILL to the child's process group now; no callback will run, and c
 * must not be used again. */
void child_abandon(struct child *c);
pid_t child_pid(const struct child *c);

/* Look name up along path_list (':'-separated; empty and relative entries
 * are skipped): the first regular, executable file dir/name goes to out.
 * A name holding '/' must be absolute and is only checked.  0, or -1 with
 * errno ENOENT (not found), EINVAL (empty name, relative path) or
 * ENAMETOOLONG. */
int child_find_program(const char *name, const char *path_list, char *out, size_t outlen);

/* "exited with status 3", "killed by signal 15 (Terminated)", for logs. */
void child_status_str(int status, char *buf, size_t len);

#endif
