#!/usr/bin/env bash
# modemsim against a real SMS tool: gammu 1.42 (connection = at) must take
# the simulated Huawei E1752 for what it is, read back the preloaded SIM
# messages (corpus rows, decoded texts compared with the corpus), see a
# message the test injects through the control socket, delete for real, and
# send: the PDU it submits lands in the outbox and decodes (python3-gammu's
# DecodePDU) to the number and text given.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
if ! command -v gammu >/dev/null 2>&1 || ! "$PY" -c 'import gammu' 2>/dev/null; then
	not_ok "gammu or python3-gammu is missing (sh scripts/deps.sh check installs them)"
	done_testing
fi
if ! command -v socat >/dev/null 2>&1; then
	not_ok "socat is missing (sh scripts/deps.sh check installs it)"
	done_testing
fi

TSV=$CORPUS/sms/deliver_pdus.tsv
ROWS="gsmmodem-1 gsmmodem-2 gsmmodem-3 android-ucs2"
: >"$T/inbox"
: >"$T/expected"
for id in $ROWS; do
	awk -F'\t' -v id="$id" '$8 == id { print $1 > "/dev/stderr"; print $2 "\t" $5 }' \
	    "$TSV" 2>>"$T/inbox" >>"$T/expected"
done
expect_eq "corpus rows found" 4 "$(wc -l <"$T/inbox" | tr -d ' ')"

ctl() { printf '%s\n' "$1" | socat -t 5 - UNIX-CONNECT:"$T/ctl"; }

spawn modemsim --pty "$T/modem" --pty "$T/pcui" --control "$T/ctl" --inbox "$T/inbox" \
    --outbox "$T/outbox" --trace "$T/trace"
SIM=$LAST_PID
check "modemsim makes its port links and control socket" \
    wait_for 5 test -S "$T/ctl" -a -L "$T/modem" -a -L "$T/pcui"
printf '[gammu]\nconnection = at\ndevice = %s\n' "$T/modem" >"$T/gammurc"

# identify
timeout 60 gammu -c "$T/gammurc" identify >"$T/identify" 2>&1
check "gammu identify succeeds" test $? -eq 0
field() { sed -n "s/^$1 *: //p" "$T/identify"; }
expect_eq "gammu: manufacturer" "Huawei" "$(field Manufacturer)"
expect_eq "gammu: model" "E1752 (E1752)" "$(field Model)"
expect_eq "gammu: firmware" "11.126.03.01.00" "$(field Firmware)"
expect_eq "gammu: IMEI" "353142034762610" "$(field IMEI)"
expect_eq "gammu: IMSI" "001010123456789" "$(field 'SIM IMSI')"

# A message from the network while nobody is connected: stored in SM.
expect_eq "control: a text arrives" "ok 1 part" "$(ctl 'sms-text +447700900999 Ping from the net')"
printf '+447700900999\tPing from the net\n' >>"$T/expected"

cat >"$T/getall.py" <<'EOF'
import re, sys

out = open(sys.argv[1], encoding="utf-8").read()
got = []
for block in re.split(r"(?m)^Location \d+, ", out)[1:]:
    num = re.search(r'(?m)^Remote number\s*: "(.*)"$', block)
    head, _, body = block.partition("\n\n")
    body = re.sub(r"\n\n\d+ SMS parts in \d+ SMS sequences\n*$", "", body).rstrip("\n")
    got.append("%s\t%s" % (num.group(1) if num else "?", body))
want = [l.rstrip("\n") for l in open(sys.argv[2], encoding="utf-8")]
print("%d %d" % (len(got), len(want)))
for w in want:
    print(("ok|" if w in got else "not ok|") + w.replace("\t", " "))
EOF

timeout 60 gammu -c "$T/gammurc" getallsms >"$T/getall" 2>&1
check "gammu getallsms succeeds" test $? -eq 0
"$PY" "$T/getall.py" "$T/getall" "$T/expected" >"$T/getall.res"
expect_eq "gammu reads as many messages as stored" "5 5" "$(head -1 "$T/getall.res")"
while IFS='|' read -r res what; do
	if [ "$res" = ok ]; then ok "gammu reads: $what"; else not_ok "gammu reads: $what"; fi
done < <(tail -n +2 "$T/getall.res")

# Delete one (gammu's location 1 is the stick's slot 0): really gone.
timeout 60 gammu -c "$T/gammurc" deletesms 1 1 >/dev/null 2>&1
check "gammu deletesms succeeds" test $? -eq 0
case $(ctl status) in
*" sm=4/50 "*) ok "the deleted message is gone from SM" ;;
*) not_ok "the deleted message is gone from SM: $(ctl status)" ;;
esac

# Send.
TEXT='Hello € [x]'
timeout 60 gammu -c "$T/gammurc" sendsms TEXT +447700900123 -text "$TEXT" >"$T/send" 2>&1
check "gammu sendsms succeeds" grep -q "OK, message reference=" "$T/send"
expect_eq "one PDU in the outbox" 1 "$(wc -l <"$T/outbox" 2>/dev/null | tr -d ' ')"
cat >"$T/submit.py" <<'EOF'
import binascii, sys
import gammu

EXT = set("^{}\\[~]|\u20ac\f")
g = gammu.DecodePDU(binascii.unhexlify(sys.argv[1].strip()))
text = g["Text"]
if g["Coding"].startswith("Default"):
    # python-gammu pads GSM 7-bit text with junk, one per extension character
    n, cut = 0, len(text)
    for i, c in enumerate(text):
        if n >= g["Length"]:
            cut = i
            break
        n += 2 if c in EXT else 1
    text = text[:cut]
print("%s|%s|%s" % (g["Type"], g["Number"], text))
EOF
expect_eq "the outbox PDU is the SMS-SUBMIT gammu was asked to send" \
    "Submit|+447700900123|$TEXT" "$("$PY" "$T/submit.py" "$(head -1 "$T/outbox")" 2>&1)"

stop_pid "$SIM"
check "modemsim removes its links when it exits" test ! -e "$T/modem" -a ! -e "$T/pcui"
done_testing
