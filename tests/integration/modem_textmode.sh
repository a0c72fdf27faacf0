#!/usr/bin/env bash
# outpost modem watch against a stick without PDU mode (modemsim --text-only):
# the driver says it falls back to text mode, then the messages waiting on
# the SIM and one arriving while watching are shown with the sender, time
# stamp and text that `outpost sms decode` finds in the same PDUs, and are
# deleted; a long text arrives as separate parts.  Switched at run time
# (text-only off / on, then a replug) the driver takes PDU mode again, then
# text mode again.
. "$(dirname "$0")/lib.sh"

if ! command -v modemsim >/dev/null || ! command -v socat >/dev/null; then
	not_ok "modemsim and socat are there ($OUTPOST_BIN/modemsim, socat)"
	done_testing
fi

# Waiting on the SIM: gsmmodem-1 ("Test2") and mm-pdu2 (UCS2 "тест" from an
# alphanumeric sender), tests/corpus/sms/deliver_pdus.tsv.
TSV=$CORPUS/sms/deliver_pdus.tsv
awk -F'\t' '$8 == "gsmmodem-1" || $8 == "mm-pdu2" { print $1 }' "$TSV" >"$T/inbox"
expect_eq "the corpus rows are there" 2 "$(wc -l <"$T/inbox")"

ctl() { printf '%s\n' "$1" | socat -t 5 - UNIX-CONNECT:"$T/ctl"; }
sim_field() { ctl status | tr ' ' '\n' | sed -n "s/^$1=//p"; }
sim_is() { test "$(sim_field "$1")" = "$2"; }
count() { grep -c -- "$1" "$T/out"; }
fallbacks_are() { test "$(count 'AT+CMGF=0: .*no PDU mode')" -eq "$1"; }
readies_are() { test "$(count '^ready: ')" -eq "$1"; }
gones_are() { test "$(count '^gone: ')" -eq "$1"; }

# same_sms FILE PDU: a JSON line of FILE has the sender, time stamp and text
# that `outpost sms decode PDU` prints for the PDU.
same_sms() {
	outpost sms decode "$2" >"$T/decoded" || return 1
	python3 - "$1" "$T/decoded" <<'EOF'
import json, sys
want = json.loads(open(sys.argv[2], encoding="utf-8").read())
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("{"):
        o = json.loads(line)
        if all(o.get(k) == want[k] for k in ("from", "from_type", "timestamp", "text")):
            sys.exit(0)
sys.exit(1)
EOF
}
# has_text FILE FROM TEXT [concat]: a message with that sender and text,
# with or without concatenation info.
has_text() {
	python3 - "$@" <<'EOF'
import json, sys
path, sender, text = sys.argv[1:4]
concat = len(sys.argv) > 4
for line in open(path, encoding="utf-8"):
    if line.startswith("{"):
        o = json.loads(line)
        if o.get("from") == sender and o.get("text") == text and ("concat" in o) == concat:
            sys.exit(0)
sys.exit(1)
EOF
}

spawn modemsim --pty "$T/modem" --pty "$T/pcui" --control "$T/ctl" --inbox "$T/inbox" \
	--text-only
SIM=$LAST_PID
check "modemsim makes its ports and control socket" \
	wait_for 5 test -S "$T/ctl" -a -L "$T/pcui"
expect_eq "status says text-only" yes "$(sim_field text_only)"
expect_eq "two messages wait on the SIM" "2/50" "$(sim_field sm)"
out=$(outpost modem at "$T/pcui" 'AT+CMGF=0' 2>&1)
check "the stick refuses PDU mode" grep -qx "ERROR" <<<"$out"

spawn outpost modem watch "$T/pcui" --timeout 1 --poll 2 >"$T/out" 2>"$T/err"
WATCH=$LAST_PID
check "watch: ready" wait_for 15 grep -qx "ready: $T/pcui" "$T/out"
check "watch: a warning says PDU mode was refused and text mode is used" \
	grep -Eq "^warning: $T/pcui: AT\+CMGF=0: \+CMS ERROR: operation not supported: no PDU mode; SMS in text mode" "$T/out"
check "the warning comes before ready" \
	bash -c 'grep -n "" "$1" | grep -E "^[0-9]+:(warning|ready):" | head -1 | grep -q warning' _ "$T/out"

# (a) the waiting messages, as PDU mode would show them; then deleted
check "(a) Test2 is shown as sms decode shows its PDU" \
	wait_for 15 same_sms "$T/out" "$(sed -n 1p "$T/inbox")"
check "(a) the UCS2 one from an alphanumeric sender too" \
	wait_for 5 same_sms "$T/out" "$(sed -n 2p "$T/inbox")"
check "(a) its text is Cyrillic" has_text "$T/out" InternetSMS "тест"
check "(a) both are deleted from the SIM" wait_for 10 sim_is sm 0/50

# (b) arriving while watching: +CMTI, read in text mode
expect_eq "(b) the network delivers a text" "ok 1 part" \
	"$(ctl 'sms-text +447700900123 hello in text mode, 20€ [ok]')"
check "(b) it is shown within seconds" \
	wait_for 10 has_text "$T/out" +447700900123 "hello in text mode, 20€ [ok]"
check "(b) and deleted" wait_for 10 sim_is sm 0/50

# (c) a long text: two parts, shown as two messages without concat
long=$(printf 'x%.0s' $(seq 1 150))$(printf 'y%.0s' $(seq 1 50))
expect_eq "(c) a 200-character text arrives" "ok 2 parts" "$(ctl "sms-text +447700900124 $long")"
check "(c) its first part is a message" wait_for 10 has_text "$T/out" +447700900124 "${long:0:153}"
check "(c) its second part another" wait_for 10 has_text "$T/out" +447700900124 "${long:153}"
check "(c) the SIM is empty again" wait_for 10 sim_is sm 0/50
expect_eq "no sms-bad and no other warning" 1 "$(grep -Ec '^(sms-bad|warning):' "$T/out")"

# (d) the stick comes back with PDU mode: the driver takes it
expect_eq "(d) text-only off" ok "$(ctl 'text-only off')"
expect_eq "(d) unplug" ok "$(ctl unplug)"
check "(d) gone" wait_for 10 grep -q "^gone: $T/pcui: " "$T/out"
expect_eq "(d) replug" ok "$(ctl replug)"
check "(d) ready again" wait_for 20 readies_are 2
check "(d) no new fallback" fallbacks_are 1
expect_eq "(d) a long text in PDU mode" "ok 2 parts" "$(ctl "sms-text +447700900125 $long")"
check "(d) is shown in parts with concat" wait_for 10 has_text "$T/out" +447700900125 "${long:153}" concat

# (e) and without it again
expect_eq "(e) text-only on" ok "$(ctl 'text-only on')"
expect_eq "(e) unplug" ok "$(ctl unplug)"
check "(e) gone" wait_for 10 gones_are 2
expect_eq "(e) replug" ok "$(ctl replug)"
check "(e) ready again" wait_for 20 readies_are 3
check "(e) after a second fallback" fallbacks_are 2
expect_eq "(e) a text" "ok 1 part" "$(ctl 'sms-text +447700900126 back to text')"
check "(e) arrives" wait_for 10 has_text "$T/out" +447700900126 "back to text"

kill -TERM "$WATCH"
wait "$WATCH"; rc=$?
expect_eq "SIGTERM: exit 0" 0 "$rc"
check "watch said nothing on stderr" test ! -s "$T/err"
stop_pid "$SIM"

# --json: the fallback warning is an event like the others
mkdir -p "$T/j"
spawn modemsim --pty "$T/j/modem" --pty "$T/j/pcui" --text-only
SIM=$LAST_PID
check "a second text-only stick" wait_for 5 test -L "$T/j/pcui"
outpost modem watch "$T/j/pcui" --json --seconds 4 >"$T/json" 2>"$T/err"; rc=$?
expect_eq "--json --seconds: exit 0" 0 "$rc"
check "--json: a warning event about text mode" python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert any(e["event"] == "warning" and "no PDU mode" in e["message"] for e in ev), ev
assert any(e["event"] == "ready" for e in ev)' "$T/json"
stop_pid "$SIM"

done_testing
