#!/usr/bin/env python3
"""JSON-RPC error paths of xld, spoken on the raw socket as a script would.
Prints TAP. Usage: api_errors.py SOCKET"""
import json, socket, sys

sock_path = sys.argv[1]
n = 0
failed = 0


def check(cond, desc, detail=""):
    global n, failed
    n += 1
    print(("ok" if cond else "not ok") + f" {n} - {desc}")
    if not cond:
        failed += 1
        print(f"#   {detail}")


def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock_path)
    s.settimeout(10)
    return s, s.makefile("rb")


def ask(line):
    s, f = connect()
    s.sendall(line if isinstance(line, bytes) else line.encode())
    ans = f.readline()
    s.close()
    return json.loads(ans) if ans else None


r = ask('{"jsonrpc":"2.0","id":7,"method":"host.info"}\n')
check(r and r.get("id") == 7 and "nr_cpus" in r.get("result", {}), "host.info answers with its id", r)

r = ask('{"jsonrpc":"2.0","id":"x","method":"no.such"}\n')
check(r and r["id"] == "x" and r["error"]["code"] == -32601, "unknown method: -32601", r)

r = ask("{this is not json\n")
check(r and r["id"] is None and r["error"]["code"] == -32700, "bad JSON: -32700 parse error", r)

r = ask('["a","list"]\n')
check(r and r["error"]["code"] == -32600, "non-object request: -32600", r)

r = ask('{"id":1,"method":"host.info"}\n')
check(r and r["error"]["code"] == -32600, "missing jsonrpc version: -32600", r)

r = ask('{"jsonrpc":"2.0","id":2,"method":"host.info","params":42}\n')
check(r and r["error"]["code"] == -32602, "scalar params: -32602", r)

r = ask('{"jsonrpc":"2.0","id":{"an":"object"},"method":"host.info"}\n')
check(r and r["error"]["code"] == -32600, "object as id: -32600", r)

# A notification gets no answer; the request after it does.
r = ask('{"jsonrpc":"2.0","method":"host.info"}\n{"jsonrpc":"2.0","id":3,"method":"rpc.methods"}\n')
check(r and r["id"] == 3 and any(m["name"] == "host.info" for m in r["result"]),
      "notification unanswered, next request answered", r)

# Several requests in one write, answered in order.
s, f = connect()
s.sendall(b"".join(b'{"jsonrpc":"2.0","id":%d,"method":"rpc.methods"}\n' % i for i in range(50)))
ids = [json.loads(f.readline())["id"] for _ in range(50)]
check(ids == list(range(50)), "50 pipelined requests answered in order")
s.close()

# An oversized line (over 4 MiB without a newline) disconnects that client only.
s, f = connect()
try:
    chunk = b"x" * 65536
    for _ in range(80):
        s.sendall(chunk)
    ans = f.readline()
    rest = f.read()
    check(b"too long" in ans and rest == b"", "oversized line: error then disconnect", ans[:200])
except (BrokenPipeError, ConnectionResetError):
    check(True, "oversized line: error then disconnect")
s.close()

r = ask('{"jsonrpc":"2.0","id":9,"method":"host.info"}\n')
check(r and r.get("id") == 9, "xld still serves after the abuse", r)

print(f"1..{n}")
sys.exit(1 if failed else 0)
