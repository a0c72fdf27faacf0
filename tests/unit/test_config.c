/*
 * Unit tests for lib/config: what the program's handlers receive for good
 * files, the exact "file:line: message" for bad ones, includes on disk,
 * typed tables, and the value helpers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

/* Every accepted directive is written to a transcript:
 * "file:line argv0|argv1|...\n". */
struct transcript {
	char text[8192];
	size_t len;
};

static int record(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct transcript *t = ctx;
	int i;

	(void)err;
	(void)errlen;
	t->len += (size_t)snprintf(t->text + t->len, sizeof(t->text) - t->len, "%s:%d ", l->file,
	    l->line);
	for (i = 0; i < l->argc; i++)
		t->len += (size_t)snprintf(t->text + t->len, sizeof(t->text) - t->len, "%s%s",
		    i ? "|" : "", l->argv[i]);
	t->len += (size_t)snprintf(t->text + t->len, sizeof(t->text) - t->len, "\n");
	assert_true(t->len < sizeof(t->text));
	assert_null(l->argv[l->argc]);
	return 0;
}

static int h_port(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	uint64_t v;

	if (cfg_uint(l->argv[1], 1, 65535, &v, err, errlen) == -1)
		return -1;
	return record(ctx, l, err, errlen);
}

static int h_flag(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	bool b;

	if (cfg_bool(l->argv[1], &b, err, errlen) == -1)
		return -1;
	return record(ctx, l, err, errlen);
}

static int h_timeout(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	int64_t ms;

	if (cfg_duration_ms(l->argv[1], &ms, err, errlen) == -1)
		return -1;
	return record(ctx, l, err, errlen);
}

static int h_silent_reject(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	(void)ctx;
	(void)l;
	(void)err;
	(void)errlen;
	return -1;
}

static const struct cfg_directive table[] = {
	{ "port", 1, 1, h_port },
	{ "server", 1, -1, record },
	{ "name", 1, 1, record },
	{ "flag", 1, 1, h_flag },
	{ "timeout", 1, 1, h_timeout },
	{ "noargs", 0, 0, record },
	{ "pair", 2, 3, record },
	{ "ignored", 0, -1, NULL },
	{ "refuse", 0, 0, h_silent_reject },
	{ NULL, 0, 0, NULL },
};

struct good_case {
	const char *text;
	const char *want;
};

static const struct good_case good[] = {
	{ "", "" },
	{ "\n\n", "" },
	{ "# comment\n\n   \t\nport 123 # ntp\n", "test.conf:4 port|123\n" },
	{ "port 1", "test.conf:1 port|1\n" }, /* no final newline */
	{ "port 1\r\nport 2\r\n", "test.conf:1 port|1\ntest.conf:2 port|2\n" },
	{ "\tPORT\t\t7  \n", "test.conf:1 PORT|7\n" },
	{ "SeRvEr a b c", "test.conf:1 SeRvEr|a|b|c\n" },
	{ "name \"arg two\"", "test.conf:1 name|arg two\n" },
	{ "name 'x  y'", "test.conf:1 name|x  y\n" },
	{ "name \"a\\\"b\\\\c\"", "test.conf:1 name|a\"b\\c\n" },
	{ "name \"C:\\dir\\n\"", "test.conf:1 name|C:\\dir\\n\n" },
	{ "name 'a\\\"b'", "test.conf:1 name|a\\\"b\n" },
	{ "name a\"b c\"d", "test.conf:1 name|ab cd\n" },
	{ "name \"\"", "test.conf:1 name|\n" },
	{ "name a#b", "test.conf:1 name|a#b\n" },
	{ "name \"#x\" # and a comment", "test.conf:1 name|#x\n" },
	{ "name 'it''s'", "test.conf:1 name|its\n" },
	{ "name \"'\"", "test.conf:1 name|'\n" },
	{ "noargs", "test.conf:1 noargs\n" },
	{ "noargs #x y z", "test.conf:1 noargs\n" },
	{ "pair a b\npair a b c", "test.conf:1 pair|a|b\ntest.conf:2 pair|a|b|c\n" },
	{ "ignored whatever you like\nport 5", "test.conf:2 port|5\n" },
	{ "server 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16",
	    "test.conf:1 server|1|2|3|4|5|6|7|8|9|10|11|12|13|14|15|16\n" },
	{ "flag YES\nflag off\ntimeout 250ms",
	    "test.conf:1 flag|YES\ntest.conf:2 flag|off\ntest.conf:3 timeout|250ms\n" },
};

static void test_good_buffers(void **state)
{
	struct transcript t;
	char err[CFG_ERRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(&t, 0, sizeof(t));
		err[0] = '\0';
		if (cfg_parse_buffer("test.conf", good[i].text, strlen(good[i].text), table, &t,
			err, sizeof(err)) != 0)
			fail_msg("case %zu \"%s\": %s", i, good[i].text, err);
		assert_string_equal(t.text, good[i].want);
	}
}

struct bad_case {
	const char *text;
	const char *want_err;
	const char *want_transcript; /* what was accepted before the error */
};

static const struct bad_case bad[] = {
	{ "port 1\n\nfoo 1\nport 2", "test.conf:3: unknown directive 'foo'", "test.conf:1 port|1\n" },
	{ "fo\033[2Jo", "test.conf:1: unknown directive 'fo?[2Jo'", "" },
	{ "\n\n\nport", "test.conf:4: 'port' needs 1 argument", "" },
	{ "port 1 2", "test.conf:1: 'port' needs 1 argument", "" },
	{ "pair a", "test.conf:1: 'pair' needs 2 to 3 arguments", "" },
	{ "pair a b c d", "test.conf:1: 'pair' needs 2 to 3 arguments", "" },
	{ "server", "test.conf:1: 'server' needs at least 1 argument", "" },
	{ "noargs x", "test.conf:1: 'noargs' needs 0 arguments", "" },
	{ "include", "test.conf:1: 'include' needs at least 1 argument", "" },
	{ "name \"abc", "test.conf:1: unterminated double quote", "" },
	{ "name 'abc", "test.conf:1: unterminated single quote", "" },
	{ "name \"abc\\\"", "test.conf:1: unterminated double quote", "" },
	{ "name 'a\"b", "test.conf:1: unterminated single quote", "" },
	{ "server 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17",
	    "test.conf:1: too many arguments (at most 16)", "" },
	{ "port 70000", "test.conf:1: value 70000 out of range 1..65535", "" },
	{ "port 0", "test.conf:1: value 0 out of range 1..65535", "" },
	{ "port abc", "test.conf:1: 'abc' is not a number", "" },
	{ "port -1", "test.conf:1: '-1' is not a number", "" },
	{ "flag maybe", "test.conf:1: 'maybe' is not yes or no", "" },
	{ "timeout 5x", "test.conf:1: '5x' is not a duration (like 30s, 250ms, 5m, 2h, 1d)", "" },
	{ "refuse", "test.conf:1: bad arguments for 'refuse'", "" },
};

static void test_bad_buffers(void **state)
{
	struct transcript t;
	char err[CFG_ERRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&t, 0, sizeof(t));
		err[0] = '\0';
		assert_int_equal(cfg_parse_buffer("test.conf", bad[i].text, strlen(bad[i].text),
				     table, &t, err, sizeof(err)),
		    -1);
		assert_string_equal(err, bad[i].want_err);
		assert_string_equal(t.text, bad[i].want_transcript);
	}
}

static void test_nul_byte(void **state)
{
	static const char text[] = "port 1\nport\0 2\nport 3\n";
	struct transcript t = { .len = 0 };
	char err[CFG_ERRLEN];

	(void)state;
	assert_int_equal(
	    cfg_parse_buffer("test.conf", text, sizeof(text) - 1, table, &t, err, sizeof(err)), -1);
	assert_string_equal(err, "test.conf:2: NUL byte in file");
	assert_string_equal(t.text, "test.conf:1 port|1\n");
}

static void test_line_length(void **state)
{
	char text[CFG_MAX_LINE + 64];
	char want[CFG_MAX_LINE + 64];
	struct transcript t;
	char err[CFG_ERRLEN];
	int n;

	(void)state;
	/* Exactly CFG_MAX_LINE bytes (CRLF not counted) is fine... */
	n = snprintf(text, sizeof(text), "name %0*d\r\n", CFG_MAX_LINE - 5, 0);
	assert_int_equal(n, CFG_MAX_LINE + 2);
	memset(&t, 0, sizeof(t));
	assert_int_equal(
	    cfg_parse_buffer("test.conf", text, (size_t)n, table, &t, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "test.conf:1 name|%0*d\n", CFG_MAX_LINE - 5, 0);
	assert_string_equal(t.text, want);

	/* ...one more is not, even on the last line without a newline. */
	n = snprintf(text, sizeof(text), "port 1\nname %0*d", CFG_MAX_LINE - 4, 0);
	memset(&t, 0, sizeof(t));
	assert_int_equal(
	    cfg_parse_buffer("test.conf", text, (size_t)n, table, &t, err, sizeof(err)), -1);
	assert_string_equal(err, "test.conf:2: line too long (more than 1024 bytes)");
}

static void test_small_err_buffer(void **state)
{
	struct transcript t = { .len = 0 };
	char err[12];

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_int_equal(cfg_parse_buffer("test.conf", "foo", 3, table, &t, err, sizeof(err)), -1);
	assert_string_equal(err, "test.conf:1");
	/* No buffer at all is allowed too. */
	assert_int_equal(cfg_parse_buffer("test.conf", "foo", 3, table, &t, NULL, 0), -1);
}

/*
 * Files on disk.
 */

static char tmpdir[PATH_MAX];

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void mkd(const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int setup_dir(void **state)
{
	char chain[32], text[64];
	int i;

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/outpost-cfg.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	mkd("conf.d");
	mkd("sub");
	mkd("empty.d");
	mkd("we[ir]d");
	mkd("we[ir]d/inc");
	put("main.conf", "port 1\ninclude conf.d/*.conf\ninclude sub/one.conf\nport 9\n");
	put("conf.d/b.conf", "port 3\n");
	put("conf.d/a.conf", "# first by name\nport 2\n");
	put("conf.d/skip.txt", "this is not a config file\n");
	put("sub/one.conf", "include two.conf\n");
	put("sub/two.conf", "\nport 4\n");
	put("globs.conf", "include empty.d/*.conf conf.d/b.conf\n");
	put("missing.conf", "port 1\ninclude nothere.conf\n");
	put("dir.conf", "include sub\n");
	put("self.conf", "port 1\ninclude self.conf\n");
	put("loop1.conf", "include loop2.conf\n");
	put("loop2.conf", "port 5\ninclude ./loop1.conf\n");
	put("bad-inc.conf", "include conf.d/bad.conf\n");
	put("we[ir]d/main.conf", "include inc/*.conf\n");
	put("we[ir]d/inc/x.conf", "port 7\n");
	for (i = 0; i <= 9; i++) {
		snprintf(chain, sizeof(chain), "d%d.conf", i);
		snprintf(text, sizeof(text), "include d%d.conf\n", i + 1);
		put(chain, i == 8 ? "port 8\n" : text);
	}
	for (i = 0; i <= 9; i++) {
		snprintf(chain, sizeof(chain), "e%d.conf", i);
		snprintf(text, sizeof(text), "include e%d.conf\n", i + 1);
		put(chain, i == 9 ? "port 9\n" : text);
	}
	return 0;
}

static int teardown_dir(void **state)
{
	char cmd[PATH_MAX + 32];

	(void)state;
	/* Our own mkdtemp directory; the name has no shell metacharacters
	 * except the brackets we made, which rm gets quoted. */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static int parse_in_dir(const char *rel, struct transcript *t, char *err, size_t errlen)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	memset(t, 0, sizeof(*t));
	err[0] = '\0';
	return cfg_parse_file(path, table, t, err, errlen);
}

/* Replace every "@" in pattern with the temp dir. */
static const char *expand(const char *pattern, char *out, size_t len)
{
	size_t o = 0;

	for (; *pattern != '\0' && o + 1 < len; pattern++) {
		if (*pattern == '@')
			o += (size_t)snprintf(out + o, len - o, "%s", tmpdir);
		else
			out[o++] = *pattern;
	}
	out[o < len ? o : len - 1] = '\0';
	return out;
}

static void test_include_glob_and_relative(void **state)
{
	struct transcript t;
	char err[CFG_ERRLEN], want[2048];

	(void)state;
	assert_int_equal(parse_in_dir("main.conf", &t, err, sizeof(err)), 0);
	/* glob order is sorted; sub/one.conf's "two.conf" is next to it. */
	assert_string_equal(t.text, expand("@/main.conf:1 port|1\n"
					   "@/conf.d/a.conf:2 port|2\n"
					   "@/conf.d/b.conf:1 port|3\n"
					   "@/sub/two.conf:2 port|4\n"
					   "@/main.conf:4 port|9\n",
					want, sizeof(want)));

	/* An empty conf.d is fine; a plain name after it is still read. */
	assert_int_equal(parse_in_dir("globs.conf", &t, err, sizeof(err)), 0);
	assert_string_equal(t.text, expand("@/conf.d/b.conf:1 port|3\n", want, sizeof(want)));

	/* A directory name with glob characters in it is taken literally. */
	assert_int_equal(parse_in_dir("we[ir]d/main.conf", &t, err, sizeof(err)), 0);
	assert_string_equal(t.text, expand("@/we[ir]d/inc/x.conf:1 port|7\n", want, sizeof(want)));
}

static void test_include_relative_to_cwd_name(void **state)
{
	struct transcript t = { .len = 0 };
	char err[CFG_ERRLEN], cwd[PATH_MAX];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(tmpdir), 0);
	/* Names are shown as the user and the includes wrote them. */
	assert_int_equal(cfg_parse_file("main.conf", table, &t, err, sizeof(err)), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_string_equal(t.text, "main.conf:1 port|1\n"
				    "conf.d/a.conf:2 port|2\n"
				    "conf.d/b.conf:1 port|3\n"
				    "sub/two.conf:2 port|4\n"
				    "main.conf:4 port|9\n");
}

static void test_include_from_buffer(void **state)
{
	struct transcript t = { .len = 0 };
	char err[CFG_ERRLEN], name[PATH_MAX * 2], want[1024];
	static const char text[] = "include conf.d/b.conf";

	(void)state;
	snprintf(name, sizeof(name), "%s/virtual.conf", tmpdir);
	assert_int_equal(
	    cfg_parse_buffer(name, text, sizeof(text) - 1, table, &t, err, sizeof(err)), 0);
	assert_string_equal(t.text, expand("@/conf.d/b.conf:1 port|3\n", want, sizeof(want)));
}

static void test_include_errors(void **state)
{
	static const struct {
		const char *file;
		const char *want_err;
	} cases[] = {
		{ "missing.conf",
		    "@/missing.conf:2: include '@/nothere.conf': No such file or directory" },
		{ "bad-inc.conf",
		    "@/bad-inc.conf:1: include '@/conf.d/bad.conf': No such file or directory" },
		{ "dir.conf", "@/dir.conf:1: include '@/sub': Is a directory" },
		{ "self.conf", "@/self.conf:2: include '@/self.conf': include loop" },
		{ "loop1.conf", "@/loop2.conf:2: include '@/./loop1.conf': include loop" },
		{ "e0.conf", "@/e8.conf:1: include '@/e9.conf': nested too deeply (at most 8)" },
		{ "nothere.conf", "@/nothere.conf: No such file or directory" },
		{ "sub", "@/sub: Is a directory" },
	};
	struct transcript t;
	char err[CFG_ERRLEN], want[1024];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse_in_dir(cases[i].file, &t, err, sizeof(err)), -1);
		assert_string_equal(err, expand(cases[i].want_err, want, sizeof(want)));
	}
	/* The loop was caught after reading loop2's first line once. */
	assert_int_equal(parse_in_dir("loop1.conf", &t, err, sizeof(err)), -1);
	assert_string_equal(t.text, expand("@/loop2.conf:1 port|5\n", want, sizeof(want)));

	/* Eight levels of include below the top file are allowed. */
	assert_int_equal(parse_in_dir("d0.conf", &t, err, sizeof(err)), 0);
	assert_string_equal(t.text, expand("@/d8.conf:1 port|8\n", want, sizeof(want)));
}

static void test_file_size_limit(void **state)
{
	char path[PATH_MAX * 2], want[PATH_MAX * 2 + 64];
	struct transcript t = { .len = 0 };
	char err[CFG_ERRLEN];
	static char big[1024 * 1024 + 1];
	FILE *f;

	(void)state;
	memset(big, '\n', sizeof(big));
	snprintf(path, sizeof(path), "%s/big.conf", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	/* 1 MiB of empty lines is a (silly) valid file... */
	assert_int_equal(fwrite(big, 1, sizeof(big) - 1, f), sizeof(big) - 1);
	assert_int_equal(fflush(f), 0);
	assert_int_equal(cfg_parse_file(path, table, &t, err, sizeof(err)), 0);
	/* ...one byte more is refused before any parsing. */
	assert_int_equal(fwrite(big, 1, 1, f), 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(cfg_parse_file(path, table, &t, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: file too large", path);
	assert_string_equal(err, want);
	unlink(path);
}

static int h_no_include(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	(void)ctx;
	(void)l;
	snprintf(err, errlen, "includes are not allowed here");
	return -1;
}

static void test_include_overridden(void **state)
{
	static const struct cfg_directive strict[] = {
		{ "include", 0, -1, h_no_include },
		{ NULL, 0, 0, NULL },
	};
	char err[CFG_ERRLEN];

	(void)state;
	assert_int_equal(cfg_parse_buffer("t.conf", "Include x", 9, strict, NULL, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "t.conf:1: includes are not allowed here");
}

/*
 * Typed tables: each type at and past both ends of its range, the wrong
 * words, argument counts, values given twice, and handlers beside them.
 */

struct sample {
	char name[8];
	bool flag;
	int count;
	uint16_t port;
	double ratio;
	int64_t wait_ms;
	char word[8];
	int custom_calls;
};

static int lowercase_only(const char *s, char *err, size_t errlen)
{
	for (; *s != '\0'; s++) {
		if (*s < 'a' || *s > 'z') {
			snprintf(err, errlen, "'%c' is not a lowercase letter", *s);
			return -1;
		}
	}
	return 0;
}

static int h_custom(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	struct sample *s = ctx;

	if (strcmp(l->argv[1], "no") == 0) {
		snprintf(err, errlen, "custom says no");
		return -1;
	}
	s->custom_calls++;
	return 0;
}

static int h_counted(void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	(void)l;
	(void)err;
	(void)errlen;
	((struct sample *)ctx)->custom_calls += 10;
	return 0;
}

static const struct cfg_directive sub_table[] = {
	{ "sub", 0, 1, h_counted },
	{ "name", 0, 0, h_counted }, /* never reached: the typed "name" comes first */
	{ NULL, 0, 0, NULL },
};

#define AT(member) CFG_AT(struct sample, member)

static const struct cfg_field fields[] = {
	{ "name", CFG_STRING, AT(name) },
	{ "flag", CFG_BOOL, AT(flag) },
	{ "count", CFG_INT, AT(count), 2, 9 },
	{ "port", CFG_UINT16, AT(port), 1, 65535 },
	{ "ratio", CFG_DOUBLE, AT(ratio), 0.5, 2 },
	{ "wait", CFG_DURATION, AT(wait_ms), 1000, 60000 },
	{ "word", CFG_STRING, AT(word), .check = lowercase_only },
	{ "custom", CFG_CUSTOM, 1, 2, .handler = h_custom },
	{ "quiet", CFG_CUSTOM, 0, -1, .handler = NULL },
	{ "subs", CFG_TABLE, .table = sub_table },
	{ "wrong-size", CFG_INT, AT(port), 0, 10 },
	{ .name = NULL },
};

static int parse_sample(const char *text, struct sample *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->count = -1;
	err[0] = '\0';
	return cfg_parse_fields_buffer("t.conf", text, strlen(text), fields, s, err, errlen);
}

static void test_fields_good(void **state)
{
	static const struct {
		const char *text;
		size_t offset;
		int64_t want; /* the member read as its own type */
	} cases[] = {
		{ "count 2", offsetof(struct sample, count), 2 },
		{ "count 9", offsetof(struct sample, count), 9 },
		{ "COUNT 007", offsetof(struct sample, count), 7 },
		{ "count 3\ncount 4", offsetof(struct sample, count), 4 }, /* the last one */
		{ "port 1", offsetof(struct sample, port), 1 },
		{ "port 65535", offsetof(struct sample, port), 65535 },
		{ "flag yes", offsetof(struct sample, flag), 1 },
		{ "flag on\nflag off", offsetof(struct sample, flag), 0 },
		{ "wait 1s", offsetof(struct sample, wait_ms), 1000 },
		{ "wait 1000ms", offsetof(struct sample, wait_ms), 1000 },
		{ "wait 1m", offsetof(struct sample, wait_ms), 60000 },
		{ "wait 60", offsetof(struct sample, wait_ms), 60000 },
		{ "custom a", offsetof(struct sample, custom_calls), 1 },
		{ "custom a b\ncustom c", offsetof(struct sample, custom_calls), 2 },
		{ "sub\nSUB x", offsetof(struct sample, custom_calls), 20 },
		{ "quiet whatever\nquiet", offsetof(struct sample, custom_calls), 0 },
	};
	struct sample s;
	char err[CFG_ERRLEN];
	int64_t got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (parse_sample(cases[i].text, &s, err, sizeof(err)) != 0)
			fail_msg("'%s': %s", cases[i].text, err);
		if (cases[i].offset == offsetof(struct sample, port))
			got = s.port;
		else if (cases[i].offset == offsetof(struct sample, flag))
			got = s.flag;
		else if (cases[i].offset == offsetof(struct sample, wait_ms))
			got = s.wait_ms;
		else if (cases[i].offset == offsetof(struct sample, count))
			got = s.count;
		else
			got = s.custom_calls;
		if (got != cases[i].want)
			fail_msg("'%s': got %lld, want %lld", cases[i].text, (long long)got,
			    (long long)cases[i].want);
	}

	assert_int_equal(parse_sample("ratio 0.5\nratio 2", &s, err, sizeof(err)), 0);
	assert_true(s.ratio == 2);
	assert_int_equal(parse_sample("ratio .5", &s, err, sizeof(err)), 0);
	assert_true(s.ratio == 0.5);
	assert_int_equal(parse_sample("name abcdefg\nword abc", &s, err, sizeof(err)), 0);
	assert_string_equal(s.name, "abcdefg");
	assert_string_equal(s.word, "abc");
	assert_int_equal(parse_sample("name 'a b'\nname \"\"", &s, err, sizeof(err)), 0);
	assert_string_equal(s.name, "");
}

static void test_fields_bad(void **state)
{
	static const struct {
		const char *text;
		const char *want_err;
	} cases[] = {
		{ "count 1", "t.conf:1: value 1 out of range 2..9" },
		{ "count 10", "t.conf:1: value 10 out of range 2..9" },
		{ "count -3", "t.conf:1: '-3' is not a number" },
		{ "count 2.5", "t.conf:1: '2.5' is not a number" },
		{ "count yes", "t.conf:1: 'yes' is not a number" },
		{ "count", "t.conf:1: 'count' needs 1 argument" },
		{ "count 3 4", "t.conf:1: 'count' needs 1 argument" },
		{ "port 0", "t.conf:1: value 0 out of range 1..65535" },
		{ "port 65536", "t.conf:1: value 65536 out of range 1..65535" },
		{ "port 99999999999999999999",
		    "t.conf:1: value 99999999999999999999 out of range 1..65535" },
		{ "ratio 0.49", "t.conf:1: value 0.49 out of range 0.5..2" },
		{ "ratio 2.01", "t.conf:1: value 2.01 out of range 0.5..2" },
		{ "ratio nan", "t.conf:1: 'nan' is not a number" },
		{ "ratio 1s", "t.conf:1: '1s' is not a number" },
		{ "wait 999ms", "t.conf:1: '999ms' is out of range (1 s to 60 s)" },
		{ "wait 60001ms", "t.conf:1: '60001ms' is out of range (1 s to 60 s)" },
		{ "wait 1h", "t.conf:1: '1h' is out of range (1 s to 60 s)" },
		{ "wait 1.5s", "t.conf:1: '1.5s' is not a duration (like 30s, 250ms, 5m, 2h, 1d)" },
		{ "wait 99999999999999999999d",
		    "t.conf:1: duration 99999999999999999999d too large" },
		{ "flag maybe", "t.conf:1: 'maybe' is not yes or no" },
		{ "flag", "t.conf:1: 'flag' needs 1 argument" },
		{ "name abcdefgh", "t.conf:1: 'abcdefgh...' is too long (at most 7 bytes)" },
		{ "word aBc", "t.conf:1: 'B' is not a lowercase letter" },
		{ "word abcdefghij", "t.conf:1: 'abcdefghij...' is too long (at most 7 bytes)" },
		/* The check comes before the length. */
		{ "word ABCDEFGHIJ", "t.conf:1: 'A' is not a lowercase letter" },
		{ "custom", "t.conf:1: 'custom' needs 1 to 2 arguments" },
		{ "custom a b c", "t.conf:1: 'custom' needs 1 to 2 arguments" },
		{ "custom no", "t.conf:1: custom says no" },
		{ "sub a b", "t.conf:1: 'sub' needs 0 to 1 arguments" },
		{ "subs", "t.conf:1: unknown directive 'subs'" },
		{ "count 3\n\n# three\n  count 11", "t.conf:4: value 11 out of range 2..9" },
		{ "wrong-size 1",
		    "t.conf:1: 'wrong-size': the table gives it a member of the wrong size" },
	};
	struct sample s;
	char err[CFG_ERRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (parse_sample(cases[i].text, &s, err, sizeof(err)) != -1)
			fail_msg("'%s' was accepted", cases[i].text);
		if (strcmp(err, cases[i].want_err) != 0)
			fail_msg("'%s': got \"%s\", want \"%s\"", cases[i].text, err,
			    cases[i].want_err);
	}
}

/* A refused value leaves what an earlier line stored, and nothing after
 * the bad line is read. */
static void test_fields_refused_value_stores_nothing(void **state)
{
	struct sample s;
	char err[CFG_ERRLEN];

	(void)state;
	assert_int_equal(parse_sample("count 3\nport 7\nname ok\n"
				      "count 10\nport 0\nname toolongname\nflag maybe\nwait 0\n"
				      "word X\n", &s, err, sizeof(err)), -1);
	assert_string_equal(err, "t.conf:4: value 10 out of range 2..9");
	assert_int_equal(s.count, 3);
	assert_int_equal(s.port, 7);
	assert_string_equal(s.name, "ok");
	assert_false(s.flag);
	assert_true(s.wait_ms == 0);
	assert_string_equal(s.word, "");
}

static void test_fields_include(void **state)
{
	char path[PATH_MAX * 2], err[CFG_ERRLEN], want[PATH_MAX * 2 + 64];
	struct sample s;

	(void)state;
	put("typed.conf", "count 3\ninclude typed-inc.conf\nname after\n");
	put("typed-inc.conf", "port 9\n\ncount 4\n");
	put("typed-bad.conf", "include typed-inc.conf\ninclude typed-worse.conf\n");
	put("typed-worse.conf", "port 9\nratio 3\n");
	memset(&s, 0, sizeof(s));
	snprintf(path, sizeof(path), "%s/typed.conf", tmpdir);
	assert_int_equal(cfg_parse_fields_file(path, fields, &s, err, sizeof(err)), 0);
	assert_int_equal(s.count, 4);
	assert_int_equal(s.port, 9);
	assert_string_equal(s.name, "after");

	snprintf(path, sizeof(path), "%s/typed-bad.conf", tmpdir);
	assert_int_equal(cfg_parse_fields_file(path, fields, &s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s/typed-worse.conf:2: value 3 out of range 0.5..2", tmpdir);
	assert_string_equal(err, want);

	snprintf(path, sizeof(path), "%s/typed-none.conf", tmpdir);
	assert_int_equal(cfg_parse_fields_file(path, fields, &s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s/typed-none.conf: No such file or directory", tmpdir);
	assert_string_equal(err, want);
}

/*
 * Value helpers.
 */

static void test_cfg_uint(void **state)
{
	static const struct {
		const char *s;
		uint64_t min, max, want;
		const char *err; /* NULL: accepted */
	} cases[] = {
		{ "0", 0, 10, 0, NULL },
		{ "65535", 1, 65535, 65535, NULL },
		{ "007", 1, 10, 7, NULL },
		{ "18446744073709551615", 0, UINT64_MAX, UINT64_MAX, NULL },
		{ "70000", 1, 65535, 0, "value 70000 out of range 1..65535" },
		{ "18446744073709551616", 0, UINT64_MAX, 0,
		    "value 18446744073709551616 out of range 0..18446744073709551615" },
		{ "", 0, 10, 0, "'' is not a number" },
		{ "-1", 0, 10, 0, "'-1' is not a number" },
		{ "+1", 0, 10, 0, "'+1' is not a number" },
		{ " 1", 0, 10, 0, "' 1' is not a number" },
		{ "1 ", 0, 10, 0, "'1 ' is not a number" },
		{ "12a", 0, 100, 0, "'12a' is not a number" },
		{ "0x10", 0, 100, 0, "'0x10' is not a number" },
	};
	char err[CFG_ERRLEN];
	uint64_t v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = 42;
		err[0] = '\0';
		if (cases[i].err == NULL) {
			assert_int_equal(
			    cfg_uint(cases[i].s, cases[i].min, cases[i].max, &v, err, sizeof(err)), 0);
			assert_true(v == cases[i].want);
		} else {
			assert_int_equal(
			    cfg_uint(cases[i].s, cases[i].min, cases[i].max, &v, err, sizeof(err)), -1);
			assert_string_equal(err, cases[i].err);
			assert_true(v == 42);
		}
	}
}

static void test_cfg_double(void **state)
{
	static const struct {
		const char *s;
		double min, max, want;
		const char *err;
	} cases[] = {
		{ "0.5", 0, 1, 0.5, NULL },
		{ "-1.5", -2, 2, -1.5, NULL },
		{ "+1.5", -2, 2, 1.5, NULL },
		{ "1e3", 0, 1e4, 1000, NULL },
		{ ".5", 0, 1, 0.5, NULL },
		{ "5.", 0, 10, 5, NULL },
		{ "1.5", 0, 1, 0, "value 1.5 out of range 0..1" },
		{ "-0.001", 0, 1, 0, "value -0.001 out of range 0..1" },
		{ "1e999", 0, 1e300, 0, "value 1e999 out of range 0..1e+300" },
		{ "nan", -1e9, 1e9, 0, "'nan' is not a number" },
		{ "inf", -1e9, 1e9, 0, "'inf' is not a number" },
		{ "-Infinity", -1e9, 1e9, 0, "'-Infinity' is not a number" },
		{ "0x10", 0, 100, 0, "'0x10' is not a number" },
		{ "", 0, 1, 0, "'' is not a number" },
		{ "-", 0, 1, 0, "'-' is not a number" },
		{ ".", 0, 1, 0, "'.' is not a number" },
		{ " 1", 0, 10, 0, "' 1' is not a number" },
		{ "1 ", 0, 10, 0, "'1 ' is not a number" },
		{ "1,5", 0, 10, 0, "'1,5' is not a number" },
	};
	char err[CFG_ERRLEN];
	double v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = 42;
		err[0] = '\0';
		if (cases[i].err == NULL) {
			if (cfg_double(cases[i].s, cases[i].min, cases[i].max, &v, err,
				sizeof(err)) != 0)
				fail_msg("'%s': %s", cases[i].s, err);
			assert_true(v == cases[i].want);
		} else {
			assert_int_equal(cfg_double(cases[i].s, cases[i].min, cases[i].max, &v, err,
					     sizeof(err)),
			    -1);
			assert_string_equal(err, cases[i].err);
			assert_true(v == 42);
		}
	}
}

static void test_cfg_bool(void **state)
{
	static const char *const yes[] = { "yes", "YES", "on", "On", "true", "TRUE", "1" };
	static const char *const no[] = { "no", "No", "off", "OFF", "false", "False", "0" };
	static const char *const neither[] = { "", "2", "y", "yess", "nope", "01", " yes" };
	char err[CFG_ERRLEN], want[64];
	bool b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		b = false;
		assert_int_equal(cfg_bool(yes[i], &b, err, sizeof(err)), 0);
		assert_true(b);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		b = true;
		assert_int_equal(cfg_bool(no[i], &b, err, sizeof(err)), 0);
		assert_false(b);
	}
	for (i = 0; i < sizeof(neither) / sizeof(neither[0]); i++) {
		assert_int_equal(cfg_bool(neither[i], &b, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "'%s' is not yes or no", neither[i]);
		assert_string_equal(err, want);
	}
}

static void test_cfg_duration(void **state)
{
	static const struct {
		const char *s;
		int64_t want;
	} good_d[] = {
		{ "30", 30000 },    { "30s", 30000 },       { "250ms", 250 },
		{ "5m", 300000 },   { "2h", 7200000 },      { "1d", 86400000 },
		{ "0", 0 },         { "0ms", 0 },           { "9223372036854775807ms", INT64_MAX },
	};
	static const char *const bad_d[] = {
		"5x", "", "s", "-5s", "1.5s", "5 s", "5S", "5sec", "ms",
	};
	char err[CFG_ERRLEN], want[128];
	int64_t v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good_d) / sizeof(good_d[0]); i++) {
		v = -1;
		if (cfg_duration_ms(good_d[i].s, &v, err, sizeof(err)) != 0)
			fail_msg("'%s': %s", good_d[i].s, err);
		assert_true(v == good_d[i].want);
	}
	for (i = 0; i < sizeof(bad_d) / sizeof(bad_d[0]); i++) {
		v = -1;
		assert_int_equal(cfg_duration_ms(bad_d[i], &v, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "'%s' is not a duration (like 30s, 250ms, 5m, 2h, 1d)",
		    bad_d[i]);
		assert_string_equal(err, want);
		assert_true(v == -1);
	}
	assert_int_equal(cfg_duration_ms("9223372036854775807s", &v, err, sizeof(err)), -1);
	assert_string_equal(err, "duration 9223372036854775807s too large");
	assert_int_equal(cfg_duration_ms("99999999999999999999", &v, err, sizeof(err)), -1);
	assert_string_equal(err, "duration 99999999999999999999 too large");
	assert_int_equal(cfg_duration_ms("106751991167d", &v, err, sizeof(err)), 0);
	assert_int_equal(cfg_duration_ms("106751991168d", &v, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_buffers),
		cmocka_unit_test(test_bad_buffers),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_line_length),
		cmocka_unit_test(test_small_err_buffer),
		cmocka_unit_test(test_include_glob_and_relative),
		cmocka_unit_test(test_include_relative_to_cwd_name),
		cmocka_unit_test(test_include_from_buffer),
		cmocka_unit_test(test_include_errors),
		cmocka_unit_test(test_include_overridden),
		cmocka_unit_test(test_file_size_limit),
		cmocka_unit_test(test_fields_good),
		cmocka_unit_test(test_fields_bad),
		cmocka_unit_test(test_fields_refused_value_stores_nothing),
		cmocka_unit_test(test_fields_include),
		cmocka_unit_test(test_cfg_uint),
		cmocka_unit_test(test_cfg_double),
		cmocka_unit_test(test_cfg_bool),
		cmocka_unit_test(test_cfg_duration),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
