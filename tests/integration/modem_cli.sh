#!/usr/bin/env bash
# outpost modem at/info/modem-only against modemsim (an E1752 on ptys), a
# pty that never answers, and a device that is not there.
. "$(dirname "$0")/lib.sh"

if ! command -v modemsim >/dev/null; then
	not_ok "modemsim is built ($OUTPOST_BIN/modemsim missing)"
	done_testing
fi

# Real SMS-DELIVER PDUs (tests/corpus/sms/deliver_pdus.tsv): "Test2", "Testmail".
cat >"$T/inbox" <<'EOF'
06917228195339040B917228214365F700003130805120618005D4F29C2E03
0791447758100650040DD0F334FC1CA6970100008080312170224008D4F29CDE0EA7D9
EOF

start_sim() { # dir, extra modemsim options...
	local d=$1; shift
	mkdir -p "$d"
	spawn modemsim --pty "$d/modem" --pty "$d/pcui" --inbox "$T/inbox" "$@"
	SIM_PID=$LAST_PID
	wait_for 5 test -e "$d/pcui"
}

start_sim "$T/a" --rssi-every 1 --urc-in-reply
check "modemsim presents its PC UI port" test -e "$T/a/pcui"

# at: one command, its lines and OK on stdout, exit 0
out=$(outpost modem at "$T/a/pcui" 'AT+CSQ' 2>"$T/err"); rc=$?
expect_eq "at AT+CSQ exits 0" 0 "$rc"
check "at AT+CSQ prints the +CSQ line" grep -Eq '^\+CSQ: [0-9]+,[0-9]+$' <<<"$out"
expect_eq "at AT+CSQ ends with OK" "OK" "$(tail -n 1 <<<"$out")"

out=$(outpost modem at "$T/a/pcui" 'at+cgmm' 2>/dev/null); rc=$?
expect_eq "at accepts lower case" "E1752 OK" "$(echo $out)"

# PDU listing: indexes from 0, each header followed by its PDU
out=$(outpost modem at "$T/a/pcui" 'AT+CMGL=4' 2>/dev/null); rc=$?
expect_eq "at AT+CMGL=4 exits 0" 0 "$rc"
check "AT+CMGL=4 lists index 0 first" grep -Eq '^\+CMGL: 0,[0-9],,24$' <<<"$out"
check "AT+CMGL=4 gives the PDU after its header" \
	grep -qx '06917228195339040B917228214365F700003130805120618005D4F29C2E03' <<<"$out"
check "no unsolicited code slipped into the reply" \
	bash -c '! grep -q "^\^" <<<"$1"' _ "$out"

# errors: the final result on stdout, the device and command on stderr, exit 1
out=$(outpost modem at "$T/a/pcui" 'AT+NOSUCH' 2>"$T/err"); rc=$?
expect_eq "an unknown command exits 1" 1 "$rc"
expect_eq "its final result is shown" "COMMAND NOT SUPPORT" "$out"
check "the error names device and command" \
	grep -qF "$T/a/pcui: AT+NOSUCH: COMMAND NOT SUPPORT" "$T/err"

out=$(outpost modem at "$T/a/pcui" 'AT+CMGR=99' 2>"$T/err"); rc=$?
expect_eq "reading an empty index fails" 1 "$rc"
check "the refusal is reported with the command" grep -qE "AT\+CMGR=99: (ERROR|\+CMS ERROR)" "$T/err"

# info: everything in words
out=$(outpost modem info "$T/a/pcui" 2>"$T/err"); rc=$?
expect_eq "info exits 0" 0 "$rc"
check "info: model" grep -Eq '^model: +E1752$' <<<"$out"
check "info: IMEI of 15 digits" grep -Eq '^IMEI: +[0-9]{15}$' <<<"$out"
check "info: SIM ready" grep -Eq '^SIM: +ready$' <<<"$out"
check "info: signal in dBm" grep -Eq '^signal: +-[0-9]+ dBm' <<<"$out"
check "info: registration in words" grep -Eq '^registration: +registered' <<<"$out"
check "info: 2G/3G" grep -Eq '^network: +(2G|3G)' <<<"$out"
check "info: the PC UI port is found" grep -Eq '^ports: .*PC UI \(AT control\) on interface [0-9]' <<<"$out"

# modem-only: refuses without a terminal unless --yes
outpost modem modem-only "$T/a/pcui" </dev/null >/dev/null 2>"$T/err"; rc=$?
expect_eq "modem-only without a terminal and without --yes is refused" 2 "$rc"
check "and says how to go ahead" grep -q -- "--yes" "$T/err"
out=$(outpost modem modem-only "$T/a/pcui" --yes </dev/null 2>"$T/err"); rc=$?
expect_eq "modem-only --yes exits 0" 0 "$rc"
check "modem-only explains what it does" grep -q "CD-ROM" "$T/err"
out=$(outpost modem at "$T/a/pcui" 'AT^U2DIAG?' 2>/dev/null)
check "the stick now says U2DIAG 0" grep -Eq '^\^U2DIAG: ?0$' <<<"$out"
stop_pid "$SIM_PID"

# a SIM that wants its PIN
start_sim "$T/b" --pin 4321
out=$(outpost modem at "$T/b/pcui" 'AT+CPIN?' 2>/dev/null)
check "at AT+CPIN? shows SIM PIN" grep -qx '+CPIN: SIM PIN' <<<"$out"
out=$(outpost modem info "$T/b/pcui" 2>/dev/null); rc=$?
expect_eq "info works with the SIM locked" 0 "$rc"
check "info: SIM waiting for its PIN" grep -Eq '^SIM: +waiting for the SIM PIN' <<<"$out"
stop_pid "$SIM_PID"

# a port where nobody answers: a pty whose other end stays silent
python3 - "$T/silent" <<'EOF' &
import os, pty, sys, time
m, s = pty.openpty()
os.symlink(os.ttyname(s), sys.argv[1])
time.sleep(30)
EOF
_pids="$_pids $!"
wait_for 5 test -e "$T/silent"
start=$(date +%s%N)
out=$(outpost modem at "$T/silent" 'AT' --timeout 0.5 2>"$T/err"); rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "no answer exits 1" 1 "$rc"
check "no answer is reported with device and command" \
	grep -qF "$T/silent: AT: no answer within 0.5 s" "$T/err"
check "the timeout is kept (took ${ms} ms)" test "$ms" -ge 450 -a "$ms" -lt 3000
outpost modem info "$T/silent" --timeout 0.2 >/dev/null 2>"$T/err"; rc=$?
expect_eq "info on a silent port exits 1" 1 "$rc"
check "and says it got no answer" grep -q "no answer to any command" "$T/err"

# no device, bad arguments
outpost modem at "$T/nothing" AT 2>"$T/err"; rc=$?
expect_eq "a missing device exits 1" 1 "$rc"
check "and is named" grep -qF "$T/nothing" "$T/err"
outpost modem at "$T/a/pcui" 'CSQ' 2>/dev/null; rc=$?
expect_eq "a command without AT is a usage error" 2 "$rc"
outpost modem at "$T/a/pcui" 2>/dev/null; rc=$?
expect_eq "a missing command is a usage error" 2 "$rc"
outpost modem at "$T/a/pcui" AT --timeout 0 2>/dev/null; rc=$?
expect_eq "a zero timeout is a usage error" 2 "$rc"
outpost modem frobnicate 2>/dev/null; rc=$?
expect_eq "an unknown subcommand is a usage error" 2 "$rc"

done_testing
