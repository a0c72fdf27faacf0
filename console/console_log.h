/*
 * console_log: what a router said on its console, kept twice.
 *
 * On disk, every byte in a per-console file, in the manner of conserver:
 * each line the router starts gets a timestamp in front of it (UTC,
 * "2026-11-25T14:03:07.123Z "), and what oobd did to the line (a client
 * attached or detached, a BREAK was sent, the line was lost or came back)
 * is written as a mark on a line of its own, "<stamp> [-- text --]".  A
 * mark that arrives in the middle of the router's line ends that line
 * first, so every line of the file starts with a stamp.  Bytes are written
 * as they arrive (O_APPEND, no stdio buffer); console_log_sync() makes them
 * durable and the server calls it every CONSOLE_LOG_SYNC_MS while there is
 * something to sync, so a power cut loses at most that much.
 *
 * Rotation: once the file holds max_size bytes or more, it becomes
 * NAME.log.1 (NAME.log.1 becomes .2 and so on, up to keep files; the oldest
 * is removed) and a new NAME.log is started.  keep 0 keeps no old file;
 * max_size 0 never rotates.
 *
 * In memory, the last CONSOLE_HISTORY bytes the router sent (without stamps
 * or marks), from which the last N lines are replayed to a client that
 * attaches.
 *
 * Errors: -1 with errno and, where there is an err buffer, a message naming
 * the file.  A failing disk never loses the history.
 */
#ifndef OUTPOST_CONSOLE_LOG_H
#define OUTPOST_CONSOLE_LOG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define CONSOLE_HISTORY (32 * 1024)
#define CONSOLE_LOG_SYNC_MS 2000
#define CONSOLE_STAMP_LEN 25    /* "2026-11-25T14:03:07.123Z " */

struct console_log {
	int fd;                         /* -1: no file */
	char path[PATH_MAX];
	uint64_t size;                  /* of the current file */
	uint64_t max_size;              /* 0: no rotation */
	int keep;                       /* rotated files kept */
	bool mid_line;                  /* the file's last byte is not '\n' */
	bool dirty;                     /* written since the last sync */
	uint8_t hist[CONSOLE_HISTORY];  /* ring of the router's last bytes */
	size_t hist_start, hist_len;
};

/* Start with no file and an empty history; safe to close. */
void console_log_init(struct console_log *l);
/* Open (append to) path, mode 0640.  -1 with a message in err. */
int console_log_open(struct console_log *l, const char *path, uint64_t max_size, int keep,
    char *err, size_t errlen);
void console_log_close(struct console_log *l);

/* Bytes from the router at wall-clock time now: into the history, then the
 * file (if open).  -1 with errno when the file could not take them. */
int console_log_data(struct console_log *l, const uint8_t *buf, size_t len,
    struct timespec now);
/* A mark, "[-- text --]" on its own line.  -1 with errno as above. */
int console_log_mark(struct console_log *l, const char *text, struct timespec now);
/* fsync(2) if anything was written since the last sync. */
int console_log_sync(struct console_log *l);

/* Copy the history's last `lines` lines (a line not ended yet, such as a
 * login prompt, counts as one) into out, at most cap bytes: the newest
 * bytes win.  Returns the number of bytes copied. */
size_t console_log_tail(const struct console_log *l, unsigned lines, uint8_t *out, size_t cap);

/* The timestamp put at line starts, NUL-terminated in out (at least
 * CONSOLE_STAMP_LEN + 1 bytes); its length. */
size_t console_log_stamp(char *out, size_t cap, struct timespec now);

#endif
