#!/usr/bin/env bash
# oobd when things go wrong (oobd_lib.sh builds the world): the relay goes
# down and comes back, the link drops, the modem is unplugged in the middle
# of a session, and a relay that accepts connections but whose ssh hangs.
# Each time: what the owner would notice (can log in again, gets an SMS).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/oobd_lib.sh"

start_world
start_oobd || { not_ok "oobd starts"; sed 's/^/# /' "$T/oobd.log"; done_testing; }
check "the modem is ready" wait_for 15 modem_ready

STEP=$(( $(date +%s) / 30 ))
# next_code: CODE becomes a code for a step after the last one used (one
# step ahead is accepted; waits when it has to).  Not in a subshell: STEP.
next_code() {
	STEP=$((STEP + 1))
	while [ $(( $(date +%s) / 30 + 1 )) -lt $STEP ]; do sleep 1; done
	CODE=$(code_at $((STEP * 30)))
}
# log_has PATTERN: in what oobd logged since the last mark
MARK=1
mark() { MARK=$(( $(wc -l <"$T/oobd.log") + 1 )); }
log_has() { tail -n +"$MARK" "$T/oobd.log" | grep -q -- "$1"; }
relay_pids() {
	for p in $(ip netns pids "$INET"); do
		[ "$(cat /proc/$p/comm 2>/dev/null)" = sshd ] && echo "$p"
	done
}
login_works() { owner_ssh 'ip -brief link show cell0' | grep -q cell0; }
next_code
sms $OWNER "$CODE UP 30" >/dev/null
check "UP: the session comes up" wait_for 40 state_is up
check "UP: the owner can log in" login_works

# --- (a) the relay goes down (every sshd there killed), and comes back
mark
kill $(relay_pids) 2>/dev/null
check "(a) relay down: the tunnel is being restarted" wait_for 20 state_is "tunnel starting"
sleep 1
start_relay || not_ok "(a) the relay's sshd listens again"
check "(a) relay back: the session is up again" wait_for 60 state_is up
check "(a) and the owner can log in again" wait_for 20 login_works
check "(a) the log says what happened" log_has "tunnel: ssh exited"

# --- (b) the link drops (the carrier pulls its end)
CARRIER=$(in_inet ip -o link show | sed -n 's/^[0-9]*: \(carrier[0-9]*\)@.*/\1/p' | head -1)
mark
in_inet ip link del "$CARRIER"
check "(b) link drop noticed" wait_for 15 log_has "attempt [0-9] failed: .*cell0\|attempt [0-9] failed: the link command"
check "(b) the link is brought back and the session is up again" wait_for 60 state_is up
check "(b) the owner can log in again" wait_for 20 login_works

# --- (c) the modem is unplugged in the middle of the session, and back
mark
expect_eq "(c) unplug the stick" ok "$(ctl unplug)"
check "(c) oobd notices" wait_for 15 log_has "modem: .*gone\|modem:.*went away\|modem: .*closed"
check "(c) the session stays up without the modem" state_is up
sleep 2
expect_eq "(c) plug it back" ok "$(ctl replug)"
check "(c) the modem is ready again" wait_for 20 modem_ready
next_code
sms $OWNER "$CODE DOWN" >/dev/null
check "(c) DOWN by SMS still works after the replug" wait_for 30 state_is idle
check "(c) and the owner is told by SMS" wait_for 20 sh -c \
	"$(declare -f outbox_texts); T='$T'; outbox_texts | grep -q '^$OWNER|OOBM link is down: DOWN by SMS'"

# --- (d) a relay whose ssh hangs after the banner: the tunnel's deadline
# ends each try; with one attempt allowed the activation fails, by SMS
stop_pid "$OOBD"
kill $(relay_pids) 2>/dev/null
printf '#!/bin/sh\nprintf "SSH-2.0-OpenSSH_9.2p1 hang\\r\\n"\nexec sleep 600\n' >"$T/hang.sh"
chmod +x "$T/hang.sh"
spawn ip netns exec "$INET" socat TCP-LISTEN:22,bind=$RELAY,reuseaddr,fork EXEC:"$T/hang.sh"
HANG=$LAST_PID
printf 'retries 1\nssh-connect-timeout 2s\n' >>"$T/oobd.conf"
mark
start_oobd || not_ok "(d) oobd restarts"
next_code
sms $OWNER "$CODE UP" >/dev/null
check "(d) the check passes (the relay sends a banner) and ssh starts" \
	wait_for 30 log_has "tunnel: ssh to root@$RELAY:22 started"
check "(d) the activation fails within the tunnel's deadline" wait_for 40 state_is idle
check "(d) the owner gets an SMS saying so" wait_for 20 sh -c \
	"$(declare -f outbox_texts); T='$T'; outbox_texts | grep -q '^$OWNER|OOBM activation failed: '"
outbox_texts | tail -1 | sed 's/^/# sms: /'
check "(d) nothing left: no cell0" not in_box ip link show cell0 2>/dev/null
check "(d) nothing left: no ssh" no_tunnel_ssh
stop_pid "$HANG"

# --- (e) a single-port stick: the link has the modem's one port while it
# runs; what comes by SMS meanwhile is read once the link is down, and the
# "link down" SMS waits for the port too
stop_pid "$OOBD"
start_relay || not_ok "(e) the relay's sshd listens again"
printf 'retries 3\nmodem-single-port yes\n' >>"$T/oobd.conf"
mark
start_oobd || not_ok "(e) oobd restarts"
check "(e) the modem is ready" wait_for 15 modem_ready
next_code
sms $OWNER "$CODE UP 1" >/dev/null
check "(e) UP: the session comes up" wait_for 40 state_is up
check "(e) the port was lent to the link" log_has "modem: lending the port to the link"
check "(e) and the modem is closed meanwhile" field_is modem open false
next_code
sms $OWNER "$CODE STATUS" >/dev/null
check "(e) at its end time the session goes down" wait_for 90 state_is idle
check "(e) the port is taken back" log_has "modem: taking the port back"
check "(e) the STATUS sent meanwhile is read and answered" wait_for 30 sh -c \
	"$(declare -f outbox_texts); T='$T'; outbox_texts | grep -q '^$OWNER|OOBM idle'"
check "(e) the owner gets the 'down' SMS" wait_for 30 sh -c \
	"$(declare -f outbox_texts); T='$T'; outbox_texts | grep -q '^$OWNER|OOBM link is down: the session.s time is up'"

# --- (f) a push target that never answers: stopping oobd kills the push
# helper that waits on it; no oobd-push outlives the daemon
stop_pid "$OOBD"
spawn ip netns exec "$INET" python3 "$HERE/httprec.py" serve "$T/slow" --bind $PUSH --port 8081 \
    --delay 600 >/dev/null
SLOW=$LAST_PID
printf 'modem-single-port no\nnotify webhook http://%s:8081/slow\nnotify-timeout 5m\n' \
    "$PUSH_NAME" >>"$T/oobd.conf"
mark
start_oobd || not_ok "(f) oobd restarts"
check "(f) the modem is ready" wait_for 15 modem_ready
next_code
sms $OWNER "$CODE UP" >/dev/null
check "(f) UP: the session comes up" wait_for 40 state_is up
check "(f) the 'up' push reached the target that never answers" \
	wait_for 20 sh -c "python3 '$HERE/httprec.py' count '$T/slow' | grep -qv '^0$'"
# This oobd's helpers, not those of another test running beside this one.
helpers() { pgrep -P "$OOBD" -x oobd-push; }
check "(f) and its helper waits for the answer" sh -c "pgrep -P $OOBD -x oobd-push >/dev/null"
push_pids=$(helpers | tr '\n' ' ')
check "(f) ... as nobody, not root" sh -c "ps -o user= -p \"${push_pids%% *}\" | grep -qx nobody"
stop_pid "$OOBD"
left() { for p in $push_pids; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
check "(f) oobd stopped: no oobd-push is left" not left
# Two webhook targets now: the recorder on :8080 answers, the one on :8081 never does.
expect_eq "(f) oobd logged one 'up' push sent, not two" 1 \
	"$(tail -n +"$MARK" "$T/oobd.log" | grep -c 'notify: webhook up: sent to')"
stop_pid "$SLOW"

sed 's/^/# oobd: /' "$T/oobd.log" | tail -25
done_testing
