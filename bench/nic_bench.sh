#!/bin/bash
# Emulated NICs, guest -> host: the NIC test guest ("MODEL bench") sends
# 10000 UDP frames of 1514 bytes through its e1000 or rtl8139, one
# doorbell (an ioreq round trip) per frame, to a network namespace on
# the tap's bridge; frames/s = frames counted at the namespace's end /
# time between the guest's "bench start" and "bench sent" lines in `xl
# dmesg` (both seen by the same 10 ms polling). Reference, same run: the
# host sending the same frame 10000 times from a raw packet socket into
# the bridge's veth (the kernel path behind the tap, no guest).
# Taps are named by domid, and every private host starts at domain 1:
# run in a network namespace of our own so that other tests' vifs never
# collide with ours (and nothing is left in the host's).
[ "$(id -u)" = 0 ] || { echo "nic_bench: needs root" >&2; exit 0; }
[ -n "${NIC_OWN_NETNS:-}" ] || exec env NIC_OWN_NETNS=1 unshare --net -- "$0" "$@"
ip link set lo up
. "$top_srcdir/tests/lib/host.sh"
. "$top_srcdir/tests/hvm/nic_net.sh"
[ -f "$top_builddir/tests/hvm/guest/nicguest" ] && [ -x "$top_builddir/devmodel/vmctl-devmodel" ] &&
	[ "$(id -u)" = 0 ] && [ -c /dev/net/tun ] ||
	{ echo "nic_bench: needs root, /dev/net/tun, nicguest and the device model" >&2; exit 0; }
trap 'nic_net_cleanup; _host_cleanup' EXIT
nic_net_setup || { echo "nic_bench: cannot set up the network" >&2; exit 1; }
host_start a > /dev/null || { echo "cannot start a host" >&2; exit 1; }
cd "$VMCTL_TEST_DIR"
FRAMES=10000
now_ns() { date +%s%N; }
rx() { ip netns exec "$nic_ns" cat "/sys/class/net/$nic_peer/statistics/rx_packets"; }

# wait_dmesg DOMID TEXT: 10 ms polls, at most 120 s; prints the time seen.
wait_dmesg() {
	for _ in $(seq 12000); do
		xl dmesg | grep -q -- "(d$1) $2" && { now_ns; return 0; }
		sleep 0.01
	done
	return 1
}

guest_rate() {
	local model=$1 id t0 t1 r0 r1
	nic_cfg "bench-$model" "$model" "$model bench" > b.cfg
	xl create b.cfg > /dev/null || return 1
	id=$(xl domid "bench-$model")
	dmesg_has "\\(d$id\\) nic guest: $model mac" || return 1
	r0=$(rx)
	t0=$(wait_dmesg "$id" "nic guest: bench start") || return 1
	t1=$(wait_dmesg "$id" "nic guest: bench sent") || return 1
	sleep 0.5
	r1=$(rx)
	xl destroy "bench-$model"
	# the ARP and ping of the guest's tests may fall inside r0..r1: at most 4 frames
	echo $(( (r1 - r0) * 1000000000 / (t1 - t0) ))
}

host_rate() {
	ip netns exec "$nic_ns" true
	python3 - "$nic_veth" "$FRAMES" <<'PY'
import socket, sys, time
ifname, n = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))
frame = b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + bytes(range(256)) * 5 + bytes(220)
t0 = time.monotonic()
for _ in range(n):
    s.send(frame)
print(int(n / (time.monotonic() - t0)))
PY
}

ref=$(host_rate)
load=$(cut -d' ' -f1 /proc/loadavg)
for model in e1000 rtl8139; do
	rate=$(guest_rate "$model") || { echo "nic_bench: $model failed" >&2; continue; }
	printf 'row\t%s guest->host 1514-byte frames, one doorbell each (load %s)\t%s\tframes/s\thost raw socket into the veth\t%s\n' \
		"$model" "$load" "$rate" "$ref"
done
host_stop a > /dev/null
