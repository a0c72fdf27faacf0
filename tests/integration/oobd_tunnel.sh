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
