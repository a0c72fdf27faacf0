#!/usr/bin/env python3
"""dnsstub: a tiny authoritative DNS server for tests (A records only).

  dnsstub.py ADDR NAME=IPV4 [NAME=IPV4 ...]

Listens on UDP ADDR port 53 and answers each A query for a NAME it knows
with its address (TTL 60), every other query with NXDOMAIN.  Each query is
printed to stdout as "query NAME" (flushed), so a test can tell that it was
asked.  Runs until killed.
"""
import socket
import struct
import sys


def parse_name(msg, off):
    labels = []
    while True:
        n = msg[off]
        off += 1
        if n == 0:
            return ".".join(labels).lower(), off
        labels.append(msg[off:off + n].decode("ascii", "replace"))
        off += n


def main():
    addr = sys.argv[1]
    table = dict(a.split("=", 1) for a in sys.argv[2:])
    table = {k.lower().rstrip("."): v for k, v in table.items()}
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 53))
    while True:
        msg, peer = s.recvfrom(512)
        if len(msg) < 12:
            continue
        qid, flags, qd = struct.unpack("!HHH", msg[:6])
        if qd != 1:
            continue
        name, end = parse_name(msg, 12)
        qtype, = struct.unpack("!H", msg[end:end + 2])
        question = msg[12:end + 4]
        print("query", name, flush=True)
        ip = table.get(name) if qtype == 1 else None
        rcode = 0 if ip else 3
        head = struct.pack("!HHHHHH", qid, 0x8400 | (flags & 0x0100) | rcode, 1,
                           1 if ip else 0, 0, 0)
        answer = b""
        if ip:
            answer = struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton(ip)
        s.sendto(head + question + answer, peer)


if __name__ == "__main__":
    main()
