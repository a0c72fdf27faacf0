/*
 * ratelimit: token buckets in a fixed hash table.
 */
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ratelimit.h"

struct rl_entry {
	uint8_t addr[16];           /* IPv4 as ::ffff:a.b.c.d */
	bool used;
	double tokens;
	int64_t last_ms;
	int64_t last_kod_ms;
};

struct rl_table {
	struct rl_conf conf;
	uint64_t key;
	size_t mask;
	struct rl_entry *e;
};

struct rl_table *
rl_new(size_t slots, const struct rl_conf *conf, uint64_t key)
{
	size_t n = 1;

	if (conf->interval_ms <= 0 || conf->burst < 1)
		return NULL;
	while (n < slots && n < ((size_t)1 << 24))
		n <<= 1;
	struct rl_table *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->e = calloc(n, sizeof(*t->e));
	if (t->e == NULL) {
		free(t);
		return NULL;
	}
	t->conf = *conf;
	t->key = key;
	t->mask = n - 1;
	return t;
}

void
rl_free(struct rl_table *t)
{
	if (t == NULL)
		return;
	free(t->e);
	free(t);
}

static int
addr16(const struct sockaddr *sa, uint8_t out[16])
{
	static const uint8_t v4prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (sa->sa_family == AF_INET) {
		memcpy(out, v4prefix, 12);
		memcpy(out + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(out, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
		return 0;
	}
	return -1;
}

/* A keyed FNV-1a variant with a final mix; the key keeps an attacker from
 * choosing addresses that collide on purpose. */
static uint64_t
hash_addr(const uint8_t a[16], uint64_t key)
{
	uint64_t h = 1469598103934665603ULL ^ key;

	for (int i = 0; i < 16; i++) {
		h ^= a[i];
		h *= 1099511628211ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

enum rl_verdict
rl_check(struct rl_table *t, const struct sockaddr *sa, int64_t now_ms)
{
	uint8_t a[16];

	if (addr16(sa, a) != 0)
		return RL_DROP;
	struct rl_entry *e = &t->e[hash_addr(a, t->key) & t->mask];
	if (!e->used || memcmp(e->addr, a, 16) != 0) {
		memcpy(e->addr, a, 16);
		e->used = true;
		e->tokens = t->conf.burst;
		e->last_ms = now_ms;
		e->last_kod_ms = now_ms - t->conf.interval_ms;
	}
	if (now_ms > e->last_ms) {
		e->tokens += (double)(now_ms - e->last_ms) / (double)t->conf.interval_ms;
		if (e->tokens > t->conf.burst)
			e->tokens = t->conf.burst;
		e->last_ms = now_ms;
	}
	if (e->tokens >= 1.0) {
		e->tokens -= 1.0;
		return RL_PASS;
	}
	if (now_ms - e->last_kod_ms >= t->conf.interval_ms) {
		e->last_kod_ms = now_ms;
		return RL_KOD;
	}
	return RL_DROP;
}
