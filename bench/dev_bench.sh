#!/bin/bash
# Benchmarks of xld's PV backends, each next to the host doing the same in
# the same run:
#  - blkfront sequential write and read (the kernel's bench mode, 64 MiB in
#    256 KiB requests: streamed through a reused 4 MiB buffer set, 16
#    requests in flight, then one 256 KiB request per call into one
#    256 KiB buffer, as dd reads and writes) vs dd writing and reading the
#    same image file with bs=256k: page cache on both sides, no flush, no
#    O_DIRECT; the
#    guest times its passes itself and dd's figure is dd's own timing, so
#    neither side counts a process start; DEV_BENCH_ROUNDS rounds each
#    (default 7), the best round of each side (a 64 MiB pass takes 10-30
#    ms: a round that another process on this shared machine interrupted
#    says nothing about either side; the medians go to stderr);
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

wait_rounds() {	# wait_rounds FILE FIGURE N SECONDS
	for i in $(seq $(( $4 * 20 ))); do
		[ "$(grep -c "	$2	" "$1" 2>/dev/null)" -ge "$3" ] && return 0
		grep -q "bench: disk error" "$1" 2>/dev/null && return 1
		sleep 0.05
	done
	return 1
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
best() { sort -n | tail -1; }
rounds=${DEV_BENCH_ROUNDS:-7}
# CPU time in us of the threads of processes (schedstat: ns on the CPU).
cpu_us() { cat $(printf '/proc/%s/task/*/schedstat ' "$@") 2> /dev/null | awk '{ s += $1 } END { printf "%d", s / 1000 }'; }
vmhv_pid=$(cat "$VMCTL_TEST_DIR/a/vmhv.pid") xld_pid=$(cat "$VMCTL_TEST_DIR/a/xld.pid")

# ---- disk ----
# For A/B runs and profiles: DEV_BENCH_BLK=seq|sync|sync-read runs only
# those passes (guests/bench.c), DEV_BENCH_SEQ_KIB=N streams the in-flight
# rows through an N KiB buffer set (N/256 requests in flight; 2048 by
# default, 256..4096). The defaults are what the table reports.
# VMCTL_HALT_POLL_US=N (vmhv: the guest's SCHEDOP_block looks for its
# event up to N us before it sleeps; 0 = off, the default) and
# VMCTL_BLKBACK_POLL_US=N (xld: blkback's look at the ring for the next
# request, 20 by default) and VMCTL_BLKBACK_WORKERS=N (xld: copy threads
# per disk, one per host CPU up to 4 by default) pass through to the host
# this script starts, DEV_BENCH_LOOK_US=N to the guest (blk-look-us: how
# long a wait for several responses looks at the ring before it sleeps):
# run it once with each setting for an A/B (docs/devices.md).
echo "disk: VMCTL_HALT_POLL_US=${VMCTL_HALT_POLL_US:-default} VMCTL_BLKBACK_POLL_US=${VMCTL_BLKBACK_POLL_US:-default} VMCTL_BLKBACK_WORKERS=${VMCTL_BLKBACK_WORKERS:-default} DEV_BENCH_LOOK_US=${DEV_BENCH_LOOK_US:-default}, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
seq_kib=${DEV_BENCH_SEQ_KIB:-2048}
seq_n=$(( seq_kib / 256 ))
dd if=/dev/zero of=disk.img bs=1M count=$mib 2> /dev/null
cat > bb.cfg <<CFG
name = "bb"
kernel = "$kernel"
memory = 32
extra = "mode=bench bench-mib=$mib bench-rounds=$rounds stay=1${DEV_BENCH_BLK:+ bench-blk=$DEV_BENCH_BLK} bench-seq-kib=$seq_kib${DEV_BENCH_LOOK_US:+ blk-look-us=$DEV_BENCH_LOOK_US}"
disk = [ 'vdev=xvda, target=$PWD/disk.img' ]
CFG
xl create bb.cfg > /dev/null
log="$VMCTL_LOGDIR/console/bb.log"
# The CPU time the guest's disk passes cost: its sandbox, vmhv and xld,
# from the line the guest prints before them (its CPU benchmarks run
# first) to the end of the passes.
for i in $(seq 6000); do grep -q "null-hypercall" "$log" 2> /dev/null && break; sleep 0.01; done
sb_pid=$(pgrep -x -P $vmhv_pid vmhv-pv)
t0=$(cpu_us $vmhv_pid $xld_pid $sb_pid)
last=blk-read-256k-sync
[ "${DEV_BENCH_BLK:-}" = seq ] && last=blk-read-seq
wait_rounds "$log" $last "$rounds" 240 || { echo "the guest's disk bench did not finish" >&2; cat "$log" >&2; }
gcpu=$(( $(cpu_us $vmhv_pid $xld_pid $sb_pid) - t0 ))
guest_figs() { tr -d '\r' < "$log" | awk -F '\t' -v f="$1" '$2 == f { print $3 }'; }
guest_fig() { guest_figs "$1" | best; }
for f in blk-write-seq blk-read-seq blk-write-256k-sync blk-read-256k-sync; do
	echo "$f: median $(guest_figs $f | median) MB/s, best $(guest_fig $f) of $rounds rounds" >&2
done
# Events, sleeps and bounced pages per pass (bench.log).
tr -d '\r' < "$log" | grep '^blk ' >&2
xl destroy bb 2> /dev/null
# The backend's side (xld logs it when the disk goes): requests found by
# events or by its look at the ring, time in file I/O and in notifies.
# The backend's file I/O per request next to dd's time per 256 KiB
# (below): their difference is the destination's cache state, the rest
# of a request's time is its events and wake-ups.
file_has "$VMCTL_LOGDIR/xld.log" "disk done" 40 && grep -o "disk done: .*" "$VMCTL_LOGDIR/xld.log" >&2 &&
	grep -o "disk done: .*" "$VMCTL_LOGDIR/xld.log" | tail -1 |
	awk '{ for (i = 1; i < NF; i++) { if ($(i+1) == "reads,") r = $i; if ($(i+1) == "writes;") w = $i;
	       if ($i == "I/O") io = $(i+1) } }
	     END { if (r + w) printf "blkback file I/O per request: %.1f us\n", io / (r + w) }' >&2
bytes=$(( mib << 20 ))
# dd's own time ("..., 0.0151 s, 4.4 GB/s") as MB/s.
dd_mbps() { dd "$@" bs=256k 2>&1 | awk -v b=$bytes -F ', ' '/copied/ { split($3, t, " "); printf "%d", b / t[1] / 1e6 }'; }
hws=$(for i in $(seq $rounds); do dd_mbps if=/dev/zero of=disk.img count=$(( mib * 4 )) conv=notrunc; echo; done)
hrs=$(for i in $(seq $rounds); do dd_mbps if=disk.img of=/dev/null; echo; done)
hw=$(echo "$hws" | best) hr=$(echo "$hrs" | best)
echo "dd write: median $(echo "$hws" | median) MB/s, best $hw; read: median $(echo "$hrs" | median), best $hr" >&2
[ "${hr:-0}" -gt 0 ] && awk -v r="$hr" 'BEGIN { printf "dd read per 256 KiB at its best: %.1f us\n", 262144 / r }' >&2
# dd's CPU time (us) for as many bytes as the guest moved (4 passes x
# rounds): 2 x rounds writes and reads of the file.
dcpu=$(python3 - "$mib" "$rounds" <<'PY'
import resource, subprocess, sys
n = int(sys.argv[1]) * 4
for i in range(2 * int(sys.argv[2])):
    subprocess.run(["dd", "if=/dev/zero", "of=disk.img", "bs=256k", "count=%d" % n,
                    "conv=notrunc"], stderr=subprocess.DEVNULL, check=True)
    subprocess.run(["dd", "if=disk.img", "of=/dev/null", "bs=256k"],
                   stderr=subprocess.DEVNULL, check=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(int((r.ru_utime + r.ru_stime) * 1e6))
PY
)
row() { printf 'row\t%s\t%s\tMB/s\t%s\t%s\n' "$1" "${2:-0}" "$3" "$4"; }
# Both sides go through the host's page cache (no O_DIRECT, no flush):
# the row names say so.
row "blkfront seq write (256 KiB req, $seq_n in flight; page cache)" "$(guest_fig blk-write-seq)" "host dd write bs=256k, same file, page cache" "$hw"
row "blkfront seq read (256 KiB req, $seq_n in flight; page cache)" "$(guest_fig blk-read-seq)" "host dd read bs=256k, same file, page cache" "$hr"
row "blkfront seq write, one 256 KiB req at a time (page cache)" "$(guest_fig blk-write-256k-sync)" "host dd write bs=256k, same file, page cache" "$hw"
row "blkfront seq read, one 256 KiB req at a time (page cache)" "$(guest_fig blk-read-256k-sync)" "host dd read bs=256k, same file, page cache" "$hr"
# CPU time per MiB moved (all four passes, all rounds): independent of
# the machine's load, unlike the rates.
us_per_mib() { echo $(( ${1:-0} / (mib * 4 * rounds) )); }
printf 'row\t%s\t%s\tus/MiB\t%s\t%s\n' "blkfront CPU time per MiB (guest, vmhv, xld; all passes)" \
	"$(us_per_mib $gcpu)" "host dd CPU time per MiB (same bytes)" "$(us_per_mib $dcpu)"

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
median2() { sort -n | awk '{ v[NR] = $2 } END { print v[int((NR + 1) / 2)] }'; }
python3 "$peer" ping 10.99.0.2 3 > /dev/null    # ARP, warm-up
grtt=$(python3 "$peer" ping 10.99.0.2 50 | awk '{ print $1, $2 }' | sort -k2 -n | median2)
lrtt=$(python3 "$peer" ping 127.0.0.1 50 | awk '{ print $1, $2 }' | sort -k2 -n | median2)
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
