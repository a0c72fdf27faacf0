#!/usr/bin/env python3
"""httprec: a recording HTTP server for tests (stands in for Pushover, ntfy, webhooks).

  httprec.py serve LOG [--bind ADDR] [--port N] [--port-file FILE]
                       [--status LIST] [--body TEXT] [--header 'Name: value']...
                       [--delay SECONDS] [--tls PEM]
      Listen on ADDR (default 127.0.0.1) port N (default 0: pick one) and print
      the port on the first line of stdout (and into FILE, written whole, when
      --port-file is given).  Every request is appended to LOG as one JSON line
          {"method": "POST", "path": "/1/messages.json",
           "headers": {"content-type": "...", ...},   (names in lower case)
           "body": "...",                             (UTF-8, bad bytes as U+FFFD)
           "form": {"token": "...", ...},             (x-www-form-urlencoded only)
           "json": {...}}                             (valid JSON bodies only)
      as it arrives, before any delay.  The answer is STATUS (LIST "500,200":
      first request 500, the next 200, the last one repeated; default 200)
      with TEXT as body (default {"status":1}) and any --header lines, after
      --delay SECONDS (0; a large value plays a server that never answers).
      --tls PEM serves HTTPS with the certificate and key in PEM (one file;
      httprec-selfsigned.pem beside this script is a self-signed one for
      localhost/127.0.0.1/::1, which a verifying client must refuse).
      Runs until killed (SIGTERM).

  httprec.py show LOG INDEX KEY...
      Print one recorded value: request INDEX (0 first, -1 last), then keys
      into it, e.g. `show log 0 form message`, `show log 1 headers title`.
      Strings are printed as they are, other values as JSON; exit 1 (and
      nothing printed) when a key is missing.

  httprec.py count LOG
      Print the number of requests recorded (0 when LOG does not exist).
"""
import argparse
import http.server
import json
import os
import socket
import ssl
import sys
import threading
import time
import urllib.parse


class Recorder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: tests read LOG
        pass

    def _handle(self):
        srv = self.server
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        body = raw.decode("utf-8", errors="replace")
        rec = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body,
        }
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/x-www-form-urlencoded":
            rec["form"] = {k: v[-1] for k, v in
                           urllib.parse.parse_qs(body, keep_blank_values=True).items()}
        try:
            rec["json"] = json.loads(body)
        except ValueError:
            pass
        with srv.lock:
            index = srv.count
            srv.count += 1
            with open(srv.log, "a", encoding="utf-8") as f:
                f.write(json.dumps(rec) + "\n")
        if srv.delay > 0:
            time.sleep(srv.delay)
        status = srv.statuses[min(index, len(srv.statuses) - 1)]
        out = srv.body.encode("utf-8")
        self.send_response(status)
        for name, value in srv.extra_headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(out)

    do_POST = _handle
    do_GET = _handle
    do_PUT = _handle


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that gave up (a timeout test) is not news


def serve(args):
    family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET
    Server.address_family = family
    srv = Server((args.bind, args.port), Recorder)
    srv.log = args.log
    srv.lock = threading.Lock()
    srv.count = 0
    srv.delay = args.delay
    srv.body = args.body
    srv.statuses = [int(s) for s in args.status.split(",")]
    srv.extra_headers = []
    for h in args.header:
        name, _, value = h.partition(":")
        srv.extra_headers.append((name.strip(), value.strip()))
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    port = srv.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)
    print(port, flush=True)
    srv.serve_forever()


def records(log):
    try:
        with open(log, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []


def show(args):
    try:
        value = records(args.log)[args.index]
        for key in args.keys:
            value = value[int(key)] if isinstance(value, list) else value[key]
    except (IndexError, KeyError, TypeError, ValueError):
        return 1
    sys.stdout.write(value if isinstance(value, str) else json.dumps(value))
    sys.stdout.write("\n")
    return 0


def main():
    p = argparse.ArgumentParser(description="recording HTTP server for tests")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("log")
    s.add_argument("--bind", default="127.0.0.1")
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--port-file")
    s.add_argument("--status", default="200")
    s.add_argument("--body", default='{"status":1}')
    s.add_argument("--header", action="append", default=[])
    s.add_argument("--delay", type=float, default=0.0)
    s.add_argument("--tls")
    sh = sub.add_parser("show")
    sh.add_argument("log")
    sh.add_argument("index", type=int)
    sh.add_argument("keys", nargs="*")
    c = sub.add_parser("count")
    c.add_argument("log")
    args = p.parse_args()
    if args.cmd == "serve":
        serve(args)
        return 0
    if args.cmd == "show":
        return show(args)
    print(len(records(args.log)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
