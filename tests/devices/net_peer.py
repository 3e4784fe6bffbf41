#!/usr/bin/env python3
"""The host side of the network tests and benchmarks: ICMP echo (a raw
socket: root only) and UDP echo against a guest.

  net_peer.py ping ADDR COUNT          one line per reply: "rtt_us N"
  net_peer.py udp ADDR COUNT SIZE      "udp ok SENT RECEIVED BYTES SECONDS"
Exit status 1 when nothing came back."""
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


def ping(addr, count):
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xFFFF
    got = 0
    for seq in range(count):
        payload = b"vmctl-ping" * 4
        hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
        pkt = struct.pack("!BBHHH", 8, 0, checksum(hdr + payload), ident, seq) + payload
        start = time.perf_counter()
        sock.sendto(pkt, (addr, 0))
        deadline = start + 2.0
        while True:
            left = deadline - time.perf_counter()
            if left <= 0 or not select.select([sock], [], [], left)[0]:
                break
            data, _ = sock.recvfrom(2048)
            ihl = (data[0] & 15) * 4
            typ, _, _, rid, rseq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
            if typ == 0 and rid == ident and rseq == seq and data[ihl + 8:] == payload:
                print("rtt_us %.1f" % ((time.perf_counter() - start) * 1e6))
                got += 1
                break
    return got


def udp(addr, count, size):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(2.0)
    received = 0
    start = time.perf_counter()
    for i in range(count):
        msg = (b"%08d" % i) + b"u" * (size - 8)
        sock.sendto(msg, (addr, 7))
        try:
            while True:
                data, _ = sock.recvfrom(65536)
                if data == msg:
                    received += 1
                    break
        except socket.timeout:
            pass
    secs = time.perf_counter() - start
    print("udp ok %d %d %d %.6f" % (count, received, received * size, secs))
    return received


def main():
    cmd = sys.argv[1]
    if cmd == "ping":
        return 0 if ping(sys.argv[2], int(sys.argv[3])) else 1
    if cmd == "udp":
        return 0 if udp(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])) else 1
    return 2


sys.exit(main())
