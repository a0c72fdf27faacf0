#!/usr/bin/env bash
# Leap seconds from a leapfile: Debian's own leap-seconds.list (a copy in
# tests/corpus, expired on 2026-06-28) read and reported expired; a file
# announcing a leap at the next UTC midnight makes every answer carry LI 1
# and the leap due for the kernel (stratumd -x: asked of the read-only
# clock, which records it); a damaged file fails the configuration check
# with the line that names it.  stratumd never touches the clock.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/stratumd_lib.sh"

# leapfile PATH TAI-UTC-LAST WHEN-UNIX EXPIRES-UNIX: the last real entry
# (2017, 37 s) and one more at WHEN, with the format's SHA-1 line.
leapfile() {
	python3 - "$@" <<'PY'
import hashlib, sys
path, tai, when, expires = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
off = 2208988800
upd = when - 86400 * 40 + off
rows = [(3692217600, 37), (when + off, tai)]
h = hashlib.sha1(("%d%d" % (upd, expires + off) + "".join("%d%d" % r for r in rows)).encode()).hexdigest()
with open(path, "w") as f:
    f.write("# made by stratumd_leap.sh\n#$\t%d\n#@\t%d\n" % (upd, expires + off))
    for r in rows:
        f.write("%d\t%d\t# entry\n" % r)
    f.write("#h\t" + " ".join(h[i:i + 8] for i in range(0, 40, 8)) + "\n")
PY
}
status_text() { outpost status --stratumd "$T/control.sock" 2>&1; }

# ---- Debian's file, expired ----

debian="$OUTPOST_TOP/tests/corpus/ntp/leap-seconds.list"
write_conf "leapfile $debian"
check "Debian's file: the configuration check takes it" stratumd -n -f "$T/stratumd.conf"
start_pair
if wait_for 60 st_is sync.state locked; then ok "locked to PPS"
else not_ok "locked to PPS (state $(st sync.state))"; show_logs; done_testing; fi
expect_eq "Debian's file: TAI-UTC 37 s" 37 "$(st leap.tai_utc)"
expect_eq "Debian's file: expired (2026-06-28), and the status says so" true "$(st leap.expired)"
check "Debian's file: the log says since when" grep -q "leap-seconds.list expired on 2026-06-28" "$T/stratumd.log"
check "Debian's file: outpost status says EXPIRED" grep -q "TAI-UTC 37 s, EXPIRED: update tzdata" <<<"$(status_text)"
case " $(ntp_line) " in
*" li=0 mode=4 stratum=1 "*) ok "Debian's file: no leap announced (LI 0)" ;;
*) not_ok "Debian's file: no leap announced ($(ntp_line))" ;;
esac
stop_pair

# ---- a leap at the next UTC midnight ----

now=$(date -u +%s)
midnight=$(( (now / 86400 + 1) * 86400 ))
leapfile "$T/leap.list" 38 "$midnight" $((now + 365 * 86400))
write_conf "leapfile $T/leap.list"
check "a leap tonight: the configuration check takes the file" stratumd -n -f "$T/stratumd.conf"
start_pair
if wait_for 60 st_is sync.state locked; then ok "locked to PPS"
else not_ok "locked to PPS (state $(st sync.state))"; show_logs; done_testing; fi
case " $(ntp_line) " in
*" li=1 mode=4 stratum=1 "*) ok "a leap tonight: answers carry LI 1 (insert)" ;;
*) not_ok "a leap tonight: answers carry LI 1 ($(ntp_line))" ;;
esac
expect_eq "a leap tonight: status says insert" insert "$(st leap.announced)"
expect_eq "a leap tonight: at midnight" "$midnight" "$(st leap.at)"
expect_eq "a leap tonight: due for the kernel" true "$(st leap.due)"
expect_eq "a leap tonight: not armed (-x)" false "$(st leap.armed)"
check "a leap tonight: the log says so" grep -q "leap second: insert announced" "$T/stratumd.log"
check "a leap tonight: outpost status says so" grep -q "leap second: insert at the end of this month" <<<"$(status_text)"
check "a leap tonight: no sanitizer report" no_sanitizer_report
stop_pair

# ---- a damaged file fails the check, naming file and line ----

sed 's/^\(3692217600\)\t37/\1\t36/' "$T/leap.list" >"$T/bad.list"
write_conf "leapfile $T/bad.list"
out=$(stratumd -n -f "$T/stratumd.conf" 2>&1); rc=$?
check "a damaged file: the configuration check fails" test "$rc" -ne 0
check "a damaged file: it names the config line and the file's" \
	grep -q "stratumd.conf:[0-9]*: $T/bad.list:[0-9]*: TAI-UTC does not change by one second" <<<"$out"
# The "#$" line's last digit changed: every line still well formed.
sed -E '/^#\$/ { s/0$/X/; s/[1-9]$/0/; s/X$/1/ }' "$T/leap.list" >"$T/bad2.list"
write_conf "leapfile $T/bad2.list"
out=$(stratumd -n -f "$T/stratumd.conf" 2>&1); rc=$?
check "a wrong hash: the configuration check fails" test "$rc" -ne 0
check "a wrong hash: and says why" grep -q "$T/bad2.list: the hash (#h) does not match" <<<"$out"
done_testing
