/*
 * Fuzz one association: any datagrams, at any times, between its polls.
 *
 * Input: byte 0 picks the mode (bit 0: symmetric), iburst (bit 1) and the
 * clock's era (bits 2-3: today, just before 2036's wrap, just before
 * 2038's, or a time taken from the input); bytes 1-2 minpoll and maxpoll.
 * Then records: a control byte, a length byte (low 7 bits: a datagram of
 * up to 127 bytes follows the record) and a time step byte.  Control bit
 * 0: put our last transmit in the origin field (else the fuzzer would
 * rarely get past the origin test); bit 1: poll first if due (bit 2: as
 * a synchronised system; byte 0's bit 4 for the first poll); bits 4-6
 * with the length's top bit scale the step, 1/16 s to 2^4 s a unit.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const time_t bases[3] = { 1764000000, 2085978496 - 600, 2147483648LL - 600 };

static struct timespec
clock_at(time_t base, double now)
{
	double whole = floor(now);
	struct timespec t;

	t.tv_sec = base + (time_t)whole;
	t.tv_nsec = (long)((now - whole) * 1e9);
	if (t.tv_nsec > 999999999L)
		t.tv_nsec = 999999999L;
	return t;
}

static void
check(const struct assoc *a, double now)
{
	const struct filter *f = &a->filter;
	double off[FILTER_STAGES], del[FILTER_STAGES], disp[FILTER_STAGES], d;
	const uint16_t known = ASSOC_FLASH_DUP | ASSOC_FLASH_BOGUS | ASSOC_FLASH_UNSYNC |
	    ASSOC_FLASH_DIST | ASSOC_FLASH_LEAP | ASSOC_FLASH_HEADER | ASSOC_FLASH_KOD;

	if (a->reach > 0xff || (a->flash & ~known) != 0)
		abort();
	if (a->conf.minpoll < ASSOC_POLL_MIN || a->conf.maxpoll > ASSOC_POLL_MAX ||
	    a->conf.minpoll > a->conf.maxpoll)
		abort();
	if (a->hpoll < a->conf.minpoll || a->hpoll > a->conf.maxpoll)
		abort();
	if (a->burst < 0 || a->burst >= ASSOC_BURST || a->unreach < 0)
		abort();
	if (a->poll_score < -ASSOC_POLL_LIMIT || a->poll_score > ASSOC_POLL_LIMIT)
		abort();
	if (f->n < 0 || f->n > FILTER_STAGES || f->used < 0)
		abort();
	if (!isfinite(a->next) || !isfinite(f->offset) || !isfinite(f->delay) ||
	    !isfinite(f->disp) || !isfinite(f->jitter) || !isfinite(a->last_jitter))
		abort();
	if (f->disp < 0.0 || f->jitter < 0.0)
		abort();
	for (int i = 0; i < f->n; i++)
		if (!isfinite(f->st[i].offset) || !isfinite(f->st[i].delay) ||
		    !isfinite(f->st[i].disp))
			abort();
	if (filter_stages(f, now, off, del, disp) != f->n)
		abort();
	for (int i = 0; i < FILTER_STAGES; i++)
		if (!(disp[i] >= 0.0 && disp[i] <= FILTER_MAXDISP))
			abort();
	d = filter_disp_at(f, now);
	if (!(d >= 0.0 && d <= FILTER_MAXDISP))
		abort();
	if (assoc_reachable(a) != (a->reach != 0) ||
	    assoc_poll_interval(a) != ldexp(1.0, a->hpoll))
		abort();
	if (assoc_starting(a) && (a->stopped || !a->conf.iburst))
		abort();
}

static void
poll_once(struct assoc *a, time_t base, double now, uint64_t nonce, bool synced)
{
	struct ntp_server_state sys = { .synchronised = synced, .stratum = 2, .precision = -20 };
	struct ntp_packet out;
	unsigned long sent = a->sent;
	uint8_t buf[NTP_HEADER_LEN];

	assoc_poll(a, now, clock_at(base, now), nonce, &sys, &out);
	if (a->stopped) {
		if (a->sent != sent)
			abort();
		return;
	}
	if (a->sent != sent + 1 || !a->awaiting || a->next <= now)
		abort();
	if (ntp_encode(&out, buf, sizeof(buf)) != NTP_HEADER_LEN)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assoc a;
	struct assoc_conf c;
	time_t base;
	double now = 0.0;
	uint64_t nonce = 0x9e3779b97f4a7c15ULL;
	size_t i = 3;

	if (size < 3)
		return 0;
	assoc_default_conf(&c);
	c.mode = data[0] & 1 ? ASSOC_SYMMETRIC : ASSOC_CLIENT;
	c.iburst = (data[0] & 2) != 0;
	c.minpoll = data[1] % 20;
	c.maxpoll = data[2] % 20;
	base = (data[0] >> 2 & 3) < 3 ? bases[data[0] >> 2 & 3] :
	    ((time_t)data[1] << 24 | (time_t)data[2] << 16) + 86400;
	assoc_init(&a, &c, now, 0x1p-20);
	check(&a, now);
	poll_once(&a, base, now, nonce, (data[0] & 0x10) != 0);
	check(&a, now);

	while (i + 3 <= size) {
		uint8_t ctl = data[i];
		size_t len = data[i + 1] & 0x7f;
		double step = ldexp(data[i + 2], (ctl >> 4 & 7) + (data[i + 1] >> 7) - 4);
		struct ntp_packet p;
		enum assoc_rx r;

		i += 3;
		if (len > size - i)
			len = size - i;
		now += step;
		if ((ctl & 2) && now >= a.next) {
			nonce = nonce * 6364136223846793005ULL + 1442695040888963407ULL;
			poll_once(&a, base, now, nonce, (ctl & 4) != 0);
			check(&a, now);
		}
		if (ntp_decode(data + i, len, &p) == NTP_DECODE_OK) {
			if (ctl & 1)
				p.origin = a.xmt;
			r = assoc_receive(&a, &p, clock_at(base, now), now);
			if (assoc_rx_name(r) == NULL)
				abort();
			if (r == ASSOC_RX_SAMPLE && a.filter.t > now)
				abort();
			check(&a, now);
		}
		i += len;
	}
	return 0;
}
