#!/bin/bash
# The network backend in xld, end to end, inside a network namespace of
# its own (nothing outside it is touched, and it vanishes with the test):
# xld creates xenbr0 and the tap vif<id>.0 on it; the guest takes
# 10.99.0.2 from its command line; the host side (10.99.0.1 on the bridge)
# pings it and gets its UDP echo; destroy removes the tap, the nodes and
# every fd and thread the vif had in xld.
if [ -z "${VMCTL_NET_NS:-}" ]; then
	. "$top_srcdir/tests/lib/tap.sh"
	[ "$(id -u)" = 0 ] || skip_all "network tests need root"
	command -v unshare > /dev/null || skip_all "unshare not installed"
	command -v python3 > /dev/null || skip_all "python3 not installed"
	VMCTL_NET_NS=1 exec unshare --net -- "$BASH" "$0" "$@"
	bail_out "cannot enter a private network namespace"
fi
. "$top_srcdir/tests/devices/lib.sh"
in_private_netns || skip_all "not in a private network namespace"
peer="$top_srcdir/tests/devices/net_peer.py"
ip link set lo up
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"
fds0=$(xld_fds a)
threads0=$(xld_threads a)

cat > n1.cfg <<CFG
name = "n1"
kernel = "$kernel"
memory = 32
extra = "mode=shell ip=10.99.0.2"
vif = [ 'mac=00:16:3e:00:99:02' ]
CFG
out=$(xl create n1.cfg 2>&1)
is "$?" 0 "xl create with a vif succeeds"
id=$(xl domid n1)
be=/local/domain/0/backend/vif/$id/0
fe=/local/domain/$id/device/vif/0
log="$VMCTL_LOGDIR/console/n1.log"
# (ip, not /sys: sysfs shows the namespace it was mounted in)
like "$(ip -d link show xenbr0)" "bridge " "the bridge xenbr0 was created"
like "$(ip link show master xenbr0)" "vif$id.0" "the tap vif$id.0 is a port of xenbr0"
ok "netfront connects with its MAC and IP" \
	file_has "$log" "^net0: device/vif/0 mac 00:16:3e:00:99:02 ip 10.99.0.2"
is "$(xenstore-read $be/state) $(xenstore-read $fe/state)" "4 4" "backend and frontend Connected"
is "$(xenstore-read $be/mac) $(xenstore-read $be/bridge) $(xenstore-read $be/handle)" \
	"00:16:3e:00:99:02 xenbr0 0" "backend mac, bridge, handle"
is "$(xenstore-read $be/feature-rx-copy) $(xenstore-read $be/script)" "1 vif-bridge" \
	"feature-rx-copy = 1, script"
is "$(xenstore-read $fe/mac) $(xenstore-read $fe/handle)" "00:16:3e:00:99:02 0" "frontend mac, handle"
is "$(xenstore-read /libxl/$id/device/vif/0/frontend)" "$fe" "/libxl/<id>/device/vif entry"

ip addr add 10.99.0.1/24 dev xenbr0
out=$(python3 "$peer" ping 10.99.0.2 5)
is "$(echo "$out" | grep -c rtt_us)" 5 "the guest answers 5 pings from the host side"
out=$(python3 "$peer" udp 10.99.0.2 50 1000)
like "$out" "^udp ok 50 50 " "the guest echoes 50 UDP datagrams of 1000 bytes"

# Hot plug: a second vif, listed, stored, then detached by its MAC.
ok "xl network-attach n1 mac=00:16:3e:00:99:03" xl network-attach n1 mac=00:16:3e:00:99:03
like "$(ip link show master xenbr0)" "vif$id.1" "its tap vif$id.1 joins xenbr0"
out=$(xl network-list n1)
like "$(echo "$out" | head -1)" "^Idx BE Mac Addr\. +handle state evt-ch +tx-/rx-ring-ref BE-path" \
	"network-list header as Xen's xl prints it"
like "$(echo "$out" | sed -n 2p)" "^0   0  00:16:3e:00:99:02 +0 +4 +[0-9]+ +[0-9]+/[0-9]+ +$be" \
	"network-list row of the connected vif"
ok "the running guest connects it" file_has "$log" "net1: device/vif/1 mac 00:16:3e:00:99:03"
like "$(xl network-list n1 | sed -n 3p)" "^1   0  00:16:3e:00:99:03 +1 +4 +[0-9]+ +[0-9]+/[0-9]+ +/local/domain/0/backend/vif/$id/1" \
	"network-list row of the attached one, Connected"
like "$(xl list -l n1)" "00:16:3e:00:99:03" "the stored configuration has it"
ok "xl network-detach n1 00:16:3e:00:99:03 (the guest releases it)" \
	timeout 20 "$XL_BIN" network-detach n1 00:16:3e:00:99:03
is "$(ip -o link show | grep -c "vif$id\.1")" 0 "its tap is gone"
is "$(xl network-list n1 | wc -l)" 2 "network-list: one vif left"
out=$(python3 "$peer" ping 10.99.0.2 1)
is "$(echo "$out" | grep -c rtt_us)" 1 "the first vif still answers"

xl destroy n1
is "$(ip -o link show | grep -c "vif$id\.0")" 0 "destroy removes the tap"
ok "destroy removes the device nodes" no_device_nodes "$id"
is "$(xld_fds a)" "$fds0" "no fd left open in xld"
is "$(xld_threads a)" "$threads0" "no thread left in xld"

# A bridge name that is not a bridge: a clear error, nothing left.
sed -e "s/'mac=00:16:3e:00:99:02'/'bridge=lo'/" -e 's/"n1"/"n2"/' n1.cfg > n2.cfg
xl create n2.cfg > /dev/null 2> err
like "$(cat err)" "to bridge lo: it is not a bridge" "bridge=lo is refused clearly"
is "$(xl list | wc -l)" 2 "no domain left behind"
is "$(ip -o link show | grep -c ' vif')" 0 "no tap left behind"
is "$(xld_fds a)" "$fds0" "no fd left open in xld after the failure"

# A good disk before the bad vif: the disk made so far is undone too.
dd if=/dev/zero of=disk.img bs=1M count=1 2> /dev/null
echo "disk = [ 'vdev=xvda, target=$PWD/disk.img' ]" >> n2.cfg
xl create n2.cfg > /dev/null 2> err
like "$(cat err)" "it is not a bridge" "a create with a disk and a bad vif fails"
ok "no vbd node left" test -z "$(xenstore-list /local/domain/0/backend 2>/dev/null)"
is "$(xld_fds a)" "$fds0" "the disk's image is closed again"
is "$(xld_threads a)" "$threads0" "no thread left in xld"
host_stop a
done_testing
