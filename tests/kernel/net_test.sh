#!/bin/bash
# netfront and the kernel's small IP stack end to end: an xl-created domain
# in its shell, served by the test backend tests/kernel/testback/netback, which
# sends ARP, ICMP echo and UDP-echo packets (and a flood of echoes larger
# than the receive ring) and checks every answer.
. "$top_srcdir/tests/lib/host.sh"
kernel="$top_builddir/guests/vmctl-kernel"
netback="$top_builddir/tests/kernel/testback/netback"
[ -f "$kernel" ] || skip_all "guests/vmctl-kernel not built"
[ -x "$netback" ] || skip_all "tests/kernel/testback/netback not built"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

printf 'name = "n1"\nkernel = "%s"\nmemory = 32\nextra = "mode=shell"\n' "$kernel" > n1.cfg
xl create -p n1.cfg > /dev/null 2>&1
id=$(xl domid n1)
ok "the domain is created paused" test -n "$id"
"$netback" "$id" > netback.out 2>&1 &
nb=$!
ok "the test backend publishes the interface" file_has netback.out "^ready"
xl unpause n1
log="$VMCTL_LOGDIR/console/n1.log"
ok "netfront connects with the MAC and the vif's ip" \
	file_has "$log" "^net0: device/vif/0 mac 00:16:3e:12:34:56 ip 10.0.0.2"
wait $nb
st=$?
while read -r verdict what; do
	case $verdict in
	ok) _tap_result 0 "$what" ;;
	FAIL) _tap_result 1 "$what" ;;
	esac
done < netback.out
grep "echoes answered" netback.out | sed 's/^/# /'
is "$st" 0 "the test backend is satisfied"
xl destroy n1
host_stop a
done_testing
