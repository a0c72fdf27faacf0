/*
 * outpost peers: the table `ntpq -p` prints, asked of stratumd (or any
 * ntpd) in mode 6 as ntpq asks it: READSTAT for the associations, then
 * one READVAR with no names per association, in associd order.  The
 * codec (ntp/mode6.h) checks and puts the answers together; the rows are
 * ntp/mode6_peer.h's.  What is left here is the socket and the waiting.
 */
#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "jsonw.h"
#include "mode6.h"
#include "mode6_peer.h"
#include "ntp_wire.h"
#include "outpost.h"
#include "text.h"

#define DEFAULT_HOST "127.0.0.1"
#define DEFAULT_PORT "123"
#define DEFAULT_TIMEOUT 2.0
#define MAX_ASSOCS (MODE6_TEXT_MAX / 4)
#define ACL_HINT "is stratumd running, and may this host query it? " \
    "see allow ... query in stratumd.conf(5)"

struct peers_args {
	const char *host, *port;
	double timeout;
	bool numeric, json;
};

struct session {
	const struct peers_args *a;
	int fd;
	uint16_t sequence;
	struct mode6_reasm answer;
	enum mode6_resp_status refused; /* why the last datagram was not taken */
	int nrefused;
};

enum ask_result { ASK_OK, ASK_ERROR, ASK_FAILED };

static int
peers_usage(FILE *f)
{
	fprintf(f, "usage: %s peers [-n] [--json] [--host ADDR] [--port N] [--timeout S]\n"
		   "  Show the NTP server's associations as `ntpq -p` does (default\n"
		   "  host %s, port %s, timeout %.0f s).\n",
	    outpost_progname, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_TIMEOUT);
	return f == stdout ? 0 : EXIT_USAGE;
}

static bool
parse_timeout(const char *s, double *t)
{
	char *end;

	errno = 0;
	*t = strtod(s, &end);
	return errno == 0 && end != s && *end == '\0' && isfinite(*t) && *t >= 0.1 && *t <= 60;
}

static bool
parse_port(const char *s)
{
	char *end;

	errno = 0;
	long v = strtol(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && v > 0 && v < 65536;
}

/* 0, EXIT_USAGE, or -1 when the arguments are good. */
static int
parse_args(int argc, char **argv, struct peers_args *a)
{
	a->host = DEFAULT_HOST;
	a->port = DEFAULT_PORT;
	a->timeout = DEFAULT_TIMEOUT;
	for (int i = 0; i < argc; i++) {
		bool missing = false;
		const char *v;

		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return peers_usage(stdout);
		if (strcmp(argv[i], "-n") == 0) {
			a->numeric = true;
		} else if (strcmp(argv[i], "--json") == 0) {
			a->json = true;
		} else if ((v = outpost_option(argc, argv, &i, "--host", &missing)) != NULL) {
			a->host = v;
		} else if ((v = outpost_option(argc, argv, &i, "--port", &missing)) != NULL) {
			if (!parse_port(v)) {
				fprintf(stderr, "%s peers: --port '%s': 1 to 65535\n",
				    outpost_progname, v);
				return EXIT_USAGE;
			}
			a->port = v;
		} else if ((v = outpost_option(argc, argv, &i, "--timeout", &missing)) != NULL) {
			if (!parse_timeout(v, &a->timeout)) {
				fprintf(stderr, "%s peers: --timeout '%s': seconds from 0.1 to 60\n",
				    outpost_progname, v);
				return EXIT_USAGE;
			}
		} else {
			if (missing)
				fprintf(stderr, "%s peers: %s wants a value\n", outpost_progname,
				    argv[i]);
			return peers_usage(stderr);
		}
	}
	return -1;
}

static int
open_socket(const struct peers_args *a)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	int e = getaddrinfo(a->host, a->port, &hints, &res);
	if (e != 0) {
		fprintf(stderr, "%s peers: %s: %s\n", outpost_progname, a->host, gai_strerror(e));
		return -1;
	}
	/* connect(): only the server's datagrams come in, and a port nobody
	 * listens on is told at once (ECONNREFUSED) instead of by a timeout. */
	for (ai = res; ai != NULL && fd == -1; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd != -1 && connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd == -1)
		fprintf(stderr, "%s peers: %s port %s: %s\n", outpost_progname, a->host, a->port,
		    strerror(errno));
	return fd;
}

static double
now_mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const char *
op_name(uint8_t op)
{
	return op == MODE6_OP_READSTAT ? "READSTAT" : "READVAR";
}

static void
no_answer(const struct session *s, const char *why)
{
	fprintf(stderr, "%s peers: no answer from %s port %s%s%s (%s)\n", outpost_progname,
	    s->a->host, s->a->port, why != NULL ? ": " : "", why != NULL ? why : "", ACL_HINT);
}

/* One datagram in: -1 on a socket error, 1 when the answer is complete or
 * an error answer came (*r), 0 to read on. */
static int
take_datagram(struct session *s, uint8_t op, uint16_t associd, struct mode6_response *r,
    bool *progress)
{
	uint8_t buf[MODE6_HEADER_LEN + MODE6_FRAG_DATA + 64];

	ssize_t n = recv(s->fd, buf, sizeof(buf), 0);
	if (n == -1)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	enum mode6_resp_status st = mode6_response_parse(buf, (size_t)n, op, s->sequence, associd,
	    r);
	if (st != MODE6_RESP_OK) {
		s->refused = st;
		s->nrefused++;
		return 0;
	}
	if (r->error)
		return 1;
	if (mode6_reasm_add(&s->answer, r) == MODE6_ASM_OK)
		*progress = true;
	return mode6_reasm_done(&s->answer) ? 1 : 0;
}

/* Send the request once and wait: each fragment taken gives the next
 * `timeout` again; refused datagrams do not.  -1 socket error, 0 timeout,
 * 1 answered (*r the last datagram taken). */
static int
attempt(struct session *s, uint8_t op, uint16_t associd, struct mode6_response *r)
{
	uint8_t req[MODE6_HEADER_LEN];

	s->sequence++;
	mode6_reasm_init(&s->answer);
	size_t len = mode6_request_encode(op, s->sequence, associd, NULL, 0, req, sizeof(req));
	if (send(s->fd, req, len, 0) != (ssize_t)len)
		return -1;
	double deadline = now_mono() + s->a->timeout;
	for (;;) {
		double left = deadline - now_mono();
		if (left <= 0)
			return 0;
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		int k = poll(&p, 1, (int)(left * 1000) + 1);
		if (k == -1 && errno != EINTR)
			return -1;
		if (k <= 0)
			continue;
		bool progress = false;
		int got = take_datagram(s, op, associd, r, &progress);
		if (got != 0)
			return got;
		if (progress)
			deadline = now_mono() + s->a->timeout;
	}
}

static bool
server_error(const struct session *s, uint8_t op, uint16_t associd, int code)
{
	const char *hint = code == MODE6_ERR_PERMISSION ?
	    " (may this host query it? see allow ... query in stratumd.conf(5))" : "";

	if (op == MODE6_OP_READSTAT)
		fprintf(stderr, "%s peers: %s port %s answered READSTAT: %s%s\n", outpost_progname,
		    s->a->host, s->a->port, mode6_error_str(code), hint);
	else
		fprintf(stderr, "%s peers: %s port %s answered READVAR of association %u: %s%s\n",
		    outpost_progname, s->a->host, s->a->port, associd, mode6_error_str(code), hint);
	return false;
}

/* The request answered in s->answer, retried once on a timeout as ntpq
 * does (with a new sequence: a late first answer is not mixed in).
 * ASK_ERROR: the server answered with an error, code in *code. */
static enum ask_result
ask(struct session *s, uint8_t op, uint16_t associd, int *code)
{
	struct mode6_response r;
	int got = 0;

	s->nrefused = 0;
	for (int try = 0; try < 2 && got == 0; try++)
		got = attempt(s, op, associd, &r);
	if (got == 1 && r.error) {
		*code = r.errcode;
		return ASK_ERROR;
	}
	if (got == 1)
		return ASK_OK;
	if (got == -1) {
		no_answer(s, strerror(errno));
	} else if (s->answer.nfrags > 0) {
		fprintf(stderr, "%s peers: %s port %s: incomplete answer to %s of association %u "
				"(%zu bytes in %d fragment%s)\n",
		    outpost_progname, s->a->host, s->a->port, op_name(op), associd,
		    s->answer.have, s->answer.nfrags, s->answer.nfrags == 1 ? "" : "s");
	} else if (s->nrefused > 0) {
		char why[96];
		snprintf(why, sizeof(why), "%d datagrams refused, the last: %s", s->nrefused,
		    mode6_resp_status_str(s->refused));
		no_answer(s, why);
	} else {
		no_answer(s, NULL);
	}
	return ASK_FAILED;
}

static int
cmp_assoc(const void *x, const void *y)
{
	uint16_t a = *(const uint16_t *)x, b = *(const uint16_t *)y;

	return a < b ? -1 : a > b;
}

/* READSTAT: the association ids, sorted (ntpq shows them in that order). */
static int
read_assocs(struct session *s, uint16_t *ids, int max)
{
	int code, n = 0;

	enum ask_result res = ask(s, MODE6_OP_READSTAT, 0, &code);
	if (res == ASK_ERROR)
		server_error(s, MODE6_OP_READSTAT, 0, code);
	if (res != ASK_OK)
		return -1;
	for (size_t i = 0; i + 4 <= s->answer.len && n < max; i += 4)
		ids[n++] = (uint16_t)(s->answer.buf[i] << 8 | s->answer.buf[i + 1]);
	qsort(ids, (size_t)n, sizeof(ids[0]), cmp_assoc);
	return n;
}

/* 1 read, 0 gone since READSTAT (skipped, as ntpq), -1 failed. */
static int
read_peer(struct session *s, uint16_t associd, struct mode6_peer *p)
{
	int code;

	enum ask_result res = ask(s, MODE6_OP_READVAR, associd, &code);
	if (res == ASK_ERROR && code == MODE6_ERR_BADASSOC)
		return 0;
	if (res == ASK_ERROR)
		server_error(s, MODE6_OP_READVAR, associd, code);
	if (res != ASK_OK)
		return -1;
	mode6_peer_init(p, associd, s->answer.status);
	mode6_peer_parse(p, s->answer.buf, s->answer.len);
	return 1;
}

/* The remote column: a name for the address unless -n, as ntpq. */
static void
remote_name(const struct peers_args *a, const struct mode6_peer *p, char *buf, size_t len)
{
	struct addrinfo hints, *res;

	snprintf(buf, len, "%s", mode6_peer_remote(p));
	if (a->numeric || !mode6_peer_wants_name(p))
		return;
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST;
	hints.ai_socktype = SOCK_DGRAM;
	if (getaddrinfo(p->srcadr, NULL, &hints, &res) != 0)
		return;
	char host[NI_MAXHOST];
	if (getnameinfo(res->ai_addr, res->ai_addrlen, host, sizeof(host), NULL, 0,
	    NI_NAMEREQD) == 0)
		text_copy_n(buf, len, host, strlen(host));
	freeaddrinfo(res);
}

static uint64_t
now_ntp(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return ntp_ts_from_timespec(t);
}

static void
print_table(const struct peers_args *a, const struct mode6_peer *peers, int n)
{
	char row[MODE6_PEER_ROW_MAX], remote[MODE6_PEER_HOST_MAX];
	uint64_t now = now_ntp();

	printf("%s\n%s\n", mode6_peer_header, mode6_peer_rule);
	for (int i = 0; i < n; i++) {
		remote_name(a, &peers[i], remote, sizeof(remote));
		if (mode6_peer_row(&peers[i], remote, now, row, sizeof(row)) > 0)
			printf("%s\n", row);
	}
}

static void
json_ms(struct jsonw *w, const char *key, double v)
{
	if (isnan(v))
		jsonw_null(w, key);
	else
		jsonw_double(w, key, v, 6);
}

static void
json_peer(struct jsonw *w, const struct peers_args *a, const struct mode6_peer *p,
    uint64_t now)
{
	char remote[MODE6_PEER_HOST_MAX], tally = mode6_peer_tally(p), type = mode6_peer_type(p);
	long long when = mode6_peer_when(p, now);

	remote_name(a, p, remote, sizeof(remote));
	jsonw_begin(w, NULL);
	jsonw_int(w, "associd", p->associd);
	jsonw_strn(w, "tally", &tally, 1);
	jsonw_str(w, "remote", remote);
	jsonw_str(w, "srcadr", p->srcadr);
	jsonw_str(w, "refid", p->refid);
	jsonw_int(w, "stratum", p->stratum);
	jsonw_strn(w, "type", &type, 1);
	if (when < 0)
		jsonw_null(w, "when");
	else
		jsonw_int(w, "when", when);
	jsonw_int(w, "poll", mode6_peer_poll(p));
	jsonw_int(w, "reach", (long long)p->reach);
	json_ms(w, "delay_ms", p->delay);
	json_ms(w, "offset_ms", p->offset);
	json_ms(w, "jitter_ms", mode6_peer_jitter(p));
	jsonw_end(w);
}

static int
print_json(const struct peers_args *a, const struct mode6_peer *peers, int n)
{
	/* Each object is well under 1 KiB: its strings are bounded. */
	size_t cap = 64 + (size_t)n * (1024 + 2 * MODE6_PEER_HOST_MAX);
	char *buf = malloc(cap);
	struct jsonw w;
	uint64_t now = now_ntp();

	if (buf == NULL) {
		fprintf(stderr, "%s peers: out of memory\n", outpost_progname);
		return 1;
	}
	jsonw_init(&w, buf, cap);
	jsonw_begin_array(&w, NULL);
	for (int i = 0; i < n; i++)
		json_peer(&w, a, &peers[i], now);
	jsonw_end(&w);
	int rc = jsonw_finish_line(&w) >= 0 ? 0 : 1;
	if (rc == 0)
		fputs(buf, stdout);
	else
		fprintf(stderr, "%s peers: JSON output did not fit\n", outpost_progname);
	free(buf);
	return rc;
}

static int
run(struct session *s)
{
	static uint16_t ids[MAX_ASSOCS];
	int n = read_assocs(s, ids, MAX_ASSOCS);

	if (n < 0)
		return 1;
	struct mode6_peer *peers = calloc(n > 0 ? (size_t)n : 1, sizeof(*peers));
	if (peers == NULL) {
		fprintf(stderr, "%s peers: out of memory\n", outpost_progname);
		return 1;
	}
	int k = 0, rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		int got = read_peer(s, ids[i], &peers[k]);
		if (got < 0)
			rc = 1;
		k += got > 0;
	}
	if (rc == 0 && s->a->json)
		rc = print_json(s->a, peers, k);
	else if (rc == 0)
		print_table(s->a, peers, k);
	free(peers);
	return rc;
}

int
cmd_peers(int argc, char **argv)
{
	struct peers_args a;
	struct session s;

	memset(&a, 0, sizeof(a));
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	memset(&s, 0, sizeof(s));
	s.a = &a;
	/* A sequence of our own: answers to an earlier run are not ours. */
	s.sequence = (uint16_t)(getpid() ^ time(NULL));
	if ((s.fd = open_socket(&a)) == -1)
		return 1;
	rc = run(&s);
	close(s.fd);
	return rc;
}
