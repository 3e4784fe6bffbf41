#!/bin/bash
# The vmctl PV kernel on a private vmctl host (vmhv + xld, created with xl):
# its console ring reaches the console log, its xenstore client passes the
# test-xenbus mode against xld's xenstored, it advertises control features,
# powers off when the toolstack writes control/shutdown and follows
# xl mem-set with its balloon.
. "$top_srcdir/tests/lib/host.sh"
kernel="$top_builddir/guests/vmctl-kernel"
[ -f "$kernel" ] || skip_all "guests/vmctl-kernel not built"
command -v xenstore-read > /dev/null || skip_all "xenstore-utils not installed"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

create() {	# create NAME EXTRA
	printf 'name = "%s"\nkernel = "%s"\nmemory = 32\nextra = "%s"\n' \
		"$1" "$kernel" "$2" > "$1.cfg"
	xl create "$1.cfg" > /dev/null 2>&1
}
create x1 "mode=test-xenbus stay=1"
ok "the banner reaches the console log through the ring" console_has x1 "^vmctl PV kernel [0-9]"
ok "test-xenbus passes against xld's xenstored" console_has x1 "TEST xenbus: PASS"
grep "TEST xenbus" "$VMCTL_LOGDIR/console/x1.log" | sed 's/^/# /'
ok "the shell starts after the test (stay=1)" console_has x1 "type 'help' for commands"
id=$(xl domid x1)
for f in poweroff reboot suspend; do
	is "$(xenstore-read /local/domain/$id/control/feature-$f 2>&1)" 1 \
		"the guest advertises control/feature-$f"
done
xenstore-write /local/domain/$id/control/shutdown poweroff
ok "a poweroff request is acted on" console_has x1 "control: shutdown request 'poweroff'"
for i in $(seq 100); do [ -z "$(xl domid x1 2>/dev/null)" ] && break; sleep 0.05; done
ok "the domain is gone after poweroff" test -z "$(xl domid x1 2>/dev/null)"

create m1 "mode=shell"
ok "m1 boots to its shell" console_has m1 "type 'help' for commands"
xl mem-set m1 16
ok "xl mem-set 16: the balloon gives 16 MiB back" \
	console_has m1 "balloon: 32768 KiB -> 16384 KiB \\(target 16384 KiB\\)"
xl mem-set m1 24
ok "xl mem-set 24: the balloon takes 8 MiB again" \
	console_has m1 "balloon: 16384 KiB -> 24576 KiB"
xl mem-set m1 2
ok "xl mem-set 2: the balloon stops at its 8 MiB floor" \
	console_has m1 "balloon: 24576 KiB -> 8192 KiB \\(target 2048 KiB\\)"
xl destroy m1

# The shell through xl console: typed lines reach the guest's console ring.
create c1 "mode=shell"
ok "c1 boots to its shell" console_has c1 "type 'help' for commands"
mkfifo con.in
"$XL_BIN" console c1 < con.in > con.out 2>&1 &
con=$!
exec 3> con.in
printf 'xs read name\r' >&3
ok "a command typed on xl console runs (xs read name)" console_has c1 "^c1"
printf 'poweroff\r' >&3
ok "poweroff typed on xl console powers off" console_has c1 "powering off"
exec 3>&-
wait $con
like "$(tr -d '\r' < con.out)" "vmctl> xs read name" "xl console shows the echo of the typed line"

# Several vCPUs, and xl vcpu-set through cpu/<N>/availability.
printf 'name = "v1"\nkernel = "%s"\nmemory = 32\nvcpus = 4\nextra = "mode=shell run=cpus"\n' \
	"$kernel" > v1.cfg
xl create v1.cfg > /dev/null 2>&1
ok "four vCPUs come up and all answer per-CPU work by IPI" \
	console_has v1 "per-CPU work: 3 of 3 secondaries answered correctly"
xl vcpu-set v1 2
ok "xl vcpu-set 2: vCPU 3 takes itself down" console_has v1 "smp: vCPU 3 down"
ok "xl vcpu-set 2: vCPU 2 takes itself down" console_has v1 "smp: vCPU 2 down"
xl vcpu-set v1 4
ok "xl vcpu-set 4: vCPU 2 comes back" console_has v1 "smp: vCPU 2 up again"
ok "xl vcpu-set 4: vCPU 3 comes back" console_has v1 "smp: vCPU 3 up again"
xl destroy v1

create t1 "mode=test-time stay=1"
ok "test-time passes on an xl-created domain" console_has t1 "TEST time: PASS"
create g1 "mode=test-gnttab stay=1"
ok "test-gnttab passes on an xl-created domain" console_has g1 "TEST gnttab: PASS"
xl destroy t1; xl destroy g1
host_stop a
done_testing
