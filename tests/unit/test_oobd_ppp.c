/*
 * Unit tests for oobd/ppp: the generated chat script, pppd peers file and
 * ppp.conf section, byte for byte; the values refused; the files' mode.
 * Then the real programs: chat(8) runs the generated script against a
 * modem played by the test on a pseudo-terminal (what reaches the modem is
 * exactly what was meant, quotes and '^' included), and pppd parses the
 * generated peers file ("dryrun"; this kernel has no PPP, so pppd stops
 * after the options with exit 4 "no kernel support", while a bad option
 * stops it earlier with exit 2).  Both come with Debian's ppp package.
 */
#define _XOPEN_SOURCE 700	/* posix_openpt and friends */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ppp.h"

static struct ppp_conf seed_conf(void)
{
	struct ppp_conf pc = {
		.device = "/dev/ttyUSB0",
		.apn = "internet",
	};

	return pc;
}

static const char seed_chat[] =
    "# oobd: chat script for the cellular data link (generated at each start)\n"
    "ABORT 'BUSY'\n"
    "ABORT 'NO CARRIER'\n"
    "ABORT 'NO DIALTONE'\n"
    "ABORT 'NO ANSWER'\n"
    "ABORT 'ERROR'\n"
    "TIMEOUT 10\n"
    "'' 'ATZ'\n"
    "OK 'ATE0'\n"
    "OK 'AT+CGDCONT=1,\"IP\",\"internet\"'\n"
    "TIMEOUT 60\n"
    "OK 'ATD*99#'\n"
    "CONNECT ''\n";

static const char seed_peers[] =
    "# oobd: pppd options for the cellular data link (generated at each start)\n"
    "/dev/ttyUSB0\n"
    "115200\n"
    "connect \"/usr/sbin/chat -v -s -f /run/oobd/oobd.chat\"\n"
    "nodetach\n"
    "logfd 2\n"
    "linkname oobd\n"
    "ipparam oobd\n"
    "maxfail 1\n"
    "nopersist\n"
    "noauth\n"
    "nodefaultroute\n"
    "noipdefault\n"
    "ipcp-accept-local\n"
    "ipcp-accept-remote\n"
    "crtscts\n"
    "modem\n"
    "nolock\n"
    "lcp-echo-interval 10\n"
    "lcp-echo-failure 3\n"
    "novj\n"
    "noccp\n"
    "hide-password\n";

static void test_seed_defaults(void **state)
{
	struct ppp_conf pc = seed_conf();
	char buf[PPP_TEXT_MAX], err[PPP_ERRLEN];

	(void)state;
	assert_int_equal(ppp_chat_text(&pc, buf, sizeof(buf), err, sizeof(err)), 0);
	assert_string_equal(buf, seed_chat);
	assert_int_equal(ppp_peers_text(&pc, "/run/oobd/oobd.chat", buf, sizeof(buf), err,
	    sizeof(err)), 0);
	assert_string_equal(buf, seed_peers);
	/* No default route, no persist, no peer DNS, nowhere in the file. */
	assert_null(strstr(buf, "\ndefaultroute"));
	assert_null(strstr(buf, "\npersist"));
	assert_null(strstr(buf, "usepeerdns"));
}

static struct ppp_conf full_conf(void)
{
	struct ppp_conf pc = {
		.device = "/dev/ttyUSB0",
		.speed = 460800,
		.apn = "web.vodafone.de",
		.number = "*99***1#",
		.cid = 1,
		.init = { "AT^SYSCFG=14,2,3FFFFFFF,0,1", "AT+COPS=1,2,\"26202\"" },
		.ninit = 2,
		.user = "vodafone",
		.password = "p#ss$word",
		.ifname = "ppp-oob",
		.lcp_echo_interval = 20,
		.lcp_echo_failure = 5,
		.usepeerdns = true,
		.lock = true,
		.label = "cell",
	};

	return pc;
}

static void test_full_linux(void **state)
{
	struct ppp_conf pc = full_conf();
	char buf[PPP_TEXT_MAX], err[PPP_ERRLEN];

	(void)state;
	assert_int_equal(ppp_chat_text(&pc, buf, sizeof(buf), err, sizeof(err)), 0);
	assert_string_equal(buf,
	    "# oobd: chat script for the cellular data link (generated at each start)\n"
	    "ABORT 'BUSY'\n"
	    "ABORT 'NO CARRIER'\n"
	    "ABORT 'NO DIALTONE'\n"
	    "ABORT 'NO ANSWER'\n"
	    "ABORT 'ERROR'\n"
	    "TIMEOUT 10\n"
	    "'' 'ATZ'\n"
	    "OK 'ATE0'\n"
	    "OK 'AT+CGDCONT=1,\"IP\",\"web.vodafone.de\"'\n"
	    "OK 'AT\\136SYSCFG=14,2,3FFFFFFF,0,1'\n"
	    "OK 'AT+COPS=1,2,\"26202\"'\n"
	    "TIMEOUT 60\n"
	    "OK 'ATD*99***1#'\n"
	    "CONNECT ''\n");
	assert_int_equal(ppp_peers_text(&pc, "/var/run/oobd/oobd.chat", buf, sizeof(buf), err,
	    sizeof(err)), 0);
	assert_string_equal(buf,
	    "# oobd: pppd options for the cellular data link (generated at each start)\n"
	    "/dev/ttyUSB0\n"
	    "460800\n"
	    "connect \"/usr/sbin/chat -v -s -f /var/run/oobd/oobd.chat\"\n"
	    "nodetach\n"
	    "logfd 2\n"
	    "linkname cell\n"
	    "ipparam cell\n"
	    "maxfail 1\n"
	    "nopersist\n"
	    "noauth\n"
	    "nodefaultroute\n"
	    "noipdefault\n"
	    "ipcp-accept-local\n"
	    "ipcp-accept-remote\n"
	    "crtscts\n"
	    "modem\n"
	    "lock\n"
	    "lcp-echo-interval 20\n"
	    "lcp-echo-failure 5\n"
	    "novj\n"
	    "noccp\n"
	    "usepeerdns\n"
	    "ifname ppp-oob\n"
	    "user \"vodafone\"\n"
	    "password \"p#ss$word\"\n"
	    "hide-password\n");
}

static void test_freebsd_section(void **state)
{
	struct ppp_conf pc = seed_conf();
	char buf[PPP_TEXT_MAX], err[PPP_ERRLEN];
	struct ppp_argv a;

	(void)state;
	pc.device = "/dev/cuaU0.0";
	assert_int_equal(ppp_freebsd_text(&pc, buf, sizeof(buf), err, sizeof(err)), 0);
	assert_string_equal(buf,
	    "# oobd: ppp(8) section for the cellular data link (generated at each start)\n"
	    "oobd:\n"
	    " set device /dev/cuaU0.0\n"
	    " set speed 115200\n"
	    " set ctsrts on\n"
	    " set phone \"*99#\"\n"
	    " set dial \"ABORT BUSY ABORT NO\\\\sCARRIER ABORT NO\\\\sDIALTONE "
	    "ABORT NO\\\\sANSWER ABORT ERROR TIMEOUT 10 \\\"\\\" ATZ OK ATE0 OK "
	    "AT+CGDCONT=1,\\\\\\\"IP\\\\\\\",\\\\\\\"internet\\\\\\\" TIMEOUT 60 OK ATD\\\\T "
	    "CONNECT\"\n"
	    " set login\n"
	    " set timeout 0\n"
	    " set redial 0 1\n"
	    " set reconnect 0 0\n"
	    " set ifaddr 10.0.0.1/0 10.0.0.2/0 255.255.255.255 0.0.0.0\n"
	    " enable echo\n"
	    " set echoperiod 10\n"
	    " disable ipv6cp\n"
	    " disable dns\n");
	assert_null(strstr(buf, "add default"));

	pc = full_conf();
	assert_int_equal(ppp_freebsd_text(&pc, buf, sizeof(buf), err, sizeof(err)), 0);
	/* '^' and '"' in an init string, escaped for chat and again for ppp.conf */
	assert_non_null(strstr(buf, " OK AT\\\\^SYSCFG=14,2,3FFFFFFF,0,1 OK "
	    "AT+COPS=1,2,\\\\\\\"26202\\\\\\\" TIMEOUT 60 "));
	assert_non_null(strstr(buf, "\ncell:\n"));
	assert_non_null(strstr(buf, "\n set phone \"*99***1#\"\n"));
	assert_non_null(strstr(buf, "\n enable dns\n iface name ppp-oob\n"
	    " set authname \"vodafone\"\n set authkey \"p#ss$word\"\n"));

	assert_int_equal(ppp_freebsd_argv(&pc, &a, err, sizeof(err)), 0);
	assert_int_equal(a.argc, 3);
	assert_string_equal(a.argv[0], "/usr/sbin/ppp");
	assert_string_equal(a.argv[1], "-foreground");
	assert_string_equal(a.argv[2], "cell");
	assert_null(a.argv[3]);
}

static void test_pppd_argv(void **state)
{
	struct ppp_argv a;
	char err[PPP_ERRLEN];

	(void)state;
	assert_int_equal(ppp_pppd_argv("/run/oobd/oobd.peers", &a, err, sizeof(err)), 0);
	assert_int_equal(a.argc, 4);
	assert_string_equal(a.argv[0], "/usr/sbin/pppd");
	assert_string_equal(a.argv[1], "file");
	assert_string_equal(a.argv[2], "/run/oobd/oobd.peers");
	assert_string_equal(a.argv[3], "nodetach");
	assert_null(a.argv[4]);
	assert_int_equal(ppp_pppd_argv("oobd.peers", &a, err, sizeof(err)), -1);
	assert_int_equal(ppp_pppd_argv("/run/my peers", &a, err, sizeof(err)), -1);
}

struct bad {
	const char *what;
	void (*apply)(struct ppp_conf *pc);
	const char *msg;
};

static void bad_apn_quote(struct ppp_conf *pc) { pc->apn = "inter\"net"; }
static void bad_apn_space(struct ppp_conf *pc) { pc->apn = "inter net"; }
static void bad_apn_newline(struct ppp_conf *pc) { pc->apn = "internet\nconnect /bin/sh"; }
static void bad_apn_empty(struct ppp_conf *pc) { pc->apn = ""; }
static void bad_apn_null(struct ppp_conf *pc) { pc->apn = NULL; }
static void bad_apn_long(struct ppp_conf *pc)
{
	pc->apn = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
}
static void bad_number(struct ppp_conf *pc) { pc->number = "*99#;ATH"; }
static void bad_number_quote(struct ppp_conf *pc) { pc->number = "*99'#"; }
static void bad_init_space(struct ppp_conf *pc) { pc->init[0] = "AT Z"; pc->ninit = 1; }
static void bad_init_quote(struct ppp_conf *pc) { pc->init[0] = "AT'"; pc->ninit = 1; }
static void bad_init_backslash(struct ppp_conf *pc) { pc->init[0] = "AT\\c"; pc->ninit = 1; }
static void bad_init_not_at(struct ppp_conf *pc) { pc->init[0] = "!reboot"; pc->ninit = 1; }
static void bad_init_keyword(struct ppp_conf *pc) { pc->init[0] = "BREAK"; pc->ninit = 1; }
static void bad_init_null(struct ppp_conf *pc) { pc->init[0] = NULL; pc->ninit = 1; }
static void bad_init_count(struct ppp_conf *pc) { pc->ninit = PPP_INIT_MAX + 1; }
static void bad_user(struct ppp_conf *pc) { pc->user = "we b"; }
static void bad_password(struct ppp_conf *pc) { pc->password = "x\"\nnoauth"; }
static void bad_device(struct ppp_conf *pc) { pc->device = "ttyUSB0"; }
static void bad_device_shell(struct ppp_conf *pc) { pc->device = "/dev/tty;reboot"; }
static void bad_device_dotdot(struct ppp_conf *pc) { pc->device = "/dev/../etc/passwd"; }
static void bad_speed(struct ppp_conf *pc) { pc->speed = 12345; }
static void bad_ifname(struct ppp_conf *pc) { pc->ifname = "a-very-long-ifname"; }
static void bad_ifname_opt(struct ppp_conf *pc) { pc->ifname = "-x"; }
static void bad_label(struct ppp_conf *pc) { pc->label = "oob d"; }
static void bad_echo(struct ppp_conf *pc) { pc->lcp_echo_interval = -1; }
static void bad_cid(struct ppp_conf *pc) { pc->cid = 17; }

static void test_rejects(void **state)
{
	static const struct bad bads[] = {
		{ "apn quote", bad_apn_quote, "apn: letters, digits and .-_ only" },
		{ "apn space", bad_apn_space, "apn: letters, digits and .-_ only" },
		{ "apn newline", bad_apn_newline, "apn: letters, digits and .-_ only" },
		{ "apn empty", bad_apn_empty, "apn: letters, digits and .-_ only" },
		{ "apn null", bad_apn_null, "apn: letters, digits and .-_ only" },
		{ "apn long", bad_apn_long, "apn: letters, digits and .-_ only" },
		{ "number", bad_number, "dial number: digits and *#+ only" },
		{ "number quote", bad_number_quote, "dial number: digits and *#+ only" },
		{ "init space", bad_init_space,
		  "init string 1: must start with AT, printable, without spaces, ' or \\" },
		{ "init quote", bad_init_quote,
		  "init string 1: must start with AT, printable, without spaces, ' or \\" },
		{ "init backslash", bad_init_backslash,
		  "init string 1: must start with AT, printable, without spaces, ' or \\" },
		{ "init exec", bad_init_not_at,
		  "init string 1: must start with AT, printable, without spaces, ' or \\" },
		{ "init keyword", bad_init_keyword,
		  "init string 1: must start with AT, printable, without spaces, ' or \\" },
		{ "init null", bad_init_null,
		  "init string 1: must start with AT, printable, without spaces, ' or \\" },
		{ "init count", bad_init_count, "too many init strings (at most 8)" },
		{ "user", bad_user, "ppp user: printable, without spaces, quotes or \\" },
		{ "password", bad_password,
		  "ppp password: printable, without spaces, quotes or \\" },
		{ "device relative", bad_device, "ppp device: not a plain absolute path" },
		{ "device shell", bad_device_shell, "ppp device: not a plain absolute path" },
		{ "device dotdot", bad_device_dotdot, "ppp device: not a plain absolute path" },
		{ "speed", bad_speed, "ppp speed 12345: not a standard rate" },
		{ "ifname long", bad_ifname, "ppp interface name: bad name" },
		{ "ifname option", bad_ifname_opt, "ppp interface name: bad name" },
		{ "label", bad_label, "ppp label: bad name" },
		{ "echo", bad_echo, "lcp echo interval out of range (1-3600 s)" },
		{ "cid", bad_cid, "pdp context 17 out of range (1-16)" },
	};
	char buf[PPP_TEXT_MAX], err[PPP_ERRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct ppp_conf pc = seed_conf();

		bads[i].apply(&pc);
		err[0] = '\0';
		if (ppp_chat_text(&pc, buf, sizeof(buf), err, sizeof(err)) != -1)
			fail_msg("%s: chat script accepted", bads[i].what);
		if (strcmp(err, bads[i].msg) != 0)
			fail_msg("%s: \"%s\"", bads[i].what, err);
		assert_int_equal(ppp_peers_text(&pc, "/run/c", buf, sizeof(buf), err,
		    sizeof(err)), -1);
		assert_int_equal(ppp_freebsd_text(&pc, buf, sizeof(buf), err, sizeof(err)), -1);
	}
	{
		struct ppp_conf pc = seed_conf();

		assert_int_equal(ppp_peers_text(&pc, "/run/my chat", buf, sizeof(buf), err,
		    sizeof(err)), -1);
		assert_string_equal(err, "chat script path: not a plain absolute path");
	}
}

static void test_buffers(void **state)
{
	struct ppp_conf pc = full_conf();
	char small[100], err[PPP_ERRLEN], buf[PPP_TEXT_MAX];
	static const char long_init[] = "AT+CGDCONT=2,\"IPV4V6\",\"a.very.long.apn.name.example."
	    "org\",\"0.0.0.0\",0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0";

	(void)state;
	memset(small, 'x', sizeof(small));
	assert_int_equal(ppp_chat_text(&pc, small, sizeof(small), err, sizeof(err)), -1);
	assert_string_equal(err, "chat script: does not fit in 100 bytes");
	assert_non_null(memchr(small, '\0', sizeof(small)));
	assert_int_equal(ppp_peers_text(&pc, "/run/c", small, sizeof(small), err, sizeof(err)),
	    -1);
	assert_int_equal(ppp_freebsd_text(&pc, small, sizeof(small), err, sizeof(err)), -1);
	/* ppp(8) reads lines of at most 512 bytes: a dial script longer than
	 * that is refused rather than cut. */
	pc.ninit = 0;
	while (pc.ninit < 4)
		pc.init[pc.ninit++] = long_init;
	assert_int_equal(ppp_chat_text(&pc, buf, sizeof(buf), err, sizeof(err)), 0);
	assert_int_equal(ppp_freebsd_text(&pc, buf, sizeof(buf), err, sizeof(err)), -1);
	assert_string_equal(err, "ppp.conf: dial script longer than 500 bytes (fewer or "
	    "shorter init strings)");
}

/* ---- files ---- */

static void make_dir(char *dir)
{
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0700), 0);
}

static void remove_dir(const char *dir)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_write_file(void **state)
{
	char dir[] = "/tmp/test_ppp.XXXXXX", path[256], err[PPP_ERRLEN], link[300], buf[64];
	struct stat st;
	mode_t old;
	FILE *f;

	(void)state;
	make_dir(dir);
	old = umask(0);		/* a careless umask still gives 0600 */
	assert_int_equal(ppp_write_file(dir, "oobd.peers", "first\n", path, sizeof(path), err,
	    sizeof(err)), 0);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(ppp_write_file(dir, "oobd.peers", "second\n", NULL, 0, err,
	    sizeof(err)), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "second\n");

	assert_int_equal(ppp_write_file(dir, "../x", "x", NULL, 0, err, sizeof(err)), -1);
	assert_int_equal(ppp_write_file("relative", "x", "x", NULL, 0, err, sizeof(err)), -1);
	/* A directory others may write to could be raced: refused. */
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(ppp_write_file(dir, "x", "x", NULL, 0, err, sizeof(err)), -1);
	snprintf(buf, sizeof(buf), "%s: writable by group or others", dir);
	assert_string_equal(err, buf);
	assert_int_equal(chmod(dir, 0700), 0);
	/* A symlink to a directory is not the directory. */
	snprintf(link, sizeof(link), "%s-link", dir);
	assert_int_equal(symlink(dir, link), 0);
	assert_int_equal(ppp_write_file(link, "x", "x", NULL, 0, err, sizeof(err)), -1);
	unlink(link);
	remove_dir(dir);
}

static void test_prepare(void **state)
{
	char dir[] = "/tmp/test_ppp.XXXXXX", path[300], err[PPP_ERRLEN];
	struct ppp_conf pc = seed_conf();
	struct ppp_argv a;
	struct stat st;

	(void)state;
	make_dir(dir);
	pc.password = "secret";
	assert_int_equal(ppp_prepare(&pc, dir, &a, err, sizeof(err)), 0);
	if (strcmp(a.argv[0], PPP_PPPD_PATH) == 0) {
		snprintf(path, sizeof(path), "%s/%s", dir, PPP_PEERS_NAME);
		assert_string_equal(a.argv[2], path);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		snprintf(path, sizeof(path), "%s/%s", dir, PPP_CHAT_NAME);
	} else {
		assert_string_equal(a.argv[0], PPP_FREEBSD_PATH);
		snprintf(path, sizeof(path), "%s/%s", dir, PPP_FREEBSD_NAME);
	}
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	pc.apn = "bad apn";
	assert_int_equal(ppp_prepare(&pc, dir, &a, err, sizeof(err)), -1);
	remove_dir(dir);
}

/* ---- the real chat and pppd ---- */

static void need_program(const char *path)
{
	if (access(path, X_OK) != 0)
		fail_msg("%s is missing: install Debian's ppp package (scripts/deps.sh check)",
		    path);
}

static int open_pty(char *slave, size_t len)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	assert_true(m >= 0);
	assert_int_equal(grantpt(m), 0);
	assert_int_equal(unlockpt(m), 0);
	snprintf(slave, len, "%s", ptsname(m));
	return m;
}

struct modem {
	char cmds[16][256];
	int ncmds;
	const char *error_on;	/* answer ERROR to the command starting so */
};

static void modem_answer(int m, struct modem *md, const char *cmd)
{
	const char *reply = "\r\nOK\r\n";

	if (md->ncmds < 16)
		snprintf(md->cmds[md->ncmds], sizeof(md->cmds[0]), "%s", cmd);
	md->ncmds++;
	if (md->error_on != NULL && strncmp(cmd, md->error_on, strlen(md->error_on)) == 0)
		reply = "\r\nERROR\r\n";
	else if (strncmp(cmd, "ATD", 3) == 0)
		reply = "\r\nCONNECT 7200000\r\n";
	assert_int_equal(write(m, reply, strlen(reply)), (ssize_t)strlen(reply));
}

/* Play the modem until chat exits; returns chat's wait status. */
static int run_chat(const char *script, struct modem *md, char *log, size_t loglen)
{
	char slave[64], line[256], logpath[] = "/tmp/test_ppp_chat.XXXXXX";
	struct pollfd pfd;
	size_t n = 0;
	time_t end = time(NULL) + 30;
	int m, status = -1, logfd;
	pid_t pid;
	ssize_t r;
	char c;

	m = open_pty(slave, sizeof(slave));
	logfd = mkstemp(logpath);
	assert_true(logfd >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int s = open(slave, O_RDWR | O_NOCTTY);

		if (s < 0 || dup2(s, 0) < 0 || dup2(s, 1) < 0 || dup2(logfd, 2) < 0)
			_exit(120);
		execl(PPP_CHAT_PATH, "chat", "-v", "-s", "-f", script, (char *)NULL);
		_exit(121);
	}
	pfd.fd = m;
	pfd.events = POLLIN;
	while (time(NULL) < end) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		r = read(m, &c, 1);
		if (r != 1)
			continue;	/* EIO once chat has closed the slave */
		if (c == '\r' || c == '\n') {
			line[n] = '\0';
			if (n > 0)
				modem_answer(m, md, line);
			n = 0;
		} else if (n < sizeof(line) - 1) {
			line[n++] = c;
		}
	}
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		status = -1;
	}
	close(m);
	r = pread(logfd, log, loglen - 1, 0);
	log[r > 0 ? r : 0] = '\0';
	close(logfd);
	unlink(logpath);
	return status;
}

static void test_chat_against_modem(void **state)
{
	char dir[] = "/tmp/test_ppp.XXXXXX", path[300], text[PPP_TEXT_MAX], err[PPP_ERRLEN];
	char log[8192];
	struct ppp_conf pc = full_conf();
	struct modem md = { .ncmds = 0 };
	int st;

	(void)state;
	need_program(PPP_CHAT_PATH);
	make_dir(dir);
	assert_int_equal(ppp_chat_text(&pc, text, sizeof(text), err, sizeof(err)), 0);
	assert_int_equal(ppp_write_file(dir, PPP_CHAT_NAME, text, path, sizeof(path), err,
	    sizeof(err)), 0);
	st = run_chat(path, &md, log, sizeof(log));
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		fail_msg("chat status %d; its log:\n%s", st, log);
	assert_int_equal(md.ncmds, 6);
	assert_string_equal(md.cmds[0], "ATZ");
	assert_string_equal(md.cmds[1], "ATE0");
	assert_string_equal(md.cmds[2], "AT+CGDCONT=1,\"IP\",\"web.vodafone.de\"");
	assert_string_equal(md.cmds[3], "AT^SYSCFG=14,2,3FFFFFFF,0,1");
	assert_string_equal(md.cmds[4], "AT+COPS=1,2,\"26202\"");
	assert_string_equal(md.cmds[5], "ATD*99***1#");

	/* A modem that refuses the APN: chat gives up there (ABORT "ERROR" is
	 * the fifth abort string: exit status 8) and never dials. */
	memset(&md, 0, sizeof(md));
	md.error_on = "AT+CGDCONT";
	st = run_chat(path, &md, log, sizeof(log));
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 8))
		fail_msg("chat status %d; its log:\n%s", st, log);
	assert_int_equal(md.ncmds, 3);
	remove_dir(dir);
}

/* pppd dryrun on the generated file: exit status, and what it said. */
static int pppd_dryrun(const char *peers, char *out, size_t outlen)
{
	char cmd[600];
	FILE *p;
	size_t n;
	int st;

	snprintf(cmd, sizeof(cmd), "%s file %s dryrun 2>&1", PPP_PPPD_PATH, peers);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, outlen - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_pppd_accepts_peers_file(void **state)
{
	char dir[] = "/tmp/test_ppp.XXXXXX", slave[64], out[4096], err[PPP_ERRLEN];
	struct ppp_conf pc = full_conf();
	struct ppp_argv a;
	int m, st;
	FILE *f;

	(void)state;
	need_program(PPP_PPPD_PATH);
	if (geteuid() != 0)
		fail_msg("pppd's noauth and file options need root");
	make_dir(dir);
	/* pppd insists the device exists: a pseudo-terminal stands in. */
	m = open_pty(slave, sizeof(slave));
	pc.device = slave;
	assert_int_equal(ppp_prepare(&pc, dir, &a, err, sizeof(err)), 0);
	assert_string_equal(a.argv[0], PPP_PPPD_PATH);
	st = pppd_dryrun(a.argv[2], out, sizeof(out));
	/* 0: parsed and printed (a kernel with PPP); 4: parsed, then no
	 * /dev/ppp here.  2 would be an option error. */
	if (st != 0 && st != 4)
		fail_msg("pppd exit %d:\n%s", st, out);
	assert_null(strstr(out, "unrecognized option"));
	assert_null(strstr(out, "In file"));

	/* The check can fail: one unknown word makes pppd stop with 2. */
	f = fopen(a.argv[2], "a");
	assert_non_null(f);
	fputs("no-such-pppd-option\n", f);
	fclose(f);
	st = pppd_dryrun(a.argv[2], out, sizeof(out));
	assert_int_equal(st, 2);
	assert_non_null(strstr(out, "unrecognized option 'no-such-pppd-option'"));
	close(m);
	remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_defaults),
		cmocka_unit_test(test_full_linux),
		cmocka_unit_test(test_freebsd_section),
		cmocka_unit_test(test_pppd_argv),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_buffers),
		cmocka_unit_test(test_write_file),
		cmocka_unit_test(test_prepare),
		cmocka_unit_test(test_chat_against_modem),
		cmocka_unit_test(test_pppd_accepts_peers_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
