/*
 * router: a router's console dialect (see router.h).
 */
#include "router.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const boot_log[] = {
	"",
	"U-Boot 2023.07 (Oct 02 2025 - 11:20:41 +0000) outpost-sim",
	"",
	"DRAM:  512 MiB",
	"Core:  42 devices, 17 uclasses, devicetree: separate",
	"MMC:   mmc@7e202000: 0",
	"Loading Environment from FAT... OK",
	"Hit any key to stop autoboot:  0",
	"Booting kernel from FIT image ...",
	"Starting kernel ...",
	"",
	"[    0.000000] Booting Linux on physical CPU 0x0",
	"[    0.000000] Linux version 6.6.31 (builder@outpost) #1 SMP PREEMPT",
	"[    0.000000] Machine model: outpost simulated router",
	"[    0.000000] Memory: 492340K/524288K available",
	"[    0.021356] clocksource: arch_sys_counter: mask: 0xffffffffffffff",
	"[    0.124700] Serial: 8250/16550 driver, 4 ports, IRQ sharing enabled",
	"[    0.131022] printk: console [ttyS0] enabled",
	"[    0.512300] mmcblk0: mmc0:aaaa SC16G 14.8 GiB",
	"[    0.689010] EXT4-fs (mmcblk0p2): mounted filesystem readonly",
	"[    0.701500] VFS: Mounted root (ext4 filesystem) readonly on device 179:2.",
	"[    0.702998] Run /sbin/init as init process",
	"[    1.104211] eth0: link up, 1Gbps, full-duplex",
	"[    1.230077] eth1: link up, 1Gbps, full-duplex",
	"Starting syslogd: OK",
	"Starting firewall: 412 rules loaded",
	"Starting dhcpd on eth1: OK",
	"Starting unbound: OK",
	"Starting sshd: OK",
	"Starting ntpd: OK",
	"",
};

static const char *const panic_log[] = {
	"[ 4711.007312] Unable to handle kernel NULL pointer dereference at virtual address 0",
	"[ 4711.007388] Internal error: Oops: 96000005 [#1] PREEMPT SMP",
	"[ 4711.007401] CPU: 0 PID: 1337 Comm: pf_state Not tainted 6.6.31 #1",
	"[ 4711.007450] pc : pf_state_expire+0x24/0x90",
	"[ 4711.007466] lr : pf_purge_thread+0x110/0x1a0",
	"[ 4711.007901] Kernel panic - not syncing: Oops: Fatal exception",
	"[ 4711.007950] Rebooting in 1 seconds..",
};

int
router_init(struct router *r, const char *hostname)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->hostname, sizeof(r->hostname), "%s", hostname);
	r->out_cap = 64 * 1024;
	r->out = malloc(r->out_cap);
	return r->out == NULL ? -1 : 0;
}

void
router_free(struct router *r)
{
	free(r->out);
	r->out = NULL;
}

static void
put(struct router *r, const void *p, size_t n)
{
	if (r->out_head > 0 && r->out_len + n > r->out_cap) {
		memmove(r->out, r->out + r->out_head, r->out_len - r->out_head);
		r->out_len -= r->out_head;
		r->out_head = 0;
	}
	if (r->out_len + n > r->out_cap) {
		size_t cap = r->out_cap;
		uint8_t *o;

		while (cap < r->out_len + n && cap < ROUTER_OUT_MAX)
			cap *= 2;
		if (cap > ROUTER_OUT_MAX)
			cap = ROUTER_OUT_MAX;
		if (r->out_len + n > cap || (o = realloc(r->out, cap)) == NULL) {
			r->lost += n;
			return;
		}
		r->out = o;
		r->out_cap = cap;
	}
	memcpy(r->out + r->out_len, p, n);
	r->out_len += n;
}

static void
puts_crlf(struct router *r, const char *s)
{
	put(r, s, strlen(s));
	put(r, "\r\n", 2);
}

static void
printf_crlf(struct router *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
printf_crlf(struct router *r, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	puts_crlf(r, buf);
}

static void
prompt(struct router *r)
{
	char p[96];

	switch (r->state) {
	case ROUTER_LOGIN:
		snprintf(p, sizeof(p), "%s login: ", r->hostname);
		break;
	case ROUTER_PASSWORD_PROMPT:
		snprintf(p, sizeof(p), "Password: ");
		break;
	case ROUTER_SHELL:
		snprintf(p, sizeof(p), "%s# ", r->hostname);
		break;
	}
	put(r, p, strlen(p));
}

void
router_boot(struct router *r)
{
	r->boots++;
	r->state = ROUTER_LOGIN;
	r->line_len = 0;
	for (size_t i = 0; i < sizeof(boot_log) / sizeof(boot_log[0]); i++)
		puts_crlf(r, boot_log[i]);
	printf_crlf(r, "outpost-sim router (%s) (ttyS0)", r->hostname);
	puts_crlf(r, "");
	prompt(r);
}

void
router_panic(struct router *r)
{
	puts_crlf(r, "");
	for (size_t i = 0; i < sizeof(panic_log) / sizeof(panic_log[0]); i++)
		puts_crlf(r, panic_log[i]);
	router_boot(r);
}

void
router_say(struct router *r, const char *text)
{
	puts_crlf(r, text);
}

void
router_flood(struct router *r, unsigned lines)
{
	/* 13 + 49 + CR LF: the 64-byte lines the help promises, which
	 * tests count on to turn dropped bytes into lines. */
	for (unsigned i = 0; i < lines; i++)
		printf_crlf(r, "flood %06u %.*s", i, 49,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
}

static void
shell(struct router *r, const char *cmd)
{
	if (cmd[0] == '\0') {
		/* nothing */
	} else if (strcmp(cmd, "show version") == 0) {
		printf_crlf(r, "outpost-sim router, firmware 2.4.1, hostname %s", r->hostname);
		printf_crlf(r, "booted %u time%s, serial console ttyS0", r->boots,
		    r->boots == 1 ? "" : "s");
	} else if (strcmp(cmd, "uptime") == 0) {
		puts_crlf(r, " 12:00:00 up 3 days,  4:05,  1 user,  load average: 0.01");
	} else if (strncmp(cmd, "echo ", 5) == 0) {
		puts_crlf(r, cmd + 5);
	} else if (strcmp(cmd, "help") == 0) {
		puts_crlf(r, "commands: show version, uptime, echo TEXT, reboot, exit");
	} else if (strcmp(cmd, "reboot") == 0 || strcmp(cmd, "reload") == 0) {
		puts_crlf(r, "Rebooting.");
		router_boot(r);
		return;
	} else if (strcmp(cmd, "exit") == 0 || strcmp(cmd, "logout") == 0) {
		r->state = ROUTER_LOGIN;
		puts_crlf(r, "");
	} else {
		printf_crlf(r, "sh: %.*s: not found", (int)strcspn(cmd, " "), cmd);
	}
	prompt(r);
}

static void
enter(struct router *r)
{
	r->line[r->line_len] = '\0';
	memcpy(r->last_line, r->line, r->line_len + 1);
	r->line_len = 0;
	put(r, "\r\n", 2);
	switch (r->state) {
	case ROUTER_LOGIN:
		if (r->line[0] == '\0') {
			prompt(r);
			return;
		}
		snprintf(r->user, sizeof(r->user), "%.31s", r->line);
		r->state = ROUTER_PASSWORD_PROMPT;
		prompt(r);
		return;
	case ROUTER_PASSWORD_PROMPT:
		if (strcmp(r->line, ROUTER_PASSWORD) != 0) {
			puts_crlf(r, "");
			puts_crlf(r, "Login incorrect");
			r->state = ROUTER_LOGIN;
			prompt(r);
			return;
		}
		r->logins++;
		printf_crlf(r, "Welcome, %s.", r->user);
		r->state = ROUTER_SHELL;
		prompt(r);
		return;
	case ROUTER_SHELL:
		shell(r, r->line);
		return;
	}
}

static void
typed(struct router *r, uint8_t c)
{
	bool echo = r->state != ROUTER_PASSWORD_PROMPT;

	if (c == '\n' && r->last_cr) {
		r->last_cr = false;
		return;
	}
	r->last_cr = c == '\r';
	if (c == '\r' || c == '\n') {
		enter(r);
	} else if (c == 0x7f || c == 0x08) {
		if (r->line_len > 0) {
			r->line_len--;
			if (echo)
				put(r, "\b \b", 3);
		}
	} else if (c == 0x03) {
		put(r, "^C\r\n", 4);
		r->line_len = 0;
		prompt(r);
	} else if (c >= 0x20 && c < 0x7f && r->line_len + 1 < sizeof(r->line)) {
		r->line[r->line_len++] = (char)c;
		if (echo)
			put(r, &c, 1);
	}
}

void
router_input(struct router *r, const uint8_t *buf, size_t len)
{
	r->received += len;
	for (size_t i = 0; i < len; i++)
		typed(r, buf[i]);
}

const uint8_t *
router_output(const struct router *r, size_t *len)
{
	*len = r->out_len - r->out_head;
	return r->out + r->out_head;
}

void
router_consume(struct router *r, size_t n)
{
	if (n > r->out_len - r->out_head)
		n = r->out_len - r->out_head;
	r->out_head += n;
	if (r->out_head == r->out_len)
		r->out_head = r->out_len = 0;
}
