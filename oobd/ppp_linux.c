/*
 * ppp, Linux: pppd with a peers file and a chat script (see ppp.h).
 */
#include <limits.h>
#include <stdio.h>

#include "ppp.h"

int ppp_prepare(const struct ppp_conf *pc, const char *dir, struct ppp_argv *out, char *err,
    size_t errlen)
{
	char text[PPP_TEXT_MAX], chat[PATH_MAX], peers[PATH_MAX];

	if (ppp_chat_text(pc, text, sizeof(text), err, errlen) == -1 ||
	    ppp_write_file(dir, PPP_CHAT_NAME, text, chat, sizeof(chat), err, errlen) == -1)
		return -1;
	if (ppp_peers_text(pc, chat, text, sizeof(text), err, errlen) == -1 ||
	    ppp_write_file(dir, PPP_PEERS_NAME, text, peers, sizeof(peers), err, errlen) == -1)
		return -1;
	return ppp_pppd_argv(peers, out, err, errlen);
}
