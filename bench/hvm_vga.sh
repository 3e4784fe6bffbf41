#!/bin/bash
# The std-VGA's linear framebuffer written by a guest (tests/hvm/guest/vga.c
# "bench N", multiboot, xl create with vnc=1): N frames of 640x480x32
# stored dword by dword into BAR 0, next to the same stores into RAM in the
# same guest (the reference), timed by vmhv's log of the guest's lines;
# and the CPU time the device model and the sandbox used meanwhile. Before
# HVM_VRAM_MAP every store was an ioreq round trip to the device model.
#   VGA_BENCH_FRAMES   frames (20); VGA_GUEST another build's guest
. "$top_srcdir/tests/lib/host.sh"
guest="${VGA_GUEST:-$top_builddir/tests/hvm/guest/vgaguest}"
frames="${VGA_BENCH_FRAMES:-20}"
[ -f "$guest" ] && [ -x "$top_builddir/devmodel/vmctl-devmodel" ] ||
	{ echo "hvm_vga: needs the VGA test guest and the device model" >&2; exit 0; }
host_start a > /dev/null || { echo "cannot start a host" >&2; exit 1; }
cd "$VMCTL_TEST_DIR"

log_ns() {	# log_ns DOMID TEXT: when vmhv logged the guest's line
	local t
	t=$(grep -m1 -F "(d$1) $2" "$VMCTL_LOGDIR/vmhv.log" | cut -d' ' -f1)
	[ -n "$t" ] && date -d "$t" +%s%N
}
cpu_ms() {	# cpu_ms PID: user + system time so far
	awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$1/stat"
}

printf 'type = "hvm"\nname = "vga-bench"\nmemory = 32\nkernel = "%s"\ncmdline = "bench %s"\nvnc = 1\n' \
	"$guest" "$frames" > b.cfg
xl create -p b.cfg > /dev/null || { echo "xl create failed" >&2; exit 1; }
id=$(xl domid vga-bench)
dm=$(pgrep -f "vmctl-devmodel --domid $id ")
hvm=$(pgrep -f "vmhv-hvm" | tail -1)
xl unpause vga-bench
dm0=$(cpu_ms "$dm")
for _ in $(seq 6000); do
	grep -qF "(d$id) vga: fill done" "$VMCTL_LOGDIR/vmhv.log" && break
	sleep 0.1
done
dm1=$(cpu_ms "$dm")
hvm1=$(cpu_ms "$(pgrep -f vmhv-hvm | tail -1)")
r0=$(log_ns "$id" "vga: ram start"); r1=$(log_ns "$id" "vga: ram done")
f0=$(log_ns "$id" "vga: fill start"); f1=$(log_ns "$id" "vga: fill done")
xl destroy vga-bench
[ -n "$f1" ] && [ -n "$r1" ] || { echo "hvm_vga: the guest did not finish" >&2; exit 1; }
load=$(cut -d' ' -f1 /proc/loadavg)
echo "hvm_vga: $frames frames, load $load, device model CPU $((dm1 - dm0)) ms, sandbox CPU $hvm1 ms" >&2
awk -v f="$frames" -v r=$(( (r1 - r0) / 1000 )) -v l=$(( (f1 - f0) / 1000 )) 'BEGIN {
	printf "row\thvm LFB fill, 640x480x32 dword stores to BAR 0\t%.1f\tms/frame\tthe same stores to RAM\t%.1f\n",
		l / f / 1000, r / f / 1000 }'
printf 'row\thvm LFB fill: device model CPU time per frame\t%s\tms/frame\tframes\t%s\n' \
	"$(( (dm1 - dm0) / frames ))" "$frames"
