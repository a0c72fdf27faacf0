/*
 * smscmd: split the text into at most four words and check each in turn.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "smscmd.h"
#include "text.h"

/* Words quoted in messages are cut to this and made printable. */
#define QUOTE_MAX 16

struct word {
	const char *s;
	size_t len;
};

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* The next word at or after *pos; len 0 when there is none. */
static struct word
next_word(const char *text, size_t len, size_t *pos)
{
	struct word w;
	size_t i = *pos;

	while (i < len && is_space(text[i]))
		i++;
	w.s = text + i;
	while (i < len && !is_space(text[i]))
		i++;
	w.len = (size_t)(text + i - w.s);
	*pos = i;
	return w;
}

/* A word for a log line: at most QUOTE_MAX bytes, non-printables as '?'. */
static const char *
quote(const struct word *w, char *buf, size_t buflen)
{
	size_t n = w->len < QUOTE_MAX ? w->len : QUOTE_MAX;

	if (n >= buflen)
		n = buflen - 1;
	for (size_t i = 0; i < n; i++)
		buf[i] = (w->s[i] >= ' ' && w->s[i] < 127) ? w->s[i] : '?';
	if (w->len > n && n >= 3)
		memcpy(buf + n - 3, "...", 3);
	buf[n] = '\0';
	return buf;
}

static bool
all_digits(const struct word *w)
{
	for (size_t i = 0; i < w->len; i++)
		if (!text_isdigit(w->s[i]))
			return false;
	return w->len > 0;
}

static bool
word_is(const struct word *w, const char *verb)
{
	return w->len == strlen(verb) && strncasecmp(w->s, verb, w->len) == 0;
}

static int
parse_verb(const struct word *w)
{
	if (word_is(w, "UP"))
		return SMSCMD_UP;
	if (word_is(w, "DOWN"))
		return SMSCMD_DOWN;
	if (word_is(w, "STATUS"))
		return SMSCMD_STATUS;
	return 0;
}

/* Whole minutes 1..SMSCMD_MINUTES_MAX (leading zeros allowed), or -1. */
static int
parse_minutes(const struct word *w)
{
	long v = 0;

	if (!all_digits(w))
		return -1;
	for (size_t i = 0; i < w->len; i++) {
		v = v * 10 + (w->s[i] - '0');
		if (v > SMSCMD_MINUTES_MAX)
			return -1;
	}
	return v >= 1 ? (int)v : -1;
}

enum smscmd_error
smscmd_parse(const char *text, size_t len, struct smscmd *cmd, char *err, size_t errlen)
{
	struct smscmd c = { { 0 }, 0, 0 };
	struct word code, verb, arg;
	char q[QUOTE_MAX + 1];
	size_t pos = 0;
	int v;

	if (len > SMSCMD_TEXT_MAX) {
		snprintf(err, errlen, "%zu bytes: longer than one SMS (%d)", len,
		    SMSCMD_TEXT_MAX);
		return SMSCMD_TOO_LONG;
	}
	code = next_word(text, len, &pos);
	if (code.len == 0) {
		snprintf(err, errlen, "no code: the text is empty");
		return SMSCMD_NO_CODE;
	}
	if (!all_digits(&code) || code.len < SMSCMD_CODE_MIN || code.len > SMSCMD_CODE_MAX) {
		snprintf(err, errlen, "'%s' is not a code (%d to %d digits)",
		    quote(&code, q, sizeof(q)), SMSCMD_CODE_MIN, SMSCMD_CODE_MAX);
		return SMSCMD_NO_CODE;
	}
	verb = next_word(text, len, &pos);
	if (verb.len == 0) {
		snprintf(err, errlen, "no command after the code (UP, DOWN or STATUS)");
		return SMSCMD_UNKNOWN_VERB;
	}
	if ((v = parse_verb(&verb)) == 0) {
		snprintf(err, errlen, "'%s' is not UP, DOWN or STATUS", quote(&verb, q, sizeof(q)));
		return SMSCMD_UNKNOWN_VERB;
	}
	c.verb = (enum smscmd_verb)v;
	arg = next_word(text, len, &pos);
	if (arg.len > 0 && c.verb == SMSCMD_UP) {
		if ((c.minutes = parse_minutes(&arg)) < 0) {
			snprintf(err, errlen, "'%s' is not a number of minutes (1 to %d)",
			    quote(&arg, q, sizeof(q)), SMSCMD_MINUTES_MAX);
			return SMSCMD_BAD_MINUTES;
		}
		arg = next_word(text, len, &pos);
	}
	if (arg.len > 0) {
		snprintf(err, errlen, "'%s' after %s: %s", quote(&arg, q, sizeof(q)),
		    smscmd_verb_name(c.verb),
		    c.verb == SMSCMD_UP ? "UP takes only minutes" : "it takes nothing more");
		return SMSCMD_TRAILING;
	}
	memcpy(c.code, code.s, code.len);
	c.code[code.len] = '\0';
	*cmd = c;
	return SMSCMD_OK;
}

const char *
smscmd_verb_name(enum smscmd_verb v)
{
	switch (v) {
	case SMSCMD_UP:
		return "UP";
	case SMSCMD_DOWN:
		return "DOWN";
	case SMSCMD_STATUS:
		return "STATUS";
	}
	return "?";
}

const char *
smscmd_error_name(enum smscmd_error e)
{
	switch (e) {
	case SMSCMD_OK:
		return "ok";
	case SMSCMD_TOO_LONG:
		return "too long";
	case SMSCMD_NO_CODE:
		return "no code";
	case SMSCMD_UNKNOWN_VERB:
		return "unknown verb";
	case SMSCMD_BAD_MINUTES:
		return "bad minutes";
	case SMSCMD_TRAILING:
		return "trailing words";
	}
	return "?";
}
