#!/usr/bin/env python3
"""A TCP relay for one migration that corrupts it: the byte at OFFSET of
what the source sends is flipped (xor 0xff) on its way to the target.

  flip_proxy.py LISTEN_ADDR LISTEN_PORT TARGET_ADDR TARGET_PORT OFFSET

Prints "ready" once it listens, relays one connection both ways until
both sides have closed, then exits."""
import socket
import sys
import threading


def pump(src, dst, flip_at):
    seen = 0
    while True:
        try:
            data = src.recv(65536)
        except OSError:
            data = b""
        if not data:
            break
        if flip_at is not None and seen <= flip_at < seen + len(data):
            i = flip_at - seen
            data = data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:]
        seen += len(data)
        try:
            dst.sendall(data)
        except OSError:
            break
    for s, how in ((dst, socket.SHUT_WR), (src, socket.SHUT_RD)):
        try:
            s.shutdown(how)
        except OSError:
            pass


def main():
    laddr, lport, taddr, tport, offset = sys.argv[1:6]
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((laddr, int(lport)))
    lsock.listen(1)
    print("ready", flush=True)
    client, _ = lsock.accept()
    target = socket.create_connection((taddr, int(tport)))
    up = threading.Thread(target=pump, args=(client, target, int(offset)))
    up.start()
    pump(target, client, None)
    up.join()
    client.close()
    target.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
