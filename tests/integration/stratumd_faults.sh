#!/usr/bin/env bash
# stratumd's fault handling against gpssim's faults, each driven at run
# time through gpssim's control socket: NMEA garbage, PPS stopping, the fix
# lost (holdover, then unsynchronised after a short holdover limit), the
# receiver unplugged and plugged back, the GPS week rollover, and an
# inserted leap second.  stratumd never touches the clock (-x).
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/stratumd_lib.sh"

py_check() { # python-expression-of-x value
	python3 -c "import sys; x=float(sys.argv[1]); sys.exit(0 if ($1) else 1)" "$2" 2>/dev/null
}
answer_is() { # "li=.. mode=4 stratum=.. refid=.."
	case " $(ntp_line) " in *" $1 "*) return 0 ;; esac
	return 1
}

write_conf "statsdir $T" "statistics peerstats"
start_pair
if wait_for 60 st_is sync.state locked; then ok "locked to PPS"
else not_ok "locked to PPS (state $(st sync.state))"; show_logs; done_testing; fi

# ---- NMEA garbage: rejected, counted, nothing else ----

before=$(st gps.rejected)
for i in 1 2 3; do sim_ok garbage 600 || not_ok "gpssim takes 'garbage 600'"; sleep 1.5; done
sleep 1
after=$(st gps.rejected)
py_check "x > $before" "$after" && ok "garbage: rejected lines counted ($before -> $after)" ||
	not_ok "garbage: rejected lines counted ($before -> $after)"
check "garbage: stratumd still running" alive
expect_eq "garbage: still locked" locked "$(st sync.state)"
check "garbage: sentences keep coming" wait_for 5 st_cmp gps.last_age "x < 1.5"

# ---- PPS stops, NMEA goes on: refid GPS, still served ----

sim_ok pps stop
if wait_for 15 answer_is "li=0 mode=4 stratum=1 refid=GPS"; then
	ok "PPS stopped: answers say stratum 1 refid GPS"
else
	not_ok "PPS stopped: answers say stratum 1 refid GPS ($(ntp_line))"
fi
expect_eq "PPS stopped: status says PPS not in use" false "$(st pps.in_use)"
# NMEA samples are ~1000 times noisier than PPS and say so (2 ms): the
# loop weighs them by it, so they steer the phase but cannot move the
# frequency PPS found (an unweighted fit moved it by ppm).
freq_pps=$(st sync.frequency_ppm)
updates=$(st sync.updates)
check "PPS stopped: NMEA samples with the calibrated delay steer the loop" \
    wait_for 30 st_cmp sync.updates "x > $updates + 20"
check "PPS stopped: |offset| stays below 5 ms" st_cmp sync.offset "abs(x) < 0.005"
freq_nmea=$(st sync.frequency_ppm)
py_check "abs(x - $freq_pps) < 0.5" "$freq_nmea" &&
	ok "PPS stopped: the frequency holds ($freq_pps -> $freq_nmea ppm)" ||
	not_ok "PPS stopped: the frequency holds ($freq_pps -> $freq_nmea ppm)"
sim_ok pps start
# When PPS comes back the loop's line is NMEA's, a millisecond or so from
# PPS's: PPS's first samples move it there at once, and if that is above
# the unlock threshold it goes through start-up before it answers
# stratum 1 again.  The check is that it does come back.
if wait_for 90 answer_is "li=0 mode=4 stratum=1 refid=PPS"; then
	ok "PPS back: refid PPS again"
else
	not_ok "PPS back: refid PPS again ($(ntp_line); pps used $(st pps.used), unlocked $(st pps.unlocked))"
fi

# ---- fix lost: holdover, stratum 1, dispersion growing ----

check "locked before the fix is lost" wait_for 60 st_is sync.state locked
sim_ok fix lost
if wait_for 20 st_is sync.state holdover; then ok "fix lost: holdover"
else not_ok "fix lost: holdover (state $(st sync.state))"; fi
expect_eq "fix lost: status V reported" v "$(st gps.status | tr A-Z a-z)"
# Root dispersion goes out in units of 1/65536 s (15.3 us); it grows by at
# least clock_error_ppm (1 ppm) a second, so 3 s could stay inside one unit.
# 20 s is always more than one.
d1=$(ntp rootdisp)
sleep 20
line=$(ntp_line)
d2=$(ntp rootdisp)
case " $line " in
*" li=0 mode=4 stratum=1 "*) ok "fix lost: still stratum 1 in holdover" ;;
*) not_ok "fix lost: still stratum 1 in holdover ($line)" ;;
esac
py_check "x > $d1" "$d2" && ok "fix lost: root dispersion grows ($d1 -> $d2 s)" ||
	not_ok "fix lost: root dispersion grows ($d1 -> $d2 s)"
sim_ok fix ok
if wait_for 60 st_is sync.state locked; then ok "fix back: locked again"
else not_ok "fix back: locked again (state $(st sync.state))"; fi

# ---- unplugged and plugged back ----

sim_ok unplug
check "unplugged: the link is gone" test ! -e "$T/gps0"
check "unplugged: stratumd says gps open false" wait_for 10 st_is gps.open false
check "unplugged: stratumd still running" alive
sleep 2
sim_ok replug
check "replugged: stratumd says gps open true" wait_for 10 st_is gps.open true
n=$(st gps.sentences)
check "replugged: sentences resume" wait_for 10 st_cmp gps.sentences "x > $n + 4"
check "replugged: PPS edges used again" wait_for 20 st_cmp pps.last_age "x < 1.5"
check "replugged: locked" wait_for 60 st_is sync.state locked

# ---- week rollover: dates 1024 weeks back, corrected ----

sim_ok rollover on
sleep 6
check "rollover: still locked" st_is sync.state locked
check "rollover: |offset| below 1 ms" st_cmp sync.offset "abs(x) < 0.001"
dt=$(ntp dt)
py_check "abs(x) < 1" "$dt" && ok "rollover: served time within 1 s of the system clock ($dt)" ||
	not_ok "rollover: served time within 1 s of the system clock ($dt)"
check "rollover: samples keep coming" wait_for 3 st_cmp sync.since_update "x < 1.5"
sim_ok rollover off

# ---- an inserted leap second ----
# gpssim labels host second U as hh:mm:60; this host's clock does not
# insert it (nobody steers it), so from then on it is one second ahead of
# the receiver's UTC.  Every PPS sample must say so, starting with the edge
# right after hh:mm:60; none may be numbered a second off either way.

now=$(date +%s)
U=$(( (now / 60 + 1) * 60 ))
[ $((U - now)) -lt 10 ] && U=$((U + 60))
sim_ok leap insert-at $U && ok "leap second announced for $U" || not_ok "leap second announced for $U"
check "leap: announced to clients with LI 1 before it" \
    wait_for 5 answer_is "li=1 mode=4 stratum=1 refid=PPS"
sleep $((U - $(date +%s) + 12))
check "leap: stratumd still running" alive
cat "$T"/peerstats.* >"$T/peer.all" 2>/dev/null
if python3 - "$T/peer.all" "$U" >"$T/leap.out" <<'EOF'
import sys
U = int(sys.argv[2])
before, after, bad = 0, 0, []
for l in open(sys.argv[1]):
    f = l.split()
    if len(f) < 5 or f[2] != "127.127.22.0":  # PPS samples only (ntpd's driver 22)
        continue
    t = (int(f[0]) - 40587) * 86400 + float(f[1])
    h = int(t)                                  # the edge; logged ms after it
    off = float(f[4])
    if U - 15 <= h < U:
        before += 1
        if abs(off) > 0.001: bad.append((h - U, off))
    elif U + 1 <= h <= U + 11:
        after += 1
        if abs(off + 1) > 0.001: bad.append((h - U, off))
print("before=%d after=%d bad=%s" % (before, after, bad))
sys.exit(0 if before >= 10 and after >= 8 and not bad else 1)
EOF
then ok "leap: PPS samples 0 before, -1 s from the edge after :60 on ($(cat "$T/leap.out"))"
else not_ok "leap: PPS samples 0 before, -1 s from the edge after :60 on ($(cat "$T/leap.out"))"; fi
check "leap: PPS edges still numbered (used)" wait_for 3 st_cmp pps.last_age "x < 1.5"
check "leap: the status offset is the second the clock gained, +1 s" \
    wait_for 20 st_cmp sync.offset "abs(x - 1) < 0.001"
stop_pair

# ---- a short holdover limit: unsynchronised after it ----

# stratumd starts with the delay calibrated above, and opens the port in
# the middle of a burst (GGA and GSA gone by 0.64 s at 9600 baud): that
# half burst must not be dated by its RMC, 0.14 s late, which would be a
# wrong NMEA sample and, with clock control, a step at start.
write_conf "holdover 10s"
SD_AT=0.66 start_pair
check "holdover 10s: locked" wait_for 60 st_is sync.state locked
expect_eq "started mid-burst: no step" 0 "$(st sync.steps)"
sim_ok fix lost
check "holdover 10s: holdover first" wait_for 20 st_is sync.state holdover
if wait_for 30 answer_is "li=3 mode=4 stratum=16"; then
	ok "holdover 10s: answers LI 3, stratum 16 after the limit"
else
	not_ok "holdover 10s: answers LI 3, stratum 16 after the limit ($(ntp_line))"
fi
expect_eq "holdover 10s: status says unsynchronised" unsynchronised "$(st sync.state)"
sim_ok fix ok
check "holdover 10s: locked again when the fix is back" wait_for 60 st_is sync.state locked
check "stratumd still running at the end" alive
stop_pair

check "no sanitizer report in the logs" no_sanitizer_report
[ $_tap_fail -ne 0 ] && show_logs
done_testing
