/*
 * console_esc: the typed-escape state machine (see console_esc.h).
 */
#include "console_esc.h"

const char console_esc_help[] =
    "\r\nEscapes (at the start of a line):\r\n"
    "  ~.  detach (the router is not told)\r\n"
    "  ~#  send a BREAK\r\n"
    "  ~?  this help\r\n"
    "  ~~  send a ~\r\n";

void
console_esc_init(struct console_esc *e)
{
	e->line_start = true;
	e->held = false;
}

static bool
is_eol(uint8_t c)
{
	return c == '\r' || c == '\n';
}

/* The character after a held '~': an action, or bytes to send. */
static enum console_esc_action
after_tilde(struct console_esc *e, uint8_t c, uint8_t *out, size_t *n)
{
	e->held = false;
	switch (c) {
	case '.':
		return CONSOLE_ESC_DETACH;
	case '#':
		e->line_start = true;
		return CONSOLE_ESC_BREAK;
	case '?':
		e->line_start = true;
		return CONSOLE_ESC_HELP;
	case CONSOLE_ESC_CHAR:
		out[(*n)++] = CONSOLE_ESC_CHAR;
		e->line_start = false;
		return CONSOLE_ESC_NONE;
	default:
		out[(*n)++] = CONSOLE_ESC_CHAR;
		out[(*n)++] = c;
		e->line_start = is_eol(c);
		return CONSOLE_ESC_NONE;
	}
}

size_t
console_esc_feed(struct console_esc *e, const uint8_t *in, size_t len, uint8_t *out,
    size_t *out_len, enum console_esc_action *action)
{
	size_t i, n = 0;

	*action = CONSOLE_ESC_NONE;
	for (i = 0; i < len; i++) {
		uint8_t c = in[i];

		if (e->held) {
			*action = after_tilde(e, c, out, &n);
			if (*action != CONSOLE_ESC_NONE) {
				i++;
				break;
			}
			continue;
		}
		if (e->line_start && c == CONSOLE_ESC_CHAR) {
			e->held = true;
			continue;
		}
		out[n++] = c;
		e->line_start = is_eol(c);
	}
	*out_len = n;
	return i;
}
