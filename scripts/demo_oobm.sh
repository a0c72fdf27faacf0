#!/bin/sh
# make demo, the out-of-band half: an SMS brings up the way in, the owner
# logs in through it, another SMS takes it down.  Run by scripts/demo.sh.
#   demo_oobm.sh [BIN]
#
# The world is the one oobd's integration tests build
# (tests/integration/oobd_lib.sh): network namespaces for the box and for
# the internet, a veth link that oobd's link command makes as pppd would
# make ppp0, a real OpenSSH relay, the box's own sshd, a DNS server and a
# push receiver on the internet side, and modemsim as the 3G stick.  All
# of it needs root; without root this says so and stops.  Every process is
# stopped by its PID and the namespaces are deleted on the way out.
set -u
bin=${1:-build/bin}
top=$(cd "$(dirname "$0")/.." && pwd)
say() { printf '\n== %s\n' "$*"; }

if [ "$(uname -s)" != Linux ]; then
	say "OOBM: not shown: this half builds its world from Linux network namespaces"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	say "OOBM: not shown: this half needs root"
	cat <<'EOF'
It builds a small internet of its own: two network namespaces (the box and
the internet), a veth pair standing in for the 3G data link, routes, and
OpenSSH servers for the relay and the box.  Creating namespaces and links
takes root (CAP_SYS_ADMIN, CAP_NET_ADMIN).  `sudo make demo` shows it.
EOF
	exit 0
fi
for p in ip socat ssh ssh-keygen /usr/sbin/sshd python3; do
	command -v "$p" >/dev/null 2>&1 ||
		{ echo "demo: OOBM: $p is missing (sh scripts/deps.sh demo)"; exit 1; }
done
/usr/bin/python3 -c 'import gammu' 2>/dev/null ||
	{ echo "demo: OOBM: python3-gammu is missing (sh scripts/deps.sh demo)"; exit 1; }

OUTPOST_TOP=$top
OUTPOST_BIN=$(cd "$bin" && pwd)
. "$top/tests/integration/lib.sh"
. "$top/tests/integration/oobd_lib.sh"

# A relay session whose box vanished without a goodbye outlives its sshd
# listener unless its connection is ended first (as the relay's ClientAlive
# would, later): end it, then stop everything by PID, then the namespaces.
_demo_cleanup() {
	in_inet ss -K -Htn 'sport = :22' >/dev/null 2>&1
	wait_for 3 not in_inet sh -c "ss -Hltn 'sport = :31337' | grep -q ."
	_oobd_cleanup
	say "OOBM: stopped: every process it started is gone, the namespaces are deleted"
}
trap _demo_cleanup EXIT

status() { outpost status --oobd "$T/oobd.sock" | sed 's/^/    /'; }

say "OOBM: the world: network namespaces $BOX (the box) and $INET (the internet)"
cat <<EOF
    box:  oobd, the box's sshd on 127.0.0.1:2222, a home uplink that is down
    inet: the relay's sshd on $RELAY:22 ($RELAY_NAME), DNS on $DNS,
          a push receiver on $PUSH:8080 ($PUSH_NAME)
    the 3G stick: modemsim on $T/pcui; the data link: oobd-carrier, a veth pair
EOF
start_world
echo "    oobd.conf, the parts that matter here:"
grep -E '^(allow-sender|link |link-interface|link-dns|relay |tunnel-|notify )' "$T/oobd.conf" |
	sed 's/^/      /'

say "OOBM: oobd -d starts in the box; its log follows"
spawn ip netns exec "$BOX" oobd -d -f "$T/oobd.conf" 2>&1
OOBD=$LAST_PID
wait_for 10 state_is idle && wait_for 15 modem_ready ||
	{ echo "demo: OOBM: oobd did not start"; exit 1; }
sleep 0.3
status

NOW=$(date +%s)
UP=$(outpost otp code --secret-file "$T/otp.secret" --time "$NOW")
say "OOBM: the owner texts \"$UP UP 10\" from $OWNER to the modem's number"
echo "    (the code: outpost otp code --secret-file $T/otp.secret; the text goes in"
echo "    through modemsim's control socket: sms-text $OWNER $UP UP 10)"
sms "$OWNER" "$UP UP 10" >/dev/null || { echo "demo: OOBM: modemsim took no SMS"; exit 1; }
wait_for 40 state_is up || { echo "demo: OOBM: the session did not come up"; status; exit 1; }
status
wait_for 10 sh -c "python3 '$HERE/httprec.py' count '$T/pushes' | grep -qv '^0$'" &&
	echo "    the push the owner got: \"$(python3 "$HERE/httprec.py" show "$T/pushes" -1 json text)\""

say "OOBM: the owner logs in through the relay and runs a command on the box"
echo "    (ssh -J $RELAY_NAME -p 31337 localhost: here, from the relay's side, its second hop)"
cmd='ip netns identify; ip -brief -4 addr show cell0; ip route show default'
echo "    \$ ssh -p 31337 root@127.0.0.1 '$cmd'"
if out=$(owner_ssh "$cmd"); then
	echo "$out" | sed 's/^/    /'
	echo "    (the box's namespace; cell0 is the cellular link; the default route is"
	echo "    still the dead home uplink: oobd touched none but its own host routes)"
else
	echo "    the login failed:"
	sed 's/^/    /' "$T/owner_ssh.log"
fi

DOWN=$(outpost otp code --secret-file "$T/otp.secret" --time $((NOW + 30)))
say "OOBM: the owner texts \"$DOWN DOWN\" (the next code: one step early is accepted)"
sms "$OWNER" "$DOWN DOWN" >/dev/null || { echo "demo: OOBM: modemsim took no SMS"; exit 1; }
wait_for 20 state_is idle || echo "demo: OOBM: the session did not stop"
status
wait_for 10 sh -c "test -s '$T/outbox'"
say "OOBM: the SMS oobd sent the owner (modemsim's outbox, decoded with python3-gammu)"
outbox_texts | sed 's/^\([^|]*\)|/    to \1: /'
stop_pid "$OOBD"
