/*
 * Fuzz the classifier of ssh's stderr (outside input: the relay chooses
 * some of what ssh prints).  The input is split at '\n' like the child
 * module splits ssh's output; each line is classified, exactly as long as
 * it is (no NUL, so reading past it shows up under ASan), summarized into a
 * small buffer, and fed to a supervisor.  Also the whole input as one line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_event(const struct tunnel_event *ev, enum tunnel_kind k)
{
	const struct tunnel_conf tc = { .relay_host = "relay.example.org", .user = "oobd",
		.identity_file = "/k", .remote_port = 31337 };
	char small[24];

	if (ev->kind != k || ev->port < 0 || ev->port > 65535 ||
	    (unsigned)k > TUNNEL_SERVER_TIMEOUT)
		abort();
	if (k == TUNNEL_OTHER && ev->why != TUNNEL_WHY_NONE)
		abort();
	memset(small, 0x55, sizeof(small));
	(void)tunnel_summary(&tc, ev, small, sizeof(small));
	if (memchr(small, '\0', sizeof(small)) == NULL)
		abort();
}

static void classify_exact(const uint8_t *p, size_t n, struct tunnel_sup *sup, int64_t now)
{
	struct tunnel_event ev;
	enum tunnel_kind k;
	char *copy;

	/* A heap copy of exactly n bytes: one byte too far is a crash. */
	copy = malloc(n ? n : 1);
	if (copy == NULL)
		return;
	memcpy(copy, p, n);
	k = tunnel_classify(copy, n, &ev);
	check_event(&ev, k);
	(void)tunnel_sup_event(sup, now, &ev);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tunnel_sup sup;
	const uint8_t *p = data, *nl;
	size_t left = size;
	int64_t now = 0;

	tunnel_sup_init(&sup, NULL);
	(void)tunnel_sup_start(&sup, now);
	while (left > 0) {
		nl = memchr(p, '\n', left);
		size_t n = nl ? (size_t)(nl - p) : left;

		classify_exact(p, n, &sup, now++);
		if (nl == NULL)
			break;
		p = nl + 1;
		left -= n + 1;
	}
	classify_exact(data, size, &sup, now);
	(void)tunnel_sup_exited(&sup, now + 1, 255 << 8);
	if (sup.state == TUNNEL_STARTING || sup.state == TUNNEL_UP || sup.running)
		abort();
	return 0;
}
