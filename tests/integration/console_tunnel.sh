#!/usr/bin/env bash
# The router's console as the seed used it: the owner texts UP, logs in
# on the box through the reverse tunnel (a real OpenSSH relay, oobd_lib.sh)
# and runs `outpost console router` there, from a script and in a terminal
# (ssh -tt).  Through ssh, whose escape character is also '~', the owner
# types "~~." to detach outpost (ssh passes one '~' on).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/oobd_lib.sh"
need routersim

start_world
mkdir -p "$T/lock"
spawn routersim --pty "$T/ttyUSB0" --control "$T/router.ctl"
check "routersim makes the router's port" wait_for 5 test -L "$T/ttyUSB0"
cat >>"$T/oobd.conf" <<EOC
console router $T/ttyUSB0 speed 57600
console-dir $T/console
console-log-dir $T/consolelog
console-lock-dir $T/lock
EOC
start_oobd || { not_ok "oobd starts"; sed 's/^/# /' "$T/oobd.log"; done_testing; }
ok "oobd starts with a console"
check "the console socket is there" wait_for 10 test -S "$T/console/router.sock"
# routersim boots when a host opens its port, and oobd's opening flushes
# what came before it was set up: a loaded machine can put the boot log
# in that gap.  Once oobd says the line is open, boot the router again.
check "oobd says the router's line is open" wait_for 20 grep -q "console router: .* is open" "$T/oobd.log"
python3 - "$T/router.ctl" <<'EOF_PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(b"boot\n")
s.makefile().readline()
EOF_PY
check "the router's boot log is logged while nobody watches" \
	wait_for 10 grep -q "Z router login: " "$T/consolelog/router.log"

expect_eq "the owner texts '<code> UP 10'" "ok 1 part" "$(sms $OWNER "$(code_at "$(date +%s)") UP 10")"
check "the session comes up" wait_for 40 state_is up

OUTPOST=$OUTPOST_BIN/outpost
REMOTE="(sleep 1; printf 'admin\\r'; sleep 0.5; printf 'outpost\\r'; sleep 0.5;"
REMOTE="$REMOTE printf 'echo via the tunnel\\r'; sleep 0.5; printf '~.') |"
REMOTE="$REMOTE $OUTPOST console --dir $T/console router"
owner_ssh "$REMOTE" >"$T/script.out"
check "a script through the tunnel logs in on the router" grep -q "Welcome, admin." "$T/script.out"
check "and gets the answer" grep -q "^via the tunnel" "$T/script.out"

(sleep 2; printf 'echo in a terminal\r'; sleep 1; printf '~~.') |
	in_inet timeout 20 ssh -tt -p 31337 -i "$T/id_owner" -o BatchMode=yes \
	    -o UserKnownHostsFile="$T/owner_known_hosts" -o StrictHostKeyChecking=yes \
	    -o ConnectTimeout=5 root@127.0.0.1 "$OUTPOST console --dir $T/console router" \
	    >"$T/tty.out" 2>>"$T/owner_ssh.log"
expect_eq "in a terminal: ~~. detaches outpost and ends the ssh session (status 0)" 0 "$?"
check "in a terminal: attached read-write" grep -q "read-write" "$T/tty.out"
check "in a terminal: the router answers" grep -q "in a terminal" "$T/tty.out"
check "in a terminal: outpost said it detached" grep -q "\[detached\]" "$T/tty.out"
check "the log has both sessions" \
	test "$(grep -c '\[-- attach rw uid 0 (root) --\]' "$T/consolelog/router.log")" -eq 2
done_testing
