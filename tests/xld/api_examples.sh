#!/bin/bash
# Runs every sh and python example of docs/api.md against a real xld.
. "$top_srcdir/tests/lib/host.sh"
command -v socat > /dev/null || skip_all "socat not installed"
command -v python3 > /dev/null || skip_all "python3 not installed"
host_start a || bail_out "cannot start a host"

doc="$top_srcdir/docs/api.md"
ex="$VMCTL_TEST_DIR/examples"
mkdir -p "$ex"
awk -v dir="$ex" '
/^```(sh|python)$/ { lang = substr($0, 4); n++; file = dir "/" n "." lang; next }
/^```$/ { file = ""; next }
file != "" { print > file }' "$doc"

count=0
for f in "$ex"/*; do
	count=$((count + 1))
	case "$f" in
	*.sh) out=$(bash "$f" 2>&1) ;;
	*.python) out=$(python3 "$f" 2>&1) ;;
	esac
	rc=$?
	is "$rc" 0 "docs/api.md example $(basename "$f") runs"
	if [ "$rc" -ne 0 ]; then echo "$out" | sed 's/^/#   /'; fi
	case "$f" in
	*.sh) like "$out" '"result":\{"host"' "example $(basename "$f") prints host.info" ;;
	*.python) like "$out" 'CPUs, [0-9]+ MiB free' "example $(basename "$f") prints the host's CPUs" ;;
	esac
done
ok "docs/api.md has examples" test "$count" -ge 2
ok "host a stops cleanly" host_stop a
done_testing
