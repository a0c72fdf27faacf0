#!/usr/bin/env bash
# stratumd's metrics, read by the programs people run: Prometheus's own
# checker (promtool check metrics, Debian's prometheus package) over what
# /metrics serves, node_exporter's textfile collector (Debian's
# prometheus-node-exporter) over metrics-textfile, and the values against
# what stratumd's status and gpssim say at the same time.  The HTTP side:
# HEAD, 404, 405, a bad request, and the configuration's refusals.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/stratumd_lib.sh"

# Debian calls node_exporter prometheus-node-exporter; FreeBSD's port does not.
node_exporter=$(command -v prometheus-node-exporter || command -v node_exporter)
if ! command -v promtool >/dev/null || [ -z "$node_exporter" ]; then
	sh "$OUTPOST_TOP/scripts/deps.sh" check >/dev/null
	node_exporter=$(command -v prometheus-node-exporter || command -v node_exporter)
fi
need promtool "Prometheus's checker (scripts/deps.sh check installs it)"
need "${node_exporter:-node_exporter}" "the textfile collector (scripts/deps.sh check installs it)"

# http METHOD PORT PATH: status line, then headers, blank line, body, in
# $T/resp; prints the status code.
cat >"$T/fetch.py" <<'EOF'
import http.client, sys
method, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
c.request(method, path)
r = c.getresponse()
body = r.read()
with open(sys.argv[4], "wb") as f:
    f.write(b"".join(b"%s: %s\n" % (k.encode(), v.encode()) for k, v in r.getheaders()))
    f.write(b"\n" + body)
with open(sys.argv[4] + ".body", "wb") as f:
    f.write(body)
print(r.status)
EOF
http() {
	rm -f "$T/resp" "$T/resp.body"
	python3 "$T/fetch.py" "$1" "$2" "$3" "$T/resp" 2>"$T/http.err" ||
	    { echo none; sed 's/^/# /' "$T/http.err" | tail -n 3 >&2; }
}
header() { sed -n "s/^$1: //Ip" "$T/resp" | head -n 1; }
# metric NAME [LABEL-MATCH]: the value of the first sample that matches
metric() {
	grep -E "^$1(\{[^}]*${2:-}[^}]*\})? " "$T/resp.body" | head -n 1 | awk '{ print $NF }'
}

mport=$(free_port)
write_conf "metrics-listen 127.0.0.1:$mport" "metrics-textfile $T/tf/stratumd.prom" \
    "metrics-interval 1"
mkdir -p "$T/tf"
start_pair
check "stratumd locks to gpssim's PPS" wait_for 90 st_is sync.state locked

expect_eq "GET /metrics: 200" 200 "$(http GET "$mport" /metrics)"
expect_eq "Content-Type is Prometheus text 0.0.4" \
    "text/plain; version=0.0.4; charset=utf-8" "$(header Content-Type)"
promtool check metrics <"$T/resp.body" >"$T/promtool.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ ! -s "$T/promtool.out" ]; then ok "promtool check metrics: no problem"
else not_ok "promtool check metrics (exit $rc)"; sed 's/^/# /' "$T/promtool.out" | head -20; fi
# chrony_exporter's names, with its labels, where the meaning is chrony's
for m in chrony_tracking_info chrony_tracking_last_offset_seconds chrony_tracking_stratum \
    chrony_tracking_root_dispersion_seconds chrony_sources_state_info \
    chrony_sources_last_sample_offset_seconds chrony_serverstats_ntp_packets_received_total; do
	check "$m is there" grep -q "^$m[{ ]" "$T/resp.body"
done
expect_eq "chrony_tracking_stratum is the stratum NTP clients get" \
    "$(ntp stratum)" "$(metric chrony_tracking_stratum)"
expect_eq "tracking_refid is PPS's, in hex as chrony_exporter writes it" 1 \
    "$(metric chrony_tracking_info 'tracking_refid="50505300"')"
expect_eq "the PPS source is 'sync', mode 'ref'" 1 \
    "$(metric chrony_sources_state_info 'source_address="PPS",source_name="PPS\(0\)",source_state="sync",source_mode="ref"')"
# What stratumd counted, against what gpssim sent: never more edges than it
# sent, and nearly all of them (the two reads are not at the same instant).
sent=$(sim status | tr ' ' '\n' | sed -n 's/^pps_sent=//p')
seen=$(metric stratumd_pps_edges_total)
if [ -n "$sent" ] && [ -n "$seen" ] && [ "$seen" -le "$sent" ] && [ "$seen" -ge $((sent - 3)) ]; then
	ok "stratumd_pps_edges_total $seen, gpssim sent $sent"
else not_ok "stratumd_pps_edges_total $seen, gpssim sent '$sent'"; sim status | sed 's/^/# /'; fi
ntp stratum >/dev/null
http GET "$mport" /metrics >/dev/null
got=$(metric chrony_serverstats_ntp_packets_received_total)
st_rx=$(st server.received)
expect_eq "NTP requests counted as the status counts them" "$st_rx" "$got"

expect_eq "HEAD /metrics: 200" 200 "$(http HEAD "$mport" /metrics)"
check "HEAD: no body" test -e "$T/resp.body" -a ! -s "$T/resp.body"
expect_eq "GET /nope: 404" 404 "$(http GET "$mport" /nope)"
expect_eq "POST /metrics: 405" 405 "$(http POST "$mport" /metrics)"
expect_eq "POST: Allow names GET and HEAD" "GET, HEAD" "$(header Allow)"
bad=$(printf 'GET /metrics HTTP/1.1\r\n\r\n' | socat -t 5 - "TCP:127.0.0.1:$mport" | head -n 1)
expect_eq "a request without Host: 400" "HTTP/1.1 400 Bad Request" "${bad%$'\r'}"

# The textfile: replaced whole every second, read by node_exporter.
check "metrics-textfile written" wait_for 5 test -s "$T/tf/stratumd.prom"
m1=$(stat -c %y "$T/tf/stratumd.prom" 2>/dev/null; sha1sum <"$T/tf/stratumd.prom")
sleep 2.2
m2=$(stat -c %y "$T/tf/stratumd.prom" 2>/dev/null; sha1sum <"$T/tf/stratumd.prom")
check "the textfile is replaced as time goes on" test "$m1" != "$m2"
check "no temporary file left beside it" test "$(ls -A "$T/tf" | wc -l)" -eq 1
promtool check metrics <"$T/tf/stratumd.prom" >"$T/promtool2.out" 2>&1
check "promtool check metrics on the textfile" test $? -eq 0 -a ! -s "$T/promtool2.out"
nport=$(free_port)
spawn "$node_exporter" --collector.disable-defaults --collector.textfile \
    "--collector.textfile.directory=$T/tf" "--web.listen-address=127.0.0.1:$nport" \
    2>"$T/node_exporter.log"
ne_pid=$LAST_PID
wait_for 10 sh -c "python3 '$T/fetch.py' GET $nport /metrics '$T/resp' >/dev/null 2>&1"
http GET "$nport" /metrics >/dev/null
expect_eq "node_exporter serves our stratum from the textfile" 1 \
    "$(metric chrony_tracking_stratum)"
expect_eq "node_exporter found no error in it" 0 "$(metric node_textfile_scrape_error)"
stop_pid "$ne_pid"
stop_pair

# The configuration: a check that tells the truth, file:line.
printf 'metrics-listen localhost:9123\n' >"$T/bad.conf"
out=$(stratumd -n -f "$T/bad.conf" 2>&1)
check "metrics-listen with a name is refused at its line" grep -q "bad.conf:1:.*localhost:9123" <<<"$out"
printf 'metrics-listen 127.0.0.1:0\n' >"$T/bad.conf"
check "port 0 is refused" sh -c "! stratumd -n -f '$T/bad.conf' >/dev/null 2>&1"
printf 'metrics-interval 0.1\n' >"$T/bad.conf"
check "an interval below 1 s is refused" sh -c "! stratumd -n -f '$T/bad.conf' >/dev/null 2>&1"
# Taken already (a chrony_exporter left running, say): stratumd says which
# address, serves time all the same, and takes the port once it is free.
bport=$(free_port)
python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(60)' "$bport" &
holder=$!
_pids="$_pids $holder"
wait_for 5 sh -c "ss -ltn | grep -q '127.0.0.1:$bport '"
write_conf "metrics-listen 127.0.0.1:$bport"
start_pair
check "a taken metrics port: the log names the address" \
    wait_for 5 grep -q "127.0.0.1:$bport.*in use" "$T/stratumd.log"
check "... and stratumd serves time all the same" wait_for 60 st_is sync.state locked
stop_pid "$holder"
metrics_up() { [ "$(http GET "$bport" /metrics 2>/dev/null)" = 200 ]; }
check "... and serves /metrics once the port is free" wait_for 30 metrics_up
stop_pair
check "no sanitizer report" no_sanitizer_report
done_testing
