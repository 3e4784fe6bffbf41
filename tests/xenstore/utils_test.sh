#!/bin/sh
# Debian's xenstore-utils (libxenstore 4.17) against our xenstored, through
# XENSTORED_PATH and XENSTORED_RUNDIR (xen-abi.md §3.6), with outputs checked.
set -u
testd="${top_builddir:-.}/tests/xenstore/xs-testd"
bin=$(dirname "${XENSTORE_LS:-$(command -v xenstore-ls || echo /nonexistent/x)}")
if [ ! -x "$bin/xenstore-ls" ] || [ ! -x "$bin/xenstore-write" ]; then
	echo "1..0 # SKIP xenstore-utils not installed"
	exit 0
fi
PATH="$bin:$PATH"
dir=$(mktemp -d /tmp/xsutils.XXXXXX)
pid=
n=0
fails=0
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi; }
# is "got" "want" "description"
is() {
	if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; printf '#   got: %s\n#   want: %s\n' "$1" "$2"; fi
}

start() {
	"$testd" "$dir/socket" "$@" 2>>"$dir/testd.log" &
	pid=$!
	i=0
	while [ ! -S "$dir/socket" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
}
stop() { kill "$pid"; wait "$pid"; rc=$?; pid=; rm -f "$dir/socket"; [ $rc = 0 ] || sed "s/^/# /" "$dir/testd.log"; return $rc; }

start -s "$dir/store.img"
export XENSTORED_PATH="$dir/socket"
xs() { timeout 10 "$@"; }

xs xenstore-write /t/a hello; ok $? "xenstore-write one value"
is "$(xs xenstore-read /t/a)" "hello" "xenstore-read reads it back"
xs xenstore-write /t/b 1 /t/c 2; ok $? "xenstore-write of several paths (a transaction)"
is "$(xs xenstore-read /t/b /t/c | tr '\n' ' ')" "1 2 " "xenstore-read of several paths (a transaction)"
is "$(xs xenstore-ls /t)" 'a = "hello"
b = "1"
c = "2"' "xenstore-ls"
is "$(xs xenstore-list /t | tr '\n' ' ')" "a b c " "xenstore-list"
xs xenstore-exists /t/a; ok $? "xenstore-exists of an existing node"
xs xenstore-exists /t/zz; [ $? -ne 0 ]; ok $? "xenstore-exists of a missing node fails"
xs xenstore-read /t/zz 2>/dev/null; [ $? -ne 0 ]; ok $? "xenstore-read of a missing node fails"
xs xenstore-chmod /t/a n5 r6; ok $? "xenstore-chmod"
xs xenstore-ls -p /t | grep -q '^a = "hello" .*(n5,r6)$'; ok $? "xenstore-ls -p shows the new perms"
xs xenstore-rm /t/b; ok $? "xenstore-rm"
xs xenstore-exists /t/b; [ $? -ne 0 ]; ok $? "the node is gone"
is "$(xs xenstore-read domid)" "0" "relative path from dom0 resolves below /local/domain/0"
is "$(xs xenstore-ls -f /local/domain/0 | head -1)" '/local/domain/0/name = "Domain-0"' "xenstore-ls -f"

# Watch: initial event, then one for a write below.
timeout 10 xenstore-watch -n 2 /t > "$dir/watch.out" &
wpid=$!
i=0
while [ ! -s "$dir/watch.out" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
xs xenstore-write /t/d x
wait $wpid; ok $? "xenstore-watch -n 2 got its two events"
is "$(tr '\n' ' ' < "$dir/watch.out")" "/t /t/d " "the initial event, then /t/d"

# A directory bigger than a message: clients fall back to DIRECTORY_PART.
args=
for i in $(seq 1 200); do args="$args /big/a-rather-long-node-name-number-$i v"; done
# shellcheck disable=SC2086
xs xenstore-write $args; ok $? "200 nodes written in one transaction"
is "$(xs xenstore-list /big | wc -l)" "200" "xenstore-list of a 7 KB directory (DIRECTORY_PART)"
is "$(xs xenstore-ls /big | wc -l)" "200" "xenstore-ls of it"

# The store survives a restart through save/load.
stop; ok $? "daemon stops cleanly and saves"
unset XENSTORED_PATH
start -l "$dir/store.img"
is "$(XENSTORED_RUNDIR="$dir" xs xenstore-read /t/a)" "hello" \
	"XENSTORED_RUNDIR/socket is used without XENSTORED_PATH; store reloaded"
is "$(XENSTORED_RUNDIR="$dir" xs xenstore-ls -p /t | grep '^a ' | sed 's/.*(//')" "n5,r6)" \
	"permissions survived the reload"

echo "1..$n"
[ $fails -eq 0 ]
