/*
 * Fuzz the config parser: any bytes as a file, with a small directive table
 * whose handlers run the value helpers on what they are given, and again
 * with a typed table of every type (the handlers' table joined to it),
 * whose members must hold values within their ranges whatever the input.
 * Includes are resolved in a scratch directory holding one good file and
 * one that includes itself; the helpers are also fed the raw input
 * directly.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_line(const struct cfg_line *l)
{
	int i;

	if (l->argc < 1 || l->argc > CFG_MAX_ARGS + 1 || l->argv[l->argc] != NULL || l->line < 1)
		abort();
	for (i = 0; i < l->argc; i++)
		if (strlen(l->argv[i]) > CFG_MAX_LINE)
			abort();
	return 0;
}

static int h_values(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	uint64_t u;
	int64_t ms;
	double d;
	bool b;
	int i;

	(void)ctx;
	check_line(l);
	for (i = 1; i < l->argc; i++) {
		(void)cfg_uint(l->argv[i], 1, 65535, &u, err, errlen);
		(void)cfg_double(l->argv[i], -1e6, 1e6, &d, err, errlen);
		(void)cfg_bool(l->argv[i], &b, err, errlen);
		(void)cfg_duration_ms(l->argv[i], &ms, err, errlen);
	}
	return cfg_uint(l->argv[1], 0, UINT64_MAX, &u, err, errlen);
}

static int h_any(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	(void)ctx;
	(void)err;
	(void)errlen;
	return check_line(l);
}

static const struct cfg_directive table[] = {
	{ "port", 1, 1, h_values },
	{ "value", 1, 4, h_values },
	{ "server", 1, -1, h_any },
	{ "flag", 0, 0, h_any },
	{ "bare", 0, -1, NULL },
	{ NULL, 0, 0, NULL },
};

struct typed {
	char name[8];
	bool flag;
	int count;
	uint16_t port;
	double ratio;
	int64_t wait_ms;
	char word[4];
};

static int no_x(const char *s, char *err, size_t errlen)
{
	if (strchr(s, 'x') == NULL)
		return 0;
	snprintf(err, errlen, "no x");
	return -1;
}

#define AT(member) CFG_AT(struct typed, member)

static const struct cfg_field fields[] = {
	{ "name", CFG_STRING, AT(name) },
	{ "flag", CFG_BOOL, AT(flag) },
	{ "count", CFG_INT, AT(count), 2, 9 },
	{ "port", CFG_UINT16, AT(port), 1, 65535 },
	{ "ratio", CFG_DOUBLE, AT(ratio), -0.5, 2 },
	{ "wait", CFG_DURATION, AT(wait_ms), 1000, 86400000 },
	{ "word", CFG_STRING, AT(word), .check = no_x },
	{ "any", CFG_CUSTOM, 0, 3, .handler = h_any },
	{ "handlers", CFG_TABLE, .table = table },
	{ .name = NULL },
};

static void check_typed(const struct typed *t)
{
	if (memchr(t->name, '\0', sizeof(t->name)) == NULL ||
	    memchr(t->word, '\0', sizeof(t->word)) == NULL || strchr(t->word, 'x') != NULL)
		abort();
	if ((t->count != 0 && (t->count < 2 || t->count > 9)) ||
	    (t->ratio != 0 && (t->ratio < -0.5 || t->ratio > 2)) ||
	    (t->wait_ms != 0 && (t->wait_ms < 1000 || t->wait_ms > 86400000)))
		abort();
}

static char conf_name[256];
static char scratch[64];

static void scratch_remove(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/good.conf", scratch);
	unlink(path);
	snprintf(path, sizeof(path), "%s/self.conf", scratch);
	unlink(path);
	rmdir(scratch);
}

static void scratch_dir(void)
{
	char dir[] = "/tmp/fuzz_config.XXXXXX";
	char path[128];
	FILE *f;

	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/good.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fputs("server a b\nport 123\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/self.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fputs("bare\ninclude self.conf\n", f);
	fclose(f);
	snprintf(conf_name, sizeof(conf_name), "%s/fuzz.conf", dir);
	snprintf(scratch, sizeof(scratch), "%s", dir);
	atexit(scratch_remove);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[CFG_ERRLEN], small[16];
	struct typed t;
	char *s;
	uint64_t u;
	int64_t ms;
	double d;
	bool b;

	if (conf_name[0] == '\0')
		scratch_dir();
	memset(err, 0x55, sizeof(err));
	if (cfg_parse_buffer(conf_name, (const char *)data, size, table, NULL, err,
		sizeof(err)) == -1) {
		if (memchr(err, '\0', sizeof(err)) == NULL || err[0] == '\0')
			abort();
	}
	memset(&t, 0, sizeof(t));
	memset(err, 0x55, sizeof(err));
	if (cfg_parse_fields_buffer(conf_name, (const char *)data, size, fields, &t, err,
		sizeof(err)) == -1) {
		if (memchr(err, '\0', sizeof(err)) == NULL || err[0] == '\0')
			abort();
	}
	check_typed(&t);
	/* A tiny error buffer must still be terminated, never overrun. */
	(void)cfg_parse_buffer("f", (const char *)data, size, table, NULL, small, sizeof(small));
	if (memchr(small, '\0', sizeof(small)) == NULL)
		abort();

	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)cfg_uint(s, 0, UINT64_MAX, &u, err, sizeof(err));
	(void)cfg_double(s, -1e300, 1e300, &d, err, sizeof(err));
	(void)cfg_bool(s, &b, err, sizeof(err));
	(void)cfg_duration_ms(s, &ms, err, sizeof(err));
	free(s);
	return 0;
}
