#!/usr/bin/env python3
"""Hostile RFB clients against pvfb-vnc: each connection speaks just enough
of the protocol (3.8, security None) to reach the server's message parser,
then sends something wrong. Usage: rfb_garbage.py HOST PORT. Prints one
line per attack; the caller checks that the server survived them all."""
import socket
import struct
import sys


def session(host, port):
    s = socket.create_connection((host, port), timeout=5)
    assert s.recv(12).startswith(b"RFB 003.")
    s.sendall(b"RFB 003.008\n")
    n = s.recv(1)[0]
    types = s.recv(n)
    if 1 not in types:
        raise SystemExit("server wants a password: use a display without one")
    s.sendall(bytes([1]))
    assert struct.unpack(">I", s.recv(4))[0] == 0  # SecurityResult ok
    s.sendall(bytes([1]))  # ClientInit: shared
    head = s.recv(24)
    name_len = struct.unpack(">I", head[20:24])[0]
    s.recv(name_len)
    return s


def attack(host, port, what, payload):
    try:
        s = session(host, port)
        s.sendall(payload)
        s.settimeout(1)
        try:
            while s.recv(65536):
                pass
        except (socket.timeout, ConnectionError):
            pass
        s.close()
    except (ConnectionError, socket.timeout) as e:
        print("# %s: %s" % (what, e))
    print("sent %s" % what)


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    attacks = [
        ("a 4 GiB cut text", struct.pack(">BxxxI", 6, 0xFFFFFFFF) + b"x" * 64),
        ("a pixel format of 7 bits per pixel",
         struct.pack(">BxxxBBBBHHHBBBxxx", 0, 7, 7, 0, 1, 1, 1, 1, 0, 0, 0)),
        ("an update request far outside the screen",
         struct.pack(">BBHHHH", 3, 0, 65000, 65000, 65535, 65535)),
        ("65535 encodings announced, 2 sent",
         struct.pack(">BxH", 2, 65535) + struct.pack(">ii", 0, 5)),
        ("an unknown message type", bytes([200]) + b"\xff" * 100),
        ("a pointer event far outside the screen", struct.pack(">BBHH", 5, 0xff, 65535, 65535)),
        ("random bytes", bytes(range(256)) * 8),
    ]
    for what, payload in attacks:
        attack(host, port, what, payload)
    # Before the handshake: garbage instead of a version.
    s = socket.create_connection((host, port), timeout=5)
    s.recv(12)
    s.sendall(b"GET / HTTP/1.0\r\n\r\n" * 10)
    s.close()
    print("sent an HTTP request instead of a version")


main()
