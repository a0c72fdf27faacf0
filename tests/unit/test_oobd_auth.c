/*
 * auth: only listed numbers get a hearing; a right code works once; five
 * wrong or replayed codes from anyone lock everyone out for an hour, even
 * with the right code; the clock going back does not stretch that; and all
 * of it survives a restart through the state file, which is written
 * atomically with mode 0600 and read back strictly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"

#define KEY   ((const uint8_t *)"12345678901234567890")
#define OWNER "+447700900123"
#define T0    1700000000LL	/* a step boundary: 1700000000 / 30 = 56666666.67 */

static void
setup_auth(struct auth *a)
{
	char err[128];

	auth_init(a);
	assert_int_equal(auth_set_key(a, KEY, 20, err, sizeof(err)), 0);
	assert_int_equal(auth_allow_sender(a, OWNER, err, sizeof(err)), 0);
	assert_int_equal(auth_allow_sender(a, "+33 6 12 34 56 78", err, sizeof(err)), 0);
}

/* The right code for time t, as the phone shows it. */
static const char *
code_at(int64_t t)
{
	static char code[16];

	assert_int_equal(totp_code(KEY, 20, t, 6, code, sizeof(code)), 0);
	return code;
}

/* A wrong code for time t (the right one plus one, mod 10^6). */
static const char *
wrong_at(int64_t t)
{
	static char code[16];

	snprintf(code, sizeof(code), "%06ld", (atol(code_at(t)) + 1) % 1000000);
	return code;
}

static void
test_allowlist(void **state)
{
	struct auth a;
	int64_t step = 0;
	char err[128], num[32];

	(void)state;
	auth_init(&a);
	assert_int_equal(auth_set_key(&a, KEY, 20, err, sizeof(err)), 0);
	/* Nobody listed: nobody is heard, even with the right code. */
	assert_int_equal(auth_check(&a, OWNER, code_at(T0), T0, &step), AUTH_UNKNOWN_SENDER);
	setup_auth(&a);
	assert_true(auth_sender_allowed(&a, OWNER));
	assert_true(auth_sender_allowed(&a, "+44 7700 900123"));
	assert_true(auth_sender_allowed(&a, "+33612345678"));
	assert_false(auth_sender_allowed(&a, "+447700900124"));
	assert_false(auth_sender_allowed(&a, "447700900123"));
	assert_false(auth_sender_allowed(&a, "+4477009001234"));
	assert_false(auth_sender_allowed(&a, "MyBank"));
	assert_false(auth_sender_allowed(&a, ""));
	assert_false(auth_sender_allowed(&a, "   "));
	assert_false(auth_sender_allowed(&a, NULL));
	assert_false(auth_sender_allowed(&a, "+4477009001230000000000000000000000000000"));
	assert_int_equal(auth_check(&a, "+447700900124", code_at(T0), T0, &step),
	    AUTH_UNKNOWN_SENDER);
	/* Strangers do not move the failure count or the state. */
	for (int i = 0; i < 20; i++)
		assert_int_equal(auth_check(&a, "+15555550100", wrong_at(T0), T0, &step),
		    AUTH_UNKNOWN_SENDER);
	assert_false(a.dirty);
	assert_int_equal(a.state.nfailures, 0);

	/* What the list takes. */
	assert_int_equal(auth_allow_sender(&a, "07700 900 123", err, sizeof(err)), 0);
	assert_int_equal(auth_allow_sender(&a, OWNER, err, sizeof(err)), 0);
	assert_int_equal(a.nsenders, 3);
	assert_int_equal(auth_allow_sender(&a, "+44-7700", err, sizeof(err)), -1);
	assert_string_equal(err, "'+44-7700' is not a phone number (write +4479... or digits)");
	assert_int_equal(auth_allow_sender(&a, "+12", err, sizeof(err)), -1);
	assert_int_equal(auth_allow_sender(&a, "", err, sizeof(err)), -1);
	assert_int_equal(auth_allow_sender(&a, "++447700", err, sizeof(err)), -1);
	assert_int_equal(auth_allow_sender(&a, "1234567890123456789012345", err, sizeof(err)),
	    -1);
	for (int i = a.nsenders; i < AUTH_MAX_SENDERS; i++) {
		snprintf(num, sizeof(num), "+4470000000%02d", i);
		assert_int_equal(auth_allow_sender(&a, num, err, sizeof(err)), 0);
	}
	assert_int_equal(auth_allow_sender(&a, "+449999999999", err, sizeof(err)), -1);
	assert_string_equal(err, "at most 16 senders");
	assert_true(auth_sender_allowed(&a, "+447000000015"));
}

static void
test_code_works_once(void **state)
{
	struct auth a;
	int64_t step = 0;
	char now_code[16], next_code[16];

	(void)state;
	setup_auth(&a);
	snprintf(now_code, sizeof(now_code), "%s", code_at(T0));
	snprintf(next_code, sizeof(next_code), "%s", code_at(T0 + 30));
	assert_int_equal(auth_check(&a, OWNER, now_code, T0, &step), AUTH_OK);
	assert_int_equal(step, T0 / 30);
	assert_int_equal(a.state.last_step, T0 / 30);
	assert_true(a.dirty);
	/* The same code again, from the same or another listed number. */
	assert_int_equal(auth_check(&a, OWNER, now_code, T0 + 5, &step), AUTH_REPLAY);
	assert_int_equal(auth_check(&a, "+33612345678", now_code, T0 + 5, &step), AUTH_REPLAY);
	/* The next step's code works; then the older one no longer does. */
	assert_int_equal(auth_check(&a, OWNER, next_code, T0 + 31, &step), AUTH_OK);
	assert_int_equal(step, T0 / 30 + 1);
	assert_int_equal(auth_check(&a, OWNER, code_at(T0), T0 + 31, &step), AUTH_REPLAY);
	/* A code two steps late is still forgiven (the SMS was slow)... */
	assert_int_equal(auth_check(&a, OWNER, code_at(T0 + 90), T0 + 150, &step), AUTH_OK);
	/* ...three steps late is not. */
	assert_int_equal(auth_check(&a, OWNER, code_at(T0 + 180), T0 + 270, &step),
	    AUTH_BAD_CODE);
	/* One step early (the phone's clock is ahead) is forgiven. */
	assert_int_equal(auth_check(&a, OWNER, code_at(T0 + 330), T0 + 300, &step), AUTH_OK);
	assert_int_equal(step, (T0 + 330) / 30);
}

static void
test_lockout(void **state)
{
	struct auth a;
	int64_t step = 0, until = 0;
	int64_t t = T0;

	(void)state;
	setup_auth(&a);
	for (int i = 0; i < 4; i++)
		assert_int_equal(auth_check(&a, OWNER, wrong_at(t), t + i, &step), AUTH_BAD_CODE);
	assert_false(auth_locked(&a, t + 4, NULL));
	/* The fifth failure, from another listed number: locked for everyone. */
	assert_int_equal(auth_check(&a, "+33612345678", wrong_at(t), t + 4, &step),
	    AUTH_BAD_CODE);
	assert_true(auth_locked(&a, t + 4, &until));
	assert_int_equal(until, t + 4 + 3600);
	/* The right code is refused while locked, and not spent. */
	assert_int_equal(auth_check(&a, OWNER, code_at(t + 60), t + 60, &step), AUTH_LOCKED);
	assert_int_equal(a.state.last_step, -1);
	/* Garbage while locked does not lengthen the lockout. */
	assert_int_equal(auth_check(&a, OWNER, "12", t + 61, &step), AUTH_LOCKED);
	assert_int_equal(auth_check(&a, OWNER, wrong_at(t), t + 62, &step), AUTH_LOCKED);
	assert_int_equal(a.state.lockout_until, t + 4 + 3600);
	assert_true(auth_locked(&a, t + 3603, NULL));
	/* An hour later: the right code works, with a fresh count. */
	t += 3604;
	assert_false(auth_locked(&a, t, &until));
	assert_int_equal(until, 0);
	assert_int_equal(auth_check(&a, OWNER, code_at(t), t, &step), AUTH_OK);
	assert_int_equal(auth_check(&a, OWNER, wrong_at(t + 30), t + 30, &step), AUTH_BAD_CODE);
	assert_false(auth_locked(&a, t + 30, NULL));
}

static void
test_what_counts(void **state)
{
	struct auth a;
	int64_t step = 0, t = T0;
	char used[16];

	(void)state;
	setup_auth(&a);
	/* Failures spread over more than 15 minutes never lock. */
	for (int i = 0; i < 20; i++)
		assert_int_equal(auth_check(&a, OWNER, wrong_at(t + i * 300), t + i * 300, &step),
		    AUTH_BAD_CODE);
	assert_false(auth_locked(&a, t + 6000, NULL));
	assert_int_equal(a.state.nfailures, 3);	/* 5100, 5400, 5700: within 900 s of 5700 */

	/* Malformed codes are not guesses: not counted. */
	setup_auth(&a);
	for (int i = 0; i < 10; i++)
		assert_int_equal(auth_check(&a, OWNER, "12345", t, &step), AUTH_MALFORMED);
	assert_int_equal(auth_check(&a, OWNER, "1234567", t, &step), AUTH_MALFORMED);
	assert_int_equal(auth_check(&a, OWNER, "", t, &step), AUTH_MALFORMED);
	assert_false(auth_locked(&a, t, NULL));
	assert_int_equal(a.state.nfailures, 0);

	/* Replays are counted: five of them lock. */
	assert_int_equal(auth_check(&a, OWNER, code_at(t), t, &step), AUTH_OK);
	snprintf(used, sizeof(used), "%s", code_at(t));
	for (int i = 0; i < 5; i++)
		assert_int_equal(auth_check(&a, OWNER, used, t + 1 + i, &step), AUTH_REPLAY);
	assert_true(auth_locked(&a, t + 6, NULL));

	/* A right code clears the count. */
	setup_auth(&a);
	for (int i = 0; i < 4; i++)
		assert_int_equal(auth_check(&a, OWNER, wrong_at(t), t, &step), AUTH_BAD_CODE);
	assert_int_equal(auth_check(&a, OWNER, code_at(t), t, &step), AUTH_OK);
	for (int i = 0; i < 4; i++)
		assert_int_equal(auth_check(&a, OWNER, wrong_at(t + 30), t + 30, &step),
		    AUTH_BAD_CODE);
	assert_false(auth_locked(&a, t + 30, NULL));

	/* Other limits from the configuration. */
	setup_auth(&a);
	a.conf.max_failures = 1;
	a.conf.lockout_s = 60;
	assert_int_equal(auth_check(&a, OWNER, wrong_at(t), t, &step), AUTH_BAD_CODE);
	assert_int_equal(auth_check(&a, OWNER, code_at(t + 59), t + 59, &step), AUTH_LOCKED);
	assert_int_equal(auth_check(&a, OWNER, code_at(t + 60), t + 60, &step), AUTH_OK);
}

static void
test_clock_back(void **state)
{
	struct auth a;
	int64_t step = 0, until = 0, t = T0;

	(void)state;
	setup_auth(&a);
	for (int i = 0; i < 5; i++)
		(void)auth_check(&a, OWNER, wrong_at(t), t, &step);
	assert_true(auth_locked(&a, t, NULL));
	/* The clock steps back a day: still locked, but for an hour from now,
	 * not for a day and an hour. */
	assert_true(auth_locked(&a, t - 86400, &until));
	assert_int_equal(until, t - 86400 + 3600);
	assert_int_equal(auth_check(&a, OWNER, code_at(t - 86400), t - 86400, &step),
	    AUTH_LOCKED);
	assert_int_equal(a.state.lockout_until, t - 86400 + 3600);
	assert_false(auth_locked(&a, t - 86400 + 3600, NULL));
	assert_int_equal(auth_check(&a, OWNER, code_at(t - 86400 + 3600), t - 86400 + 3600,
			     &step),
	    AUTH_OK);
	t = T0;
	/* Failures "in the future" count as now, and expire 15 minutes later
	 * instead of a day later. */
	setup_auth(&a);
	for (int i = 0; i < 3; i++)
		(void)auth_check(&a, OWNER, wrong_at(t), t, &step);
	t -= 86400;
	assert_int_equal(auth_check(&a, OWNER, wrong_at(t), t, &step), AUTH_BAD_CODE);
	assert_int_equal(a.state.nfailures, 4);
	assert_int_equal(auth_check(&a, OWNER, wrong_at(t + 900), t + 900, &step),
	    AUTH_BAD_CODE);
	assert_false(auth_locked(&a, t + 900, NULL));
	assert_int_equal(a.state.nfailures, 1);
}

static void
test_errors(void **state)
{
	struct auth a;
	int64_t step = 0;
	char err[128];
	uint8_t big[TOTP_KEY_MAX + 1] = { 0 };

	(void)state;
	auth_init(&a);
	assert_int_equal(auth_allow_sender(&a, OWNER, err, sizeof(err)), 0);
	/* No key: refused, never accepted. */
	assert_int_equal(auth_check(&a, OWNER, code_at(T0), T0, &step), AUTH_ERROR);
	assert_int_equal(auth_set_key(&a, big, sizeof(big), err, sizeof(err)), -1);
	assert_string_equal(err, "a one-time code key of 65 octets (1 to 64)");
	assert_int_equal(auth_set_key(&a, KEY, 0, err, sizeof(err)), -1);
	assert_int_equal(auth_set_key(&a, KEY, 20, err, sizeof(err)), 0);
	assert_int_equal(auth_check(&a, OWNER, code_at(T0), -5, &step), AUTH_ERROR);
	a.conf.window_back = TOTP_WINDOW_MAX + 1;
	assert_int_equal(auth_check(&a, OWNER, code_at(T0), T0, &step), AUTH_ERROR);
	a.conf.window_back = 2;
	assert_int_equal(auth_check(&a, OWNER, code_at(T0), T0, &step), AUTH_OK);
	auth_wipe(&a);
	assert_int_equal(a.keylen, 0);
	assert_int_equal(auth_check(&a, OWNER, code_at(T0 + 30), T0 + 30, &step), AUTH_ERROR);
	assert_string_equal(auth_result_name(AUTH_LOCKED), "locked");
	assert_string_equal(auth_result_name(AUTH_UNKNOWN_SENDER), "unknown sender");
}

/* ---- the state file ---- */

static void
test_state_round_trip(void **state)
{
	struct auth_state st, back;
	char buf[AUTH_STATE_MAX], err[256];
	int n;

	(void)state;
	auth_state_init(&st);
	st.last_step = 56666666;
	st.lockout_until = 1700003600;
	st.nfailures = 3;
	st.failures[0] = 1700000000;
	st.failures[1] = 1700000001;
	st.failures[2] = 1700000002;
	n = auth_state_format(&st, buf, sizeof(buf));
	assert_true(n > 0);
	assert_string_equal(buf,
	    "# oobd one-time code state: replay guard and lockout (written by oobd)\n"
	    "version 1\nlast_step 56666666\nlockout_until 1700003600\n"
	    "failure 1700000000\nfailure 1700000001\nfailure 1700000002\n");
	assert_int_equal(auth_state_parse(&back, "s", buf, (size_t)n, err, sizeof(err)), 0);
	assert_memory_equal(&back, &st, sizeof(st));
	/* The largest state fits in a file. */
	st.nfailures = AUTH_FAILURES_MAX;
	for (int i = 0; i < AUTH_FAILURES_MAX; i++)
		st.failures[i] = INT64_MAX / 2;
	n = auth_state_format(&st, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(auth_state_parse(&back, "s", buf, (size_t)n, err, sizeof(err)), 0);
	assert_int_equal(back.nfailures, AUTH_FAILURES_MAX);
	assert_int_equal(auth_state_format(&st, buf, 100), -1);
	/* Fresh state, and tolerated variations. */
	auth_state_init(&st);
	n = auth_state_format(&st, buf, sizeof(buf));
	assert_int_equal(auth_state_parse(&back, "s", buf, (size_t)n, err, sizeof(err)), 0);
	assert_int_equal(back.last_step, -1);
	static const char loose[] = "\n  # hand-edited\r\nversion\t1\r\n\nlast_step   7  \n"
				    "lockout_until 0\nfailure 5";
	assert_int_equal(auth_state_parse(&back, "s", loose, strlen(loose), err, sizeof(err)),
	    0);
	assert_int_equal(back.last_step, 7);
	assert_int_equal(back.nfailures, 1);
	assert_int_equal(back.failures[0], 5);
}

static const struct {
	const char *text;
	const char *message;
} corrupt[] = {
	{ "", "st: empty: no 'version' line" },
	{ "# nothing\n\n", "st: empty: no 'version' line" },
	{ "version 1\nlockout_until 0\n", "st: no 'last_step' line" },
	{ "version 1\nlast_step 3\n", "st: no 'lockout_until' line" },
	{ "last_step 3\nversion 1\n", "st:1: 'version 1' must come first" },
	{ "version 2\n", "st:1: not version 1" },
	{ "version 1\nversion 1\n", "st:2: not version 1" },
	{ "version 1\nlast_step\n", "st:2: want 'key value'" },
	{ "version 1\nlast_step 1 2\n", "st:2: 'last_step' takes one value" },
	{ "version 1\nlast_step -2\n", "st:2: last_step: want one number >= -1" },
	{ "version 1\nlast_step 1x\n", "st:2: last_step: want one number >= -1" },
	{ "version 1\nlast_step +1\n", "st:2: last_step: want one number >= -1" },
	{ "version 1\nlast_step 1\nlast_step 2\n", "st:3: last_step: want one number >= -1" },
	{ "version 1\nlast_step 99999999999999999999\n",
	    "st:2: last_step: want one number >= -1" },
	{ "version 1\nlast_step 4611686018427387904\n",
	    "st:2: last_step: want one number >= -1" },
	{ "version 1\nlockout_until -1\n", "st:2: lockout_until: want one number >= 0" },
	{ "version 1\nfailure\t-\n", "st:2: failure: want a time >= 0" },
	{ "version 1\n\n\nlast-step 3\n", "st:4: unknown key 'last-step'" },
	{ "version 1\nLAST_STEP 3\n", "st:2: unknown key 'LAST_STEP'" },
	{ "version 1\nlast_step 3\0\n", "st:2: a NUL byte" },
};

static void
test_state_corrupt(void **state)
{
	struct auth_state st, untouched;
	char err[256], big[AUTH_STATE_MAX + 2], line[300];

	(void)state;
	memset(&untouched, 0x55, sizeof(untouched));
	for (size_t i = 0; i < sizeof(corrupt) / sizeof(corrupt[0]); i++) {
		size_t len = strlen(corrupt[i].text);

		if (strcmp(corrupt[i].message, "st:2: a NUL byte") == 0)
			len += 2;
		st = untouched;
		assert_int_equal(auth_state_parse(&st, "st", corrupt[i].text, len, err,
				     sizeof(err)),
		    -1);
		assert_string_equal(err, corrupt[i].message);
		assert_memory_equal(&st, &untouched, sizeof(st));
	}
	memset(line, 'x', sizeof(line));
	memcpy(line, "version 1\n", 10);
	assert_int_equal(auth_state_parse(&st, "st", line, sizeof(line), err, sizeof(err)), -1);
	assert_string_equal(err, "st:2: line longer than 127 bytes");
	memset(big, '\n', sizeof(big));
	assert_int_equal(auth_state_parse(&st, "st", big, AUTH_STATE_MAX + 1, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "st: longer than 8192 bytes");
	/* 101 failures. */
	size_t n = (size_t)snprintf(big, sizeof(big), "version 1\n");
	for (int i = 0; i <= AUTH_FAILURES_MAX; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "failure %d\n", i);
	assert_int_equal(auth_state_parse(&st, "st", big, n, err, sizeof(err)), -1);
	assert_string_equal(err, "st:102: more than 100 failures");
}

struct dir {
	char path[64];
	char file[128];
};

static int
setup_dir(void **state)
{
	struct dir *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	strcpy(d->path, "/tmp/test_oobd_auth.XXXXXX");
	assert_non_null(mkdtemp(d->path));
	snprintf(d->file, sizeof(d->file), "%s/auth.state", d->path);
	*state = d;
	return 0;
}

static int
teardown_dir(void **state)
{
	struct dir *d = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->path);
	assert_int_equal(system(cmd), 0);
	free(d);
	return 0;
}

static int
count_entries(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(dp);
	while ((e = readdir(dp)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

/* A daemon that accepts a code, saves, restarts: the code stays spent, and
 * a lockout stays on. */
static void
test_state_restart(void **state)
{
	struct dir *d = *state;
	struct auth a, b;
	struct stat sb;
	int64_t step = 0, t = T0;
	char err[256], used[16];

	setup_auth(&a);
	assert_int_equal(auth_state_load(&a, d->file, err, sizeof(err)), 1);
	assert_int_equal(a.state.last_step, -1);
	snprintf(used, sizeof(used), "%s", code_at(t));
	assert_int_equal(auth_check(&a, OWNER, used, t, &step), AUTH_OK);
	assert_true(a.dirty);
	umask(022);
	assert_int_equal(auth_state_save(&a, d->file, err, sizeof(err)), 0);
	assert_false(a.dirty);
	assert_int_equal(stat(d->file, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(count_entries(d->path), 1);	/* no temporary file left */

	setup_auth(&b);
	assert_int_equal(auth_state_load(&b, d->file, err, sizeof(err)), 0);
	assert_int_equal(b.state.last_step, t / 30);
	assert_int_equal(auth_check(&b, OWNER, used, t + 10, &step), AUTH_REPLAY);
	for (int i = 0; i < 4; i++)
		(void)auth_check(&b, OWNER, wrong_at(t), t + 10, &step);
	assert_true(auth_locked(&b, t + 10, NULL));
	assert_int_equal(auth_state_save(&b, d->file, err, sizeof(err)), 0);

	setup_auth(&a);
	assert_int_equal(auth_state_load(&a, d->file, err, sizeof(err)), 0);
	assert_true(auth_locked(&a, t + 20, NULL));
	assert_int_equal(auth_check(&a, OWNER, code_at(t + 60), t + 60, &step), AUTH_LOCKED);
	assert_int_equal(a.state.last_step, b.state.last_step);
	assert_int_equal(a.state.lockout_until, b.state.lockout_until);
	assert_int_equal(a.state.nfailures, b.state.nfailures);
	/* Saved again over the old one (a rename, so the mode is ours). */
	assert_int_equal(chmod(d->file, 0644), 0);
	assert_int_equal(auth_state_save(&a, d->file, err, sizeof(err)), 0);
	assert_int_equal(stat(d->file, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(count_entries(d->path), 1);
}

static void
test_state_file_errors(void **state)
{
	struct dir *d = *state;
	struct auth a;
	char err[512], want[512], path[PATH_MAX];
	int fd;

	setup_auth(&a);
	a.state.last_step = 42;
	/* Corrupt: the file and line, and the state is left alone. */
	fd = open(d->file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "version 1\nlast_step x\n", 22), 22);
	close(fd);
	assert_int_equal(auth_state_load(&a, d->file, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: last_step: want one number >= -1", d->file);
	assert_string_equal(err, want);
	assert_int_equal(a.state.last_step, 42);
	/* Writable by others: they could reset the replay guard. */
	assert_int_equal(auth_state_save(&a, d->file, err, sizeof(err)), 0);
	assert_int_equal(chmod(d->file, 0666), 0);
	assert_int_equal(auth_state_load(&a, d->file, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
	    "%s: others may change it (uid %u, mode 0666): chown root %s; chmod 600 %s", d->file,
	    (unsigned)geteuid(), d->file, d->file);
	assert_string_equal(err, want);
	/* A directory, a symlink. */
	assert_int_equal(auth_state_load(&a, d->path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: not a regular file", d->path);
	assert_string_equal(err, want);
	snprintf(path, sizeof(path), "%s/link", d->path);
	assert_int_equal(symlink(d->file, path), 0);
	assert_int_equal(auth_state_load(&a, path, err, sizeof(err)), -1);
	/* A directory that is not there: save fails, nothing is left behind. */
	snprintf(path, sizeof(path), "%s/missing/auth.state", d->path);
	assert_int_equal(auth_state_save(&a, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
	    "%s/missing: cannot create a temporary file: No such file or directory", d->path);
	assert_string_equal(err, want);
	/* A relative name saves in the current directory. */
	assert_non_null(getcwd(path, sizeof(path)));
	assert_int_equal(chdir(d->path), 0);
	assert_int_equal(auth_state_save(&a, "rel.state", err, sizeof(err)), 0);
	assert_int_equal(auth_state_load(&a, "rel.state", err, sizeof(err)), 0);
	assert_int_equal(a.state.last_step, 42);
	assert_int_equal(chdir(path), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowlist),
		cmocka_unit_test(test_code_works_once),
		cmocka_unit_test(test_lockout),
		cmocka_unit_test(test_what_counts),
		cmocka_unit_test(test_clock_back),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_state_corrupt),
		cmocka_unit_test_setup_teardown(test_state_restart, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_state_file_errors, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
