#!/usr/bin/env python3
"""The activation benchmark's driver; bench/activation.bench.sh builds the
world (tests/integration/oobd_lib.sh: namespaces, the relay's and the box's
sshd, DNS, the push receiver, modemsim, keys, oobd.conf) and runs this.

  activation.py RUNS BIN DIR BOX INET OWNER TRACE [OOBD]

OOBD is the daemon to run (default BIN/oobd; make bench also measures a
static build of it, make OOBD_STATIC=1).

Every line that oobd (-d -v: its log and every line ssh prints), modemsim
(--trace TRACE, a FIFO: every byte on the modem's ports) and `ip monitor`
(the box's interfaces) write is stamped with CLOCK_MONOTONIC by a thread
here as it is read, so the three stories share one clock.  Each run starts
a fresh oobd with a fresh state directory (a code works once, and only one
step early: with one oobd, every UP+DOWN would wait a minute for codes),
waits for "modem: ready", then:

  t0     the UP text goes into modemsim's control socket
  ...    oobd reads it, brings up the link, checks the relay, starts ssh
  t_up   "session: up": the owner's ssh starts at once, through the relay,
         and runs a command on the box; retried until it works
  t_in   that ssh ended with the command's output         total = t_in - t0

then DOWN, the SMS oobd sends the owner, oobd's memory, and oobd stopped.

What is not oobd's own work, as intervals on that clock:
  modem   t0 to the +CMTI URC, and each AT command oobd sent until it took
          the SMS (from the command's bytes to the modem's final reply)
  link    "link: started" to cell0 having its address and carrier (ip monitor)
  dns     "session: checking the link" to the last name answered over the
          link (so it holds oobd adding the route to the DNS server and
          sending the queries too: a netlink call and a sendto, well under
          a millisecond, in oobd's favour)
  relay   the relay check, TCP connect and SSH banner: oobd's own figure
          ("relay reached ... in N ms"), ending at that line
  ssh     each ssh oobd ran, "tunnel: ssh ... started" to its exit or to
          "tunnel up" (exec, connect, key exchange, auth, forward confirmed)
  login   "session: up" to t_in: this driver starting the owner's ssh (a
          thread wake-up) and that ssh through the relay to the box
oobd's own share = total - the length of the union of those intervals:
reading and decoding the SMS, the code check and the auth state saved (with
fsync), starting the children, noticing the interface (oobd polls it),
routes, reading ssh's lines, back-off between ssh runs, the state machine.
Each stamp lags its line by the reader's wake-up (well under a millisecond,
the same for every stream).
"""
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time


class Stream:
    """A child's output, line by line, each line stamped as it is read."""

    def __init__(self, pipe):
        self.lines = []
        self.cond = threading.Condition()
        self.closed = False
        threading.Thread(target=self._read, args=(pipe,), daemon=True).start()

    def _read(self, pipe):
        for raw in iter(pipe.readline, b""):
            t = time.monotonic()
            with self.cond:
                self.lines.append((t, raw.decode("utf-8", "replace").rstrip("\n")))
                self.cond.notify_all()
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def wait_for(self, pattern, after, timeout):
        """(t, line) of the first line after `after` matching, or None."""
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        i = 0
        with self.cond:
            while True:
                while i < len(self.lines):
                    t, line = self.lines[i]
                    i += 1
                    if t >= after and rx.search(line):
                        return t, line
                left = end - time.monotonic()
                if left <= 0 or self.closed:
                    return None
                self.cond.wait(left)

    def between(self, t1, t2):
        with self.cond:
            return [(t, l) for t, l in self.lines if t1 <= t <= t2]


class World:
    def __init__(self, argv):
        (self.runs, self.bin, self.dir, self.box, self.inet, self.owner,
         self.trace_path) = int(argv[1]), argv[2], argv[3], argv[4], argv[5], argv[6], argv[7]
        self.oobd = argv[8] if len(argv) > 8 else os.path.join(self.bin, "oobd")
        self.ctl = os.path.join(self.dir, "modem.ctl")
        self.secret = os.path.join(self.dir, "otp.secret")
        self.children = []

    def spawn(self, argv, **kw):
        p = subprocess.Popen(argv, **kw)
        self.children.append(p)
        return p

    def stop(self, p):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if p in self.children:
            self.children.remove(p)

    def stop_all(self):
        for p in list(reversed(self.children)):
            self.stop(p)

    def start_watching(self):
        """modemsim's trace (oobd_lib.sh's modemsim, its --trace a FIFO),
        the box's interfaces, and the box's sshd listener for reference."""
        self.trace = Stream(open(self.trace_path, "rb"))
        mon = self.spawn(["ip", "-n", self.box, "monitor", "link", "address"],
                         stdout=subprocess.PIPE)
        self.netmon = Stream(mon.stdout)
        o = subprocess.run(["ip", "netns", "exec", self.box, "ss", "-Hltnp", "sport = :2222"],
                           capture_output=True, text=True).stdout
        m = re.search(r"pid=(\d+)", o)
        self.sshd_pid = m.group(1) if m else None

    def code(self, unix):
        return subprocess.run([os.path.join(self.bin, "outpost"), "otp", "code",
                               "--secret-file", self.secret, "--time", str(unix)],
                              capture_output=True, text=True, check=True).stdout.strip()

    def sms(self, text):
        """Inject an SMS; the time just before the bytes go to modemsim."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(self.ctl)
        t = time.monotonic()
        s.sendall(("sms-text %s %s\n" % (self.owner, text)).encode())
        reply = s.recv(256).decode().strip()
        s.close()
        if not reply.startswith("ok"):
            sys.exit("bench: modemsim said '%s'" % reply)
        return t

    def owner_login(self):
        """The owner's ssh through the relay, running a command on the box."""
        r = subprocess.run(
            ["ip", "netns", "exec", self.inet, "ssh", "-n", "-p", "31337",
             "-i", os.path.join(self.dir, "id_owner"), "-o", "BatchMode=yes",
             "-o", "UserKnownHostsFile=" + os.path.join(self.dir, "owner_known_hosts"),
             "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=5",
             "root@127.0.0.1", "ip -brief -4 addr show cell0"],
            capture_output=True, text=True, timeout=20)
        return r.returncode == 0 and "10.64.0.2" in r.stdout

    def relay_port_held(self):
        o = subprocess.run(["ip", "netns", "exec", self.inet, "ss", "-Hltn", "sport = :31337"],
                           capture_output=True, text=True).stdout
        return o.strip() != ""

    def relay_released(self):
        """After DOWN the relay's session should end and free the tunnel's
        port.  When the box's goodbye never reached it, the session hangs on
        until the relay's ClientAlive timeout (45 s with doc/relay.md's
        settings; never here), and the next UP would find the port taken.
        Play that timeout at once (ss -K: the relay's socket to the box is
        aborted), so that every run starts clean, and say it happened."""
        end = time.monotonic() + 1
        while self.relay_port_held():
            if time.monotonic() > end:
                subprocess.run(["ip", "netns", "exec", self.inet, "ss", "-K", "-Htn",
                                "sport = :22", "dst", "10.64.0.2"], capture_output=True)
                end = time.monotonic() + 5
                while self.relay_port_held():
                    if time.monotonic() > end:
                        raise RuntimeError("the relay still holds port 31337")
                    time.sleep(0.05)
                return True
            time.sleep(0.05)
        return False

    def conf_for(self, run):
        """The base oobd.conf with this run's own state and run directories,
        and the modem status polled at its default interval."""
        rdir = os.path.join(self.dir, "%s-run%d" % (os.path.basename(
            os.path.dirname(os.path.dirname(self.oobd))) or "oobd", run))
        os.makedirs(os.path.join(rdir, "state"))
        os.makedirs(os.path.join(rdir, "run"))
        out = []
        for line in open(os.path.join(self.dir, "oobd.conf")):
            key = line.split(" ", 1)[0]
            if key == "statedir":
                line = "statedir %s/state\n" % rdir
            elif key == "rundir":
                line = "rundir %s/run\n" % rdir
            elif key == "modem-status-interval":
                continue
            out.append(line)
        path = os.path.join(rdir, "oobd.conf")
        with open(path, "w") as f:
            f.writelines(out)
        return path, rdir


def memory(pid):
    """{"rss", "pss", "dirty"} in kB (VmRSS, Pss, Private_Dirty), and "map":
    Rss by what is mapped (libc, the dynamic linker, the program itself,
    heap/stack/anonymous, other); None when gone."""
    try:
        m = {"rss": next(int(l.split()[1]) for l in open("/proc/%s/status" % pid)
                         if l.startswith("VmRSS:"))}
        for l in open("/proc/%s/smaps_rollup" % pid):
            if l.startswith("Pss:"):
                m["pss"] = int(l.split()[1])
            elif l.startswith("Private_Dirty:"):
                m["dirty"] = int(l.split()[1])
        exe = os.readlink("/proc/%s/exe" % pid)
        parts, what = {}, "anon"
        for l in open("/proc/%s/smaps" % pid):
            f = l.split()
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", l):
                path = f[5] if len(f) > 5 else ""
                what = ("libc" if re.search(r"/libc\.so", path) else
                        "ld.so" if re.search(r"/ld-linux|/ld-elf", path) else
                        "self" if path == exe else
                        "anon" if path == "" or path.startswith("[") else "other")
            elif f[0] == "Rss:":
                parts[what] = parts.get(what, 0) + int(f[1])
        m["map"] = parts
        return m
    except (OSError, StopIteration):
        return None


def map_text(m):
    return ", ".join("%s %d" % (k, m["map"].get(k, 0))
                     for k in ("libc", "ld.so", "self", "anon", "other") if m["map"].get(k))


def sleep_memory():
    """A dynamically linked program that does nothing, /bin/sleep: the pages
    any program of this libc has resident, whatever it does."""
    p = subprocess.Popen(["sleep", "60"])
    try:
        time.sleep(0.3)
        return memory(p.pid)
    finally:
        p.kill()
        p.wait()


def helper_memory(bindir, scratch):
    """oobd-push while a push waits for its answer (a server that answers
    only after 10 s), beside the daemon it takes libcurl off."""
    here = os.path.dirname(os.path.abspath(__file__))
    rec = os.path.join(here, "..", "tests", "integration", "httprec.py")
    srv = subprocess.Popen(["python3", rec, "serve", os.path.join(scratch, "helper-bench.log"),
                            "--delay", "10"], stdout=subprocess.PIPE, text=True)
    helper = None
    try:
        port = int(srv.stdout.readline())
        body = b"bench"
        req = (b"oobd-push 1\nurl http://127.0.0.1:%d/hook\ntimeout-ms 20000\nretries 0\n"
               b"retry-delay-ms 1000\nbody %d\n" % (port, len(body))) + body
        helper = subprocess.Popen([os.path.join(bindir, "oobd-push")], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE)
        helper.stdin.write(req)
        helper.stdin.close()
        time.sleep(1.0)
        return memory(helper.pid)
    finally:
        for p in (helper, srv):
            if p is not None:
                p.kill()
                p.wait()


def union_length(intervals, lo, hi):
    """Length of the union of intervals, clipped to [lo, hi]."""
    spans = sorted((max(a, lo), min(b, hi)) for a, b in intervals if min(b, hi) > max(a, lo))
    total, cur_a, cur_b = 0.0, None, None
    for a, b in spans:
        if cur_b is None or a > cur_b:
            if cur_b is not None:
                total += cur_b - cur_a
            cur_a, cur_b = a, b
        else:
            cur_b = max(cur_b, b)
    if cur_b is not None:
        total += cur_b - cur_a
    return total


def modem_intervals(trace, t0, t_accept):
    """The modem's time until oobd took the SMS: t0 to +CMTI, then each
    command oobd sent on the AT port to the modem's final reply."""
    cmti = next((t for t, l in trace.between(t0, t_accept) if " >> " in l and "+CMTI" in l), None)
    if cmti is None:
        return None
    spans = [(t0, cmti)]
    pending = None
    for t, l in trace.between(cmti, t_accept + 5):
        if not l.startswith("1 "):
            continue
        if " << " in l and pending is None and t <= t_accept:
            pending = t
        elif " >> " in l and pending is not None and re.search(r"OK\\r\\n|ERROR|> '$", l):
            spans.append((pending, t))
            pending = None
    return spans


def ssh_attempts(log, t0, t_fwd):
    """Each ssh oobd ran until the forward was up: from "started" to its
    exit or to "tunnel up".  oobd's back-off between two is its own time.
    Returns the spans and the last ssh's pid."""
    spans, start, pid = [], None, None
    for t, l in log.between(t0, t_fwd):
        m = re.search(r"^oobd: tunnel: ssh to .* started \(pid (\d+)\)", l)
        if m:
            start, pid = t, m.group(1)
        elif start is not None and re.search(r"^oobd: tunnel: (ssh exited|tunnel up)", l):
            spans.append((start, t))
            start = None
    if not spans:
        raise RuntimeError("no ssh run found in oobd's log")
    return spans, pid


def link_ready(netmon, after):
    """When cell0 had both its address and its carrier (ip monitor)."""
    addr = netmon.wait_for(r"cell0\s+inet 10\.64\.0\.2", after, 10)
    up = netmon.wait_for(r"cell0@\S+: <[^>]*\bUP\b[^>]*LOWER_UP[^>]*>.*state UP", after, 10)
    if addr is None or up is None:
        return None
    return max(addr[0], up[0])


def one_run(w, run):
    conf, rdir = w.conf_for(run)
    oobd = w.spawn(["ip", "netns", "exec", w.box, w.oobd,
                    "-d", "-v", "-f", conf], stderr=subprocess.PIPE)
    log = Stream(oobd.stderr)
    try:
        r = measure(w, run, oobd, log, rdir)
    finally:
        w.stop(oobd)
        keep(log, "oobd%d.log" % run)
    r["stale"] = w.relay_released()
    return r


def keep(stream, name):
    """ACTIVATION_BENCH_LOGS=DIR: keep the stamped lines there."""
    where = os.environ.get("ACTIVATION_BENCH_LOGS")
    if not where:
        return
    os.makedirs(where, exist_ok=True)
    with open(os.path.join(where, name), "w") as f:
        for t, l in stream.lines:
            f.write("%.6f %s\n" % (t, l))


def need(found, what, log):
    if found is None:
        tail = "\n".join("  " + l for _, l in log.lines[-15:])
        raise RuntimeError("%s did not happen; oobd's last lines:\n%s" % (what, tail))
    return found


def measure(w, run, oobd, log, rdir):
    need(log.wait_for(r"^oobd: modem: ready", 0, 20), "modem ready", log)
    now = int(time.time())
    up_code, down_code = w.code(now), w.code(now + 30)   # one step early: accepted

    t0 = w.sms("%s UP 10" % up_code)
    t_accept, _ = need(log.wait_for(r": UP accepted$", t0, 20), "UP accepted", log)
    t_up, _ = need(log.wait_for(r"^oobd: session: up$", t0, 60), "session up", log)
    attempts = 0
    while True:
        attempts += 1
        if w.owner_login():
            t_in = time.monotonic()
            break
        if attempts >= 20:
            raise RuntimeError("the owner could not log in through the relay")
        time.sleep(0.05)

    t_link, _ = need(log.wait_for(r"^oobd: link: started ", t0, 1), "link started", log)
    t_ready = need(link_ready(w.netmon, t_link), "cell0 up with its address", log)
    t_seen, _ = need(log.wait_for(r"^oobd: link: cell0 is up", t0, 1), "cell0 noticed", log)
    t_check, _ = need(log.wait_for(r"^oobd: session: checking the link", t0, 1), "check", log)
    answers = [t for t, l in log.between(t_check, t0 + 60) if re.search(r"\(asked over \S+\)$", l)]
    t_reach, line = need(log.wait_for(r"^oobd: link: relay reached .* in \d+ ms", t0, 1),
                         "relay reached", log)
    probe_ms = int(re.search(r" in (\d+) ms", line).group(1))
    t_fwd, _ = need(log.wait_for(r"^oobd: tunnel: tunnel up", t0, 1), "tunnel up", log)
    ssh_spans, ssh_pid = ssh_attempts(log, t0, t_fwd)
    ssh_mem = memory(ssh_pid)
    modem = need(modem_intervals(w.trace, t0, t_accept), "+CMTI from modemsim", log)

    ext = {
        "modem": modem,
        "link": [(t_link, t_ready)],
        "dns": [(t_check, max(answers))] if answers else [],
        "relay": [(t_reach - probe_ms / 1000.0, t_reach)],
        "ssh": ssh_spans,
        "login": [(t_up, t_in)],
    }
    total = t_in - t0
    external = union_length([s for v in ext.values() for s in v], t0, t_in)
    r = {
        "total": total,
        "own": total - external,
        "attempts": attempts,
        "notice": t_seen - t_ready,
        "ssh_tries": len(ssh_spans),
    }
    for k, v in ext.items():
        r[k] = union_length(v, t0, t_in)

    # DOWN, and the SMS oobd sends the owner
    t_down = w.sms("%s DOWN" % down_code)
    need(log.wait_for(r"^oobd: session: idle$", t_down, 30), "session idle after DOWN", log)
    t_sent, _ = need(log.wait_for(r"^oobd: sms to .*: OOBM link is down", t_down, 30),
                     "the SMS to the owner", log)
    # after DOWN, not after the log line: the two streams are read apart
    need(w.trace.wait_for(r" >> .*\+CMGS: \d+", t_down, 20), "the modem took the SMS", log)
    time.sleep(0.2)
    r["mem"] = need(memory(oobd.pid), "oobd still running", log)
    r["ssh_mem"] = ssh_mem
    r["sshd_mem"] = memory(w.sshd_pid) if w.sshd_pid else None
    return r


def ms(v):
    return "%.0f" % (v * 1000)


def med_max(vals, fmt=ms):
    return "median %s, max %s" % (fmt(statistics.median(vals)), fmt(max(vals)))


def kb(v):
    return "%d kB" % v


def report(rows):
    col = lambda k: [r[k] for r in rows]
    print("%d activations, each a fresh oobd -d -v (and state directory): UP by SMS, "
          "the owner's login through the relay, DOWN by SMS" % len(rows))
    print("per run, ms:   total   own | modem  link   dns relay   ssh login | notice")
    for i, r in enumerate(rows, 1):
        notes = []
        if r["ssh_tries"] > 1:
            notes.append("%d ssh runs" % r["ssh_tries"])
        if r["attempts"] > 1:
            notes.append("%d login attempts" % r["attempts"])
        print("  run %2d:   %6s %5s | %5s %5s %5s %5s %5s %5s | %5s  %s" % (
            i, ms(r["total"]), ms(r["own"]), ms(r["modem"]), ms(r["link"]), ms(r["dns"]),
            ms(r["relay"]),
            ms(r["ssh"]), ms(r["login"]), ms(r["notice"]), ", ".join(notes)))
    print("total: the UP text into modemsim -> the owner's first ssh through the relay has run")
    print("  a command on the box: %s ms" % med_max(col("total")))
    print("external, not oobd's work (ms):")
    print("  modem: SMS to +CMTI, its replies to oobd's AT+CMGR:   %s" % med_max(col("modem")))
    print("  link command until cell0 has address and carrier:    %s" % med_max(col("link")))
    print("  DNS over the link: checking -> the last answer:      %s" % med_max(col("dns")))
    print("  relay check: connect + SSH banner (oobd's figure):   %s" % med_max(col("relay")))
    print("  ssh: exec until the relay confirmed the forward:     %s" % med_max(col("ssh")))
    print("  owner's login: session up -> command ran on the box: %s" % med_max(col("login")))
    own_ok = max(col("own")) < 1.0
    print("oobd's own share = total - the union of the external intervals: %s ms "
          "(target < 1000 ms: %s)" % (med_max(col("own")), "met" if own_ok else "MISSED"))
    print("  of it, cell0 ready -> oobd notices (it polls the interface every 50 ms while waiting): %s ms"
          % med_max(col("notice")))
    mem = col("mem")
    rss = [m["rss"] for m in mem]
    pss = [m["pss"] for m in mem]
    dirty = [m["dirty"] for m in mem]
    print("oobd's memory after UP+DOWN: Pss %s, Private_Dirty %s" %
          (med_max(pss, kb), med_max(dirty, kb)))
    print("  VmRSS %s: it counts whole the shared libraries' pages (libc, libcrypto),"
          " which the box pays once" % med_max(rss, kb))
    print("  VmRSS by mapping, the last run, kB: %s" % map_text(mem[-1]))
    floor = sleep_memory()
    if floor:
        print("reference, same run: /bin/sleep (same libc, does nothing) VmRSS %d kB, Pss %d kB "
              "(%s)" % (floor["rss"], floor["pss"], map_text(floor)))
    hm = helper_memory(BINDIR, SCRATCH)
    if hm:
        print("oobd-push (libcurl, TLS), alive only while a push is going: VmRSS %d kB, "
              "Pss %d kB, Private_Dirty %d kB" % (hm["rss"], hm["pss"], hm["dirty"]))
    mem_ok = None
    for name, key in (("the box's sshd listener", "sshd_mem"),
                      ("the tunnel's ssh client (oobd's child)", "ssh_mem")):
        ref = [r[key] for r in rows if r[key]]
        if not ref:
            continue
        rp = statistics.median([m["pss"] for m in ref])
        rd = statistics.median([m["dirty"] for m in ref])
        rr = statistics.median([m["rss"] for m in ref])
        ratio_p = statistics.median(pss) / rp
        ratio_d = statistics.median(dirty) / rd
        verdict = ""
        if key == "sshd_mem":
            mem_ok = ratio_p < 1 and ratio_d < 1
            verdict = " (target: both < 1: %s)" % ("met" if mem_ok else "MISSED")
        print("reference, same run: %s Pss %d kB, Private_Dirty %d kB (VmRSS %d kB): "
              "oobd/it Pss %.2f, Private_Dirty %.2f%s"
              % (name, rp, rd, rr, ratio_p, ratio_d, verdict))
    stale = sum(1 for r in rows if r["stale"])
    if stale:
        print("note: after %d of %d DOWNs the relay still held the tunnel's port: the box's "
              "goodbye never reached it (oobd removes the link before ssh has exited); each "
              "was ended with ss -K, as the relay's ClientAlive timeout would after ~45 s, "
              "so every run started clean" % (stale, len(rows)))
    return own_ok and bool(mem_ok)


BINDIR = SCRATCH = None


def main():
    global BINDIR, SCRATCH
    w = World(sys.argv)
    BINDIR, SCRATCH = w.bin, w.dir
    rows = []
    try:
        w.start_watching()
        for run in range(1, w.runs + 1):
            rows.append(one_run(w, run))
    except (RuntimeError, subprocess.SubprocessError) as e:
        print("bench: run %d: %s" % (len(rows) + 1, e))
        return 1
    finally:
        try:
            w.relay_released()   # no relay session may outlive the bench
        except (RuntimeError, OSError):
            pass
        w.stop_all()
        keep(w.trace, "modemsim.trace")
        keep(w.netmon, "ip-monitor.log")
    return 0 if report(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
