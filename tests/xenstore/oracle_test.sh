#!/bin/sh
# Differential test: oracle.script against Xen's own C xenstored 4.17 and
# against ours (xs-testd); the normalised replies must be the same.  C
# xenstored runs without Xen thanks to oracle_shim.so (LD_PRELOAD).  Skipped
# unless C xenstored is found: $XENSTORED_ORACLE, or Debian's xen-utils-4.17.
set -u
b="${top_builddir:-.}/tests/xenstore"
s="${top_srcdir:-.}/tests/xenstore"
oracle="${XENSTORED_ORACLE:-/usr/lib/xen-4.17/bin/xenstored}"
shim="$(cd "$b" && pwd)/oracle_shim.so"
if [ ! -x "$oracle" ] || [ ! -f "$shim" ]; then
	echo "1..0 # SKIP no C xenstored (set XENSTORED_ORACLE) or no oracle shim"
	exit 0
fi
dir=$(mktemp -d /tmp/xsoracle.XXXXXX)
pids=
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$dir"' EXIT
wait_sock() {
	i=0
	while [ ! -S "$1" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
}
mkdir "$dir/c" "$dir/ours"
XENSTORED_RUNDIR="$dir/c" LD_PRELOAD="$shim" "$oracle" -N -T "$dir/trace" >"$dir/c.log" 2>&1 &
pids="$!"
"$b/xs-testd" "$dir/ours/socket" 2>"$dir/ours.log" &
pids="$pids $!"
wait_sock "$dir/c/socket"
wait_sock "$dir/ours/socket"
"$b/xs-script" "$dir/c/socket" < "$s/oracle.script" > "$dir/c.out"
"$b/xs-script" "$dir/ours/socket" < "$s/oracle.script" > "$dir/ours.out"
# One line per request: the request, then its answers after " => ".
group() {
	awk '/^>/ { if (line != "") print line; line = substr($0, 3) " =>"; next }
	     { line = line " " substr($0, 3) } END { if (line != "") print line }' "$1"
}
group "$dir/c.out" > "$dir/c.txt"
group "$dir/ours.out" > "$dir/ours.txt"
n=0
fails=0
while IFS= read -r want <&3 && IFS= read -r got <&4; do
	n=$((n + 1))
	if [ "$want" = "$got" ]; then
		echo "ok $n - ${want%% =>*}"
	else
		echo "not ok $n - ${want%% =>*}"
		echo "#   C xenstored: ${want#* =>}"
		echo "#   ours:       ${got#* =>}"
		fails=$((fails + 1))
	fi
done 3<"$dir/c.txt" 4<"$dir/ours.txt"
n=$((n + 1))
if [ "$(wc -l < "$dir/c.txt")" = "$(wc -l < "$dir/ours.txt")" ]; then
	echo "ok $n - both answered every request"
else
	echo "not ok $n - one server stopped answering"
	fails=$((fails + 1))
fi
echo "1..$n"
[ $fails = 0 ]
