/*
 * Fuzz the auth state file loader: any bytes as a file.  What it accepts
 * must be a state auth_check() can use (values in range, a bounded failure
 * list) and must survive format + parse unchanged; every refusal names the
 * file, and a small error buffer is never overrun.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_state(const struct auth_state *st)
{
	if (st->last_step < -1 || st->lockout_until < 0 || st->nfailures < 0 ||
	    st->nfailures > AUTH_FAILURES_MAX)
		abort();
	for (int i = 0; i < st->nfailures; i++)
		if (st->failures[i] < 0)
			abort();
}

/* Use a loaded state the way the daemon does: a few checks, no crash. */
static void
exercise(const struct auth_state *st)
{
	static struct auth a;
	int64_t step, now = 1700000000;
	char err[64];

	auth_init(&a);
	(void)auth_set_key(&a, (const uint8_t *)"12345678901234567890", 20, err, sizeof(err));
	(void)auth_allow_sender(&a, "+447700900123", err, sizeof(err));
	a.state = *st;
	for (int i = 0; i < 3; i++)
		(void)auth_check(&a, "+447700900123", "000000", now + i, &step);
	check_state(&a.state);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[AUTH_STATE_MAX];
	struct auth_state st, back;
	char err[256], small[8];
	int n;

	char *buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	if (auth_state_parse(&st, "f", buf, size, err, sizeof(err)) == 0) {
		check_state(&st);
		n = auth_state_format(&st, text, sizeof(text));
		if (n <= 0 || auth_state_parse(&back, "g", text, (size_t)n, err, sizeof(err)) != 0)
			abort();
		if (back.last_step != st.last_step || back.lockout_until != st.lockout_until ||
		    back.nfailures != st.nfailures ||
		    memcmp(back.failures, st.failures, sizeof(st.failures[0]) * (size_t)st.nfailures))
			abort();
		exercise(&st);
	} else if (strncmp(err, "f:", 2) != 0 || memchr(err, '\0', sizeof(err)) == NULL) {
		abort();
	}
	(void)auth_state_parse(&st, "f", buf, size, small, sizeof(small));
	if (memchr(small, '\0', sizeof(small)) == NULL)
		abort();
	free(buf);
	return 0;
}
