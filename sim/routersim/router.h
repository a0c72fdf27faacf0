/*
 * router: what a small router says on its serial console, for routersim.
 *
 * It boots (a firmware banner, kernel lines, services: about forty lines
 * ending in a "login:" prompt), takes a user name and a password (the
 * password is ROUTER_PASSWORD; it is not echoed), and then answers a few
 * shell commands at a "HOST# " prompt:
 *
 *	show version, uptime, echo TEXT, help	answered
 *	reboot, reload				the boot log again
 *	exit, logout				back to the login prompt
 *	anything else				"sh: WORD: not found"
 *
 * Typed characters are echoed as a tty in canonical mode does (CR or LF
 * ends a line, DEL or BS erases, ^C abandons the line).  It can also
 * panic, say a given line, and flood lines, for the tests.
 *
 * Pure: bytes typed in, bytes said out through a buffer the caller drains
 * (router_output, router_consume), bounded by ROUTER_OUT_MAX; what does not
 * fit is lost, as on a line nobody reads fast enough.
 */
#ifndef OUTPOST_ROUTER_H
#define OUTPOST_ROUTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ROUTER_PASSWORD "outpost"
#define ROUTER_LINE_MAX 256
#define ROUTER_OUT_MAX (8 * 1024 * 1024)

enum router_state { ROUTER_LOGIN, ROUTER_PASSWORD_PROMPT, ROUTER_SHELL };

struct router {
	char hostname[64];
	enum router_state state;
	char line[ROUTER_LINE_MAX];
	size_t line_len;
	bool last_cr;                   /* swallow the LF of a CR LF */
	char user[32];
	unsigned boots;
	unsigned logins;
	unsigned long received;         /* bytes typed */
	char last_line[ROUTER_LINE_MAX]; /* the last line entered */
	uint8_t *out;                   /* out[out_head..out_len) to say */
	size_t out_head, out_len, out_cap;
	unsigned long lost;             /* output bytes that did not fit */
};

/* 0, or -1 when the output buffer cannot be had. */
int router_init(struct router *r, const char *hostname);
void router_free(struct router *r);

void router_boot(struct router *r);
void router_panic(struct router *r);
void router_say(struct router *r, const char *text);
void router_flood(struct router *r, unsigned lines);
void router_input(struct router *r, const uint8_t *buf, size_t len);

const uint8_t *router_output(const struct router *r, size_t *len);
void router_consume(struct router *r, size_t n);

#endif
