#!/usr/bin/env bash
# oobd end to end, with real parts (oobd_lib.sh): the owner texts a valid
# code to modemsim; oobd brings up the link (a veth "carrier" between
# network namespaces), checks the relay is reached over it, opens the ssh
# tunnel to a real OpenSSH relay and pushes "link up"; the owner logs in
# through the relay and runs a command on the box.  DOWN takes tunnel and
# link away and the owner gets an SMS.  Refusals: a replayed code, a wrong
# code, an unknown sender, lockout.  STATUS is answered by SMS.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/oobd_lib.sh"

start_world
# oobd's metrics, read from inside the box (metrics-listen is its loopback);
# promtool (Debian's prometheus) checks them.
command -v promtool >/dev/null || sh "$OUTPOST_TOP/scripts/deps.sh" check >/dev/null
MPORT=9124
echo "metrics-listen 127.0.0.1:$MPORT" >>"$T/oobd.conf"
metrics_get() {
	in_box python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=5).read().decode())' \
	    "$MPORT" >"$T/metrics.txt" 2>"$T/metrics.err"
}
metric() { grep -E "^$1(\{[^}]*${2:-}[^}]*\})? " "$T/metrics.txt" | head -n 1 | awk '{ print $NF }'; }
at_least() { awk -v x="$1" -v m="$2" 'BEGIN { exit !(x != "" && x + 0 >= m) }'; }
start_oobd || { not_ok "oobd starts and answers on its control socket"; sed 's/^/# /' "$T/oobd.log"; done_testing; }
ok "oobd starts and answers on its control socket (state idle)"
check "the modem is ready" wait_for 15 modem_ready
check "no cell0 before anyone asked" not in_box ip link show cell0 2>/dev/null

# --- UP with a valid code
NOW=$(date +%s)
UP_CODE=$(code_at "$NOW")
expect_eq "the owner texts '<code> UP 10'" "ok 1 part" "$(sms $OWNER "$UP_CODE UP 10")"
check "oobd reports the session up" wait_for 40 state_is up
check "cell0 exists in the box with 10.64.0.2" in_box sh -c 'ip -4 addr show cell0 | grep -q 10.64.0.2'
check "a host route to the relay goes over cell0" \
	in_box sh -c "ip route get $RELAY | grep -q 'dev cell0'"
check "the box's default route is untouched (still home0)" \
	in_box sh -c 'ip route show default | grep -q "via 192.168.1.1 dev home0"'
OUT=$(owner_ssh 'ip -brief -4 addr show cell0')
case $OUT in
*cell0*10.64.0.2*) ok "the owner logs in through the relay and runs a command on the box" ;;
*) not_ok "the owner logs in through the relay (got '$OUT')"; sed 's/^/# /' "$T/owner_ssh.log" ;;
esac
check "the 'up' push arrived" wait_for 15 sh -c \
	"python3 $HERE/httprec.py show '$T/pushes' -1 json event | grep -qx up"
PUSHTEXT=$(python3 "$HERE/httprec.py" show "$T/pushes" -1 json text)
case $PUSHTEXT in
*"ssh -J $RELAY_NAME -p 31337 localhost"*) ok "the push says how to log in" ;;
*) not_ok "the push says how to log in (got '$PUSHTEXT')" ;;
esac
check "the status shows the link address" test "$(field link address)" = 10.64.0.2
check "the relay's and the push host's names were asked over the link" \
	grep -qx "query $RELAY_NAME" "$T/dns.log"
check "the push host's name too" grep -qx "query $PUSH_NAME" "$T/dns.log"
check "routes to the DNS server and the push host go over cell0" in_box sh -c \
	"ip route get $DNS | grep -q 'dev cell0' && ip route get $PUSH | grep -q 'dev cell0'"
# ssh connected to the address asked over the link, with StrictHostKeyChecking:
# the tunnel being up means it found the key under the relay's name
check "the relay's key is pinned under its name only (no address in known_hosts)" \
	not grep -q "$RELAY" "$T/known_hosts"

# --- refusals, while up: nothing changes
ACC=$(field sms accepted)
sms $OWNER "$UP_CODE UP" >/dev/null
check "a replayed code is refused" wait_for 10 grep -q "refused: replay" "$T/oobd.log"
sms +15550001111 "$(code_at $((NOW + 30))) DOWN" >/dev/null
check "an unknown sender is ignored" wait_for 10 grep -q "sms from +15550001111 ignored" "$T/oobd.log"
sms $OWNER "000000 DOWN" >/dev/null
check "a wrong code is refused" wait_for 10 grep -q "DOWN refused: bad code" "$T/oobd.log"
expect_eq "none of them was accepted" "$ACC" "$(field sms accepted)"
check "the session is still up" state_is up

# --- the metrics, while up, against what happened
check "metrics: /metrics answers inside the box" metrics_get
promtool check metrics <"$T/metrics.txt" >"$T/promtool.out" 2>&1
check "metrics: promtool check metrics finds no problem" test $? -eq 0 -a ! -s "$T/promtool.out"
sed 's/^/# promtool: /' "$T/promtool.out" | head -5
expect_eq "metrics: the session is up" 1 "$(metric oobd_session_state_info 'state="up"')"
expect_eq "metrics: it came up once" 1 "$(metric oobd_sessions_up_total)"
check "metrics: a tunnel was started" at_least "$(metric oobd_tunnel_starts_total)" 1
expect_eq "metrics: one replay refused" 1 "$(metric oobd_sms_refused_total 'reason="replay"')"
expect_eq "metrics: one bad code refused" 1 "$(metric oobd_sms_refused_total 'reason="bad_code"')"
expect_eq "metrics: one unknown sender ignored" 1 "$(metric oobd_sms_ignored_total)"
check "metrics: the 'up' push counted as sent" at_least "$(metric oobd_pushes_sent_total)" 1
check "metrics: the link carried bytes (the owner's ssh)" \
	at_least "$(metric oobd_link_receive_bytes_total)" 1000
expect_eq "metrics: the signal is the status's" "$(field modem rssi)" "$(metric oobd_modem_signal_rssi)"
expect_eq "metrics: the modem is registered" 1 "$(metric oobd_modem_registered)"
RX_UP=$(metric oobd_link_receive_bytes_total)

# --- STATUS by SMS
STATUS_CODE=$(code_at $((NOW + 30)))	# one step ahead: accepted (window)
sms $OWNER "$STATUS_CODE status" >/dev/null
check "STATUS is answered by SMS to the sender" wait_for 20 sh -c \
	"$(declare -f outbox_texts); T='$T'; outbox_texts | grep -q '^$OWNER|OOBM up '"
outbox_texts | sed 's/^/# sms: /'

# --- DOWN
NEXT=$(( (NOW / 30 + 2) * 30 ))
while [ "$(date +%s)" -lt $((NEXT - 30)) ]; do sleep 1; done	# a step after STATUS's
sms $OWNER "$(code_at "$NEXT") DOWN" >/dev/null
check "DOWN: the session goes idle" wait_for 30 state_is idle
check "DOWN: cell0 is gone" not in_box ip link show cell0 2>/dev/null
check "DOWN: no ssh left running" no_tunnel_ssh
check "DOWN: the relay port is closed" not owner_ssh true
check "DOWN: the route to the relay is gone" not in_box sh -c "ip route show | grep -q $RELAY"
check "DOWN: the owner gets an SMS" wait_for 20 sh -c \
	"$(declare -f outbox_texts); T='$T'; outbox_texts | grep -q '^$OWNER|OOBM link is down: DOWN by SMS'"

# --- lockout: three wrong codes, then even a right one is refused
for c in 111111 222222 333333; do sms $OWNER "$c UP" >/dev/null; done
check "three wrong codes lock SMS commands" wait_for 15 field_is sms locked true
sms $OWNER "$(code_at $((NEXT + 30))) UP" >/dev/null
check "a right code is refused while locked" wait_for 10 grep -q "UP refused: locked" "$T/oobd.log"
check "and nothing comes up" state_is idle
metrics_get
expect_eq "metrics: locked" 1 "$(metric oobd_auth_locked)"
expect_eq "metrics: the right code refused as locked" 1 \
	"$(metric oobd_sms_refused_total 'reason="locked"')"
expect_eq "metrics: four bad codes in all" 4 "$(metric oobd_sms_refused_total 'reason="bad_code"')"
expect_eq "metrics: idle again" 1 "$(metric oobd_session_state_info 'state="idle"')"
check "metrics: the link's bytes are kept after it went down ($RX_UP before)" \
	at_least "$(metric oobd_link_receive_bytes_total)" "${RX_UP:-1}"

# --- the state survives a restart: the lockout is still there
stop_pid "$OOBD"
start_oobd || not_ok "oobd restarts"
check "after a restart the lockout holds" test "$(field sms locked)" = true

# --- SIGHUP: a new sender is allowed without a restart (and the lockout,
# being state, not configuration, still holds)
echo "allow-sender +15550001111" >>"$T/oobd.conf"
kill -HUP "$OOBD"
check "SIGHUP: the configuration is reloaded" wait_for 10 grep -q "SIGHUP: senders" "$T/oobd.log"
sms +15550001111 "123456 UP" >/dev/null
check "SIGHUP: the new sender's text is read (and refused: still locked)" \
	wait_for 10 grep -q "sms from +15550001111: UP refused: locked" "$T/oobd.log"

stop_pid "$OOBD"
check "oobd removes its control socket on exit" test ! -e "$T/oobd.sock"
sed 's/^/# oobd: /' "$T/oobd.log" | tail -40
done_testing
