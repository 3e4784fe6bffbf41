#!/usr/bin/env python3
"""A hostile device model's display socket for tests/hvm/vnc.sh.

    fake_display.py PATH short|badframe

Listens at PATH (include/vmctl/dmdisplay.h) for one VNC server and sends
it a HELLO whose memfd is too short to hold a picture (`short`), or a
right one followed by FRAMEs whose geometry does not fit (`badframe`);
then waits until the server goes away."""
import os
import socket
import struct
import sys

MAGIC, VERSION, FB_OFFSET = 0x44444D56, 1, 4096
BYTES = FB_OFFSET + 2560 * 1600 * 4
HELLO, FRAME = 1, 2


def msg(*fields):
    return struct.pack("<8I", *fields)


def main():
    path, mode = sys.argv[1], sys.argv[2]
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    srv.bind(path)
    srv.listen(1)
    print("listening", flush=True)
    conn, _ = srv.accept()
    fd = os.memfd_create("fake-display")
    os.ftruncate(fd, 4096 if mode == "short" else BYTES)
    os.pwrite(fd, msg(MAGIC, VERSION, 720, 400, 2880, 1, 0, FB_OFFSET), 0)
    socket.send_fds(conn, [msg(HELLO, 1, 720, 400, 2880, 0, 400, 0)], [fd])
    if mode == "badframe":
        conn.send(msg(FRAME, 2, 100000, 100000, 4, 0, 5, 0))   # too large
        conn.send(msg(FRAME, 3, 720, 400, 100, 0, 400, 0))     # stride < width * 4
        conn.send(msg(FRAME, 4, 720, 400, 2880, 400, 0, 0))    # lines backwards
        conn.send(b"short")                                    # not a message
    while conn.recv(64):
        pass
    os.unlink(path)


if __name__ == "__main__":
    main()
