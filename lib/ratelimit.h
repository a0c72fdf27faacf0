/*
 * ratelimit: per-client request limiting for a datagram server.
 *
 * Each client address has a token bucket: `burst` tokens, refilled at one
 * token per `interval_ms`.  A request that finds a token passes.  One that
 * does not is limited: the first limited request in each interval gets
 * RL_KOD (the server answers with a kiss-o'-death so a well-behaved client
 * backs off), the rest RL_DROP, so a flood is never amplified.
 *
 * Memory is fixed: a table of `slots` entries indexed by a keyed hash of the
 * address; a new client evicts whatever shared its slot, which at worst
 * forgives a heavy client, never blocks a light one.  Time is a monotonic
 * millisecond count supplied by the caller.
 */
#ifndef OUTPOST_RATELIMIT_H
#define OUTPOST_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum rl_verdict { RL_PASS = 0, RL_KOD, RL_DROP };

struct rl_conf {
	int64_t interval_ms;        /* average interval a client may use */
	int burst;                  /* requests allowed back to back */
};

struct rl_table;

/* slots: rounded up to a power of two; key: hash key (random at start). */
struct rl_table *rl_new(size_t slots, const struct rl_conf *conf, uint64_t key);
void rl_free(struct rl_table *t);
enum rl_verdict rl_check(struct rl_table *t, const struct sockaddr *sa, int64_t now_ms);

#endif
