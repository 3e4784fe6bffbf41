#!/usr/bin/env python3
"""nic_ping.py ADDR [COUNT]: send COUNT (default 2) ICMP echo requests to
ADDR from a raw socket and succeed if every one is answered with its
identifier, sequence and payload (the hosts the tests run on have no
ping(8)). Run as root, inside the test's network namespace."""
import os
import select
import socket
import struct
import sys
import time


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def echo(sock, addr, ident, seq):
    payload = b"vmctl nic test %d" % seq
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    pkt = struct.pack("!BBHHH", 8, 0, csum(hdr + payload), ident, seq) + payload
    sock.sendto(pkt, (addr, 0))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        r, _, _ = select.select([sock], [], [], deadline - time.monotonic())
        if not r:
            break
        data, (src, _) = sock.recvfrom(2048)
        icmp = data[(data[0] & 15) * 4:]
        if src != addr or len(icmp) < 8:
            continue
        typ, _, _, rid, rseq = struct.unpack("!BBHHH", icmp[:8])
        if typ == 0 and rid == ident and rseq == seq:
            return icmp[8:] == payload
    return False


def main():
    addr = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xFFFF
    ok = all(echo(sock, addr, ident, seq) for seq in range(1, count + 1))
    print("%s: %s" % (addr, "answered" if ok else "no answer"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
