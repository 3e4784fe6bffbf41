#!/bin/bash
# Benchmarks of xld's PV backends, each next to the host doing the same in
# the same run:
#  - blkfront sequential write and read (the kernel's bench mode, 256 KiB
#    requests, 64 MiB) vs dd writing and reading the same image file with
#    the same block size (page cache in both cases, no flush);
#  - netfront ping RTT (median of 50) and UDP echo throughput (1000-byte
#    datagrams, one at a time) host <-> guest over tap + bridge, vs the
#    same client against the loopback (ping of 127.0.0.1, a UDP echo server
#    on it). The network part runs as root, in a private network namespace.
if [ -z "${VMCTL_NET_NS:-}" ] && [ "$(id -u)" = 0 ] && command -v unshare > /dev/null; then
	VMCTL_NET_NS=1 exec unshare --net -- "$BASH" "$0" "$@"
fi
. "$top_srcdir/tests/lib/host.sh"
kernel="$top_builddir/guests/vmctl-kernel"
peer="$top_srcdir/tests/devices/net_peer.py"
mib=64
host_start a > /dev/null || { echo "cannot start a host" >&2; exit 1; }
cd "$VMCTL_TEST_DIR"

wait_line() {	# wait_line FILE REGEX SECONDS
	for i in $(seq $(( $3 * 20 ))); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
now_ns() { date +%s%N; }
mbps() { echo $(( $1 * 1000 / $2 )); }   # bytes, ns -> MB/s

# ---- disk ----
dd if=/dev/zero of=disk.img bs=1M count=$mib 2> /dev/null
cat > bb.cfg <<CFG
name = "bb"
kernel = "$kernel"
memory = 32
extra = "mode=bench bench-mib=$mib"
disk = [ 'vdev=xvda, target=$PWD/disk.img' ]
CFG
xl create bb.cfg > /dev/null
log="$VMCTL_LOGDIR/console/bb.log"
wait_line "$log" "blk-read-seq" 120 || { echo "the guest's disk bench did not finish" >&2; cat "$log" >&2; }
gw=$(tr -d '\r' < "$log" | awk -F '\t' '$2 == "blk-write-seq" { print $3 }')
gr=$(tr -d '\r' < "$log" | awk -F '\t' '$2 == "blk-read-seq" { print $3 }')
xl destroy bb 2> /dev/null
bytes=$(( mib << 20 ))
t0=$(now_ns); dd if=/dev/zero of=disk.img bs=256k count=$(( mib * 4 )) conv=notrunc 2> /dev/null; t1=$(now_ns)
hw=$(mbps $bytes $(( t1 - t0 )))
t0=$(now_ns); dd if=disk.img of=/dev/null bs=256k 2> /dev/null; t1=$(now_ns)
hr=$(mbps $bytes $(( t1 - t0 )))
printf 'row\tblkfront seq write (256 KiB requests)\t%s\tMB/s\thost dd write, same file\t%s\n' "${gw:-0}" "$hw"
printf 'row\tblkfront seq read (256 KiB requests)\t%s\tMB/s\thost dd read, same file\t%s\n' "${gr:-0}" "$hr"

# ---- network ----
# Never touch the host's own network: only a namespace of our own.
if [ -z "${VMCTL_NET_NS:-}" ] || [ "$(readlink /proc/self/ns/net)" = "$(readlink /proc/1/ns/net)" ]; then
	echo "network benchmarks skipped: they need root (a private network namespace)" >&2
	host_stop a
	exit 0
fi
ip link set lo up
cat > nb.cfg <<CFG
name = "nb"
kernel = "$kernel"
memory = 32
extra = "mode=shell ip=10.99.0.2"
vif = [ 'mac=00:16:3e:00:99:02' ]
CFG
xl create nb.cfg > /dev/null
wait_line "$VMCTL_LOGDIR/console/nb.log" "^net0: " 10 || echo "netfront did not connect" >&2
ip addr add 10.99.0.1/24 dev xenbr0
median() { sort -n | awk '{ v[NR] = $2 } END { print v[int((NR + 1) / 2)] }'; }
python3 "$peer" ping 10.99.0.2 3 > /dev/null    # ARP, warm-up
grtt=$(python3 "$peer" ping 10.99.0.2 50 | awk '{ print $1, $2 }' | sort -k2 -n | median)
lrtt=$(python3 "$peer" ping 127.0.0.1 50 | awk '{ print $1, $2 }' | sort -k2 -n | median)
printf 'row\tnetfront ping RTT, host -> guest (median)\t%s\tus\tping 127.0.0.1 (median)\t%s\n' "$grtt" "$lrtt"
udp_mbps() {	# udp_mbps ADDR: "udp ok SENT RECEIVED BYTES SECONDS" -> MB/s
	python3 "$peer" udp "$1" 2000 1000 | awk '{ printf "%.1f", $5 / $6 / 1e6 }'
}
gudp=$(udp_mbps 10.99.0.2)
python3 - <<'PY' &
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.2", 7))
s.settimeout(30)
try:
    while True:
        d, a = s.recvfrom(65536)
        s.sendto(d, a)
except socket.timeout:
    pass
PY
py_pid=$!
sleep 0.3
ludp=$(udp_mbps 127.0.0.2)
kill $py_pid 2> /dev/null
wait $py_pid 2> /dev/null
printf 'row\tnetfront UDP echo, 1000 B, one in flight\t%s\tMB/s\tUDP echo on loopback (python)\t%s\n' "$gudp" "$ludp"
xl destroy nb
host_stop a
