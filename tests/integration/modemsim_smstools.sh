#!/usr/bin/env bash
# modemsim against smstools3 (smsd 3.1.21), run in the foreground with a
# private configuration in $T: an outgoing message file must leave as a PDU
# in modemsim's outbox (decoded with python3-gammu), the preloaded SIM
# messages and one injected through the control socket must arrive in
# smsd's incoming directory, and smsd's AT+CMGD must really empty the SIM.
# memory_start = 0 is the setting smsd documents for modems that, like
# Huawei's, number their slots from 0.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
SMSD=$(command -v smsd || echo /usr/sbin/smsd)
if [ ! -x "$SMSD" ] || ! "$PY" -c 'import gammu' 2>/dev/null; then
	not_ok "smsd (smstools) or python3-gammu is missing (sh scripts/deps.sh check installs them)"
	done_testing
fi
if ! command -v socat >/dev/null 2>&1; then
	not_ok "socat is missing (sh scripts/deps.sh check installs it)"
	done_testing
fi

ctl() { printf '%s\n' "$1" | socat -t 5 - UNIX-CONNECT:"$T/ctl"; }

awk -F'\t' '$8 == "gsmmodem-1" || $8 == "gsmmodem-2" { print $1 }' \
    "$CORPUS/sms/deliver_pdus.tsv" >"$T/inbox"
mkdir -p "$T/out" "$T/in" "$T/checked" "$T/failed" "$T/sent"
cat >"$T/smsd.conf" <<EOF
devices = GSM1
outgoing = $T/out
checked = $T/checked
failed = $T/failed
incoming = $T/in
sent = $T/sent
logfile = $T/smsd.log
loglevel = 7
infofile = $T/smsd.working
pidfile = $T/smsd.pid
delaytime = 1
delaytime_mainprocess = 1
receive_before_send = no

[GSM1]
device = $T/modem
incoming = yes
baudrate = 115200
memory_start = 0
EOF

spawn modemsim --pty "$T/modem" --pty "$T/pcui" --control "$T/ctl" --inbox "$T/inbox" \
    --outbox "$T/outbox" --trace "$T/trace"
check "modemsim is up" wait_for 5 test -S "$T/ctl" -a -L "$T/modem"

spawn "$SMSD" -t -c "$T/smsd.conf" -u"$(id -un)" -g"$(id -gn)"
SMSD_PID=$LAST_PID
printf 'To: 447700900123\n\nHello from smsd\n' >"$T/out/msg1"

check "smsd sends the outgoing file" wait_for 60 test -e "$T/sent/msg1"
check "its PDU is in the outbox" wait_for 5 test -s "$T/outbox"
cat >"$T/submit.py" <<'EOF'
import binascii, sys
import gammu

g = gammu.DecodePDU(binascii.unhexlify(sys.argv[1].strip()))
print("%s|%s|%s" % (g["Type"], g["Number"], g["Text"][:g["Length"]]))
EOF
expect_eq "the outbox PDU is the SMS-SUBMIT smsd was asked to send" \
    "Submit|+447700900123|Hello from smsd" "$("$PY" "$T/submit.py" "$(head -1 "$T/outbox")" 2>&1)"

in_at_least() { [ "$(find "$T/in" -maxdepth 1 -type f -name 'GSM1.*' | wc -l)" -ge "$1" ]; }
check "smsd receives the two preloaded messages" wait_for 60 in_at_least 2
for want in "Test2" "It is easy to read text messages via AT commands."; do
	check "incoming: $want" grep -qxF "$want" "$T"/in/GSM1.*
done
case $(ctl status) in
*" sm=0/50 "*) ok "smsd deleted what it read (SM is empty)" ;;
*) not_ok "smsd deleted what it read: $(ctl status)" ;;
esac

expect_eq "control: a text arrives" "ok 1 part" "$(ctl 'sms-text +447700900999 Injected hello')"
check "smsd receives the injected message" wait_for 60 in_at_least 3
check "incoming: the injected text" grep -qxF "Injected hello" "$T"/in/GSM1.*
check "incoming: from the injected sender" grep -qx "From: 447700900999" "$T"/in/GSM1.*

stop_pid "$SMSD_PID"
done_testing
