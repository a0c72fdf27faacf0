/*
 * Unit tests for oobd/tunnel: the exact ssh command line and the values it
 * refuses, ssh's stderr as OpenSSH 9.2p1 printed it (captured against a
 * real sshd, see tests/integration/tunnel_ssh.sh), the summaries a person
 * reads, and the supervisor, transition by transition and under random
 * call sequences.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel.h"

/* ---- command line ---- */

static void join(const struct tunnel_argv *a, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < a->argc; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " " : "", a->argv[i]);
	assert_true(used < len);
	assert_null(a->argv[a->argc]);
}

static struct tunnel_conf base_conf(void)
{
	struct tunnel_conf tc = {
		.relay_host = "relay.example.org",
		.user = "oobd",
		.identity_file = "/etc/outpost/id_ed25519",
		.known_hosts_file = "/etc/outpost/known_hosts",
		.remote_port = 31337,
	};

	return tc;
}

static void test_argv_defaults(void **state)
{
	struct tunnel_conf tc = base_conf();
	struct tunnel_argv a;
	char err[TUNNEL_ERRLEN], line[TUNNEL_ARGBUF];

	(void)state;
	assert_int_equal(tunnel_build_argv(&tc, &a, err, sizeof(err)), 0);
	join(&a, line, sizeof(line));
	assert_string_equal(line,
	    "/usr/bin/ssh -N -T -F none -v -o BatchMode=yes -o ExitOnForwardFailure=yes "
	    "-o StrictHostKeyChecking=yes -o UserKnownHostsFile=/etc/outpost/known_hosts "
	    "-o GlobalKnownHostsFile=/dev/null -o UpdateHostKeys=no -o CheckHostIP=no "
	    "-o IdentitiesOnly=yes -o IdentityAgent=none -o IdentityFile=/etc/outpost/id_ed25519 "
	    "-o PreferredAuthentications=publickey -o ServerAliveInterval=15 "
	    "-o ServerAliveCountMax=3 -o ConnectTimeout=20 -o ConnectionAttempts=1 "
	    "-o ControlMaster=no -o ControlPath=none -o PermitLocalCommand=no "
	    "-o ForwardAgent=no -o ForwardX11=no -o EscapeChar=none -p 22 -l oobd "
	    "-R 31337:localhost:22 -- relay.example.org");
	assert_int_equal(tunnel_start_timeout_ms(&tc), 30000);
}

static void test_argv_everything_set(void **state)
{
	struct tunnel_conf tc = base_conf();
	struct tunnel_argv a;
	char err[TUNNEL_ERRLEN], line[TUNNEL_ARGBUF];
	const char *tail;

	(void)state;
	tc.ssh_path = "/usr/local/bin/ssh";
	tc.relay_host = "10.0.0.1";
	tc.relay_port = 2222;
	tc.remote_bind = "localhost";
	tc.local_target = "127.0.0.1:2200";
	tc.alive_interval_s = 5;
	tc.alive_count = 2;
	tc.connect_timeout_s = 8;
	tc.bind_interface = "ppp0";
	tc.bind_address = "10.64.0.2";
	tc.host_key_alias = "relay.example.org";
	assert_int_equal(tunnel_build_argv(&tc, &a, err, sizeof(err)), 0);
	join(&a, line, sizeof(line));
	assert_true(strncmp(line, "/usr/local/bin/ssh -N -T -F none -v ", 36) == 0);
	assert_non_null(strstr(line, " -o ServerAliveInterval=5 -o ServerAliveCountMax=2 "
	    "-o ConnectTimeout=8 "));
	tail = strstr(line, " -o BindInterface=");
	assert_non_null(tail);
	assert_string_equal(tail, " -o BindInterface=ppp0 -o HostKeyAlias=relay.example.org "
	    "-b 10.64.0.2 -p 2222 -l oobd -R localhost:31337:127.0.0.1:2200 -- 10.0.0.1");
	assert_int_equal(tunnel_start_timeout_ms(&tc), 18000);
	/* the owner's name for the relay in messages, the address too */
	struct tunnel_event ev = { .kind = TUNNEL_CONNECT_FAILED, .why = TUNNEL_WHY_REFUSED };
	tunnel_summary(&tc, &ev, line, sizeof(line));
	assert_non_null(strstr(line, "relay.example.org (10.0.0.1):2222"));
	tc.host_key_alias = "-oProxyCommand=x";
	assert_int_equal(tunnel_build_argv(&tc, &a, err, sizeof(err)), -1);
}

static void test_argv_ipv6_brackets(void **state)
{
	struct tunnel_conf tc = base_conf();
	struct tunnel_argv a;
	char err[TUNNEL_ERRLEN];

	(void)state;
	tc.relay_host = "2001:db8::1";
	tc.remote_bind = "::1";
	tc.local_target = "[::1]:22";
	assert_int_equal(tunnel_build_argv(&tc, &a, err, sizeof(err)), 0);
	assert_string_equal(a.argv[a.argc - 3], "[::1]:31337:[::1]:22");
	assert_string_equal(a.argv[a.argc - 1], "2001:db8::1");
	tc.remote_bind = "*";
	tc.local_target = NULL;
	assert_int_equal(tunnel_build_argv(&tc, &a, err, sizeof(err)), 0);
	assert_string_equal(a.argv[a.argc - 3], "*:31337:localhost:22");
}

struct bad {
	const char *what;
	void (*apply)(struct tunnel_conf *tc, const char *v);
	const char *value;
	const char *msg;
};

static void set_host(struct tunnel_conf *tc, const char *v) { tc->relay_host = v; }
static void set_user(struct tunnel_conf *tc, const char *v) { tc->user = v; }
static void set_key(struct tunnel_conf *tc, const char *v) { tc->identity_file = v; }
static void set_known(struct tunnel_conf *tc, const char *v) { tc->known_hosts_file = v; }
static void set_bind(struct tunnel_conf *tc, const char *v) { tc->remote_bind = v; }
static void set_target(struct tunnel_conf *tc, const char *v) { tc->local_target = v; }
static void set_ifname(struct tunnel_conf *tc, const char *v) { tc->bind_interface = v; }
static void set_baddr(struct tunnel_conf *tc, const char *v) { tc->bind_address = v; }
static void set_ssh(struct tunnel_conf *tc, const char *v) { tc->ssh_path = v; }
static void set_rport(struct tunnel_conf *tc, const char *v) { tc->remote_port = atoi(v); }
static void set_port(struct tunnel_conf *tc, const char *v) { tc->relay_port = atoi(v); }
static void set_alive(struct tunnel_conf *tc, const char *v) { tc->alive_interval_s = atoi(v); }
static void set_count(struct tunnel_conf *tc, const char *v) { tc->alive_count = atoi(v); }
static void set_ct(struct tunnel_conf *tc, const char *v) { tc->connect_timeout_s = atoi(v); }

/* Nothing a configuration holds can become an option or change meaning. */
static void test_argv_rejects_injection(void **state)
{
	static const struct bad bads[] = {
		{ "host option", set_host, "-oProxyCommand=sh", "relay: bad host name" },
		{ "host space", set_host, "relay example", "relay: bad host name" },
		{ "host empty", set_host, "", "relay: bad host name" },
		{ "host null", set_host, NULL, "relay: bad host name" },
		{ "host semicolon", set_host, "a;b", "relay: bad host name" },
		{ "host user", set_host, "root@relay", "relay: bad host name" },
		{ "host dot", set_host, ".relay", "relay: bad host name" },
		{ "host newline", set_host, "relay\n-oX=y", "relay: bad host name" },
		{ "user option", set_user, "-lroot", "relay user: bad user name" },
		{ "user at", set_user, "a@b", "relay user: bad user name" },
		{ "user long", set_user, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "relay user: bad user name" },
		{ "key relative", set_key, "id_ed25519", "ssh key: not a plain absolute path" },
		{ "key space", set_key, "/etc/my key", "ssh key: not a plain absolute path" },
		{ "key percent", set_key, "/etc/%d/key", "ssh key: not a plain absolute path" },
		{ "key dollar", set_key, "/etc/${HOME}/key", "ssh key: not a plain absolute path" },
		{ "key tilde", set_key, "~/.ssh/id", "ssh key: not a plain absolute path" },
		{ "known quote", set_known, "/etc/\"kh",
		  "ssh known_hosts: not a plain absolute path" },
		{ "known two files", set_known, "/a /b",
		  "ssh known_hosts: not a plain absolute path" },
		{ "bind option", set_bind, "-R1:a:2", "tunnel bind address: bad host name" },
		{ "bind colon port", set_bind, "a:b c", "tunnel bind address: bad host name" },
		{ "target no port", set_target, "localhost", "tunnel target: expected HOST:PORT" },
		{ "target v6 bare", set_target, "::1:22", "tunnel target: expected HOST:PORT" },
		{ "target port 0", set_target, "localhost:0", "tunnel target: expected HOST:PORT" },
		{ "target port big", set_target, "localhost:655350",
		  "tunnel target: expected HOST:PORT" },
		{ "target option", set_target, "-x:22", "tunnel target: expected HOST:PORT" },
		{ "ifname long", set_ifname, "abcdefghijklmnop",
		  "ssh bind interface: bad interface name" },
		{ "ifname option", set_ifname, "-eth0", "ssh bind interface: bad interface name" },
		{ "bind address", set_baddr, "-b", "ssh bind address: bad address" },
		{ "ssh relative", set_ssh, "bin/ssh", "ssh: bad program path" },
		{ "ssh option", set_ssh, "-ssh", "ssh: bad program path" },
		{ "remote port 0", set_rport, "0", "tunnel port 0 out of range" },
		{ "remote port big", set_rport, "65536", "tunnel port 65536 out of range" },
		{ "relay port", set_port, "-1", "relay port -1 out of range" },
		{ "alive", set_alive, "3601", "ssh alive interval out of range (1-3600 s)" },
		{ "count", set_count, "101", "ssh alive count out of range (1-100)" },
		{ "connect", set_ct, "-5", "ssh connect timeout out of range (1-600 s)" },
	};
	struct tunnel_argv a;
	char err[TUNNEL_ERRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct tunnel_conf tc = base_conf();

		bads[i].apply(&tc, bads[i].value);
		err[0] = '\0';
		if (tunnel_build_argv(&tc, &a, err, sizeof(err)) != -1)
			fail_msg("%s: accepted", bads[i].what);
		if (strcmp(err, bads[i].msg) != 0)
			fail_msg("%s: \"%s\"", bads[i].what, err);
		assert_int_equal(a.argc, 0);
	}
}

/* ---- stderr ---- */

struct line_case {
	const char *line;
	enum tunnel_kind kind;
	enum tunnel_why why;
	int port;
};

/* Lines as OpenSSH 9.2p1 printed them in tunnel_ssh.sh's scenarios (and a
 * few from its source for the cases a loopback test cannot produce). */
static const struct line_case lines[] = {
	{ "debug1: remote forward success for: listen 127.0.0.1:31337, connect localhost:22",
	  TUNNEL_FORWARD_OK, TUNNEL_WHY_NONE, 31337 },
	{ "debug1: remote forward success for: listen 31337, connect localhost:22",
	  TUNNEL_FORWARD_OK, TUNNEL_WHY_NONE, 31337 },
	{ "debug1: remote forward success for: listen localhost:31337, connect localhost:22",
	  TUNNEL_FORWARD_OK, TUNNEL_WHY_NONE, 31337 },
	{ "Allocated port 40123 for remote forward to localhost:22",
	  TUNNEL_FORWARD_OK, TUNNEL_WHY_NONE, 40123 },
	{ "debug1: remote forward failure for: listen 127.0.0.1:31338, connect localhost:22",
	  TUNNEL_FORWARD_FAILED, TUNNEL_WHY_FWD_FAILED, 31338 },
	{ "Error: remote port forwarding failed for listen port 31338",
	  TUNNEL_FORWARD_FAILED, TUNNEL_WHY_FWD_FAILED, 31338 },
	{ "Warning: remote port forwarding failed for listen port 31337",
	  TUNNEL_FORWARD_FAILED, TUNNEL_WHY_FWD_FAILED, 31337 },
	{ "debug1: Remote: port forwarding refused",
	  TUNNEL_FORWARD_FAILED, TUNNEL_WHY_FWD_REFUSED, 0 },
	{ "root@127.0.0.1: Permission denied (publickey).",
	  TUNNEL_AUTH_FAILED, TUNNEL_WHY_DENIED, 0 },
	{ "oobd@relay.example.org: Permission denied (publickey,password).",
	  TUNNEL_AUTH_FAILED, TUNNEL_WHY_DENIED, 0 },
	{ "no such identity: /tmp/exp/nokey: No such file or directory",
	  TUNNEL_AUTH_FAILED, TUNNEL_WHY_NO_IDENTITY, 0 },
	{ "Load key \"/etc/outpost/id_ed25519\": bad permissions",
	  TUNNEL_AUTH_FAILED, TUNNEL_WHY_BAD_IDENTITY, 0 },
	{ "@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @",
	  TUNNEL_AUTH_FAILED, TUNNEL_WHY_BAD_IDENTITY, 0 },
	{ "Received disconnect from 10.0.0.1 port 22:2: Too many authentication failures",
	  TUNNEL_AUTH_FAILED, TUNNEL_WHY_DENIED, 0 },
	{ "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @",
	  TUNNEL_HOSTKEY_FAILED, TUNNEL_WHY_KEY_CHANGED, 0 },
	{ "Host key for [127.0.0.1]:22221 has changed and you have requested strict checking.",
	  TUNNEL_HOSTKEY_FAILED, TUNNEL_WHY_KEY_CHANGED, 0 },
	{ "No ED25519 host key is known for [127.0.0.1]:22221 and you have requested strict "
	  "checking.", TUNNEL_HOSTKEY_FAILED, TUNNEL_WHY_KEY_UNKNOWN, 0 },
	{ "Host key verification failed.", TUNNEL_HOSTKEY_FAILED, TUNNEL_WHY_KEY_FAILED, 0 },
	{ "ssh: connect to host 127.0.0.1 port 22299: Connection refused",
	  TUNNEL_CONNECT_FAILED, TUNNEL_WHY_REFUSED, 0 },
	{ "ssh: connect to host 10.0.0.1 port 22: Connection timed out",
	  TUNNEL_CONNECT_FAILED, TUNNEL_WHY_TIMED_OUT, 0 },
	{ "ssh: connect to host 10.0.0.1 port 22: Operation timed out",
	  TUNNEL_CONNECT_FAILED, TUNNEL_WHY_TIMED_OUT, 0 },
	{ "ssh: connect to host 10.0.0.1 port 22: No route to host",
	  TUNNEL_CONNECT_FAILED, TUNNEL_WHY_NO_ROUTE, 0 },
	{ "ssh: connect to host 127.0.0.1 port 22221: Network is unreachable",
	  TUNNEL_CONNECT_FAILED, TUNNEL_WHY_NET_UNREACHABLE, 0 },
	{ "ssh: connect to host 10.0.0.1 port 22: Permission denied",
	  TUNNEL_CONNECT_FAILED, TUNNEL_WHY_CONNECT_OTHER, 0 },
	{ "ssh: Could not resolve hostname nonexistent.invalid: Name or service not known",
	  TUNNEL_CONNECT_FAILED, TUNNEL_WHY_NAME, 0 },
	{ "ssh: Could not resolve hostname relay: Temporary failure in name resolution",
	  TUNNEL_CONNECT_FAILED, TUNNEL_WHY_NAME, 0 },
	{ "Connection timed out during banner exchange",
	  TUNNEL_CONNECT_FAILED, TUNNEL_WHY_BANNER, 0 },
	{ "kex_exchange_identification: Connection closed by remote host",
	  TUNNEL_CONNECT_FAILED, TUNNEL_WHY_CLOSED, 0 },
	{ "kex_exchange_identification: read: Connection reset by peer",
	  TUNNEL_CONNECT_FAILED, TUNNEL_WHY_RESET, 0 },
	{ "Connection closed by 127.0.0.1 port 22221",
	  TUNNEL_CONNECT_FAILED, TUNNEL_WHY_CLOSED, 0 },
	{ "Connection to 127.0.0.1 closed by remote host.",
	  TUNNEL_CONNECT_FAILED, TUNNEL_WHY_LOST, 0 },
	{ "client_loop: send disconnect: Broken pipe",
	  TUNNEL_CONNECT_FAILED, TUNNEL_WHY_LOST, 0 },
	{ "Timeout, server 127.0.0.1 not responding.",
	  TUNNEL_SERVER_TIMEOUT, TUNNEL_WHY_NONE, 0 },
	/* ssh's chatter */
	{ "OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.22 25 Aug 2026", TUNNEL_OTHER, 0, 0 },
	{ "debug1: Connecting to 127.0.0.1 [127.0.0.1] port 22221.", TUNNEL_OTHER, 0, 0 },
	{ "debug1: connect to address 127.0.0.1 port 22221: Connection refused",
	  TUNNEL_OTHER, 0, 0 },
	{ "debug1: forwarding_success: all expected forwarding replies received",
	  TUNNEL_OTHER, 0, 0 },
	{ "Authenticated to 127.0.0.1 ([127.0.0.1]:22221) using \"publickey\".",
	  TUNNEL_OTHER, 0, 0 },
	{ "debug2: remote forward success for: listen 1:2, connect x", TUNNEL_OTHER, 0, 0 },
	{ "", TUNNEL_OTHER, 0, 0 },
	/* What the relay says (or a banner) is not ssh speaking. */
	{ "debug1: Remote: remote forward success for: listen 31337, connect localhost:22",
	  TUNNEL_OTHER, 0, 0 },
	{ "debug1: Remote: /tmp/t/authorized_keys:1: key options: command permitlisten "
	  "port-forwarding", TUNNEL_OTHER, 0, 0 },
	{ "debug1: Remote: port forwarding refused, and more", TUNNEL_OTHER, 0, 0 },
	{ " debug1: remote forward success for: listen 31337, connect localhost:22",
	  TUNNEL_OTHER, 0, 0 },
	{ "Welcome! Host key verification failed.", TUNNEL_OTHER, 0, 0 },
	{ "you have: Permission denied (nothing).", TUNNEL_OTHER, 0, 0 },
	/* Numbers that are not ports. */
	{ "debug1: remote forward success for: listen 99999, connect localhost:22",
	  TUNNEL_FORWARD_OK, TUNNEL_WHY_NONE, 0 },
	{ "Error: remote port forwarding failed for listen port ",
	  TUNNEL_FORWARD_FAILED, TUNNEL_WHY_FWD_FAILED, 0 },
};

static void test_classify_table(void **state)
{
	struct tunnel_event ev;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const struct line_case *c = &lines[i];

		memset(&ev, 0x5a, sizeof(ev));
		if (tunnel_classify(c->line, strlen(c->line), &ev) != c->kind ||
		    ev.kind != c->kind || ev.why != c->why || ev.port != c->port)
			fail_msg("\"%s\": got %s why %d port %d", c->line,
			    tunnel_kind_name(ev.kind), ev.why, ev.port);
	}
}

/* The length is what counts, not a NUL: the line may be a piece of a longer
 * one, or hold NULs. */
static void test_classify_bounds(void **state)
{
	const char *ok = "debug1: remote forward success for: listen 31337, connect x";
	char big[5000];
	struct tunnel_event ev;

	(void)state;
	/* Cut before the port: no port.  Cut in the prefix: nothing. */
	assert_int_equal(tunnel_classify(ok, 43, &ev), TUNNEL_FORWARD_OK);
	assert_int_equal(ev.port, 0);
	assert_int_equal(tunnel_classify(ok, 46, &ev), TUNNEL_FORWARD_OK);
	assert_int_equal(ev.port, 313);
	assert_int_equal(tunnel_classify(ok, 10, &ev), TUNNEL_OTHER);
	assert_int_equal(tunnel_classify("Host key verification failed.\0x", 31, &ev),
	    TUNNEL_HOSTKEY_FAILED);
	assert_int_equal(tunnel_classify(NULL, 0, &ev), TUNNEL_OTHER);
	/* A line past TUNNEL_LINE_MAX: only its start is looked at. */
	memset(big, 'x', sizeof(big));
	memcpy(big, "Timeout, server ", 16);
	memcpy(big + sizeof(big) - 16, " not responding.", 16);
	assert_int_equal(tunnel_classify(big, sizeof(big), &ev), TUNNEL_OTHER);
	memcpy(big, "ssh: connect to host ", 21);
	assert_int_equal(tunnel_classify(big, sizeof(big), &ev), TUNNEL_CONNECT_FAILED);
	assert_int_equal(ev.why, TUNNEL_WHY_CONNECT_OTHER);
}

static void summary(const struct tunnel_conf *tc, enum tunnel_kind kind, enum tunnel_why why,
    int port, int status, const char *want)
{
	struct tunnel_event ev = { kind, why, port, status };
	char buf[TUNNEL_SUMMARY_MAX];

	tunnel_summary(tc, &ev, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_summaries(void **state)
{
	struct tunnel_conf tc = base_conf();
	char small[12];
	struct tunnel_event ev = { TUNNEL_CONNECT_FAILED, TUNNEL_WHY_REFUSED, 0, 0 };

	(void)state;
	tc.relay_host = "10.0.0.1";
	summary(&tc, TUNNEL_CONNECT_FAILED, TUNNEL_WHY_REFUSED, 0, 0,
	    "relay 10.0.0.1:22 refused the connection");
	summary(&tc, TUNNEL_CONNECT_FAILED, TUNNEL_WHY_TIMED_OUT, 0, 0,
	    "relay 10.0.0.1:22 did not answer (connection timed out)");
	summary(&tc, TUNNEL_CONNECT_FAILED, TUNNEL_WHY_NO_ROUTE, 0, 0,
	    "relay 10.0.0.1:22 is unreachable (no route to host)");
	summary(&tc, TUNNEL_CONNECT_FAILED, TUNNEL_WHY_LOST, 0, 0,
	    "relay 10.0.0.1:22: connection lost");
	summary(&tc, TUNNEL_HOSTKEY_FAILED, TUNNEL_WHY_KEY_CHANGED, 0, 0,
	    "relay 10.0.0.1:22 host key does not match the pinned key (impostor or new key?)");
	summary(&tc, TUNNEL_AUTH_FAILED, TUNNEL_WHY_DENIED, 0, 0,
	    "relay 10.0.0.1:22 refused our key (user oobd)");
	summary(&tc, TUNNEL_AUTH_FAILED, TUNNEL_WHY_NO_IDENTITY, 0, 0,
	    "ssh key /etc/outpost/id_ed25519 is missing");
	summary(&tc, TUNNEL_FORWARD_FAILED, TUNNEL_WHY_FWD_FAILED, 31338, 0,
	    "relay 10.0.0.1:22 could not listen on port 31338 (in use?)");
	summary(&tc, TUNNEL_FORWARD_FAILED, TUNNEL_WHY_FWD_REFUSED, 0, 0,
	    "relay 10.0.0.1:22 refused to listen on port 31337 (not permitted)");
	summary(&tc, TUNNEL_SERVER_TIMEOUT, TUNNEL_WHY_NONE, 0, 0,
	    "relay 10.0.0.1:22 stopped answering (keepalive timeout)");
	summary(&tc, TUNNEL_FORWARD_OK, TUNNEL_WHY_NONE, 31337, 0,
	    "tunnel up: relay 10.0.0.1:22 listens on port 31337");
	summary(&tc, TUNNEL_OTHER, TUNNEL_WHY_START_TIMEOUT, 0, 0,
	    "relay 10.0.0.1:22 did not confirm the forward in time");
	summary(&tc, TUNNEL_OTHER, TUNNEL_WHY_EXITED, 0, 255 << 8,
	    "ssh to relay 10.0.0.1:22 exited with status 255");
	summary(&tc, TUNNEL_OTHER, TUNNEL_WHY_EXITED, 0, SIGKILL,
	    "ssh to relay 10.0.0.1:22 killed by signal 9");
	summary(&tc, TUNNEL_OTHER, TUNNEL_WHY_SPAWN, 0, 0,
	    "ssh to relay 10.0.0.1:22 could not be started");
	tc.relay_host = "relay.example.org";
	tc.relay_port = 2222;
	summary(&tc, TUNNEL_CONNECT_FAILED, TUNNEL_WHY_NAME, 0, 0,
	    "relay name relay.example.org does not resolve");
	tc.relay_host = "2001:db8::1";
	summary(&tc, TUNNEL_CONNECT_FAILED, TUNNEL_WHY_BANNER, 0, 0,
	    "relay [2001:db8::1]:2222 accepted the connection but sent no SSH banner");
	/* Cut, never overrun. */
	assert_true(tunnel_summary(&tc, &ev, small, sizeof(small)) > (int)sizeof(small));
	assert_string_equal(small, "relay [2001");
}

/* ---- supervision ---- */

static const struct tunnel_event ok31337 = { TUNNEL_FORWARD_OK, TUNNEL_WHY_NONE, 31337, 0 };
static const struct tunnel_event refused = { TUNNEL_CONNECT_FAILED, TUNNEL_WHY_REFUSED, 0, 0 };

static void sup_new(struct tunnel_sup *s)
{
	struct tunnel_sup_conf c = { .start_timeout_ms = 30000, .remote_port = 31337 };

	tunnel_sup_init(s, &c);
	assert_int_equal(s->state, TUNNEL_IDLE);
	assert_int_equal(tunnel_sup_deadline(s), -1);
}

static void test_sup_up_and_down(void **state)
{
	struct tunnel_sup s;
	struct tunnel_event wrong = ok31337;

	(void)state;
	sup_new(&s);
	assert_int_equal(tunnel_sup_start(&s, 1000), TUNNEL_DO_SPAWN);
	assert_int_equal(s.state, TUNNEL_STARTING);
	assert_int_equal(tunnel_sup_deadline(&s), 31000);
	assert_int_equal(tunnel_sup_start(&s, 1001), 0);	/* already at it */
	/* Chatter and a confirmation for another port change nothing. */
	wrong.port = 22;
	assert_int_equal(tunnel_sup_event(&s, 1100, &wrong), 0);
	assert_int_equal(s.state, TUNNEL_STARTING);
	assert_int_equal(tunnel_sup_tick(&s, 30999), 0);
	assert_int_equal(tunnel_sup_event(&s, 2000, &ok31337), TUNNEL_DO_REPORT_UP);
	assert_int_equal(s.state, TUNNEL_UP);
	assert_int_equal(tunnel_sup_deadline(&s), 62000);	/* stable check */
	assert_int_equal(tunnel_sup_event(&s, 2001, &ok31337), 0);	/* once */
	/* ssh dies: DOWN, and back after a second. */
	assert_int_equal(tunnel_sup_exited(&s, 5000, 255 << 8), TUNNEL_DO_REPORT_DOWN);
	assert_int_equal(s.state, TUNNEL_BACKOFF);
	assert_int_equal(tunnel_sup_deadline(&s), 6000);
	assert_int_equal(tunnel_sup_tick(&s, 5999), 0);
	assert_int_equal(tunnel_sup_tick(&s, 6000), TUNNEL_DO_SPAWN);
	assert_int_equal(s.state, TUNNEL_STARTING);
	assert_int_equal(s.attempts, 2);
	assert_int_equal(tunnel_sup_event(&s, 7000, &ok31337), TUNNEL_DO_REPORT_UP);
}

static void test_sup_gives_up_after_three(void **state)
{
	struct tunnel_sup s;
	const struct tunnel_event *e;

	(void)state;
	sup_new(&s);
	assert_int_equal(tunnel_sup_start(&s, 0), TUNNEL_DO_SPAWN);
	assert_int_equal(tunnel_sup_event(&s, 10, &refused), 0);
	assert_int_equal(tunnel_sup_exited(&s, 20, 255 << 8), 0);
	assert_int_equal(tunnel_sup_deadline(&s), 1020);
	assert_int_equal(tunnel_sup_tick(&s, 1020), TUNNEL_DO_SPAWN);
	assert_int_equal(tunnel_sup_exited(&s, 1030, 255 << 8), 0); /* said nothing */
	assert_int_equal(tunnel_sup_deadline(&s), 3030);	/* 2 s */
	e = tunnel_sup_error(&s);
	assert_int_equal(e->why, TUNNEL_WHY_EXITED);
	assert_int_equal(e->status, 255 << 8);
	assert_int_equal(tunnel_sup_tick(&s, 3030), TUNNEL_DO_SPAWN);
	assert_int_equal(tunnel_sup_event(&s, 3040, &refused), 0);
	assert_int_equal(tunnel_sup_exited(&s, 3050, 255 << 8), TUNNEL_DO_REPORT_FAILED);
	assert_int_equal(s.state, TUNNEL_FAILED);
	assert_int_equal(tunnel_sup_deadline(&s), -1);
	e = tunnel_sup_error(&s);
	assert_int_equal(e->kind, TUNNEL_CONNECT_FAILED);
	assert_int_equal(e->why, TUNNEL_WHY_REFUSED);
	assert_int_equal(tunnel_sup_tick(&s, 100000), 0);
	/* A new start begins afresh. */
	assert_int_equal(tunnel_sup_start(&s, 200000), TUNNEL_DO_SPAWN);
	assert_int_equal(s.failures, 0);
	assert_int_equal(s.attempts, 1);
	assert_int_equal(tunnel_sup_error(&s)->kind, TUNNEL_OTHER);
}

static void test_sup_backoff_doubles_and_caps(void **state)
{
	struct tunnel_sup_conf c = { .max_failures = 20, .backoff_min_ms = 1000,
		.backoff_max_ms = 10000 };
	static const int64_t waits[] = { 1000, 2000, 4000, 8000, 10000, 10000 };
	struct tunnel_sup s;
	int64_t now = 0;
	size_t i;

	(void)state;
	tunnel_sup_init(&s, &c);
	assert_int_equal(tunnel_sup_start(&s, now), TUNNEL_DO_SPAWN);
	for (i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
		assert_int_equal(tunnel_sup_exited(&s, now, 255 << 8), 0);
		assert_int_equal(tunnel_sup_deadline(&s) - now, waits[i]);
		now = tunnel_sup_deadline(&s);
		assert_int_equal(tunnel_sup_tick(&s, now), TUNNEL_DO_SPAWN);
	}
}

static void test_sup_start_timeout(void **state)
{
	struct tunnel_sup s;

	(void)state;
	sup_new(&s);
	assert_int_equal(tunnel_sup_start(&s, 0), TUNNEL_DO_SPAWN);
	assert_int_equal(tunnel_sup_tick(&s, 30000), TUNNEL_DO_KILL);
	assert_int_equal(tunnel_sup_deadline(&s), -1);
	assert_int_equal(tunnel_sup_tick(&s, 30500), 0);	/* one kill */
	/* A late confirmation does not count: ssh is being killed. */
	assert_int_equal(tunnel_sup_event(&s, 30600, &ok31337), 0);
	assert_int_equal(tunnel_sup_exited(&s, 31000, SIGTERM), 0);
	assert_int_equal(s.state, TUNNEL_BACKOFF);
	assert_int_equal(tunnel_sup_error(&s)->why, TUNNEL_WHY_START_TIMEOUT);
}

/* An error seen before the timeout is the better reason. */
static void test_sup_timeout_keeps_first_error(void **state)
{
	struct tunnel_sup s;
	const struct tunnel_event unknown = { TUNNEL_HOSTKEY_FAILED, TUNNEL_WHY_KEY_UNKNOWN, 0, 0 };
	const struct tunnel_event generic = { TUNNEL_HOSTKEY_FAILED, TUNNEL_WHY_KEY_FAILED, 0, 0 };

	(void)state;
	sup_new(&s);
	tunnel_sup_start(&s, 0);
	assert_int_equal(tunnel_sup_event(&s, 5, &unknown), 0);
	assert_int_equal(tunnel_sup_event(&s, 6, &generic), 0);
	assert_int_equal(tunnel_sup_tick(&s, 30000), TUNNEL_DO_KILL);
	/* A host key mismatch will not go away: failed at the first attempt. */
	assert_int_equal(tunnel_sup_exited(&s, 30010, 255 << 8), TUNNEL_DO_REPORT_FAILED);
	assert_int_equal(tunnel_sup_error(&s)->why, TUNNEL_WHY_KEY_UNKNOWN);
}

static void test_sup_hopeless_and_not(void **state)
{
	const struct tunnel_event noid = { TUNNEL_AUTH_FAILED, TUNNEL_WHY_NO_IDENTITY, 0, 0 };
	const struct tunnel_event denied = { TUNNEL_AUTH_FAILED, TUNNEL_WHY_DENIED, 0, 0 };
	struct tunnel_sup s;

	(void)state;
	sup_new(&s);
	tunnel_sup_start(&s, 0);
	tunnel_sup_event(&s, 1, &noid);
	assert_int_equal(tunnel_sup_exited(&s, 2, 255 << 8), TUNNEL_DO_REPORT_FAILED);
	/* A refused key may be fixed on the relay meanwhile: retried. */
	tunnel_sup_start(&s, 10);
	tunnel_sup_event(&s, 11, &denied);
	assert_int_equal(tunnel_sup_exited(&s, 12, 255 << 8), 0);
	assert_int_equal(s.state, TUNNEL_BACKOFF);
}

static void test_sup_stable_resets(void **state)
{
	struct tunnel_sup s;

	(void)state;
	sup_new(&s);
	tunnel_sup_start(&s, 0);
	tunnel_sup_exited(&s, 10, 255 << 8);			/* failure 1 */
	assert_int_equal(tunnel_sup_tick(&s, 1010), TUNNEL_DO_SPAWN);
	tunnel_sup_exited(&s, 1020, 255 << 8);			/* failure 2 */
	assert_int_equal(tunnel_sup_tick(&s, 3020), TUNNEL_DO_SPAWN);
	assert_int_equal(tunnel_sup_event(&s, 4000, &ok31337), TUNNEL_DO_REPORT_UP);
	assert_int_equal(s.failures, 2);
	/* Up for a minute: the slate is clean. */
	assert_int_equal(tunnel_sup_tick(&s, 64000), 0);
	assert_int_equal(s.failures, 0);
	assert_int_equal(tunnel_sup_deadline(&s), -1);
	assert_int_equal(tunnel_sup_exited(&s, 100000, 255 << 8), TUNNEL_DO_REPORT_DOWN);
	assert_int_equal(s.failures, 1);
	assert_int_equal(tunnel_sup_deadline(&s), 101000);	/* 1 s again */
}

/* Ups that do not last count as failures: a flapping tunnel gives up. */
static void test_sup_flapping_gives_up(void **state)
{
	struct tunnel_sup s;
	unsigned acts = 0;
	int64_t now = 0;
	int i;

	(void)state;
	sup_new(&s);
	assert_int_equal(tunnel_sup_start(&s, now), TUNNEL_DO_SPAWN);
	for (i = 0; i < 3; i++) {
		assert_int_equal(tunnel_sup_event(&s, now + 100, &ok31337), TUNNEL_DO_REPORT_UP);
		acts = tunnel_sup_exited(&s, now + 5000, 255 << 8);
		if (i < 2) {
			assert_int_equal(acts, TUNNEL_DO_REPORT_DOWN);
			now = tunnel_sup_deadline(&s);
			assert_int_equal(tunnel_sup_tick(&s, now), TUNNEL_DO_SPAWN);
		}
	}
	assert_int_equal(acts, TUNNEL_DO_REPORT_DOWN | TUNNEL_DO_REPORT_FAILED);
	assert_int_equal(s.state, TUNNEL_FAILED);
}

static void test_sup_stop(void **state)
{
	struct tunnel_sup s;

	(void)state;
	sup_new(&s);
	assert_int_equal(tunnel_sup_stop(&s, 0), 0);		/* idle */
	/* While starting: kill, then idle without reports. */
	tunnel_sup_start(&s, 0);
	assert_int_equal(tunnel_sup_stop(&s, 10), TUNNEL_DO_KILL);
	assert_int_equal(s.state, TUNNEL_STOPPING);
	assert_int_equal(tunnel_sup_stop(&s, 11), 0);		/* one kill */
	assert_int_equal(tunnel_sup_deadline(&s), -1);
	assert_int_equal(tunnel_sup_event(&s, 12, &ok31337), 0);
	assert_int_equal(tunnel_sup_exited(&s, 20, SIGTERM), 0);
	assert_int_equal(s.state, TUNNEL_IDLE);
	/* While up. */
	tunnel_sup_start(&s, 100);
	tunnel_sup_event(&s, 110, &ok31337);
	assert_int_equal(tunnel_sup_stop(&s, 200), TUNNEL_DO_KILL);
	assert_int_equal(tunnel_sup_exited(&s, 210, SIGTERM), 0);
	assert_int_equal(s.state, TUNNEL_IDLE);
	/* While waiting to retry: nothing runs, nothing to kill. */
	tunnel_sup_start(&s, 300);
	tunnel_sup_exited(&s, 310, 255 << 8);
	assert_int_equal(s.state, TUNNEL_BACKOFF);
	assert_int_equal(tunnel_sup_stop(&s, 320), 0);
	assert_int_equal(s.state, TUNNEL_IDLE);
	assert_int_equal(tunnel_sup_tick(&s, 5000), 0);
	/* After giving up. */
	s.state = TUNNEL_FAILED;
	assert_int_equal(tunnel_sup_stop(&s, 6000), 0);
	assert_int_equal(s.state, TUNNEL_IDLE);
}

static void test_sup_start_while_stopping(void **state)
{
	struct tunnel_sup s;

	(void)state;
	sup_new(&s);
	tunnel_sup_start(&s, 0);
	assert_int_equal(tunnel_sup_stop(&s, 10), TUNNEL_DO_KILL);
	assert_int_equal(tunnel_sup_start(&s, 20), 0);		/* not two ssh at once */
	assert_int_equal(tunnel_sup_exited(&s, 30, SIGTERM), TUNNEL_DO_SPAWN);
	assert_int_equal(s.state, TUNNEL_STARTING);
	/* A stop after that start cancels it. */
	assert_int_equal(tunnel_sup_stop(&s, 40), TUNNEL_DO_KILL);
	assert_int_equal(tunnel_sup_start(&s, 41), 0);
	assert_int_equal(tunnel_sup_stop(&s, 42), 0);
	assert_int_equal(tunnel_sup_exited(&s, 50, SIGTERM), 0);
	assert_int_equal(s.state, TUNNEL_IDLE);
}

static void test_sup_spawn_failed(void **state)
{
	struct tunnel_sup s;

	(void)state;
	sup_new(&s);
	tunnel_sup_start(&s, 0);
	assert_int_equal(tunnel_sup_spawn_failed(&s, 0), 0);
	assert_int_equal(s.state, TUNNEL_BACKOFF);
	assert_false(s.running);
	assert_int_equal(tunnel_sup_error(&s)->why, TUNNEL_WHY_SPAWN);
	assert_int_equal(tunnel_sup_exited(&s, 5, 0), 0);	/* nothing ran */
	assert_int_equal(tunnel_sup_spawn_failed(&s, 6), 0);
	assert_int_equal(tunnel_sup_tick(&s, 1000), TUNNEL_DO_SPAWN);
	assert_int_equal(tunnel_sup_spawn_failed(&s, 1000), 0);
	tunnel_sup_tick(&s, 3000);
	assert_int_equal(tunnel_sup_spawn_failed(&s, 3000), TUNNEL_DO_REPORT_FAILED);
}

static void test_sup_defaults(void **state)
{
	struct tunnel_sup s;
	struct tunnel_event any = ok31337;

	(void)state;
	tunnel_sup_init(&s, NULL);
	assert_int_equal(s.conf.start_timeout_ms, 30000);
	assert_int_equal(s.conf.backoff_min_ms, 1000);
	assert_int_equal(s.conf.backoff_max_ms, 60000);
	assert_int_equal(s.conf.stable_ms, 60000);
	assert_int_equal(s.conf.max_failures, 3);
	tunnel_sup_start(&s, 0);
	any.port = 4444;	/* no port configured: any confirmation counts */
	assert_int_equal(tunnel_sup_event(&s, 1, &any), TUNNEL_DO_REPORT_UP);
	assert_string_equal(tunnel_state_name(s.state), "up");
	assert_string_equal(tunnel_state_name((enum tunnel_state)99), "?");
}

/* Random calls: whatever happens, the actions stay consistent with one
 * ssh at a time. */
static void test_sup_random(void **state)
{
	struct tunnel_sup s;
	const struct tunnel_event evs[] = {
		ok31337, refused,
		{ TUNNEL_HOSTKEY_FAILED, TUNNEL_WHY_KEY_CHANGED, 0, 0 },
		{ TUNNEL_SERVER_TIMEOUT, TUNNEL_WHY_NONE, 0, 0 },
		{ TUNNEL_OTHER, TUNNEL_WHY_NONE, 0, 0 },
	};
	bool alive = false, up = false, stopping;
	int64_t now = 0;
	unsigned acts;
	int i, op;

	(void)state;
	srand(5);
	sup_new(&s);
	for (i = 0; i < 200000; i++) {
		now += rand() % 3000;
		op = rand() % 7;
		switch (op) {
		case 0: acts = tunnel_sup_start(&s, now); break;
		case 1: acts = tunnel_sup_stop(&s, now); break;
		case 2: acts = tunnel_sup_event(&s, now, &evs[rand() % 5]); break;
		case 3:
			if (!alive)
				continue;
			stopping = s.state == TUNNEL_STOPPING;
			acts = tunnel_sup_exited(&s, now, 255 << 8);
			alive = false;
			/* An UP tunnel that ends is reported, unless we ended it. */
			if (up && !stopping)
				assert_true(acts & TUNNEL_DO_REPORT_DOWN);
			if (stopping || !up)
				assert_false(acts & TUNNEL_DO_REPORT_DOWN);
			up = false;
			break;
		case 4:
			/* as right after a DO_SPAWN that could not be done */
			if (!alive || s.state != TUNNEL_STARTING || s.kill_sent || (rand() & 1))
				continue;
			acts = tunnel_sup_spawn_failed(&s, now);
			alive = false;
			break;
		default:
			if (tunnel_sup_deadline(&s) >= 0 && now < tunnel_sup_deadline(&s))
				now = tunnel_sup_deadline(&s);
			acts = tunnel_sup_tick(&s, now);
			break;
		}
		if (acts & TUNNEL_DO_SPAWN) {
			assert_false(alive);
			alive = true;
			assert_int_equal(s.state, TUNNEL_STARTING);
		}
		if (acts & TUNNEL_DO_KILL)
			assert_true(alive);
		if (acts & TUNNEL_DO_REPORT_UP) {
			assert_false(up);
			up = true;
			assert_int_equal(s.state, TUNNEL_UP);
		}
		if (acts & TUNNEL_DO_REPORT_FAILED) {
			assert_int_equal(s.state, TUNNEL_FAILED);
			assert_false(alive);
		}
		assert_int_equal(s.running, alive);
		if (!alive)
			up = false;
		if (s.state == TUNNEL_IDLE || s.state == TUNNEL_FAILED) {
			assert_false(s.running);
			assert_int_equal(tunnel_sup_deadline(&s), -1);
		}
		assert_true(s.failures <= s.conf.max_failures);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argv_defaults),
		cmocka_unit_test(test_argv_everything_set),
		cmocka_unit_test(test_argv_ipv6_brackets),
		cmocka_unit_test(test_argv_rejects_injection),
		cmocka_unit_test(test_classify_table),
		cmocka_unit_test(test_classify_bounds),
		cmocka_unit_test(test_summaries),
		cmocka_unit_test(test_sup_up_and_down),
		cmocka_unit_test(test_sup_gives_up_after_three),
		cmocka_unit_test(test_sup_backoff_doubles_and_caps),
		cmocka_unit_test(test_sup_start_timeout),
		cmocka_unit_test(test_sup_timeout_keeps_first_error),
		cmocka_unit_test(test_sup_hopeless_and_not),
		cmocka_unit_test(test_sup_stable_resets),
		cmocka_unit_test(test_sup_flapping_gives_up),
		cmocka_unit_test(test_sup_stop),
		cmocka_unit_test(test_sup_start_while_stopping),
		cmocka_unit_test(test_sup_spawn_failed),
		cmocka_unit_test(test_sup_defaults),
		cmocka_unit_test(test_sup_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
