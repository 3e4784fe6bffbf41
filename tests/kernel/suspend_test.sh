#!/bin/bash
# Cooperative suspend, cancelled: the kernel (two vCPUs, dirtying memory in
# test-memdirty, with a disk) suspends on request through control/shutdown,
# the domain stays shut down with reason suspend, the toolstack cancels
# (privcmd DOMAIN_RESUME, as after a failed save): SCHEDOP_shutdown returns
# 1 and the kernel carries on with its memory, xenstore and disk intact.
. "$top_srcdir/tests/lib/host.sh"
kernel="$top_builddir/guests/vmctl-kernel"
resume="$top_builddir/tests/kernel/testback/resume"
[ -f "$kernel" ] || skip_all "guests/vmctl-kernel not built"
[ -x "$resume" ] || skip_all "tests/kernel/testback/resume not built"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

dd if=/dev/zero of=s.img bs=1M count=2 2> /dev/null
printf 'name = "s1"\nkernel = "%s"\nmemory = 32\nvcpus = 2\nextra = "mode=test-memdirty dirty-mib=4"\ndisk = [ "vdev=xvda, target=%s/s.img" ]\n' \
	"$kernel" "$PWD" > s1.cfg
xl create s1.cfg > /dev/null 2>&1
id=$(xl domid s1)
ok "the workload runs" console_has s1 "memdirty: periodic round 1 .*: ok \\(0 bad\\)"
xenstore-write /local/domain/$id/control/shutdown suspend
ok "a suspend request is acted on" console_has s1 "^suspending"
ok "the second vCPU stops first" console_has s1 "smp: vCPU 1 down"
for i in $(seq 100); do [ "$(xl list s1 | awk 'NR==2 {print $5}')" = "---ss-" ] && break; sleep 0.05; done
is "$(xl list s1 | awk 'NR==2 {print $5}')" "---ss-" "the domain is shut down with reason suspend"
ok "the toolstack cancels the suspend" "$resume" "$id"
ok "the kernel carries on in the same domain" console_has s1 "resumed \\(suspend cancelled\\)"
ok "the second vCPU comes back" console_has s1 "smp: vCPU 1 up again"
ok "no page lost or changed across the suspend" \
	console_has s1 "memdirty: after-resume .*: ok \\(0 bad\\)"
mkfifo con.in
"$XL_BIN" console s1 < con.in > con.out 2>&1 &
con=$!
exec 3> con.in
printf 'blk write 0 0 66 2\r' >&3
ok "the disk still works" console_has s1 "wrote 2 sectors at 0: ok"
printf 'cpus\r' >&3
ok "both vCPUs work after the suspend" \
	console_has s1 "per-CPU work: 1 of 1 secondaries answered correctly"
printf 'info\r' >&3
ok "info counts the cancelled suspend" console_has s1 "suspends: 0 \\(cancelled 1\\)"
printf 'poweroff\r' >&3
exec 3>&-
wait $con
host_stop a
done_testing
