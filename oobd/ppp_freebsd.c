/*
 * ppp, FreeBSD: a ppp(8) section that /etc/ppp/ppp.conf includes (see
 * ppp.h).
 */
#include <stdio.h>

#include "ppp.h"

int ppp_prepare(const struct ppp_conf *pc, const char *dir, struct ppp_argv *out, char *err,
    size_t errlen)
{
	char text[PPP_TEXT_MAX];

	if (ppp_freebsd_text(pc, text, sizeof(text), err, errlen) == -1 ||
	    ppp_write_file(dir, PPP_FREEBSD_NAME, text, NULL, 0, err, errlen) == -1)
		return -1;
	return ppp_freebsd_argv(pc, out, err, errlen);
}
