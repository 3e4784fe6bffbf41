#!/bin/bash
# Recovery: kill -9 xld under a running guest with a disk and (as root, in
# a private network namespace) a vif; a new xld reconnects both backends to
# the guest's live rings: the guest's next disk write reaches the image and
# it answers pings again.
if [ -z "${VMCTL_NET_NS:-}" ] && [ "$(id -u)" = 0 ] && command -v unshare > /dev/null; then
	VMCTL_NET_NS=1 exec unshare --net -- "$BASH" "$0" "$@"
fi
. "$top_srcdir/tests/devices/lib.sh"
command -v python3 > /dev/null || skip_all "python3 not installed"
peer="$top_srcdir/tests/devices/net_peer.py"
net=${VMCTL_NET_NS:+1}
in_private_netns || net=
[ -n "$net" ] && ip link set lo up
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

dd if=/dev/zero of=disk.img bs=1M count=4 2> /dev/null
cat > r1.cfg <<CFG
name = "r1"
kernel = "$kernel"
memory = 32
extra = "mode=shell ip=10.99.0.2"
disk = [ 'vdev=xvda, target=$PWD/disk.img' ]
CFG
[ -n "$net" ] && echo "vif = [ 'mac=00:16:3e:00:99:02' ]" >> r1.cfg
xl create r1.cfg > /dev/null 2>&1
id=$(xl domid r1)
log="$VMCTL_LOGDIR/console/r1.log"
ok "the guest connects its disk" file_has "$log" "^blk0: device/vbd/51712"
if [ -n "$net" ]; then
	ok "... and its vif" file_has "$log" "^net0: device/vif/0"
	ip addr add 10.99.0.1/24 dev xenbr0
	is "$(python3 "$peer" ping 10.99.0.2 2 | grep -c rtt_us)" 2 "it answers pings"
fi

# kill -9 and a new xld on the same directories (host.sh's way to start it).
d="$VMCTL_TEST_DIR/a"
kill -KILL "$(cat "$d/xld.pid")"
wait "$(cat "$d/xld.pid")" 2> /dev/null
rm -f "$d/run/xld.sock"
"$XLD" --rundir "$d/run" --statedir "$d/state" --logdir "$d/log" --foreground &
echo $! > "$d/xld.pid"
ok "a new xld starts" wait_for "$d/run/xld.sock"
is "$(xl domid r1)" "$id" "it re-adopts the domain"
for i in $(seq 100); do
	[ "$(xenstore-read /local/domain/0/backend/vbd/$id/51712/state 2>/dev/null)" = 4 ] && break
	sleep 0.05
done
is "$(xenstore-read /local/domain/0/backend/vbd/$id/51712/state)" 4 "the disk backend is Connected again"
out=$( (sleep 0.3; echo "blk write 0 300 66 8"; sleep 1) | timeout 5 "$XL_BIN" console r1)
crc=$(echo "$out" | tr -d '\r' | sed -n 's/^wrote 8 sectors at 300: ok, crc32 \([0-9a-f]\{8\}\).*/\1/p' | tail -1)
is "$(img_crc disk.img 300 4096)" "$crc" "a disk write after the restart reaches the image"
if [ -n "$net" ]; then
	like "$(ip link show master xenbr0)" "vif$id.0" "the tap is back on the bridge"
	is "$(python3 "$peer" ping 10.99.0.2 3 | grep -c rtt_us)" 3 "the guest answers pings again"
	is "$(python3 "$peer" udp 10.99.0.2 20 500 | cut -d' ' -f4)" 20 "... and its UDP echo"
fi
xl destroy r1
ok "destroy after recovery removes the nodes" no_device_nodes "$id"
host_stop a
done_testing
