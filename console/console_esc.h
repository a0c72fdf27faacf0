/*
 * console_esc: the escapes a person types at `outpost console`, in the
 * style of cu(1) and ssh(1).
 *
 * The escape character '~' means something only as the first character of
 * a line: at the very start, or right after CR or LF was typed.  Anywhere
 * else it is an ordinary character, so a '~' in a path or a shell prompt
 * on the router never surprises anyone.  At a line start, '~' is held back
 * until the next character says what it is:
 *
 *	~.	detach (the line and the router carry on)
 *	~#	send a BREAK on the serial line
 *	~?	show the escapes
 *	~~	send one '~'
 *	~x	anything else: send "~x" unchanged
 *
 * After ~# or ~? nothing was sent, so the next character is still at a
 * line start.  Pure: bytes typed in, bytes to send and actions out.  Lives
 * in lib/ because the client (outpost) uses it and oobd's tests check it.
 */
#ifndef OUTPOST_CONSOLE_ESC_H
#define OUTPOST_CONSOLE_ESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_ESC_CHAR '~'

enum console_esc_action {
	CONSOLE_ESC_NONE,
	CONSOLE_ESC_DETACH,
	CONSOLE_ESC_BREAK,
	CONSOLE_ESC_HELP
};

struct console_esc {
	bool line_start;        /* the next character starts a line */
	bool held;              /* a '~' at a line start waits for the next one */
};

/* What ~? shows, CR LF line ends (the terminal is raw). */
extern const char console_esc_help[];

void console_esc_init(struct console_esc *e);

/*
 * Read typed bytes from in[0..len) up to and including the first one that
 * completes an action.  The bytes to send to the line go to out, which must
 * hold len + 1 bytes (a '~' held from an earlier call may come out with
 * the byte after it); their number to *out_len, the action to *action.
 * Returns how many bytes of in were used: call again with the rest.
 */
size_t console_esc_feed(struct console_esc *e, const uint8_t *in, size_t len, uint8_t *out,
    size_t *out_len, enum console_esc_action *action);

#endif
