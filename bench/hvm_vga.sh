#!/bin/bash
# The std-VGA's linear framebuffer written by a guest (tests/hvm/guest/vga.c
# "bench N", multiboot, xl create with vnc=1): N frames of 640x480x32
# stored dword by dword into BAR 0, next to the same stores into RAM in the
# same guest (the reference), timed by vmhv's log of the guest's lines;
# and the CPU time the device model and the sandbox used meanwhile; the
# same as nanoseconds a store. Before HVM_VRAM_MAP every store was an
# ioreq round trip to the device model, then an MMIO callback in the
# sandbox; now the soft CPU's TLB serves it as RAM (logged RAM).
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
# phase_cpu TEXT: wait for the guest's line, then the sandbox's CPU time
# (polled: the phases take seconds, a poll 20 ms)
phase_cpu() {
	for _ in $(seq 30000); do
		grep -qF "(d$id) vga: $1" "$VMCTL_LOGDIR/vmhv.log" && break
		sleep 0.02
	done
	cpu_ms "$hvm"
}

printf 'type = "hvm"\nname = "vga-bench"\nmemory = 32\nkernel = "%s"\ncmdline = "bench %s"\nvnc = 1\n' \
	"$guest" "$frames" > b.cfg
xl create -p b.cfg > /dev/null || { echo "xl create failed" >&2; exit 1; }
id=$(xl domid vga-bench)
# this host's processes (other hosts may run the same programs)
dm=$(pgrep -f "vmctl-devmodel --domid $id --rundir $VMCTL_RUNDIR( |$)" | head -1)
xl unpause vga-bench
for _ in $(seq 500); do	# the sandbox starts with the first unpause
	hvm=$(pgrep -P "$(pgrep -f "vmhv --rundir $VMCTL_RUNDIR --" | head -1)" vmhv-hvm | head -1)
	[ -n "$hvm" ] && break
	sleep 0.02
done
[ -n "$dm" ] && [ -n "$hvm" ] || { echo "hvm_vga: no device model or sandbox" >&2; exit 1; }
dm0=$(cpu_ms "$dm")
c0=$(phase_cpu "ram start"); c1=$(phase_cpu "ram done")
c2=$(phase_cpu "fill start"); c3=$(phase_cpu "fill done")
dm1=$(cpu_ms "$dm")
r0=$(log_ns "$id" "vga: ram start"); r1=$(log_ns "$id" "vga: ram done")
f0=$(log_ns "$id" "vga: fill start"); f1=$(log_ns "$id" "vga: fill done")
xl destroy vga-bench
[ -n "$f1" ] && [ -n "$r1" ] || { echo "hvm_vga: the guest did not finish" >&2; exit 1; }
load=$(cut -d' ' -f1 /proc/loadavg)
echo "hvm_vga: $frames frames, load $load, device model CPU $((dm1 - dm0)) ms, sandbox CPU $((c1 - c0)) ms (RAM) $((c3 - c2)) ms (LFB)" >&2
awk -v f="$frames" -v r=$(( (r1 - r0) / 1000 )) -v l=$(( (f1 - f0) / 1000 )) 'BEGIN {
	printf "row\thvm LFB fill, 640x480x32 dword stores to BAR 0\t%.1f\tms/frame\tthe same stores to RAM\t%.1f\n",
		l / f / 1000, r / f / 1000
	printf "row\thvm LFB dword store (guest, 640x480 frames)\t%.1f\tns\ta dword store to RAM\t%.1f\n",
		l * 1000 / (f * 307200), r * 1000 / (f * 307200) }'
printf 'row\thvm LFB fill: sandbox CPU time per frame\t%s\tms/frame\tthe same stores to RAM\t%s\n' \
	"$(( (c3 - c2) / frames ))" "$(( (c1 - c0) / frames ))"
printf 'row\thvm LFB fill: device model CPU time per frame\t%s\tms/frame\tframes\t%s\n' \
	"$(( (dm1 - dm0) / frames ))" "$frames"
