#!/usr/bin/env python3
"""Ping a guest steadily while it migrates (root: a raw ICMP socket).

  pinger.py ADDR INTERVAL_MS STOPFILE

Sends an echo request every INTERVAL_MS until STOPFILE exists, then waits
a last second for late replies and prints one line:
  "sent S received R lost L longest-gap G"
where G is the longest run of consecutive unanswered requests."""
import os
import select
import socket
import struct
import sys
import time


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def packet(ident, seq):
    payload = b"vmctl-migrate-ping"
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    return struct.pack("!BBHHH", 8, 0, checksum(hdr + payload), ident, seq) + payload


def receive(sock, ident, answered, until):
    while True:
        left = until - time.monotonic()
        if left <= 0 or not select.select([sock], [], [], left)[0]:
            return
        data, _ = sock.recvfrom(2048)
        icmp = data[(data[0] & 0x0F) * 4:]
        if len(icmp) >= 8:
            typ, _, _, rid, seq = struct.unpack("!BBHHH", icmp[:8])
            if typ == 0 and rid == ident:
                answered.add(seq)


def main():
    addr, interval, stopfile = sys.argv[1], int(sys.argv[2]) / 1000.0, sys.argv[3]
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xFFFF
    answered = set()
    sent = 0
    while not os.path.exists(stopfile):
        sock.sendto(packet(ident, sent & 0xFFFF), (addr, 0))
        sent += 1
        receive(sock, ident, answered, time.monotonic() + interval)
    receive(sock, ident, answered, time.monotonic() + 1.0)
    gap = longest = 0
    for seq in range(sent):
        gap = 0 if (seq & 0xFFFF) in answered else gap + 1
        longest = max(longest, gap)
    got = len(answered)
    print("sent %d received %d lost %d longest-gap %d" % (sent, got, sent - got, longest))
    return 0 if got else 1


if __name__ == "__main__":
    sys.exit(main())
