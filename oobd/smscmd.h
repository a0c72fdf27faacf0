/*
 * smscmd: the activation command in an SMS text, "<code> <verb> [minutes]":
 *
 *   123456 UP          bring the link up for the configured time
 *   123456 up 30       ... for 30 minutes (1 to 10080, a week)
 *   123456 DOWN        take it down now
 *   123456 status      report how things are
 *
 * The text comes from anyone who knows the modem's number, so the parser is
 * strict and bounded: at most SMSCMD_TEXT_MAX bytes (one SMS; a longer text
 * is refused unread); the code is 6 to 8 ASCII digits (whether it is right
 * is auth.h's business); verbs in any case; blanks, tabs and line ends
 * before, between and after the words in any number (phones add them); and
 * nothing else: no signs, no units, no second command, no trailing words.
 * Every refusal has a reason code, for counters, and a message for the log
 * that quotes at most a short, sanitised piece of the text.
 */
#ifndef OUTPOST_SMSCMD_H
#define OUTPOST_SMSCMD_H

#include <stddef.h>

#define SMSCMD_TEXT_MAX	   160
#define SMSCMD_CODE_MIN	   6
#define SMSCMD_CODE_MAX	   8
#define SMSCMD_MINUTES_MAX 10080	/* a week */

enum smscmd_verb { SMSCMD_UP = 1, SMSCMD_DOWN, SMSCMD_STATUS };

enum smscmd_error {
	SMSCMD_OK = 0,
	SMSCMD_TOO_LONG,	/* more than SMSCMD_TEXT_MAX bytes */
	SMSCMD_NO_CODE,		/* the first word is not 6 to 8 digits (or is missing) */
	SMSCMD_UNKNOWN_VERB,	/* the second word is not UP, DOWN or STATUS (or is missing) */
	SMSCMD_BAD_MINUTES,	/* UP's argument is not a whole number 1..10080 */
	SMSCMD_TRAILING,	/* words after the command */
};

struct smscmd {
	char code[SMSCMD_CODE_MAX + 1];	/* the digits, NUL-terminated */
	enum smscmd_verb verb;
	int minutes;			/* UP only; 0: not given */
};

/* Parse len bytes of text (no NUL needed; a NUL inside is just a wrong
 * character).  SMSCMD_OK fills *cmd; anything else leaves it untouched and
 * writes a message to err. */
enum smscmd_error smscmd_parse(const char *text, size_t len, struct smscmd *cmd, char *err,
    size_t errlen);

/* "UP", "DOWN", "STATUS"; "?" for anything else. */
const char *smscmd_verb_name(enum smscmd_verb v);
/* "ok", "too long", "no code", "unknown verb", "bad minutes", "trailing words". */
const char *smscmd_error_name(enum smscmd_error e);

#endif
