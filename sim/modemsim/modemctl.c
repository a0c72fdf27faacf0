/*
 * modemctl: modemsim's run-time commands (see modemctl.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "modemctl.h"

const char modemctl_help[] =
    "sms HEX\n"
    "sms-text FROM TEXT\n"
    "signal N (0..31, 99)\n"
    "reg home|roaming|searching|denied|none|unknown|0..5\n"
    "drop\n"
    "hang | unhang\n"
    "unplug | replug\n"
    "boot\n"
    "urc-in-reply on|off\n"
    "text-only on|off\n"
    "status\n"
    "help\n";

static const struct {
	const char	*word;
	enum modemctl_op op;
} simple[] = {
	{ "drop", MODEMCTL_DROP },
	{ "hang", MODEMCTL_HANG },
	{ "unhang", MODEMCTL_UNHANG },
	{ "unplug", MODEMCTL_UNPLUG },
	{ "replug", MODEMCTL_REPLUG },
	{ "boot", MODEMCTL_BOOT },
	{ "status", MODEMCTL_STATUS },
	{ "help", MODEMCTL_HELP },
};

static const char *const reg_names[] = { "none", "home", "searching", "denied", "unknown",
	"roaming" };

static bool
word_is(const char *w, size_t n, const char *s)
{
	return n == strlen(s) && memcmp(w, s, n) == 0;
}

/* A whole decimal number lo..hi; -1 otherwise. */
static int
number(const char *s, size_t n, int lo, int hi)
{
	int v = 0;

	if (n == 0 || n > 4)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v >= lo && v <= hi ? v : -1;
}

static int
parse_reg(const char *a, size_t n, struct modemctl_cmd *c, char *err, size_t errlen)
{
	for (int i = 0; i < 6; i++) {
		if (word_is(a, n, reg_names[i])) {
			c->n = i;
			return 0;
		}
	}
	c->n = number(a, n, 0, 5);
	if (c->n >= 0)
		return 0;
	snprintf(err, errlen, "reg: home, roaming, searching, denied, none, unknown or 0..5");
	return -1;
}

static int
parse_sms_text(struct modemctl_cmd *c, char *err, size_t errlen)
{
	const char *sp = memchr(c->arg, ' ', c->arg_len);

	if (sp == NULL || sp == c->arg) {
		snprintf(err, errlen, "sms-text: FROM TEXT");
		return -1;
	}
	c->text = sp + 1;
	c->text_len = c->arg_len - (size_t)(sp + 1 - c->arg);
	c->arg_len = (size_t)(sp - c->arg);
	return 0;
}

int
modemctl_parse(const char *line, size_t len, struct modemctl_cmd *c, char *err,
    size_t errlen)
{
	const char *sp, *a = NULL;
	size_t wl, al = 0;

	memset(c, 0, sizeof(*c));
	if (len > 0 && line[len - 1] == '\r')
		len--;
	sp = memchr(line, ' ', len);
	wl = sp != NULL ? (size_t)(sp - line) : len;
	if (sp != NULL) {
		a = sp + 1;
		al = len - wl - 1;
	}
	for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
		if (!word_is(line, wl, simple[i].word))
			continue;
		if (a != NULL) {
			snprintf(err, errlen, "%s takes no argument", simple[i].word);
			return -1;
		}
		c->op = simple[i].op;
		return 0;
	}
	c->arg = a;
	c->arg_len = al;
	if (word_is(line, wl, "sms") || word_is(line, wl, "sms-text")) {
		c->op = wl == 3 ? MODEMCTL_SMS : MODEMCTL_SMS_TEXT;
		if (a == NULL || al == 0) {
			snprintf(err, errlen, "%.*s: what message?", (int)wl, line);
			return -1;
		}
		return c->op == MODEMCTL_SMS_TEXT ? parse_sms_text(c, err, errlen) : 0;
	}
	if (word_is(line, wl, "signal")) {
		c->op = MODEMCTL_SIGNAL;
		c->n = a != NULL ? number(a, al, 0, 99) : -1;
		if (c->n < 0 || (c->n > 31 && c->n != 99)) {
			snprintf(err, errlen, "signal: 0..31, or 99 for none");
			return -1;
		}
		return 0;
	}
	if (word_is(line, wl, "reg")) {
		c->op = MODEMCTL_REG;
		return parse_reg(a != NULL ? a : "", al, c, err, errlen);
	}
	if (word_is(line, wl, "urc-in-reply") || word_is(line, wl, "text-only")) {
		c->op = word_is(line, wl, "text-only") ? MODEMCTL_TEXT_ONLY : MODEMCTL_URC_IN_REPLY;
		if (a != NULL && (word_is(a, al, "on") || word_is(a, al, "off"))) {
			c->n = word_is(a, al, "on");
			return 0;
		}
		snprintf(err, errlen, "%.*s: on or off", (int)wl, line);
		return -1;
	}
	snprintf(err, errlen, "unknown command '%.*s' (try help)", (int)(wl > 40 ? 40 : wl),
	    line);
	return -1;
}
