#!/usr/bin/env python3
"""nic_tcp_sink.py ADDR PORT WANT OUT TIMEOUT: accept one TCP connection on
ADDR:PORT, read until WANT bytes came (or the peer closed, or TIMEOUT
seconds passed), write the count to OUT, close. tests/hvm/nic_linux.sh
runs it in its network namespace: Linux sends through its e1000 with TCP
segmentation offload."""
import socket
import sys

addr, port, want, out, timeout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((addr, port))
srv.listen(1)
srv.settimeout(timeout)
got = 0
try:
    conn, _ = srv.accept()
    conn.settimeout(timeout)
    while got < want:
        data = conn.recv(65536)
        if not data:
            break
        got += len(data)
    conn.close()
except OSError:
    pass
with open(out, "w") as f:
    f.write("%d\n" % got)
