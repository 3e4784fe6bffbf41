#!/bin/bash
# xld serves XenStore on $VMCTL_RUNDIR/xenstored/socket: Debian's
# xenstore-utils work against it, and the store survives `kill -9 xld`.
. "$top_srcdir/tests/lib/host.sh"
command -v xenstore-write > /dev/null || skip_all "xenstore-utils not installed (apt-get install xenstore-utils)"
host_start a || bail_out "cannot start a host"

ok "xenstored socket exists" test -S "$XENSTORED_PATH"
is "$(stat -c %a "$XENSTORED_PATH")" "600" "socket is root-only (0600)"
ok "xenstore-write through xld" xenstore-write /test/greeting hello /test/n 42
is "$(xenstore-read /test/greeting)" "hello" "xenstore-read gets it back"
like "$(xenstore-ls /test)" 'greeting = "hello"' "xenstore-ls lists it"
ok "the standard tree exists" xenstore-exists /local/domain

# kill -9 xld and start it again: the store is back from the state dir.
sleep 0.1   # the store is saved 10 ms after a change
kill -9 "$(cat "$VMCTL_TEST_DIR/a/xld.pid")"
wait "$(cat "$VMCTL_TEST_DIR/a/xld.pid")" 2>/dev/null
rm -f "$VMCTL_RUNDIR/xld.sock"
"$XLD" --rundir "$VMCTL_RUNDIR" --statedir "$VMCTL_STATEDIR" --logdir "$VMCTL_LOGDIR" --foreground &
echo $! > "$VMCTL_TEST_DIR/a/xld.pid"
ok "xld restarts" wait_for "$VMCTL_RUNDIR/xld.sock"
is "$(xenstore-read /test/n)" "42" "the store survived kill -9 of xld"

ok "host a stops cleanly" host_stop a
done_testing
