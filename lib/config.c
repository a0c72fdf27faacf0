/*
 * config: sshd_config / chrony.conf style files (see config.h).
 *
 * A file is read whole (at most CFG_MAX_FILE bytes), split into lines, and
 * each line into words.  Word rules, close to sh(1) but smaller:
 *   - words are separated by spaces and tabs;
 *   - '#' at the start of a word begins a comment ("a#b" is one word);
 *   - "..." groups, and inside it \" and \\ are escapes; any other
 *     backslash is kept as it is, so Windows-ish paths survive;
 *   - '...' groups with no escapes at all;
 *   - quoted and unquoted parts next to each other form one word.
 * "include" is handled here: each argument is a glob(3) pattern, relative
 * to the directory of the file that names it.  A pattern with wildcards
 * may match nothing (an empty conf.d is normal); a plain name must exist.
 *
 * Inside, every table is a typed one: a cfg_directive table is parsed as
 * a typed table of one CFG_TABLE entry.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define CFG_MAX_FILE (1024 * 1024)
#define CFG_MAX_PATH 4096

struct cfg_file_id {
	dev_t dev;
	ino_t ino;
};

struct cfg_state {
	const struct cfg_field *table;
	void *ctx;
	char *err;
	size_t errlen;
	int depth;                 /* files open below the top level */
	struct cfg_file_id open[CFG_MAX_DEPTH + 1];
	int nopen;                 /* entries of open[] in use */
};

static int cfg_parse_text(struct cfg_state *st, const char *name, const char *buf, size_t len);

/* Copy s into out for use in a message, hiding control bytes. */
static const char *cfg_quote(const char *s, char *out, size_t outlen)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (outlen > 0)
		out[i] = '\0';
	return out;
}

__attribute__((format(printf, 4, 5))) static int
cfg_error(struct cfg_state *st, const char *file, int line, const char *fmt, ...)
{
	char msg[CFG_ERRLEN];
	char fname[CFG_ERRLEN / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cfg_quote(file, fname, sizeof(fname));
	if (line > 0)
		snprintf(st->err, st->errlen, "%s:%d: %s", fname, line, msg);
	else
		snprintf(st->err, st->errlen, "%s: %s", fname, msg);
	return -1;
}

/*
 * Split one line (NUL-terminated copy in buf) into words, in place: the
 * words never grow, so each fits where it came from.  Returns 0 and fills
 * argv/argc, or -1 with a message in msg.
 */
static int cfg_split(char *buf, char **argv, int *argc, char *msg, size_t msglen)
{
	char *in = buf, *out = buf;
	int n = 0;

	for (;;) {
		char quote = 0;

		while (*in == ' ' || *in == '\t')
			in++;
		if (*in == '\0' || *in == '#')
			break;
		if (n == CFG_MAX_ARGS + 1) {
			snprintf(msg, msglen, "too many arguments (at most %d)", CFG_MAX_ARGS);
			return -1;
		}
		argv[n++] = out;
		for (; *in != '\0'; in++) {
			if (quote == 0 && (*in == ' ' || *in == '\t'))
				break;
			if (quote == 0 && (*in == '"' || *in == '\'')) {
				quote = *in;
			} else if (quote != 0 && *in == quote) {
				quote = 0;
			} else if (quote == '"' && *in == '\\' && (in[1] == '"' || in[1] == '\\')) {
				*out++ = *++in;
			} else {
				*out++ = *in;
			}
		}
		if (quote != 0) {
			snprintf(msg, msglen, "unterminated %s quote",
			    quote == '"' ? "double" : "single");
			return -1;
		}
		/* The terminator lands on a consumed byte, or on the line's NUL
		 * when the word ended there; in is never behind out. */
		if (*in != '\0')
			in++;
		*out++ = '\0';
	}
	argv[n] = NULL;
	*argc = n;
	return 0;
}

static const struct cfg_directive *cfg_lookup_directive(const struct cfg_directive *table,
    const char *name)
{
	for (; table->name != NULL; table++)
		if (strcasecmp(table->name, name) == 0)
			return table;
	return NULL;
}

/*
 * The entry for a directive, into *found, with its argument counts filled
 * in: a cfg_directive found through a CFG_TABLE entry comes back as the
 * CFG_CUSTOM entry it amounts to.  False if the table does not know it.
 */
static bool
cfg_lookup(const struct cfg_field *table, const char *name, struct cfg_field *found)
{
	const struct cfg_directive *d;

	for (; table->name != NULL; table++) {
		if (table->type == CFG_TABLE) {
			d = cfg_lookup_directive(table->table, name);
			if (d == NULL)
				continue;
			*found = (struct cfg_field){ .name = d->name, .type = CFG_CUSTOM,
				.min_args = d->min_args, .max_args = d->max_args,
				.handler = d->handler };
			return true;
		}
		if (strcasecmp(table->name, name) == 0) {
			*found = *table;
			if (found->type != CFG_CUSTOM)
				found->min_args = found->max_args = 1;
			return true;
		}
	}
	return false;
}

static int cfg_check_argc(const struct cfg_field *d, int nargs, char *msg, size_t msglen)
{
	int max = d->max_args < 0 ? CFG_MAX_ARGS : d->max_args;

	if (nargs >= d->min_args && nargs <= max)
		return 0;
	if (d->min_args == max)
		snprintf(msg, msglen, "'%s' needs %d argument%s", d->name, max, max == 1 ? "" : "s");
	else if (d->max_args < 0)
		snprintf(msg, msglen, "'%s' needs at least %d argument%s", d->name, d->min_args,
		    d->min_args == 1 ? "" : "s");
	else
		snprintf(msg, msglen, "'%s' needs %d to %d arguments", d->name, d->min_args, max);
	return -1;
}

/* Read a whole file, refusing anything that is not a regular file (a FIFO
 * or /dev/stdin would block the daemon) or that is absurdly large.  The
 * result is NUL-terminated for convenience; *len excludes the NUL. */
static char *cfg_slurp(const char *path, size_t *len, struct cfg_file_id *id)
{
	struct stat sb;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	ssize_t r;
	int fd, saved_errno;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return NULL;
	if (fstat(fd, &sb) == -1)
		goto fail;
	if (S_ISDIR(sb.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	if (!S_ISREG(sb.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	id->dev = sb.st_dev;
	id->ino = sb.st_ino;
	for (;;) {
		if (n + 1 >= cap) {
			char *p;

			cap = cap ? cap * 2 : 4096;
			p = realloc(buf, cap);
			if (p == NULL)
				goto fail;
			buf = p;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			goto fail;
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > CFG_MAX_FILE) {
			errno = EFBIG;
			goto fail;
		}
	}
	close(fd);
	if (buf == NULL)
		buf = calloc(1, 1);
	if (buf == NULL)
		return NULL;
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	saved_errno = errno;
	close(fd);
	free(buf);
	errno = saved_errno;
	return NULL;
}

static int cfg_file_open_already(const struct cfg_state *st, const struct cfg_file_id *id)
{
	int i;

	for (i = 0; i < st->nopen; i++)
		if (st->open[i].dev == id->dev && st->open[i].ino == id->ino)
			return 1;
	return 0;
}

/* Parse one included file; name/line are the include's, for errors. */
static int cfg_include_one(struct cfg_state *st, const char *path, const char *name, int line)
{
	struct cfg_file_id id;
	char shown[CFG_ERRLEN / 2];
	size_t len;
	char *buf;
	int rc;

	cfg_quote(path, shown, sizeof(shown));
	if (st->depth >= CFG_MAX_DEPTH)
		return cfg_error(st, name, line, "include '%s': nested too deeply (at most %d)",
		    shown, CFG_MAX_DEPTH);
	buf = cfg_slurp(path, &len, &id);
	if (buf == NULL) {
		if (errno == EFBIG)
			return cfg_error(st, name, line, "include '%s': file too large", shown);
		if (errno == EINVAL)
			return cfg_error(st, name, line, "include '%s': not a regular file", shown);
		return cfg_error(st, name, line, "include '%s': %s", shown, strerror(errno));
	}
	if (cfg_file_open_already(st, &id)) {
		free(buf);
		return cfg_error(st, name, line, "include '%s': include loop", shown);
	}
	st->open[st->nopen++] = id;
	st->depth++;
	rc = cfg_parse_text(st, path, buf, len);
	st->depth--;
	st->nopen--;
	free(buf);
	return rc;
}

/* The directory part of a file name, with its slash ("" for none). */
static size_t cfg_dir_len(const char *file)
{
	const char *slash = strrchr(file, '/');

	return slash == NULL ? 0 : (size_t)(slash - file) + 1;
}

/*
 * Join the including file's directory and a pattern.  For glob(3) the
 * directory's own metacharacters are escaped: "/etc/a[1]/" is a place, not
 * a pattern.
 */
static void cfg_join(char *path, size_t size, const char *file, size_t dlen, const char *pattern,
    int for_glob)
{
	size_t i, o = 0;

	for (i = 0; i < dlen && o + 2 < size; i++) {
		if (for_glob && strchr("*?[\\", file[i]) != NULL)
			path[o++] = '\\';
		path[o++] = file[i];
	}
	snprintf(path + o, size - o, "%s", pattern);
}

static int cfg_include(struct cfg_state *st, const char *file, int line, const char *pattern)
{
	char path[2 * CFG_MAX_PATH + CFG_MAX_LINE + 1];
	char shown[CFG_ERRLEN / 2];
	size_t dlen = pattern[0] == '/' ? 0 : cfg_dir_len(file);
	int for_glob = strpbrk(pattern, "*?[") != NULL;
	glob_t g;
	size_t i;
	int rc;

	if (pattern[0] == '\0')
		return cfg_error(st, file, line, "include: empty file name");
	if (dlen >= CFG_MAX_PATH)
		return cfg_error(st, file, line, "include: path too long");
	cfg_join(path, sizeof(path), file, dlen, pattern, for_glob);
	if (!for_glob)
		return cfg_include_one(st, path, file, line);

	memset(&g, 0, sizeof(g));
	rc = glob(path, 0, NULL, &g);
	if (rc == GLOB_NOMATCH)
		return 0;
	if (rc != 0) {
		globfree(&g);
		return cfg_error(st, file, line, "include '%s': %s",
		    cfg_quote(path, shown, sizeof(shown)),
		    rc == GLOB_NOSPACE ? "out of memory" : "cannot read directory");
	}
	rc = 0;
	for (i = 0; i < g.gl_pathc && rc == 0; i++)
		rc = cfg_include_one(st, g.gl_pathv[i], file, line);
	globfree(&g);
	return rc;
}

/* The size of the member a typed entry stores; 0 for strings, whose size
 * is their array's. */
static size_t
cfg_value_size(enum cfg_type type)
{
	switch (type) {
	case CFG_BOOL:
		return sizeof(bool);
	case CFG_INT:
		return sizeof(int);
	case CFG_UINT16:
		return sizeof(uint16_t);
	case CFG_DOUBLE:
		return sizeof(double);
	case CFG_DURATION:
		return sizeof(int64_t);
	default:
		return 0;
	}
}

static int
cfg_duration_within(const char *s, double min_ms, double max_ms, int64_t *out, char *err,
    size_t errlen)
{
	int64_t v;

	if (cfg_duration_ms(s, &v, err, errlen) == -1)
		return -1;
	if (v < min_ms || v > max_ms) {
		snprintf(err, errlen, "'%s' is out of range (%lld s to %lld s)", s,
		    (long long)(min_ms / 1000), (long long)(max_ms / 1000));
		return -1;
	}
	*out = v;
	return 0;
}

/* Check a typed entry's one argument and store it in its member of ctx. */
static int
cfg_field_set(const struct cfg_field *f, void *ctx, const char *s, char *err, size_t errlen)
{
	char *member = (char *)ctx + f->offset;
	union {
		bool b;
		int i;
		uint16_t u16;
		double d;
		int64_t ms;
	} v;
	uint64_t n;

	if (f->size == 0 || (cfg_value_size(f->type) != 0 && f->size != cfg_value_size(f->type))) {
		snprintf(err, errlen, "'%s': the table gives it a member of the wrong size",
		    f->name);
		return -1;
	}
	switch (f->type) {
	case CFG_STRING:
		if (f->check != NULL && f->check(s, err, errlen) == -1)
			return -1;
		return cfg_string(s, member, f->size, err, errlen);
	case CFG_BOOL:
		if (cfg_bool(s, &v.b, err, errlen) == -1)
			return -1;
		break;
	case CFG_INT:
	case CFG_UINT16:
		if (cfg_uint(s, (uint64_t)f->min, (uint64_t)f->max, &n, err, errlen) == -1)
			return -1;
		if (f->type == CFG_INT)
			v.i = (int)n;
		else
			v.u16 = (uint16_t)n;
		break;
	case CFG_DOUBLE:
		if (cfg_double(s, f->min, f->max, &v.d, err, errlen) == -1)
			return -1;
		break;
	case CFG_DURATION:
		if (cfg_duration_within(s, f->min, f->max, &v.ms, err, errlen) == -1)
			return -1;
		break;
	default:
		snprintf(err, errlen, "'%s': the table gives it no type", f->name);
		return -1;
	}
	/* Every member of v starts at its first byte. */
	memcpy(member, &v, f->size);
	return 0;
}

static int
cfg_run(const struct cfg_field *f, void *ctx, const struct cfg_line *l, char *err, size_t errlen)
{
	if (f->type != CFG_CUSTOM)
		return cfg_field_set(f, ctx, l->argv[1], err, errlen);
	return f->handler != NULL ? f->handler(ctx, l, err, errlen) : 0;
}

static int cfg_directive_line(struct cfg_state *st, const char *file, int lineno, char *text)
{
	struct cfg_field d;
	struct cfg_line cl;
	char msg[CFG_ERRLEN], shown[64];
	bool known;
	int i;

	msg[0] = '\0';
	if (cfg_split(text, cl.argv, &cl.argc, msg, sizeof(msg)) == -1)
		return cfg_error(st, file, lineno, "%s", msg);
	if (cl.argc == 0)
		return 0;
	cl.file = file;
	cl.line = lineno;

	known = cfg_lookup(st->table, cl.argv[0], &d);
	if (!known && strcasecmp(cl.argv[0], "include") == 0) {
		if (cl.argc < 2)
			return cfg_error(st, file, lineno, "'include' needs at least 1 argument");
		for (i = 1; i < cl.argc; i++)
			if (cfg_include(st, file, lineno, cl.argv[i]) == -1)
				return -1;
		return 0;
	}
	if (!known)
		return cfg_error(st, file, lineno, "unknown directive '%s'",
		    cfg_quote(cl.argv[0], shown, sizeof(shown)));
	if (cfg_check_argc(&d, cl.argc - 1, msg, sizeof(msg)) == -1)
		return cfg_error(st, file, lineno, "%s", msg);
	if (cfg_run(&d, st->ctx, &cl, msg, sizeof(msg)) == 0)
		return 0;
	msg[sizeof(msg) - 1] = '\0';
	if (msg[0] == '\0')
		snprintf(msg, sizeof(msg), "bad arguments for '%s'", d.name);
	return cfg_error(st, file, lineno, "%s", msg);
}

static int cfg_parse_text(struct cfg_state *st, const char *name, const char *buf, size_t len)
{
	char line[CFG_MAX_LINE + 2];
	size_t pos = 0, end, n;
	const char *nl, *nul;
	int lineno = 0;

	while (pos < len) {
		lineno++;
		nl = memchr(buf + pos, '\n', len - pos);
		end = nl != NULL ? (size_t)(nl - buf) : len;
		n = end - pos;
		nul = memchr(buf + pos, '\0', n);
		if (nul != NULL)
			return cfg_error(st, name, lineno, "NUL byte in file");
		if (n > 0 && buf[end - 1] == '\r')
			n--; /* CRLF from an editor elsewhere */
		if (n > CFG_MAX_LINE)
			return cfg_error(st, name, lineno, "line too long (more than %d bytes)",
			    CFG_MAX_LINE);
		memcpy(line, buf + pos, n);
		line[n] = '\0';
		if (cfg_directive_line(st, name, lineno, line) == -1)
			return -1;
		pos = end + 1;
	}
	return 0;
}

static void cfg_state_init(struct cfg_state *st, const struct cfg_field *table, void *ctx,
    char *err, size_t errlen)
{
	static char scratch[1];

	memset(st, 0, sizeof(*st));
	st->table = table;
	st->ctx = ctx;
	st->err = errlen > 0 ? err : scratch;
	st->errlen = errlen > 0 ? errlen : sizeof(scratch);
	st->err[0] = '\0';
}

int
cfg_parse_fields_buffer(const char *name, const char *buf, size_t len,
    const struct cfg_field *table, void *ctx, char *err, size_t errlen)
{
	struct cfg_state st;

	cfg_state_init(&st, table, ctx, err, errlen);
	return cfg_parse_text(&st, name, buf, len);
}

int
cfg_parse_fields_file(const char *path, const struct cfg_field *table, void *ctx, char *err,
    size_t errlen)
{
	struct cfg_state st;
	size_t len;
	char *buf;
	int rc;

	cfg_state_init(&st, table, ctx, err, errlen);
	buf = cfg_slurp(path, &len, &st.open[0]);
	if (buf == NULL) {
		if (errno == EFBIG)
			return cfg_error(&st, path, 0, "file too large");
		if (errno == EINVAL)
			return cfg_error(&st, path, 0, "not a regular file");
		return cfg_error(&st, path, 0, "%s", strerror(errno));
	}
	st.nopen = 1;
	rc = cfg_parse_text(&st, path, buf, len);
	free(buf);
	return rc;
}

int cfg_parse_buffer(const char *name, const char *buf, size_t len,
    const struct cfg_directive *table, void *ctx, char *err, size_t errlen)
{
	const struct cfg_field typed[] = { { "", CFG_TABLE, .table = table }, { .name = NULL } };

	return cfg_parse_fields_buffer(name, buf, len, typed, ctx, err, errlen);
}

int cfg_parse_file(const char *path, const struct cfg_directive *table, void *ctx,
    char *err, size_t errlen)
{
	const struct cfg_field typed[] = { { "", CFG_TABLE, .table = table }, { .name = NULL } };

	return cfg_parse_fields_file(path, typed, ctx, err, errlen);
}

/* Value helpers.  Messages quote the user's text as written. */

int cfg_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out, char *err, size_t errlen)
{
	char shown[64];
	unsigned long long v;
	char *end;
	const char *p;

	for (p = s; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p))
			break;
	if (p == s || *p != '\0') {
		snprintf(err, errlen, "'%s' is not a number", cfg_quote(s, shown, sizeof(shown)));
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE || v < min || v > max) {
		snprintf(err, errlen, "value %s out of range %llu..%llu",
		    cfg_quote(s, shown, sizeof(shown)), (unsigned long long)min,
		    (unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

int cfg_double(const char *s, double min, double max, double *out, char *err, size_t errlen)
{
	char shown[64];
	char *end;
	double v;

	/* strtod would skip leading blanks and take "nan", "inf" or hex. */
	if (!(isdigit((unsigned char)s[0]) ||
		((s[0] == '-' || s[0] == '+' || s[0] == '.') && s[1] != '\0')) ||
	    strpbrk(s, "xXnN") != NULL) {
		snprintf(err, errlen, "'%s' is not a number", cfg_quote(s, shown, sizeof(shown)));
		return -1;
	}
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0') {
		snprintf(err, errlen, "'%s' is not a number", cfg_quote(s, shown, sizeof(shown)));
		return -1;
	}
	if (errno == ERANGE || !isfinite(v) || v < min || v > max) {
		snprintf(err, errlen, "value %s out of range %g..%g",
		    cfg_quote(s, shown, sizeof(shown)), min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int cfg_bool(const char *s, bool *out, char *err, size_t errlen)
{
	static const char *const yes[] = { "yes", "on", "true", "1" };
	static const char *const no[] = { "no", "off", "false", "0" };
	char shown[64];
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	snprintf(err, errlen, "'%s' is not yes or no", cfg_quote(s, shown, sizeof(shown)));
	return -1;
}

int cfg_duration_ms(const char *s, int64_t *out, char *err, size_t errlen)
{
	static const struct {
		const char *suffix;
		int64_t ms;
	} units[] = {
		{ "", 1000 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
		{ "h", 3600000 }, { "d", 86400000 },
	};
	char shown[64];
	const char *p;
	int64_t v = 0;
	size_t i;

	for (p = s; isdigit((unsigned char)*p); p++) {
		if (v > (INT64_MAX - (*p - '0')) / 10) {
			snprintf(err, errlen, "duration %s too large",
			    cfg_quote(s, shown, sizeof(shown)));
			return -1;
		}
		v = v * 10 + (*p - '0');
	}
	for (i = 0; p != s && i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].suffix) != 0)
			continue;
		if (v > INT64_MAX / units[i].ms) {
			snprintf(err, errlen, "duration %s too large",
			    cfg_quote(s, shown, sizeof(shown)));
			return -1;
		}
		*out = v * units[i].ms;
		return 0;
	}
	snprintf(err, errlen, "'%s' is not a duration (like 30s, 250ms, 5m, 2h, 1d)",
	    cfg_quote(s, shown, sizeof(shown)));
	return -1;
}

int
cfg_string(const char *s, char *dst, size_t len, char *err, size_t errlen)
{
	size_t n = strlen(s);

	if (n >= len) {
		snprintf(err, errlen, "'%.40s...' is too long (at most %zu bytes)", s, len - 1);
		return -1;
	}
	memcpy(dst, s, n + 1);
	return 0;
}
