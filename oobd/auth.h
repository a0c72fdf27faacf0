/*
 * auth: who may activate the link, and whether this code lets them.
 *
 * A command counts only when it comes from an allowed number AND carries a
 * valid one-time code (totp.h).  Sender numbers can be spoofed, so the code
 * is what really decides; the allowlist keeps strangers' texts (and
 * spam) from even reaching the code check or the failure counter.
 *
 *   - Allowlist: up to AUTH_MAX_SENDERS numbers, "+" and digits as the SMS
 *     decoder shows them ("+447700900123"); spaces are stripped from both
 *     sides before an exact comparison.  An empty list refuses everyone.
 *   - Codes: accepted in a window of steps around now (conf.window_back late
 *     steps, since an SMS can take minutes; conf.window_fwd early ones) and
 *     only for a step after the last accepted one, so no code works twice.
 *   - Lockout: after conf.max_failures wrong or replayed codes within
 *     conf.failure_window_s, every code, even a right one, is refused for
 *     conf.lockout_s.  The count is global, not per sender: per-sender
 *     counts would give a spoofer a fresh budget with every number.  A
 *     malformed code (wrong number of digits) cannot be a guess at the
 *     secret and is not counted; a correct code clears the count.  A clock
 *     stepped back is not allowed to stretch the lockout or keep old failures
 *     alive.
 *
 * The state (last accepted step, lockout end, recent failure times) must
 * survive restarts, or a restart would reopen replay and reset the lockout.
 * Results AUTH_OK, AUTH_BAD_CODE and AUTH_REPLAY change it (a->dirty):
 * the caller saves it with auth_state_save() BEFORE acting on an accepted
 * command, so that a crash cannot let the same code work again.
 *
 * The state file is text, "key value" per line, '#' comments:
 *
 *   version 1
 *   last_step 56666666        (-1: none yet)
 *   lockout_until 0           (unix seconds; 0: none)
 *   failure 1700000000        (one line per recent failure, oldest first)
 *
 * auth_state_load() treats a missing file as a fresh state and anything
 * else it cannot read exactly as an error naming "file:line".  Saving is
 * atomic: a temporary file in the same directory, fsync, rename, fsync of
 * the directory; mode 0600.
 *
 * No I/O here but the two state file functions; time comes in as an
 * argument, so tests drive the clock.
 */
#ifndef OUTPOST_AUTH_H
#define OUTPOST_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "totp.h"

#define AUTH_MAX_SENDERS   16
#define AUTH_NUMBER_MAX	   24	/* bytes with the NUL */
#define AUTH_FAILURES_MAX  100	/* the largest max_failures */
#define AUTH_STATE_MAX	   8192	/* bytes in a state file */

enum auth_result {
	AUTH_OK = 0,         /* *step is the accepted step */
	AUTH_UNKNOWN_SENDER, /* not on the list: ignore (and log) the text */
	AUTH_LOCKED,         /* too many failures lately: refused unchecked */
	AUTH_BAD_CODE,       /* wrong code: counted */
	AUTH_REPLAY,         /* a code already used, or older than one used: counted */
	AUTH_MALFORMED,      /* not conf.digits digits: not counted */
	AUTH_ERROR,          /* no key set, or a bad window: refused */
};

struct auth_conf {
	int max_failures;          /* 1..AUTH_FAILURES_MAX; default 5 */
	int64_t failure_window_s;  /* default 900 (15 min) */
	int64_t lockout_s;         /* default 3600 */
	int digits;                /* default 6 */
	int window_back;           /* steps late, 0..TOTP_WINDOW_MAX; default 2 */
	int window_fwd;            /* steps early; default 1 */
};

struct auth_state {
	int64_t last_step;         /* -1: no code accepted yet */
	int64_t lockout_until;     /* unix seconds; 0: not locked */
	int nfailures;
	int64_t failures[AUTH_FAILURES_MAX]; /* unix seconds, oldest first */
};

struct auth {
	struct auth_conf conf;
	char senders[AUTH_MAX_SENDERS][AUTH_NUMBER_MAX];
	int nsenders;
	uint8_t key[TOTP_KEY_MAX];
	size_t keylen;
	struct auth_state state;
	bool dirty;                /* state changed since load/save */
};

/* Defaults, no senders, no key, fresh state. */
void auth_init(struct auth *a);
/* Wipe the key (on exit, or before replacing it). */
void auth_wipe(struct auth *a);
/* 0, or -1 with a message (empty, or longer than TOTP_KEY_MAX). */
int auth_set_key(struct auth *a, const uint8_t *key, size_t len, char *err, size_t errlen);
/* Add a number to the allowlist: 0, or -1 with a message (not a number,
 * list full).  A number already there is accepted once. */
int auth_allow_sender(struct auth *a, const char *number, char *err, size_t errlen);
/* in without spaces into out; -1 if it does not fit. */
int auth_normalise_number(const char *in, char *out, size_t len);
bool auth_sender_allowed(const struct auth *a, const char *sender);

/* The decision for a command's code (NUL-terminated digits) from sender at
 * now_unix; see above.  *step is written only for AUTH_OK. */
enum auth_result auth_check(struct auth *a, const char *sender, const char *code,
    int64_t now_unix, int64_t *step);
/* Locked at now_unix?  *until (may be NULL) gets the end of the lockout. */
bool auth_locked(const struct auth *a, int64_t now_unix, int64_t *until);
/* "ok", "unknown sender", "locked", "bad code", "replay", "malformed", "error". */
const char *auth_result_name(enum auth_result r);

/* State file: the format above. */
void auth_state_init(struct auth_state *st);
/* Characters written, or -1 when buf is too small. */
int auth_state_format(const struct auth_state *st, char *buf, size_t len);
/* Parse len bytes; `name` plays the file in messages.  0 fills *st; -1
 * leaves it untouched with "name:line: message" in err. */
int auth_state_parse(struct auth_state *st, const char *name, const char *buf, size_t len,
    char *err, size_t errlen);
/* 0 loaded, 1 no file (fresh state), -1 error (a->state untouched). */
int auth_state_load(struct auth *a, const char *path, char *err, size_t errlen);
/* 0 saved (a->dirty cleared), -1 error (the old file is still there). */
int auth_state_save(struct auth *a, const char *path, char *err, size_t errlen);

#endif
