#!/usr/bin/env bash
# outpost modem watch (the driver on its I/O glue, modem/modem_io.c) against
# modemsim: a message waiting on the SIM is shown and deleted, one arriving
# while watching is shown within seconds, an unplugged stick is waited for
# and taken up again, a stick that stops answering is reset, then its port
# reopened, until it answers again.  Also: --json, --pin-file, a port that
# never answers, exit codes.
. "$(dirname "$0")/lib.sh"

if ! command -v modemsim >/dev/null || ! command -v socat >/dev/null; then
	not_ok "modemsim and socat are there ($OUTPOST_BIN/modemsim, socat)"
	done_testing
fi

# A real SMS-DELIVER from the corpus waits on the SIM.
TSV=$CORPUS/sms/deliver_pdus.tsv
awk -F'\t' '$8 == "gsmmodem-1" { print $1 }' "$TSV" >"$T/inbox"
read -r FROM0 TEXT0 < <(awk -F'\t' '$8 == "gsmmodem-1" { print $2, $5 }' "$TSV")
expect_eq "the corpus row is there" "+27821234567 Test2" "$FROM0 $TEXT0"

ctl() { printf '%s\n' "$1" | socat -t 5 - UNIX-CONNECT:"$T/ctl"; }
sim_field() { ctl status | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# has_sms FILE FROM TEXT: a line of FILE is the JSON of that message (as
# `outpost sms decode` prints it, or inside a --json "sms" event).
has_sms() {
	python3 - "$@" <<'EOF'
import json, sys
path, sender, text = sys.argv[1:4]
for line in open(path, encoding="utf-8"):
    if not line.startswith("{"):
        continue
    o = json.loads(line)
    o = o.get("sms", o)
    if o.get("from") == sender and o.get("text") == text:
        sys.exit(0)
sys.exit(1)
EOF
}
count() { grep -c "$1" "$T/out"; }
# For wait_for, which runs its command again and again: no $(...) in it.
sim_is() { test "$(sim_field "$1")" = "$2"; }
readies_over() { test "$(count '^ready: ')" -gt "$1"; }

spawn modemsim --pty "$T/modem" --pty "$T/pcui" --control "$T/ctl" --inbox "$T/inbox"
SIM=$LAST_PID
check "modemsim makes its ports and control socket" \
	wait_for 5 test -S "$T/ctl" -a -L "$T/modem" -a -L "$T/pcui"
expect_eq "the message waits on the SIM" "1/50" "$(sim_field sm)"

# Short timeouts and polls, so that a hung modem is noticed in seconds.
spawn outpost modem watch "$T/pcui" --timeout 1 --poll 2 >"$T/out" 2>"$T/err"
WATCH=$LAST_PID
check "watch: ready" wait_for 15 grep -qx "ready: $T/pcui" "$T/out"
check "watch: status in words" wait_for 15 \
	grep -Eq "^status: $T/pcui: signal -[0-9]+ dBm \([a-z ]+\), registered, home network, operator Outpost Test, network 3G" "$T/out"

# (a) the waiting message, then gone from the SIM
check "(a) the stored message is shown as JSON" wait_for 15 has_sms "$T/out" "$FROM0" "$TEXT0"
outpost sms decode "$(cat "$T/inbox")" >"$T/decoded"
check "(a) exactly as outpost sms decode prints it" grep -qxF -f "$T/decoded" "$T/out"
check "(a) and deleted from the SIM" wait_for 10 sim_is sm 0/50

# (b) a message arriving while watching
expect_eq "(b) the network delivers a text" "ok 1 part" "$(ctl 'sms-text +447700900123 hello')"
check "(b) it is shown within seconds" wait_for 10 has_sms "$T/out" +447700900123 hello
check "(b) and deleted" wait_for 10 sim_is sm 0/50

# (c) unplugged, plugged back
expect_eq "(c) unplug" "ok" "$(ctl unplug)"
check "(c) watch says the device is gone" wait_for 10 grep -q "^gone: $T/pcui: " "$T/out"
sleep 2	# a few reopen attempts on a device that is not there
check "(c) and keeps waiting for it" kill -0 "$WATCH"
expect_eq "(c) replug" "ok" "$(ctl replug)"
check "(c) the port is reopened" wait_for 10 grep -q "^reopened: $T/pcui: " "$T/out"
check "(c) and the modem is ready again" wait_for 15 readies_over 1
expect_eq "(c) a text after the replug" "ok 1 part" "$(ctl 'sms-text +447700900123 after replug')"
check "(c) arrives" wait_for 10 has_sms "$T/out" +447700900123 "after replug"

# (d) the modem stops answering
ready_before=$(count '^ready: ')
expect_eq "(d) hang" "ok" "$(ctl hang)"
check "(d) unresponsive is reported" wait_for 30 grep -q "^unresponsive: $T/pcui: " "$T/out"
check "(d) then a reset is tried" wait_for 15 grep -qF "reset: $T/pcui: resetting the modem (AT+CFUN=1,1)" "$T/out"
check "(d) then the port is reopened" wait_for 20 \
	bash -c 'sed -n "/^reset: /,\$p" "$1" | grep -q "^reopened: "' _ "$T/out"
check "(d) not ready while hung" test "$(count '^ready: ')" -eq "$ready_before"
expect_eq "(d) unhang" "ok" "$(ctl unhang)"
check "(d) ready again" wait_for 30 readies_over "$ready_before"
expect_eq "(d) a text after the hang" "ok 1 part" "$(ctl 'sms-text +447700900123 after hang')"
check "(d) arrives" wait_for 10 has_sms "$T/out" +447700900123 "after hang"

# stop: SIGTERM ends it, exit 0; the port is free and the SIM empty
kill -TERM "$WATCH"
wait "$WATCH"; rc=$?
expect_eq "SIGTERM: exit 0" 0 "$rc"
check "watch said nothing on stderr" test ! -s "$T/err"
out=$(outpost modem at "$T/pcui" 'AT+CMGL=4' 2>&1); rc=$?
expect_eq "the port is free again" 0 "$rc"
check "AT+CMGL=4 lists no message" bash -c '! grep -q "^+CMGL:" <<<"$1"' _ "$out"

# --json: every event an object; --seconds ends it with exit 0
expect_eq "a text for --json" "ok 1 part" "$(ctl 'sms-text +447700900124 json please')"
outpost modem watch "$T/pcui" --json --seconds 3 >"$T/json" 2>"$T/err"; rc=$?
expect_eq "--seconds: exit 0" 0 "$rc"
check "--json: every line is a JSON object with an event" python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines and all("event" in json.loads(l) for l in lines)' "$T/json"
check "--json: ready event" grep -qF '"event":"ready"' "$T/json"
check "--json: status with the operator" grep -qF '"operator":"Outpost Test"' "$T/json"
check "--json: the SMS inside an sms event" has_sms "$T/json" +447700900124 "json please"
check "--json: with its index" grep -qE '"event":"sms","device":"[^"]+","index":0,' "$T/json"
stop_pid "$SIM"

# a SIM with a PIN: from --pin-file; without it, a failure and exit 1
mkdir -p "$T/p"
spawn modemsim --pty "$T/p/modem" --pty "$T/p/pcui" --pin 4321
SIM=$LAST_PID
wait_for 5 test -L "$T/p/pcui"
outpost modem watch "$T/p/pcui" --seconds 5 >"$T/pin_out" 2>"$T/err"; rc=$?
expect_eq "PIN needed, none given: exit 1" 1 "$rc"
check "and says so" grep -q "^failed: .*needs its PIN and none is configured" "$T/pin_out"
printf '4321\n' >"$T/pin"
chmod 600 "$T/pin"
outpost modem watch "$T/p/pcui" --pin-file "$T/pin" --seconds 3 >"$T/pin_out" 2>"$T/err"; rc=$?
expect_eq "--pin-file: exit 0" 0 "$rc"
check "--pin-file: ready" grep -q "^ready: " "$T/pin_out"
chmod 644 "$T/pin"
outpost modem watch "$T/p/pcui" --pin-file "$T/pin" --seconds 3 >/dev/null 2>"$T/err"; rc=$?
expect_eq "a PIN file others may read: exit 1" 1 "$rc"
check "and the file is named" grep -qF "$T/pin" "$T/err"
stop_pid "$SIM"

# a port where nobody answers: never ready, exit 1
python3 - "$T/silent" <<'EOF' &
import os, pty, sys, time
m, s = pty.openpty()
os.symlink(os.ttyname(s), sys.argv[1])
time.sleep(30)
EOF
_pids="$_pids $!"
wait_for 5 test -e "$T/silent"
outpost modem watch "$T/silent" --seconds 4 --timeout 0.3 >"$T/out" 2>"$T/err"; rc=$?
expect_eq "never ready: exit 1" 1 "$rc"
check "never ready: said on stderr" grep -q "never got ready" "$T/err"
check "never ready: unresponsive reported" grep -q "^unresponsive: " "$T/out"

# usage
outpost modem watch "$T/nothing" --seconds 1 2>"$T/err"; rc=$?
expect_eq "a missing device exits 1" 1 "$rc"
check "and is named" grep -qF "$T/nothing" "$T/err"
outpost modem watch 2>/dev/null; rc=$?
expect_eq "no device: usage error" 2 "$rc"
outpost modem watch "$T/silent" --seconds 0 2>/dev/null; rc=$?
expect_eq "--seconds 0: usage error" 2 "$rc"
outpost modem watch "$T/silent" --bogus 2>/dev/null; rc=$?
expect_eq "unknown option: usage error" 2 "$rc"

done_testing
