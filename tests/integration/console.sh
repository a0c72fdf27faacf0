#!/usr/bin/env bash
# The console server (console/console.c) and `outpost console`, against
# routersim on a pty and against a real agetty: what the router says while
# nobody watches is in the log, stamped; a writer and a viewer at once;
# escapes (~. ~# ~?); one writer, --force; unplug and replug; a client that
# stops reading holds nobody up; the terminal is put back on every way out;
# the socket's group may attach and others may not.
. "$(dirname "$0")/lib.sh"

for p in routersim modemsim oobd outpost socat python3 setpriv; do
	if ! command -v "$p" >/dev/null; then
		not_ok "$p is there"
		done_testing
	fi
done

GROUP=$(id -gn)
RUN=$T/run
LOG=$T/log/router.log
mkdir -p "$T/lock"
chmod 711 "$T"          # others may reach the socket's directory by name

ctl() { printf '%s\n' "$1" | socat -t 5 - UNIX-CONNECT:"$T/ctl"; }
sim_field() { ctl status | tr ' ' '\n' | sed -n "s/^$1=//p" | tr -d '"'; }
log_has() { grep -qF -- "$1" "$LOG"; }
console() { outpost console --dir "$RUN" "$@"; }

spawn routersim --pty "$T/ttyUSB0" --control "$T/ctl"
SIM=$LAST_PID
check "routersim makes its port" wait_for 5 test -L "$T/ttyUSB0" -a -S "$T/ctl"

# oobd wants its modem and the rest of a box's configuration; nothing here
# activates the link, so the relay is never called.
spawn modemsim --pty "$T/modem" --pty "$T/pcui" --control "$T/modem.ctl"
check "modemsim makes its ports" wait_for 5 test -L "$T/pcui" -a -S "$T/modem.ctl"
outpost otp init --force --secret-file "$T/otp.secret" >/dev/null 2>&1
cat >"$T/oobd.conf" <<EOF
modem $T/pcui
otp-secret-file $T/otp.secret
allow-sender +447700900123
link command /bin/true
relay 127.0.0.1 22
relay-user nobody
statedir $T/state
rundir $T/oobdrun
control $T/oobd.sock
console router $T/ttyUSB0 speed 57600
console-dir $RUN
console-group $GROUP
console-log-dir $T/log
console-lock-dir $T/lock
console-replay 10
EOF
spawn oobd -d -f "$T/oobd.conf" 2>"$T/oobd.err"
OOBD=$LAST_PID
if ! wait_for 10 test -S "$RUN/router.sock"; then
	not_ok "oobd makes the console socket"
	sed 's/^/# /' "$T/oobd.err"
	done_testing
fi
ok "oobd makes the console socket"
expect_eq "the socket is mode 660" 660 "$(stat -c %a "$RUN/router.sock")"
expect_eq "owned by the console group" "$GROUP" "$(stat -c %G "$RUN/router.sock")"
expect_eq "its directory is mode 750" 750 "$(stat -c %a "$RUN")"

# --- (a) nobody attached: the boot log and a panic are kept
# routersim boots when a host opens its port, and oobd's opening flushes
# what came before it was set up: a loaded machine can put the boot log
# in that gap.  Once oobd says the line is open, boot the router again.
check "(a) oobd says the line is open" wait_for 20 grep -q "console router: .* is open" "$T/oobd.err"
expect_eq "(a) the router boots" ok "$(ctl boot)"
check "(a) the boot log is in the log, stamped" wait_for 10 \
	grep -qE '^20[0-9-]{8}T[0-9:.]{12}Z Starting kernel \.\.\.' "$LOG"
check "(a) the login prompt too" wait_for 5 log_has "Z router login: "
boots=$(grep -c 'Starting kernel' "$LOG")
expect_eq "(a) panic" ok "$(ctl panic)"
check "(a) the panic is in the log" wait_for 5 log_has "Z [ 4711.007901] Kernel panic - not syncing"
kernel_starts() { test "$(grep -c 'Starting kernel' "$LOG")" -eq "$1"; }
check "(a) and the reboot after it" wait_for 5 kernel_starts $((boots + 1))
check "(a) the line is open and marked" log_has "[-- console server started: $T/ttyUSB0 57600 8N1 --]"

# --- (b) a viewer and a writer at once; NAME may be left out
spawn outpost console --dir "$RUN" --spy router </dev/null >"$T/spy.out" 2>"$T/spy.err"
SPY=$LAST_PID
check "(b) the viewer is attached read-only" wait_for 5 grep -q "read-only" "$T/spy.err"
(printf 'admin\r'; sleep 0.5; printf 'outpost\r'; sleep 0.5; printf 'echo hello over the console\r'
 sleep 0.5; printf '~?'; sleep 0.3; printf '~#'; sleep 0.5; printf '~.') |
	console >"$T/w.out" 2>"$T/w.err"
expect_eq "(b) ~. ends the writer with status 0" 0 "$?"
check "(b) the writer got the replay (the prompt)" grep -q "router login: " "$T/w.out"
check "(b) the writer saw the answer" grep -q "^hello over the console" "$T/w.out"
check "(b) so did the viewer" wait_for 5 grep -q "^hello over the console" "$T/spy.out"
check "(b) the password was not echoed" bash -c '! grep -q "Password: outpost" "$1"' _ "$T/w.out"
check "(b) the writer was read-write" grep -q "^\[attached to router (.*), read-write\]" "$T/w.err"
check "(b) ~? shows the escapes" grep -q "~#  send a BREAK" "$T/w.err"
check "(b) ~# sends a BREAK" grep -q "^\[BREAK sent\]" "$T/w.err"
check "(b) and ~. detaches" grep -q "^\[detached\]" "$T/w.err"
expect_eq "(b) the router saw one login" 1 "$(sim_field logins)"
check "(b) the log has the session" log_has "Z hello over the console"
check "(b) the log marks attach and detach" \
	bash -c 'grep -q "\[-- attach rw uid 0 (root) --\]" "$1" && grep -q "\[-- detach rw uid 0 (root) --\]" "$1"' _ "$LOG"
check "(b) the log marks the viewer" log_has "[-- attach spy uid 0 (root) --]"
check "(b) the log marks the BREAK" log_has "[-- break sent by uid 0 (root) --]"
check "(b) the BREAK reached no byte to the router (a pty cannot carry one)" \
	test "$(sim_field received)" -eq "$(printf 'admin\routpost\recho hello over the console\r' | wc -c)"

# --- (c) one writer: a second is read-only, --force takes over
mkfifo "$T/a.in"
exec 3<>"$T/a.in"       # A's keyboard (read-write: opening it does not wait)
# (spawn's "$@" & would give it /dev/null for stdin: a job's own redirection)
outpost console --dir "$RUN" router <"$T/a.in" >"$T/a.out" 2>"$T/a.err" &
A=$!
_pids="$_pids $A"
check "(c) A writes" wait_for 5 grep -q "read-write" "$T/a.err"
before=$(sim_field received)
(sleep 0.3; printf 'ignored\r'; sleep 0.5; printf '~.') | console router >/dev/null 2>"$T/b.err"
check "(c) B is told it is read-only" grep -q "has the line: read-only (--force takes it over)" "$T/b.err"
check "(c) B's typing is ignored" grep -q "read-only: typing is ignored" "$T/b.err"
expect_eq "(c) nothing of B's reached the router" "$before" "$(sim_field received)"
(sleep 0.5; printf 'echo forced\r'; sleep 0.5; printf '~.') | console --force router >"$T/c.out" 2>"$T/c.err"
check "(c) --force makes C the writer" grep -q "read-write" "$T/c.err"
check "(c) C's typing arrives" grep -q "^forced" "$T/c.out"
check "(c) A is told" wait_for 5 grep -q "took the line over: you are read-only now" "$T/a.err"
printf '\r~.' >&3
exec 3>&-
wait "$A"
expect_eq "(c) A leaves with ~. (status 0)" 0 "$?"
check "(c) the log names the take-over" log_has "[-- write role taken from uid 0 (root) by uid 0 (root) --]"

# --- (d) unplugged and plugged back, the viewer still attached
expect_eq "(d) unplug" ok "$(ctl unplug)"
check "(d) the viewer is told the line is lost" wait_for 5 grep -q "line lost" "$T/spy.err"
check "(d) the log marks it" wait_for 5 log_has "[-- line lost: "
sleep 2
check "(d) oobd waits for it" kill -0 "$OOBD"
expect_eq "(d) replug" ok "$(ctl replug)"
check "(d) the viewer is told it is back" wait_for 5 grep -q "line back" "$T/spy.err"
check "(d) the log marks it" log_has "[-- line back --]"
# routersim polls for its host: until it has seen oobd open the new port,
# what the router says is lost, as on a real line with nobody listening.
check "(d) routersim sees the host again" wait_for 5 sh -c \
	"printf 'status\n' | socat -t 5 - UNIX-CONNECT:'$T/ctl' | grep -q ' host=yes '"
expect_eq "(d) the router says something" ok "$(ctl 'say after the replug')"
check "(d) the viewer sees it" wait_for 5 grep -q "after the replug" "$T/spy.out"
(sleep 0.3; printf 'echo typed after replug\r'; sleep 0.5; printf '~.') | console router >/dev/null 2>&1
last_is() { ctl status | grep -qF "last=\"$1\""; }
check "(d) typing reaches the router again" wait_for 5 last_is "echo typed after replug"

# --- (e) a client that stops reading holds nobody up
cat >"$T/slow.py" <<'EOF'
import socket, struct, sys, time, os
sock_path, go = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(sock_path)
hello = bytes([1, 1, 0, 0]) + b"router"
s.sendall(b"H" + struct.pack(">H", len(hello)) + hello)
while not os.path.exists(go):           # not reading meanwhile
    time.sleep(0.1)
s.settimeout(5)
buf = b""
try:
    while b"later on" not in buf:
        b = s.recv(65536)
        if not b:
            break
        buf += b
except socket.timeout:
    pass
print("dropped" if b"bytes of output dropped" in buf else "nothing dropped")
print("later" if b"later on" in buf else "no later")
EOF
python3 "$T/slow.py" "$RUN/router.sock" "$T/go" >"$T/slow.out" 2>&1 &
SLOW=$!
_pids="$_pids $SLOW"
sleep 0.5
err_mark=$(wc -l <"$T/spy.err")
expect_eq "(e) the router floods 20000 lines (1.3 MB)" ok "$(ctl 'flood 20000')"
check "(e) the viewer gets to the end of it" wait_for 20 grep -q "flood 019999 " "$T/spy.out"
# The viewer reads, but the flood comes at pty speed, far above any baud
# rate: a viewer slower than that (one built with ASan on a busy machine)
# may lose some, and must then be told how much.  So: every line once, or
# every line it lacks accounted for by the notices (64-byte lines; a gap
# may cut the line at either end of it).
got=$(grep -o 'flood [0-9]\{6\} ' "$T/spy.out" | sort -u | wc -l)
read -r dropped gaps <<EOF
$(tail -n +"$((err_mark + 1))" "$T/spy.err" | grep -o '[0-9]* bytes of output dropped' |
    awk '{ s += $1; n++ } END { print s + 0, n + 0 }')
EOF
echo "# (e) the viewer got $got lines; told of $dropped bytes dropped in $gaps gaps"
check "(e) every line once, or what it lacks it was told it lost" test \
	"$got" -eq 20000 -o \( "$gaps" -gt 0 -a $(( (20000 - got) * 64 )) -le $(( dropped + 2 * 64 * gaps )) \)
check "(e) so does the log" wait_for 10 log_has "Z flood 019999 "
t0=$(date +%s%N)
(sleep 0.3; printf '~.') | console --spy router >/dev/null 2>"$T/e.err"
t1=$(date +%s%N)
check "(e) attaching meanwhile is quick (under 2 s)" test $(((t1 - t0) / 1000000)) -lt 2000
check "(e) and works" grep -q "read-only" "$T/e.err"
touch "$T/go"
sleep 0.5
expect_eq "(e) the router speaks again" ok "$(ctl 'say later on')"
wait "$SLOW"
expect_eq "(e) the slow client was told what it lost, then got the rest" \
	"dropped later" "$(tr '\n' ' ' <"$T/slow.out" | sed 's/ $//')"

# --- (f) the terminal is put back, whichever way the client ends
cat >"$T/termcheck.py" <<'EOF'
import os, pty, signal, sys, termios, time, select
how, argv = sys.argv[1], sys.argv[2:]
r, w = os.pipe()
pid, fd = pty.fork()
if pid == 0:
    os.close(w)
    os.read(r, 1)                       # wait until the parent has looked
    os.execvp(argv[0], argv)
os.close(r)
before = termios.tcgetattr(fd)
os.write(w, b"x")
out, raw, deadline = b"", False, time.time() + 10
while time.time() < deadline and not (raw and b"]" in out):
    if select.select([fd], [], [], 0.1)[0]:
        try:
            out += os.read(fd, 4096)
        except OSError:
            break
    raw = not (termios.tcgetattr(fd)[3] & (termios.ICANON | termios.ECHO))
if how == "detach":
    os.write(fd, b"\r~.")
elif how in ("TERM", "HUP", "INT"):
    os.kill(pid, getattr(signal, "SIG" + how))
# "server": the test stops oobd
deadline = time.time() + 10
while time.time() < deadline:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    if select.select([fd], [], [], 0.1)[0]:
        try:
            os.read(fd, 4096)
        except OSError:
            pass
after = termios.tcgetattr(fd)
print("raw" if raw else "never raw", "restored" if after == before else "NOT restored",
      os.waitstatus_to_exitcode(status) if done else "still running")
if not done:
    os.kill(pid, signal.SIGKILL)
EOF
expect_eq "(f) ~. : raw while attached, restored after, status 0" "raw restored 0" \
	"$(python3 "$T/termcheck.py" detach outpost console --dir "$RUN" router)"
expect_eq "(f) SIGTERM: restored, status 143" "raw restored 143" \
	"$(python3 "$T/termcheck.py" TERM outpost console --dir "$RUN" router)"
expect_eq "(f) SIGHUP: restored, status 129" "raw restored 129" \
	"$(python3 "$T/termcheck.py" HUP outpost console --dir "$RUN" --spy router)"
expect_eq "(f) SIGINT: restored, status 130" "raw restored 130" \
	"$(python3 "$T/termcheck.py" INT outpost console --dir "$RUN" router)"

# --- (g) the console group may attach, others may not
(sleep 0.3; printf '~.') | setpriv --reuid=nobody --regid="$GROUP" --clear-groups \
	"$(command -v outpost)" console --dir "$RUN" --spy router >/dev/null 2>"$T/g1.err"
expect_eq "(g) a member of $GROUP attaches" 0 "$?"
printf '~.' | setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$(command -v outpost)" console --dir "$RUN" --spy router >/dev/null 2>"$T/g2.err"
expect_eq "(g) anyone else is refused (status 1)" 1 "$?"
check "(g) and told why" grep -q "Permission denied" "$T/g2.err"

# --- (h) usage
console --replay x router 2>/dev/null
expect_eq "(h) a bad --replay: usage error" 2 "$?"
console --spy --force router 2>/dev/null
expect_eq "(h) --spy with --force: usage error" 2 "$?"
console nosuch </dev/null 2>"$T/h.err"
expect_eq "(h) an unknown console: status 1" 1 "$?"
check "(h) named in the message" grep -q "nosuch.sock" "$T/h.err"

# --- (i) oobd goes away under an attached client (terminal restored, status 1)
python3 "$T/termcheck.py" server outpost console --dir "$RUN" router >"$T/i.out" &
I=$!
_pids="$_pids $I"
sleep 1.5
stop_pid "$OOBD"
wait "$I"
expect_eq "(i) the server gone: restored, status 1" "raw restored 1" "$(cat "$T/i.out")"
check "(i) the viewer is told too" wait_for 5 grep -q "oobd is stopping\|connection closed by oobd" "$T/spy.err"
check "(i) and the log says so" log_has "[-- console server stopped --]"
check "(i) the socket is removed" test ! -e "$RUN/router.sock"
stop_pid "$SPY"
stop_pid "$SIM"

# --- (j) a real getty on the line: agetty on one pty, joined to the
# console's pty by socat (agetty hangs up and reopens its own tty, which
# only a pty pair of its own survives).  Its login program is /bin/echo,
# so the name typed through the console comes back as "-- NAME".
if ! command -v agetty >/dev/null; then
	not_ok "(j) agetty is there (util-linux)"
	done_testing
fi
spawn socat pty,link="$T/getty-line",raw,echo=0 pty,link="$T/getty-tty",raw,echo=0
check "(j) socat joins two ptys" wait_for 5 test -L "$T/getty-line" -a -L "$T/getty-tty"
TTY=$(readlink "$T/getty-tty")
sed -i "s|^console router .*|console router $T/getty-line speed 57600|" "$T/oobd.conf"
: >"$LOG"
spawn oobd -d -f "$T/oobd.conf" 2>"$T/oobd2.err"
OOBD=$LAST_PID
check "(j) oobd holds the line" wait_for 10 test -S "$RUN/router.sock"
spawn setsid agetty -L -8 -l /bin/echo --noclear "${TTY#/dev/}" 57600 vt100 </dev/null >/dev/null 2>&1
check "(j) agetty's prompt is in the log" wait_for 10 grep -q " login: $" "$LOG"
(sleep 0.5; printf 'owner\r'; sleep 1; printf '\r~.') | console router >"$T/j.out" 2>"$T/j.err"
check "(j) the replay shows the prompt" grep -q " login: " "$T/j.out"
check "(j) agetty took the name and ran its login program" grep -q -- "-- owner" "$T/j.out"
check "(j) which is in the log" log_has "Z -- owner"
done_testing
