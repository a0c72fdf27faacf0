/*
 * Fuzz what the console server takes from outside: frames from a client
 * socket (console/console_proto), the HELLO inside them, and oobd.conf's
 * console directives (console/console.c).  Every decoded frame must lie within
 * the input and encode back to the same bytes; a decoded HELLO must encode
 * back to its payload.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "console.h"
#include "console_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
frames(const uint8_t *data, size_t size)
{
	static uint8_t again[CONSOLE_MSG_HDR + CONSOLE_MSG_MAX];
	struct console_msg m;
	struct console_hello h;
	uint8_t p[64];
	char err[128];
	long n;

	while ((n = console_msg_decode(data, size, &m)) > 0) {
		if ((size_t)n > size || m.payload < data || m.payload + m.len > data + n)
			abort();
		if (console_msg_encode(m.type, m.payload, m.len, again, sizeof(again)) !=
		    (size_t)n || memcmp(again, data, (size_t)n) != 0)
			abort();
		if (m.type == CONSOLE_MSG_HELLO &&
		    console_hello_decode(m.payload, m.len, &h, err, sizeof(err)) == 0) {
			if (console_hello_encode(&h, p, sizeof(p)) != m.len ||
			    memcmp(p, m.payload, m.len) != 0)
				abort();
		}
		data += n;
		size -= (size_t)n;
	}
}

static int
on_directive(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	int rc = console_conf_directive(ctx, l, err, errlen);

	if (rc == -1 && memchr(err, '\0', errlen) == NULL)
		abort();
	return rc == 0 ? 0 : -1;
}

static const struct cfg_directive table[] = {
	CONSOLE_CFG_DIRECTIVES(on_directive),
	{ "include", 0, -1, NULL },     /* no includes here */
	{ NULL, 0, 0, NULL },
};

static void
conf(const uint8_t *data, size_t size)
{
	static struct console_conf c;
	char err[CFG_ERRLEN];

	console_conf_init(&c);
	(void)cfg_parse_buffer("oobd.conf", (const char *)data, size, table, &c, err,
	    sizeof(err));
	if (c.nlines < 0 || c.nlines > CONSOLE_MAX)
		abort();
	for (int i = 0; i < c.nlines; i++)
		if (!console_name_valid(c.lines[i].name) || serial_speed(c.lines[i].baud) == 0)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct console_hello h;
	char err[128], name[CONSOLE_NAME_MAX + 8];

	frames(data, size);
	(void)console_hello_decode(data, size, &h, err, sizeof(err));
	if (size < sizeof(name)) {
		memcpy(name, data, size);
		name[size] = '\0';
		(void)console_name_valid(name);
	}
	conf(data, size);
	return 0;
}
