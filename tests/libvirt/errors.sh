#!/bin/bash
# Hostile and confused clients on the libvirt socket, from a small raw
# client: bad lengths, truncated and oversized fields, streams, unknown
# programs and procedures, calls before CONNECT_OPEN, unknown flags and
# domains, keepalive. Each bad client is dropped alone: a client connected
# all along and stock virsh keep being served.
. "$top_srcdir/tests/libvirt/lib.sh"
command -v python3 > /dev/null || skip_all "python3 not installed"
lv_need_virsh
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

python3 - "$VMCTL_RUNDIR/libvirt-sock" > results 2> errors <<'PY'
import socket, struct, sys

PATH = sys.argv[1]
PROG, KEEP = 0x20008086, 0x6b656570

def ok(cond, name):
    print(1 if cond else 0, name, flush=True)

def packet(proc, payload=b"", prog=PROG, typ=0, serial=1, status=0, length=None):
    body = struct.pack(">IIiiIi", prog, 1, proc, typ, serial, status) + payload
    return struct.pack(">I", length if length is not None else 4 + len(body)) + body

def xstr(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack(">I", len(b)) + b + b"\0" * (-len(b) % 4)

def connect():
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(PATH)
    return s

def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data

def reply(s):
    """(prog, proc, type, serial, status, payload) or None when closed."""
    head = recv_exact(s, 4)
    if head is None:
        return None
    rest = recv_exact(s, struct.unpack(">I", head)[0] - 4)
    prog, vers, proc, typ, serial, status = struct.unpack(">IIiiIi", rest[:24])
    return prog, proc, typ, serial, status, rest[24:]

def err_code(r):
    return struct.unpack(">i", r[5][:4])[0] if r and r[4] == 1 else None

def dropped(data):
    s = connect()
    s.sendall(data)
    try:
        closed = s.recv(4096) == b""
    except ConnectionResetError:
        closed = True
    s.close()
    return closed

def opened():
    s = connect()
    s.sendall(packet(66, serial=0) + packet(1, struct.pack(">II", 0, 0), serial=1))
    a, b = reply(s), reply(s)
    return s, a, b

good, auth, op = opened()
ok(auth[4] == 0 and auth[5] == struct.pack(">Ii", 1, 0), "AUTH_LIST answers [NONE]")
ok(op[4] == 0 and op[3] == 1, "CONNECT_OPEN answers OK with the call's serial")

ok(dropped(struct.pack(">I", 4) + b"\0" * 24), "a length below 28 drops the client")
ok(dropped(struct.pack(">I", 0xfffffff0) + b"\0" * 64), "an oversized length (4 GiB) drops the client")
ok(dropped(struct.pack(">I", 16 * 1024 * 1024 + 5) + b"\0" * 64), "a length of 16 MiB + 5 drops the client")
ok(dropped(packet(1)), "CONNECT_OPEN without its arguments drops the client")
ok(dropped(packet(23, struct.pack(">I", 0x7fffffff) + b"abcd")), "a string longer than the packet drops the client")
ok(dropped(packet(23, xstr(b"a\0b"))), "a string holding a NUL drops the client")
ok(dropped(packet(23, xstr("t1") + b"junk")), "bytes after the arguments drop the client")
ok(dropped(packet(3, typ=3)), "a STREAM packet drops the client")
s = connect(); s.sendall(packet(3)[:10]); s.close()   # half a packet, then gone

s = connect()
s.sendall(packet(3, serial=5))
r = reply(s)
ok(r[4] == 1 and r[3] == 5, "a call before CONNECT_OPEN gets an error reply")
s.sendall(packet(1, prog=0x12345678, serial=6))
r = reply(s)
ok(err_code(r) == 39 and r[0] == 0x12345678, "an unknown program: error 39 (RPC)")
s.sendall(packet(1, prog=KEEP, typ=2, serial=0))
r = reply(s)
ok(r[:4] == (KEEP, 2, 2, 0), "keepalive PING gets PONG")
s.close()

s, _, _ = opened()
s.sendall(packet(122))
ok(err_code(reply(s)) == 3, "an unimplemented procedure (122): error 3 NO_SUPPORT")
nodom = xstr("nope") + b"\x11" * 16 + struct.pack(">i", -1)
s.sendall(packet(212, nodom + struct.pack(">I", 0x80)))
ok(err_code(reply(s)) == 8, "unknown flags: error 8 INVALID_ARG")
s.sendall(packet(212, nodom + struct.pack(">I", 0)))
ok(err_code(reply(s)) == 42, "an unknown domain: error 42 NO_DOMAIN")
s.sendall(packet(23, xstr("nope")))
r = reply(s)
ok(err_code(r) == 42 and b"nope" in r[5], "LOOKUP_BY_NAME of an unknown name: 42, message names it")
s.sendall(b"".join(packet(3, serial=100 + i) for i in range(20)))
serials = [reply(s)[3] for i in range(20)]
ok(serials == list(range(100, 120)), "20 pipelined calls are answered in order")
s.close()

good.sendall(packet(3, serial=9))
r = reply(good)
ok(r[4] == 0 and r[3] == 9 and r[5] == xstr("Xen"), "the client connected all along is still served")
PY
rc=$?
while read -r r name; do ok "$name" test "$r" = 1; done < results
is "$rc" 0 "the raw client ran to its end"
[ "$rc" = 0 ] || sed 's/^/#   /' errors
ok "xld still runs" kill -0 "$(cat "$VMCTL_TEST_DIR/a/xld.pid")"
ok "virsh is still served" vsh list --all
ok "host a stops cleanly" host_stop a
done_testing
