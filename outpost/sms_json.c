/*
 * sms_json: one SMS-DELIVER as the JSON object outpost prints for it, the
 * same for `outpost sms decode` and `outpost modem watch`.
 */
#include <stddef.h>

#include "jsonw.h"
#include "outpost.h"
#include "sms.h"

int
sms_json_write(struct jsonw *w, const char *key, const struct sms_deliver *d)
{
	char iso[32];

	if (sms_time_iso8601(&d->scts, iso, sizeof(iso)) < 0)
		return -1;
	jsonw_begin(w, key);
	jsonw_str(w, "from", d->from.text);
	jsonw_str(w, "from_type", sms_ton_name(d->from.toa));
	jsonw_str(w, "smsc", d->smsc.text);
	jsonw_str(w, "timestamp", iso);
	jsonw_str(w, "encoding", sms_encoding_name(d->encoding));
	jsonw_strn(w, "text", d->text, d->text_len);
	if (d->concat.present) {
		jsonw_begin(w, "concat");
		jsonw_int(w, "ref", d->concat.ref);
		jsonw_int(w, "part", d->concat.part);
		jsonw_int(w, "total", d->concat.total);
		jsonw_end(w);
	}
	jsonw_end(w);
	return 0;
}
