#!/bin/bash
# kill -9 xld while a guest runs a workload: a new xld re-adopts the domain
# (listed, xenstore intact up to the last answered write, console
# re-attached) and no console output is lost or logged twice, while the
# guest kept running.
. "$top_srcdir/tests/lib/host.sh"
kernel="$top_builddir/guests/vmctl-kernel"
[ -f "$kernel" ] || skip_all "guests/vmctl-kernel not built"
command -v xenstore-read > /dev/null || skip_all "xenstore-utils not installed"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"
log="$VMCTL_LOGDIR/console/w1.log"

printf 'name = "w1"\nkernel = "%s"\nmemory = 32\nextra = "mode=test-memdirty dirty-mib=2"\n' "$kernel" > w1.cfg
ok "create w1 (memory-dirtying workload)" xl create w1.cfg
rounds() { grep -o 'periodic round [0-9]*' "$log" 2>/dev/null | awk '{print $3}'; }
for i in $(seq 100); do [ "$(rounds | wc -l)" -ge 2 ] && break; sleep 0.05; done
ok "the workload reports rounds" test "$(rounds | wc -l)" -ge 2
# Killed right after the write was answered, long before the store's image
# is rewritten (10 ms later): the journal has it.
xld_pid=$(cat "$VMCTL_TEST_DIR/a/xld.pid")
xenstore-write /local/domain/1/data/marker before-crash && kill -9 "$xld_pid"
wait "$xld_pid" 2>/dev/null
before=$(rounds | tail -1)
sleep 2.5   # the guest keeps running and printing with nobody draining its ring
rm -f "$VMCTL_RUNDIR/xld.sock"
"$XLD" --rundir "$VMCTL_RUNDIR" --statedir "$VMCTL_STATEDIR" --logdir "$VMCTL_LOGDIR" --foreground &
echo $! > "$VMCTL_TEST_DIR/a/xld.pid"
ok "xld restarts" wait_for "$VMCTL_RUNDIR/xld.sock"
like "$(xl list | sed -n 3p)" '^w1 +1 ' "w1 is listed again with domid 1"
is "$(xenstore-read /local/domain/1/data/marker)" before-crash "xenstore contents survived"
is "$(xenstore-read /local/domain/1/name)" w1 "the domain's nodes survived"
for i in $(seq 100); do [ "$(rounds | tail -1)" -ge $((before + 3)) ] && break; sleep 0.05; done
after=$(rounds | tail -1)
ok "the guest kept running: round $before before, $after after" test "$after" -ge $((before + 3))
is "$(rounds | uniq -d | head -3)" "" "no console line logged twice"
first=$(rounds | head -1)
is "$(rounds | awk -v f="$first" 'NR > 1 && $1 != prev + 1 {print "gap after " prev} {prev = $1}')" "" \
	"no console line lost: rounds $first..$after are consecutive"
like "$(grep -c MISMATCH "$log")" '^0$' "the workload saw no memory corruption"
out=$( (sleep 0.3; echo) | timeout 2 "$XL_BIN" console w1)
like "$out" 'periodic round' "xl console works after the restart"
# A clean stop (SIGTERM) with the domain running: xld exits 0, the guest
# runs on, and the next xld adopts it again.
xld_pid=$(cat "$VMCTL_TEST_DIR/a/xld.pid")
kill -TERM "$xld_pid"
wait "$xld_pid"
is "$?" 0 "xld exits cleanly on SIGTERM with a domain running"
"$XLD" --rundir "$VMCTL_RUNDIR" --statedir "$VMCTL_STATEDIR" --logdir "$VMCTL_LOGDIR" --foreground &
echo $! > "$VMCTL_TEST_DIR/a/xld.pid"
ok "xld starts again" wait_for "$VMCTL_RUNDIR/xld.sock"
before=$(rounds | tail -1)
for i in $(seq 100); do [ "$(rounds | tail -1)" -ge $((before + 1)) ] && break; sleep 0.05; done
ok "w1 is adopted again and its console still flows" test "$(rounds | tail -1)" -gt "$before"
ok "xl destroy w1" xl destroy w1
ok "host a stops cleanly" host_stop a
done_testing
