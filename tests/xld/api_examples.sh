#!/bin/bash
# Runs every sh and python example of docs/api.md, in order, against a real
# xld with real guests: each must succeed (python) or print a "result" and no
# "error" (socat).
. "$top_srcdir/tests/lib/host.sh"
command -v socat > /dev/null || skip_all "socat not installed"
command -v python3 > /dev/null || skip_all "python3 not installed"
export KERNEL="$top_builddir/guests/vmctl-kernel"
[ -f "$KERNEL" ] || skip_all "guests/vmctl-kernel not built"
host_start a || bail_out "cannot start a host"

ex="$VMCTL_TEST_DIR/examples"
mkdir -p "$ex"
awk -v dir="$ex" '
/^```(sh|python)$/ { lang = substr($0, 4); n++; file = sprintf("%s/%02d.%s", dir, n, lang); next }
/^```$/ { file = ""; next }
file != "" { print > file }' "$top_srcdir/docs/api.md"

helper=$(ls "$ex"/*.python | head -1)   # the first python block: call()
count=0
for f in "$ex"/*; do
	[ "$f" = "$helper" ] && continue
	count=$((count + 1))
	name="docs/api.md example $(basename "$f")"
	case "$f" in
	*.sh)
		out=$(bash "$f" 2>&1)
		if printf '%s' "$out" | grep -q '"result"' && ! printf '%s' "$out" | grep -q '"error"'; then
			ok "$name answers with a result" true
		else
			ok "$name answers with a result" false
			echo "$out" | head -5 | sed 's/^/#   /'
		fi ;;
	*.python)
		out=$(cat "$helper" "$f" | python3 - 2>&1)
		rc=$?
		is "$rc" 0 "$name runs"
		[ "$rc" -eq 0 ] || echo "$out" | tail -5 | sed 's/^/#   /' ;;
	esac
done
ok "docs/api.md has an example for every method" test "$count" -ge 20
for m in $(python3 -c 'import json,socket,os
s=socket.socket(socket.AF_UNIX); s.connect(os.environ["VMCTL_RUNDIR"]+"/xld.sock")
s.sendall(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"rpc.methods\"}\n")
print(" ".join(m["name"] for m in json.loads(s.makefile().readline())["result"]))'); do
	ok "docs/api.md documents $m" grep -q "^### .*$m" "$top_srcdir/docs/api.md"
done
ok "no doc domain is left" test -z "$(xl list | grep doc)"
ok "host a stops cleanly" host_stop a
done_testing
