#!/bin/bash
# netfront and the kernel's small IP stack end to end: an xl-created domain
# in its shell, served by the test backend tests/kernel/testback/netback, which
# sends ARP, ICMP echo and UDP-echo packets (and a flood of echoes larger
# than the receive ring) and checks every answer.
. "$top_srcdir/tests/lib/host.sh"
netback="$top_builddir/tests/kernel/testback/netback"
[ -f "$top_builddir/guests/vmctl-kernel" ] || skip_all "guests/vmctl-kernel not built"
[ -x "$netback" ] || skip_all "tests/kernel/testback/netback not built"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

shell_with_backend n1 "$netback"
log="$VMCTL_LOGDIR/console/n1.log"
ok "netfront connects with the MAC and the vif's ip" \
	file_has "$log" "^net0: device/vif/0 mac 00:16:3e:12:34:56 ip 10.0.0.2"
wait $backend_pid
st=$?
tap_verdicts < n1.backend
grep "echoes answered" n1.backend | sed 's/^/# /'
is "$st" 0 "the test backend is satisfied"
xl destroy n1
host_stop a
done_testing
