/*
 * auth: allowlist, code check with replay guard, global failure lockout,
 * and the state file that carries the last two across restarts.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>		/* explicit_bzero on FreeBSD */
#include <sys/stat.h>
#include <unistd.h>


#include "atomicfile.h"
#include "auth.h"
#include "fdio.h"
#include "text.h"

#define STATE_VERSION  1
#define STATE_LINE_MAX 128

void
auth_state_init(struct auth_state *st)
{
	memset(st, 0, sizeof(*st));
	st->last_step = -1;
}

void
auth_init(struct auth *a)
{
	memset(a, 0, sizeof(*a));
	a->conf.max_failures = 5;
	a->conf.failure_window_s = 15 * 60;
	a->conf.lockout_s = 60 * 60;
	a->conf.digits = TOTP_DEFAULT_DIGITS;
	a->conf.window_back = 2;
	a->conf.window_fwd = 1;
	auth_state_init(&a->state);
}

void
auth_wipe(struct auth *a)
{
	explicit_bzero(a->key, sizeof(a->key));
	a->keylen = 0;
}

int
auth_set_key(struct auth *a, const uint8_t *key, size_t len, char *err, size_t errlen)
{
	if (len == 0 || len > sizeof(a->key)) {
		snprintf(err, errlen, "a one-time code key of %zu octets (1 to %zu)", len,
		    sizeof(a->key));
		return -1;
	}
	auth_wipe(a);
	memcpy(a->key, key, len);
	a->keylen = len;
	return 0;
}

/* ---- the allowlist ---- */

int
auth_normalise_number(const char *in, char *out, size_t len)
{
	size_t n = 0;

	for (; *in != '\0'; in++) {
		if (*in == ' ')
			continue;
		if (n + 1 >= len)
			return -1;
		out[n++] = *in;
	}
	if (len == 0)
		return -1;
	out[n] = '\0';
	return 0;
}

/* "+" and at least 3 digits, or digits alone. */
static bool
is_number(const char *s)
{
	size_t plus = s[0] == '+', digits = strspn(s + plus, "0123456789");

	return digits >= 3 && s[plus + digits] == '\0';
}

int
auth_allow_sender(struct auth *a, const char *number, char *err, size_t errlen)
{
	char n[AUTH_NUMBER_MAX];

	if (auth_normalise_number(number, n, sizeof(n)) < 0 || !is_number(n)) {
		snprintf(err, errlen, "'%.40s' is not a phone number (write +4479... or digits)",
		    number);
		return -1;
	}
	if (auth_sender_allowed(a, n))
		return 0;
	if (a->nsenders >= AUTH_MAX_SENDERS) {
		snprintf(err, errlen, "at most %d senders", AUTH_MAX_SENDERS);
		return -1;
	}
	memcpy(a->senders[a->nsenders++], n, sizeof(n));
	return 0;
}

bool
auth_sender_allowed(const struct auth *a, const char *sender)
{
	char n[AUTH_NUMBER_MAX];

	if (sender == NULL || auth_normalise_number(sender, n, sizeof(n)) < 0 || n[0] == '\0')
		return false;
	for (int i = 0; i < a->nsenders; i++)
		if (strcmp(a->senders[i], n) == 0)
			return true;
	return false;
}

/* ---- the decision ---- */

/* The end of the lockout, never further than lockout_s from now: a clock
 * stepped back must not lengthen it. */
static int64_t
lockout_end(const struct auth *a, int64_t now)
{
	int64_t until = a->state.lockout_until;

	if (until > now && until - now > a->conf.lockout_s)
		until = now + a->conf.lockout_s;
	return until;
}

bool
auth_locked(const struct auth *a, int64_t now_unix, int64_t *until)
{
	int64_t end = lockout_end(a, now_unix);

	if (until != NULL)
		*until = end > now_unix ? end : 0;
	return end > now_unix;
}

/* Forget failures older than the window; one "in the future" (the clock
 * went back) counts as now. */
static void
prune_failures(struct auth *a, int64_t now)
{
	struct auth_state *st = &a->state;
	int kept = 0;

	for (int i = 0; i < st->nfailures; i++) {
		int64_t t = st->failures[i] > now ? now : st->failures[i];

		if (now - t < a->conf.failure_window_s)
			st->failures[kept++] = t;
	}
	st->nfailures = kept;
}

static void
record_failure(struct auth *a, int64_t now)
{
	struct auth_state *st = &a->state;

	prune_failures(a, now);
	if (st->nfailures == AUTH_FAILURES_MAX) {
		memmove(st->failures, st->failures + 1,
		    (AUTH_FAILURES_MAX - 1) * sizeof(st->failures[0]));
		st->nfailures--;
	}
	st->failures[st->nfailures++] = now;
	if (st->nfailures >= a->conf.max_failures) {
		st->lockout_until = now + a->conf.lockout_s;
		st->nfailures = 0;
	}
	a->dirty = true;
}

enum auth_result
auth_check(struct auth *a, const char *sender, const char *code, int64_t now_unix,
    int64_t *step)
{
	int64_t s;

	if (!auth_sender_allowed(a, sender))
		return AUTH_UNKNOWN_SENDER;
	if (now_unix < 0 || now_unix > INT64_MAX / 4)
		return AUTH_ERROR;	/* no clock; and the sums below stay in range */
	if (a->state.lockout_until != lockout_end(a, now_unix)) {
		/* The clock went back: the lockout ends lockout_s from now. */
		a->state.lockout_until = lockout_end(a, now_unix);
		a->dirty = true;
	}
	if (auth_locked(a, now_unix, NULL))
		return AUTH_LOCKED;
	switch (totp_verify(a->key, a->keylen, code, a->conf.digits, now_unix,
	    a->conf.window_back, a->conf.window_fwd, a->state.last_step, &s)) {
	case TOTP_OK:
		a->state.last_step = s;
		a->state.nfailures = 0;
		a->dirty = true;
		*step = s;
		return AUTH_OK;
	case TOTP_NO_MATCH:
		record_failure(a, now_unix);
		return AUTH_BAD_CODE;
	case TOTP_REPLAYED:
		record_failure(a, now_unix);
		return AUTH_REPLAY;
	case TOTP_MALFORMED:
		return AUTH_MALFORMED;
	case TOTP_ERROR:
		break;
	}
	return AUTH_ERROR;
}

const char *
auth_result_name(enum auth_result r)
{
	switch (r) {
	case AUTH_OK:
		return "ok";
	case AUTH_UNKNOWN_SENDER:
		return "unknown sender";
	case AUTH_LOCKED:
		return "locked";
	case AUTH_BAD_CODE:
		return "bad code";
	case AUTH_REPLAY:
		return "replay";
	case AUTH_MALFORMED:
		return "malformed";
	case AUTH_ERROR:
		break;
	}
	return "error";
}

/* ---- the state file's text ---- */

int
auth_state_format(const struct auth_state *st, char *buf, size_t len)
{
	size_t used;
	int n;

	n = snprintf(buf, len,
	    "# oobd one-time code state: replay guard and lockout (written by oobd)\n"
	    "version %d\nlast_step %lld\nlockout_until %lld\n",
	    STATE_VERSION, (long long)st->last_step, (long long)st->lockout_until);
	if (n < 0 || (size_t)n >= len)
		return -1;
	used = (size_t)n;
	for (int i = 0; i < st->nfailures && i < AUTH_FAILURES_MAX; i++) {
		n = snprintf(buf + used, len - used, "failure %lld\n",
		    (long long)st->failures[i]);
		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += (size_t)n;
	}
	return (int)used;
}

/* A decimal integer in min..max, the whole of s: 0, or -1. */
static int
parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	bool neg = s[0] == '-';
	int64_t v = 0;
	size_t i = neg;

	if (s[i] == '\0')
		return -1;
	for (; s[i] != '\0'; i++) {
		if (!text_isdigit(s[i]) || v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

struct state_parse {
	struct auth_state st;
	bool have_version, have_step, have_lockout;
};

/* One "key value" line (no line end, NUL-terminated): 0, or -1 with a
 * message (without file:line) in err. */
static int
state_line(struct state_parse *p, char *line, char *err, size_t errlen)
{
	char *key = line, *val;
	size_t klen = strcspn(line, " \t");
	int64_t v;

	if (klen == 0 || line[klen] == '\0') {
		snprintf(err, errlen, "want 'key value'");
		return -1;
	}
	line[klen] = '\0';
	val = line + klen + 1;
	val += strspn(val, " \t");
	if (val[strcspn(val, " \t")] != '\0') {
		snprintf(err, errlen, "'%s' takes one value", key);
		return -1;
	}
	if (!p->have_version && strcmp(key, "version") != 0) {
		snprintf(err, errlen, "'version %d' must come first", STATE_VERSION);
		return -1;
	}
	if (strcmp(key, "version") == 0) {
		if (p->have_version || parse_int(val, STATE_VERSION, STATE_VERSION, &v) < 0) {
			snprintf(err, errlen, "not version %d", STATE_VERSION);
			return -1;
		}
		p->have_version = true;
	} else if (strcmp(key, "last_step") == 0) {
		if (p->have_step || parse_int(val, -1, INT64_MAX / 2, &p->st.last_step) < 0) {
			snprintf(err, errlen, "last_step: want one number >= -1");
			return -1;
		}
		p->have_step = true;
	} else if (strcmp(key, "lockout_until") == 0) {
		if (p->have_lockout || parse_int(val, 0, INT64_MAX / 2, &p->st.lockout_until) < 0) {
			snprintf(err, errlen, "lockout_until: want one number >= 0");
			return -1;
		}
		p->have_lockout = true;
	} else if (strcmp(key, "failure") == 0) {
		if (p->st.nfailures == AUTH_FAILURES_MAX) {
			snprintf(err, errlen, "more than %d failures", AUTH_FAILURES_MAX);
			return -1;
		}
		if (parse_int(val, 0, INT64_MAX / 2, &p->st.failures[p->st.nfailures]) < 0) {
			snprintf(err, errlen, "failure: want a time >= 0");
			return -1;
		}
		p->st.nfailures++;
	} else {
		snprintf(err, errlen, "unknown key '%.32s'", key);
		return -1;
	}
	return 0;
}

/* The line at buf[0..n) into out without a final CR or trailing blanks;
 * -1 if it is too long or holds a NUL. */
static int
copy_line(const char *buf, size_t n, char *out, char *err, size_t errlen)
{
	while (n > 0 && (buf[n - 1] == '\r' || text_isblank(buf[n - 1])))
		n--;
	if (n >= STATE_LINE_MAX) {
		snprintf(err, errlen, "line longer than %d bytes", STATE_LINE_MAX - 1);
		return -1;
	}
	if (memchr(buf, '\0', n) != NULL) {
		snprintf(err, errlen, "a NUL byte");
		return -1;
	}
	memcpy(out, buf, n);
	out[n] = '\0';
	return 0;
}

int
auth_state_parse(struct auth_state *st, const char *name, const char *buf, size_t len,
    char *err, size_t errlen)
{
	struct state_parse p = { .have_version = false };
	char line[STATE_LINE_MAX], msg[128];
	size_t pos = 0;
	int lineno = 0;

	auth_state_init(&p.st);
	if (len > AUTH_STATE_MAX) {
		snprintf(err, errlen, "%s: longer than %d bytes", name, AUTH_STATE_MAX);
		return -1;
	}
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (buf + pos)) : len - pos;
		char *s;

		lineno++;
		if (copy_line(buf + pos, n, line, msg, sizeof(msg)) < 0)
			goto bad;
		pos += n + 1;
		s = line + strspn(line, " \t");
		if (*s == '\0' || *s == '#')
			continue;
		if (state_line(&p, s, msg, sizeof(msg)) < 0)
			goto bad;
	}
	if (!p.have_version || !p.have_step || !p.have_lockout) {
		snprintf(err, errlen, "%s: %s", name,
		    !p.have_version ? "empty: no 'version' line"
		    : !p.have_step  ? "no 'last_step' line"
				    : "no 'lockout_until' line");
		return -1;
	}
	*st = p.st;
	return 0;
bad:
	snprintf(err, errlen, "%s:%d: %s", name, lineno, msg);
	return -1;
}

/* ---- the state file on disk ---- */

int
auth_state_load(struct auth *a, const char *path, char *err, size_t errlen)
{
	char buf[AUTH_STATE_MAX + 1];
	struct stat sb;
	ssize_t got;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT) {
			auth_state_init(&a->state);
			a->dirty = false;
			return 1;
		}
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	/* Whoever could write it could reset the replay guard. */
	if ((sb.st_uid != 0 && sb.st_uid != geteuid()) || (sb.st_mode & 022) != 0) {
		snprintf(err, errlen, "%s: others may change it (uid %u, mode %04o): "
				      "chown root %s; chmod 600 %s",
		    path, (unsigned)sb.st_uid, (unsigned)(sb.st_mode & 07777), path, path);
		goto fail;
	}
	if ((got = fd_read_all(fd, buf, sizeof(buf))) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	close(fd);
	if (auth_state_parse(&a->state, path, buf, (size_t)got, err, errlen) < 0)
		return -1;
	a->dirty = false;
	return 0;
fail:
	close(fd);
	return -1;
}

int
auth_state_save(struct auth *a, const char *path, char *err, size_t errlen)
{
	char text[AUTH_STATE_MAX];
	int n;

	if ((n = auth_state_format(&a->state, text, sizeof(text))) < 0) {
		snprintf(err, errlen, "%s: the state does not fit in %d bytes", path,
		    AUTH_STATE_MAX);
		return -1;
	}
	if (atomicfile_write(path, text, (size_t)n, 0600, err, errlen) < 0)
		return -1;
	a->dirty = false;
	return 0;
}
