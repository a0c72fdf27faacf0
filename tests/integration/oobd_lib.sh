# Sourced by oobd's integration tests, after lib.sh.  Builds the world the
# OOBM box lives in, all of it real but the radio:
#
#   box  (network namespace $BOX): oobd, the box's own sshd on 127.0.0.1:2222,
#        a "home" uplink home0 whose default route leads nowhere (home is down)
#        (this kernel has no dummy interfaces: veth pairs and lo do it all)
#   inet (namespace $INET): the relay's sshd on 198.51.100.10:22, a push
#        endpoint (httprec.py) on 198.51.100.20:8080, and a DNS server
#        (dnsstub.py) on 198.51.100.53 that knows them as relay.outpost.test
#        and push.outpost.test: oobd asks it over the link
#   the carrier: oobd's link command (oobd-carrier) makes cell0 in the box
#        and its other end in inet when oobd brings the link up
#   modemsim on two ptys (modem port, PC UI port) with an outbox
#
# Everything started is stopped by PID (lib.sh) and the namespaces are
# deleted on exit.
BOX=oobd-box-$$
INET=oobd-inet-$$
RELAY=198.51.100.10
PUSH=198.51.100.20
DNS=198.51.100.53
RELAY_NAME=relay.outpost.test
PUSH_NAME=push.outpost.test
OWNER=+447700900123
HERE=$OUTPOST_TOP/tests/integration

need() {
	for p in "$@"; do
		if ! command -v "$p" >/dev/null 2>&1 && [ ! -x "$p" ]; then
			not_ok "$p is installed"
			done_testing
		fi
	done
}
need ip socat python3 ssh ssh-keygen /usr/sbin/sshd oobd modemsim outpost oobd-push

in_box()  { ip netns exec "$BOX" "$@"; }
not()     { ! "$@"; }
# no ssh client left in the box (only oobd runs one there)
no_tunnel_ssh() {
	for p in $(ip netns pids "$BOX"); do
		[ "$(cat /proc/$p/comm 2>/dev/null)" = ssh ] && return 1
	done
	return 0
}
in_inet() { ip netns exec "$INET" "$@"; }

# Everything in the two namespaces was started by this test, directly or
# not (sshd's per-connection children, oobd's ssh and link command): stop
# it all by PID, then the namespaces.
_oobd_cleanup() {
	_cleanup
	for ns in "$BOX" "$INET"; do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill $pids 2>/dev/null
	done
	sleep 0.2
	for ns in "$BOX" "$INET"; do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill -9 $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
}
trap _oobd_cleanup EXIT

ip netns add "$BOX" && ip netns add "$INET" || { not_ok "network namespaces"; done_testing; }
in_box ip link set lo up
in_inet ip link set lo up
# home: an uplink whose router is gone (a veth with nobody at the far
# end): the default route leads nowhere
in_box ip link add home0 type veth peer name home1
in_box ip addr add 192.168.1.10/24 dev home0
in_box ip link set home0 up
in_box ip link set home1 up
in_box ip route add default via 192.168.1.1
# the internet side: the relay and the push endpoint, and the way back to
# the carrier's network
in_inet ip addr add $RELAY/32 dev lo
in_inet ip addr add $PUSH/32 dev lo
in_inet ip addr add $DNS/32 dev lo

# --- keys: the relay's and the box's host keys, oobd's key, the owner's key
mkdir -p "$T/relay" "$T/box" "$T/state" "$T/run"
ssh-keygen -q -t ed25519 -N '' -f "$T/relay/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$T/box/host_key"
ssh-keygen -q -t ed25519 -N '' -C oobd -f "$T/id_oobd"
ssh-keygen -q -t ed25519 -N '' -C owner -f "$T/id_owner"
echo "$RELAY_NAME $(cut -d' ' -f1,2 "$T/relay/host_key.pub")" >"$T/known_hosts"
echo "[127.0.0.1]:31337 $(cut -d' ' -f1,2 "$T/box/host_key.pub")" >"$T/owner_known_hosts"
# The relay lets oobd's key open only its one forward, and no shell
# (doc/relay.md); the owner may log in to the box.
echo "restrict,port-forwarding,permitlisten=\"localhost:31337\",command=\"/bin/false\" $(cat "$T/id_oobd.pub")" \
	>"$T/relay/authorized_keys"
cat "$T/id_owner.pub" >"$T/box/authorized_keys"

# sshd_config NAME LISTEN: a private sshd that runs as root in a namespace
sshd_config() {
	cat >"$T/$1/sshd_config" <<EOC
ListenAddress $2
HostKey $T/$1/host_key
AuthorizedKeysFile $T/$1/authorized_keys
PidFile none
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowTcpForwarding yes
GatewayPorts no
LogLevel VERBOSE
EOC
}
sshd_config relay $RELAY:22
sshd_config box 127.0.0.1:2222
mkdir -p /run/sshd	# privilege separation directory sshd insists on

start_relay() {
	spawn ip netns exec "$INET" /usr/sbin/sshd -D -e -f "$T/relay/sshd_config" 2>>"$T/relay.log"
	RELAY_PID=$LAST_PID
	wait_for 10 in_inet bash -c "exec 3<>/dev/tcp/$RELAY/22" 2>/dev/null
}

# The SMS side: modemsim's control socket
ctl() { printf '%s\n' "$1" | socat -t 5 - UNIX-CONNECT:"$T/modem.ctl"; }
code_at() { outpost otp code --secret-file "$T/otp.secret" --time "$1"; }
sms() { ctl "sms-text $1 $2"; }
status_json() { outpost status --json --oobd "$T/oobd.sock" 2>/dev/null; }
# field SECTION KEY: one value from oobd's status
field() {
	status_json | python3 -c 'import json, sys
o = json.load(sys.stdin)
v = o.get(sys.argv[1], {}).get(sys.argv[2])
print(str(v).lower() if isinstance(v, bool) else ("" if v is None else v))' "$1" "$2"
}
state_is() { test "$(field session state 2>/dev/null)" = "$1"; }
# field_is SECTION KEY VALUE (for wait_for, which reruns it: no $(...) there)
field_is() { test "$(field "$1" "$2" 2>/dev/null)" = "$3"; }
modem_ready() { field_is modem state ready; }
# The owner logs in through the relay and runs a command on the box.
owner_ssh() {
	in_inet timeout 20 ssh -n -p 31337 -i "$T/id_owner" -o BatchMode=yes \
	    -o UserKnownHostsFile="$T/owner_known_hosts" -o StrictHostKeyChecking=yes \
	    -o ConnectTimeout=5 root@127.0.0.1 "$@" 2>>"$T/owner_ssh.log"
}
# outbox_texts: every SMS oobd sent, "number|text" per line (python3-gammu)
outbox_texts() {
	[ -s "$T/outbox" ] || return 0
	/usr/bin/python3 - "$T/outbox" <<'EOP'
import binascii, sys
import gammu
for line in open(sys.argv[1]):
    g = gammu.DecodePDU(binascii.unhexlify(line.strip()))
    print("%s|%s" % (g["Number"], g["Text"][:g["Length"]]))
EOP
}

write_conf() {
	outpost otp init --force --secret-file "$T/otp.secret" >/dev/null 2>&1
	cat >"$T/oobd.conf" <<EOC
modem $T/pcui
modem-status-interval 5s
otp-secret-file $T/otp.secret
allow-sender $OWNER
auth-max-failures 3
retries 3
retry-backoff 1s
link-timeout 10s
check-timeout 10s
link command $HERE/oobd-carrier $INET cell0
link-interface cell0
link-gateway 10.64.0.1
relay $RELAY_NAME 22
link-dns $DNS
relay-user root
tunnel-port 31337
tunnel-target 127.0.0.1:2222
ssh /usr/bin/ssh
ssh-key $T/id_oobd
ssh-known-hosts $T/known_hosts
ssh-alive-interval 2s
notify webhook http://$PUSH_NAME:8080/hook
notify-helper $OUTPOST_BIN/oobd-push
notify-timeout 5s
statedir $T/state
rundir $T/run
control $T/oobd.sock
EOC
}

start_world() {
	spawn modemsim --pty "$T/modem" --pty "$T/pcui" --control "$T/modem.ctl" --outbox "$T/outbox"
	wait_for 5 test -S "$T/modem.ctl" -a -L "$T/pcui" || { not_ok "modemsim starts"; done_testing; }
	spawn ip netns exec "$INET" python3 "$HERE/httprec.py" serve "$T/pushes" --bind $PUSH --port 8080 >/dev/null
	spawn ip netns exec "$INET" python3 "$HERE/dnsstub.py" $DNS $RELAY_NAME=$RELAY \
	    $PUSH_NAME=$PUSH >"$T/dns.log"
	spawn ip netns exec "$BOX" /usr/sbin/sshd -D -e -f "$T/box/sshd_config" 2>>"$T/box.log"
	start_relay || { not_ok "the relay's sshd listens"; done_testing; }
	write_conf
}

start_oobd() {
	spawn ip netns exec "$BOX" oobd -d -f "$T/oobd.conf" 2>>"$T/oobd.log"
	OOBD=$LAST_PID
	wait_for 10 state_is idle
}
