/*
 * tunnel_probe: the tunnel modules end to end, for tunnel_ssh.sh.  It does
 * what oobd's glue does with them: builds ssh's command line from a
 * tunnel_conf (tunnel.h), runs ssh supervised (child.h) on an event loop,
 * classifies every stderr line and drives a tunnel_sup with the result.
 * It prints one line per thing a test wants to see:
 *
 *   event KIND WHY port=N: SUMMARY     a classified stderr line
 *   spawn N                            attempt N started (pid)
 *   up: SUMMARY                        REPORT_UP
 *   down                               REPORT_DOWN
 *   failed: SUMMARY                    REPORT_FAILED (exit 3)
 *   stopped                            ssh gone after --hold ms up (exit 0)
 *
 * Exit 4 when --timeout passes first, 2 on bad arguments or configuration.
 * --print-argv prints the command line, one word per line, and exits.
 * --stderr echoes every ssh line to stderr (for a failing test's log).
 *
 * Compiled by tunnel_ssh.sh itself: cc ... tunnel_probe.c oobd/tunnel.c
 * lib/child.c lib/evloop.c lib/tsmath.c lib/text.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "child.h"
#include "evloop.h"
#include "tsmath.h"
#include "tunnel.h"

struct probe {
	struct ev_loop *loop;
	struct child_set *set;
	struct child *ssh;
	struct tunnel_conf tc;
	struct tunnel_sup sup;
	ev_timer_id tick, hold_timer;
	int64_t hold_ms;
	bool echo;
	int exit_code;
};

static void apply(struct probe *p, unsigned acts);

static void on_tick(void *arg)
{
	struct probe *p = arg;

	p->tick = 0;
	apply(p, tunnel_sup_tick(&p->sup, ts_mono_ms()));
}

static void rearm(struct probe *p)
{
	int64_t d = tunnel_sup_deadline(&p->sup);

	if (p->tick != 0)
		ev_timer_cancel(p->loop, p->tick);
	p->tick = 0;
	if (d >= 0)
		p->tick = ev_timer_add(p->loop, d - ts_mono_ms(), on_tick, p);
}

static void on_line(struct child *c, enum child_stream s, const char *line, size_t len,
    void *arg)
{
	struct probe *p = arg;
	struct tunnel_event ev;
	char sum[TUNNEL_SUMMARY_MAX];

	(void)c;
	if (p->echo)
		fprintf(stderr, "ssh%s: %.*s\n", s == CHILD_STDERR ? "" : "(out)", (int)len, line);
	if (s != CHILD_STDERR || tunnel_classify(line, len, &ev) == TUNNEL_OTHER)
		return;
	tunnel_summary(&p->tc, &ev, sum, sizeof(sum));
	printf("event %s %d port=%d: %s\n", tunnel_kind_name(ev.kind), (int)ev.why, ev.port, sum);
	fflush(stdout);
	apply(p, tunnel_sup_event(&p->sup, ts_mono_ms(), &ev));
}

static void on_exit_cb(struct child *c, int status, void *arg)
{
	struct probe *p = arg;
	char st[64];

	(void)c;
	p->ssh = NULL;
	child_status_str(status, st, sizeof(st));
	printf("exit %s\n", st);
	fflush(stdout);
	if (p->exit_code == 0 && p->sup.state == TUNNEL_STOPPING) {
		tunnel_sup_exited(&p->sup, ts_mono_ms(), status);
		printf("stopped\n");
		ev_break(p->loop);
		return;
	}
	apply(p, tunnel_sup_exited(&p->sup, ts_mono_ms(), status));
}

static void on_hold_over(void *arg)
{
	struct probe *p = arg;

	p->hold_timer = 0;
	apply(p, tunnel_sup_stop(&p->sup, ts_mono_ms()));
}

static void spawn_ssh(struct probe *p)
{
	static const struct child_opts opts = { .on_line = on_line };
	struct tunnel_argv a;
	char err[TUNNEL_ERRLEN];

	if (tunnel_build_argv(&p->tc, &a, err, sizeof(err)) == -1 ||
	    (p->ssh = child_spawn(p->set, a.argv, NULL, &opts, on_exit_cb, p, err,
		sizeof(err))) == NULL) {
		printf("spawn failed: %s\n", err);
		apply(p, tunnel_sup_spawn_failed(&p->sup, ts_mono_ms()));
		return;
	}
	printf("spawn %d pid %ld\n", p->sup.attempts, (long)child_pid(p->ssh));
	fflush(stdout);
}

static void apply(struct probe *p, unsigned acts)
{
	char sum[TUNNEL_SUMMARY_MAX];
	struct tunnel_event up = { TUNNEL_FORWARD_OK, TUNNEL_WHY_NONE, p->tc.remote_port, 0 };

	if (acts & TUNNEL_DO_REPORT_UP) {
		tunnel_summary(&p->tc, &up, sum, sizeof(sum));
		printf("up: %s\n", sum);
		if (p->hold_ms > 0 && p->hold_timer == 0)
			p->hold_timer = ev_timer_add(p->loop, p->hold_ms, on_hold_over, p);
	}
	if (acts & TUNNEL_DO_REPORT_DOWN)
		printf("down\n");
	if (acts & TUNNEL_DO_REPORT_FAILED) {
		tunnel_summary(&p->tc, tunnel_sup_error(&p->sup), sum, sizeof(sum));
		printf("failed: %s\n", sum);
		p->exit_code = 3;
		ev_break(p->loop);
	}
	fflush(stdout);
	if ((acts & TUNNEL_DO_KILL) && p->ssh != NULL)
		child_stop(p->ssh, 2000);
	if (acts & TUNNEL_DO_SPAWN)
		spawn_ssh(p);
	rearm(p);
}

static void on_timeout(void *arg)
{
	struct probe *p = arg;

	printf("timeout (state %s)\n", tunnel_state_name(p->sup.state));
	p->exit_code = 4;
	ev_break(p->loop);
}

static int usage(void)
{
	fprintf(stderr, "usage: tunnel_probe --relay H --port P --user U --key K --known F "
	    "--rport N [--bind B] [--target H:P] [--alive S] [--count N] [--connect S] "
	    "[--max-failures N] [--hold MS] [--timeout MS] [--stderr] [--print-argv]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct probe p;
	struct tunnel_sup_conf sc = { 0 };
	struct tunnel_argv a;
	char err[TUNNEL_ERRLEN];
	int64_t timeout_ms = 60000;
	bool print_argv = false;
	int i;

	memset(&p, 0, sizeof(p));
	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(o, "--print-argv") == 0) { print_argv = true; continue; }
		if (strcmp(o, "--stderr") == 0) { p.echo = true; continue; }
		if (v == NULL)
			return usage();
		i++;
		if (strcmp(o, "--relay") == 0) p.tc.relay_host = v;
		else if (strcmp(o, "--port") == 0) p.tc.relay_port = atoi(v);
		else if (strcmp(o, "--user") == 0) p.tc.user = v;
		else if (strcmp(o, "--key") == 0) p.tc.identity_file = v;
		else if (strcmp(o, "--known") == 0) p.tc.known_hosts_file = v;
		else if (strcmp(o, "--rport") == 0) p.tc.remote_port = atoi(v);
		else if (strcmp(o, "--bind") == 0) p.tc.remote_bind = v;
		else if (strcmp(o, "--target") == 0) p.tc.local_target = v;
		else if (strcmp(o, "--alive") == 0) p.tc.alive_interval_s = atoi(v);
		else if (strcmp(o, "--count") == 0) p.tc.alive_count = atoi(v);
		else if (strcmp(o, "--connect") == 0) p.tc.connect_timeout_s = atoi(v);
		else if (strcmp(o, "--max-failures") == 0) sc.max_failures = atoi(v);
		else if (strcmp(o, "--hold") == 0) p.hold_ms = atoll(v);
		else if (strcmp(o, "--timeout") == 0) timeout_ms = atoll(v);
		else return usage();
	}
	if (tunnel_build_argv(&p.tc, &a, err, sizeof(err)) == -1) {
		fprintf(stderr, "tunnel_probe: %s\n", err);
		return 2;
	}
	if (print_argv) {
		for (i = 0; i < a.argc; i++)
			printf("%s\n", a.argv[i]);
		return 0;
	}
	sc.start_timeout_ms = tunnel_start_timeout_ms(&p.tc);
	sc.remote_port = p.tc.remote_port;
	tunnel_sup_init(&p.sup, &sc);
	signal(SIGPIPE, SIG_IGN);
	p.loop = ev_new();
	p.set = p.loop ? child_set_new(p.loop, err, sizeof(err)) : NULL;
	if (p.set == NULL) {
		fprintf(stderr, "tunnel_probe: %s\n", p.loop ? err : strerror(errno));
		return 2;
	}
	ev_timer_add(p.loop, timeout_ms, on_timeout, &p);
	apply(&p, tunnel_sup_start(&p.sup, ts_mono_ms()));
	ev_run(p.loop);
	fflush(stdout);
	child_set_free(p.set);	/* kills an ssh still running */
	ev_free(p.loop);
	return p.exit_code;
}
