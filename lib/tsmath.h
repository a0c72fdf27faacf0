/*
 * tsmath: arithmetic on struct timespec.
 *
 * All results are normalised: 0 <= tv_nsec < 1e9, the sign lives in tv_sec.
 * So -0.25 s is {-1, 750000000}.  Conversions to double lose precision
 * beyond ~0.2 ns at today's Unix times; use them for offsets, not epochs.
 */
#ifndef OUTPOST_TSMATH_H
#define OUTPOST_TSMATH_H

#include <stdint.h>
#include <time.h>

#define TS_NSEC_PER_SEC 1000000000L

struct timespec ts_normalize(struct timespec a);
struct timespec ts_add(struct timespec a, struct timespec b);
struct timespec ts_sub(struct timespec a, struct timespec b);
struct timespec ts_add_ns(struct timespec a, int64_t ns);
int ts_cmp(struct timespec a, struct timespec b); /* -1, 0, 1 */
double ts_to_double(struct timespec a);
struct timespec ts_from_double(double seconds);
int64_t ts_to_ns(struct timespec a); /* saturates at INT64_MIN/MAX */
struct timespec ts_from_ns(int64_t ns);
int64_t ts_to_ms(struct timespec a); /* rounds toward -inf */

/* CLOCK_MONOTONIC and CLOCK_REALTIME now. */
struct timespec ts_now_mono(void);
struct timespec ts_now_real(void);
/* CLOCK_MONOTONIC now in milliseconds: the clock of the event loop's
 * timers, the modem driver, the rate limiters and the session machine. */
int64_t ts_mono_ms(void);

#endif
