#!/usr/bin/env bash
# tunnel_ssh: the reverse tunnel against a real OpenSSH sshd acting as the
# relay, on loopback ports, with its own host key and authorized_keys in $T.
# tunnel_probe (compiled here from the tunnel, child and event loop sources)
# does what oobd does: builds ssh's command line, runs ssh supervised,
# classifies its stderr and drives the supervisor.  Checked: the forward is
# established and reaches the box's side, and the failures a relay owner
# meets are told apart (changed or unknown host key, refused key, port
# taken, relay down, keepalive timeout); and the relay set-up that
# doc/relay.md describes (restricted key, sshd Match block) allows exactly
# the one forward: no other port, no shell, no -L.
. "$(dirname "$0")/lib.sh"

top=$OUTPOST_TOP
case $OUTPOST_BIN in
*/san/*) san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" ;;
*) san="" ;;
esac

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---- the probe
if ! cc -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -g -O1 $san -I"$top/lib" \
    -I"$top/oobd" -o "$T/probe" "$top/tests/integration/tunnel_probe.c" \
    "$top/oobd/tunnel.c" "$top/lib/child.c" "$top/lib/evloop.c" "$top/lib/tsmath.c" \
    "$top/lib/text.c" "$top/lib/fdio.c" -lm 2>"$T/cc.log"; then
	cat "$T/cc.log"
	not_ok "tunnel_probe compiles"
	done_testing
fi
ok "tunnel_probe compiles"

# ---- the relay: sshd with its own keys and files
relay_port=$(free_port)
target_port=$(free_port)
rport=$(free_port)
busy_port=$(free_port)
dead_port=$(free_port)
other_port=$(free_port)
lport=$(free_port)

ssh-keygen -q -t ed25519 -N '' -C relay -f "$T/relay_host_key"
ssh-keygen -q -t ed25519 -N '' -C other-relay -f "$T/impostor_host_key"
ssh-keygen -q -t ed25519 -N '' -C box -f "$T/box_key"
ssh-keygen -q -t ed25519 -N '' -C stranger -f "$T/stranger_key"
echo "[127.0.0.1]:$relay_port $(cat "$T/relay_host_key.pub")" >"$T/known_hosts"
echo "[127.0.0.1]:$relay_port $(cat "$T/impostor_host_key.pub")" >"$T/known_hosts_impostor"
: >"$T/known_hosts_empty"
cp "$T/box_key.pub" "$T/authorized_keys"

# The Match block is doc/relay.md's, for the test's user (root).
cat >"$T/sshd_config" <<EOF
Port $relay_port
ListenAddress 127.0.0.1
HostKey $T/relay_host_key
PidFile $T/sshd.pid
AuthorizedKeysFile $T/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
LogLevel VERBOSE
Match User root
	AllowTcpForwarding remote
	GatewayPorts no
	X11Forwarding no
	AllowAgentForwarding no
	PermitTTY no
	ClientAliveInterval 15
	ClientAliveCountMax 3
EOF
# Debian's sshd insists on its privilege separation directory (the package
# creates it at boot); harmless to create.
[ -d /run/sshd ] || mkdir -p -m 0755 /run/sshd
check "sshd accepts the configuration" /usr/sbin/sshd -t -f "$T/sshd_config"
spawn /usr/sbin/sshd -D -e -f "$T/sshd_config" 2>"$T/sshd.log"
sshd_pid=$LAST_PID
check "relay sshd listens on 127.0.0.1:$relay_port" wait_for 10 port_open "$relay_port"

# The box's side of the tunnel: a listener that says who it is.
spawn socat "TCP-LISTEN:$target_port,bind=127.0.0.1,reuseaddr,fork" \
    SYSTEM:'echo hello-from-the-box'
check "box listener up" wait_for 10 port_open "$target_port"

probe() {
	"$T/probe" --relay 127.0.0.1 --port "$relay_port" --user root --key "$T/box_key" \
	    --known "$T/known_hosts" --target "127.0.0.1:$target_port" --connect 5 --stderr "$@"
}
through_relay() { socat -T 5 - "TCP:127.0.0.1:$1" </dev/null 2>/dev/null; }
# run NAME ARGS...: the probe in the foreground; sets rc
run() { local name=$1; shift; probe "$@" >"$T/$name.out" 2>"$T/$name.err"; rc=$?; }
show() { echo "# --- $1.out"; sed 's/^/# /' "$T/$1.out"; echo "# --- $1.err (tail)"; tail -n 15 "$T/$1.err" | sed 's/^/# /'; }
expect_line() { # name regex what
	if grep -Eq "$2" "$T/$1.out"; then ok "$3"; else not_ok "$3"; show "$1"; fi
}

# ---- 1. the tunnel comes up, carries a connection, and stops cleanly
probe --rport "$rport" --hold 8000 --timeout 40000 >"$T/good.out" 2>"$T/good.err" &
good_pid=$!
_pids="$_pids $good_pid"
if wait_for 20 grep -q '^up: ' "$T/good.out"; then ok "tunnel up"; else not_ok "tunnel up"; show good; fi
expect_line good "^event FORWARD_OK 0 port=$rport: tunnel up: relay 127.0.0.1:$relay_port listens on port $rport\$" \
    "FORWARD_OK line seen (OpenSSH's \"remote forward success for: listen\")"
expect_eq "a connection to the relay's port $rport reaches the box" hello-from-the-box \
    "$(through_relay "$rport")"
wait "$good_pid"; rc=$?
expect_eq "probe stops ssh after the hold and exits 0" 0 "$rc"
expect_line good '^stopped$' "ssh stopped on request"
ssh_pid=$(sed -n 's/^spawn 1 pid \([0-9]*\)$/\1/p' "$T/good.out")
check "ssh process gone" eval "[ -n '$ssh_pid' ] && ! kill -0 '$ssh_pid' 2>/dev/null"
check "the relay no longer listens on $rport" eval "! port_open $rport"

# ---- 2. the relay's host key is not the pinned one
run impostor --rport "$rport" --known "$T/known_hosts_impostor" --timeout 30000
expect_eq "changed host key: gives up (exit 3)" 3 "$rc"
expect_line impostor '^event HOSTKEY_FAILED ' "changed host key: HOSTKEY_FAILED"
expect_line impostor "^failed: relay 127.0.0.1:$relay_port host key does not match the pinned key" \
    "changed host key: summary says so"
expect_eq "changed host key: not retried" 1 "$(grep -c '^spawn' "$T/impostor.out")"

run unknown --rport "$rport" --known "$T/known_hosts_empty" --timeout 30000
expect_eq "unknown host key: gives up (exit 3)" 3 "$rc"
expect_line unknown "^failed: relay 127.0.0.1:$relay_port host key is not in the pinned known_hosts file\$" \
    "unknown host key: HOSTKEY_FAILED, summary says so"

# ---- 3. the relay does not know our key: retried with back-off, then given up
start=$(date +%s)
run stranger --rport "$rport" --key "$T/stranger_key" --timeout 40000
elapsed=$(( $(date +%s) - start ))
expect_eq "refused key: gives up (exit 3)" 3 "$rc"
expect_line stranger '^event AUTH_FAILED ' "refused key: AUTH_FAILED"
expect_line stranger "^failed: relay 127.0.0.1:$relay_port refused our key \\(user root\\)\$" \
    "refused key: summary says so"
expect_eq "refused key: three attempts" 3 "$(grep -c '^spawn' "$T/stranger.out")"
check "refused key: back-off of 1 s then 2 s between them (took ${elapsed} s)" [ "$elapsed" -ge 3 ]

# ---- 4. the port is taken on the relay: ExitOnForwardFailure ends ssh
spawn socat "TCP-LISTEN:$busy_port,bind=127.0.0.1,reuseaddr,fork" SYSTEM:'echo squatter'
busy_pid=$LAST_PID
wait_for 10 port_open "$busy_port"
run busy --rport "$busy_port" --bind 127.0.0.1 --max-failures 1 --timeout 30000
expect_eq "port taken: gives up (exit 3)" 3 "$rc"
expect_line busy "^event FORWARD_FAILED [0-9]+ port=$busy_port: " "port taken: FORWARD_FAILED for port $busy_port"
expect_line busy "^failed: relay 127.0.0.1:$relay_port could not listen on port $busy_port \\(in use\\?\\)\$" \
    "port taken: summary says so"
stop_pid "$busy_pid"

# ---- 5. nothing listens where the relay should be
run dead --port "$dead_port" --rport "$rport" --max-failures 1 --timeout 30000
expect_eq "relay down: gives up (exit 3)" 3 "$rc"
expect_line dead '^event CONNECT_FAILED ' "relay down: CONNECT_FAILED"
expect_line dead "^failed: relay 127.0.0.1:$dead_port refused the connection\$" "relay down: summary says so"

# ---- 6. the relay stops answering: keepalives time out
run_bg_alive() {
	probe --rport "$rport" --alive 1 --count 2 --max-failures 1 --timeout 40000 \
	    >"$T/alive.out" 2>"$T/alive.err" &
	alive_pid=$!
	_pids="$_pids $alive_pid"
}
run_bg_alive
if wait_for 20 grep -q '^up: ' "$T/alive.out"; then
	# Freeze the relay's processes for this connection (sshd's children).
	frozen=""
	for p in $(pgrep -P "$sshd_pid"); do frozen="$frozen $p $(pgrep -P "$p" | tr '\n' ' ')"; done
	for p in $frozen; do kill -STOP "$p" 2>/dev/null; done
	wait "$alive_pid"; rc=$?
	for p in $frozen; do kill -CONT "$p" 2>/dev/null; done
	expect_eq "frozen relay: gives up (exit 3)" 3 "$rc"
	expect_line alive '^event SERVER_TIMEOUT ' "frozen relay: SERVER_TIMEOUT"
	expect_line alive '^down$' "frozen relay: the tunnel is reported down"
	expect_line alive "^failed: relay 127.0.0.1:$relay_port stopped answering \\(keepalive timeout\\)\$" \
	    "frozen relay: summary says so"
else
	not_ok "keepalive scenario: tunnel up first"; show alive
fi

# ---- 7. doc/relay.md's restricted key: this one forward, nothing else
echo "restrict,port-forwarding,permitlisten=\"localhost:$rport\",command=\"/bin/false\" $(cat "$T/box_key.pub")" \
    >"$T/authorized_keys"
probe --rport "$rport" --bind localhost --hold 5000 --timeout 30000 >"$T/restricted.out" \
    2>"$T/restricted.err" &
r_pid=$!
_pids="$_pids $r_pid"
if wait_for 20 grep -q '^up: ' "$T/restricted.out"; then
	ok "restricted key: the permitted forward comes up"
	expect_eq "restricted key: it reaches the box" hello-from-the-box "$(through_relay "$rport")"
else
	not_ok "restricted key: the permitted forward comes up"; show restricted
fi
wait "$r_pid"
run refused --rport "$other_port" --bind localhost --max-failures 1 --timeout 30000
expect_eq "restricted key: another port is refused (exit 3)" 3 "$rc"
expect_line refused "^failed: relay 127.0.0.1:$relay_port refused to listen on port $other_port \\(not permitted\\)\$" \
    "restricted key: FORWARD_FAILED, not permitted"

sshopts=(-F none -o BatchMode=yes -o UserKnownHostsFile="$T/known_hosts"
	-o GlobalKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o IdentityAgent=none
	-i "$T/box_key" -p "$relay_port")
out=$(timeout 20 ssh "${sshopts[@]}" root@127.0.0.1 'echo SHELL-RAN' </dev/null 2>"$T/shell.err")
rc=$?
check "restricted key: no shell (command was not run, exit $rc)" \
    eval "[ '$rc' -ne 0 ] && ! echo '$out' | grep -q SHELL-RAN"
timeout 20 ssh "${sshopts[@]}" -N -o ExitOnForwardFailure=yes \
    -L "127.0.0.1:$lport:127.0.0.1:$target_port" root@127.0.0.1 </dev/null 2>"$T/local.err" &
l_pid=$!
_pids="$_pids $l_pid"
if wait_for 10 port_open "$lport"; then
	got=$(through_relay "$lport")
	check "restricted key: no -L forwarding through the relay" [ "$got" != hello-from-the-box ]
	wait_for 5 grep -q 'prohibited' "$T/local.err"
	check "restricted key: ssh was told the -L channel is prohibited" grep -q 'prohibited' "$T/local.err"
else
	not_ok "restricted key: -L test could not start"; cat "$T/local.err"
fi
stop_pid "$l_pid"

stop_pid "$sshd_pid"
done_testing
