#!/bin/bash
# Debian's kernel on the soft CPU: process start -> "Linux version" on the
# serial console, and -> the initramfs's shell marker, for an hvm domain
# booted by SeaBIOS + vmctl-devmodel (tests/devmodel/dmboot: the bzImage
# through fw_cfg and QEMU's linuxboot option ROM), next to
# qemu-system-x86_64 -accel tcg -M pc with the same kernel, initramfs,
# command line and memory in the same run. The initramfs (busybox, made
# here) prints the marker and powers off. LINUX_BENCH_RUNS boots of each,
# alternating (3 by default; each row is the median, each run's figures go
# to stderr; a boot is minutes on a loaded machine); LINUX_BENCH_WAIT
# bounds each (default 900 s).
# The user CPU time of vmhv-hvm and of QEMU at both points is reported too:
# on a shared machine it says more than wall time. At the shell also: the
# user+system CPU of vmhv-hvm and of the device model (the ioreq round
# trips' cost is system time and the device model's), and the bytes the
# serial console carried (each one a THR write after an LSR poll).
: "${top_builddir:?run from make bench}"
vmhv=$top_builddir/hypervisor/vmhv
dm=$top_builddir/devmodel/vmctl-devmodel
boot=$top_builddir/tests/devmodel/dmboot
bios=/usr/share/seabios/bios.bin
rom=/usr/share/qemu/linuxboot_dma.bin
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
wait_s=${LINUX_BENCH_WAIT:-900}
cmdline="console=ttyS0 nopv panic=-1"   # nopv: no PV-on-HVM yet (docs/hvm.md)
skip() { echo "hvm_linux: $*" >&2; exit 0; }
[ -n "$kernel" ] || skip "no /boot/vmlinuz-* (linux-image-amd64)"
[ -x /bin/busybox ] || skip "no /bin/busybox (busybox-static)"
command -v cpio >/dev/null || skip "no cpio"
[ -r "$bios" ] && [ -r "$rom" ] || skip "no SeaBIOS or linuxboot_dma.bin"
[ -x "$boot" ] || skip "build tests/devmodel/dmboot first (make check)"
dir=$(mktemp -d /tmp/hvm-linux.XXXXXX)
vmhv_pid=
trap '[ -n "$vmhv_pid" ] && kill $vmhv_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT

mkdir -p "$dir/root/bin" "$dir/root/proc" "$dir/root/sys"
cp /bin/busybox "$dir/root/bin/"
cat > "$dir/root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "vmctl-initramfs: shell on $(cat /sys/class/tty/console/active)"
sleep 2   # idle: the watcher reads the CPU time before the process ends
poweroff -f
INIT
chmod 755 "$dir/root/init"
(cd "$dir/root" && find . | cpio -o -H newc 2>/dev/null) | gzip -1 > "$dir/initrd.gz"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# User CPU time (ms) of the process running the guest: the machine is
# shared, and CPU time says more than wall time under load. $1: a command
# printing the pid.
tck=$(getconf CLK_TCK)
user_ms() {
	local p
	p=$($1) && [ -n "$p" ] && awk -v t="$tck" '{ print int($14 * 1000 / t) }' "/proc/$p/stat" 2>/dev/null
}
# user+system CPU time (ms) of the process $1 prints, or -
all_ms() {
	local p
	p=$($1) && [ -n "$p" ] &&
		awk -v t="$tck" '{ print int(($14 + $15) * 1000 / t) }' "/proc/$p/stat" 2>/dev/null ||
		echo -
}

# watch PID FILE T0 PIDCMD [DMPIDCMD]: print "ms-to-Linux-version
# ms-to-marker user-CPU-ms-at-Linux-version user-CPU-ms-at-marker
# user+sys-CPU-ms-at-marker device-model-user+sys-CPU-ms-at-marker" (- when
# not seen) while PID runs, at most wait_s seconds; then stop PID.
watch() {
	local pid=$1 f=$2 t0=$3 lv=- sh=- lcpu=- cpu=- all=- dm=- end=$(($(now_ms) + wait_s * 1000))
	while [ "$(now_ms)" -lt "$end" ]; do
		local alive=0
		kill -0 "$pid" 2>/dev/null && alive=1
		if [ "$lv" = - ] && grep -q 'Linux version' "$f" 2>/dev/null; then
			lv=$(($(now_ms) - t0))
			lcpu=$(user_ms "$4") || lcpu=-
		fi
		if grep -q 'vmctl-initramfs: shell' "$f" 2>/dev/null; then
			sh=$(($(now_ms) - t0))
			cpu=$(user_ms "$4") || cpu=-
			all=$(all_ms "$4")
			[ -n "$5" ] && dm=$(all_ms "$5")
			break
		fi
		[ $alive = 1 ] || break
		sleep 0.05
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "$lv $sh ${lcpu:--} ${cpu:--} ${all:--} ${dm:--}"
}
hvm_pid() { pgrep -n -P "$vmhv_pid" -x vmhv-hvm; }
dm_pid() { pgrep -n -P "$boot_pid" -x vmctl-devmodel; }
qemu_pid() { echo "$qemu"; }

"$vmhv" --foreground --exit-with-parent --rundir "$dir" --log "$dir/vmhv.log" &
vmhv_pid=$!
for _ in $(seq 100); do [ -S "$dir/privcmd" ] && break; sleep 0.05; done
# One boot on vmctl: prints watch()'s figures; $1 names its serial file.
boot_vmctl() {
	local t0 serial=$dir/vmctl.$1.serial
	t0=$(now_ms)
	"$boot" --rundir "$dir" --mem 256 --timeout "$wait_s" --bios "$bios" -- "$dm" \
		--serial "file:$serial" --acpi --log "$dir/dm.log" \
		--kernel "$kernel" --initrd "$dir/initrd.gz" --cmdline "$cmdline" \
		--linuxboot-rom "$rom" >"$dir/boot.out" 2>&1 &
	boot_pid=$!
	watch $boot_pid "$serial" "$t0" hvm_pid dm_pid
}
# One boot on QEMU TCG, the same kernel, initramfs, command line, memory.
boot_qemu() {
	local t0
	t0=$(now_ms)
	qemu-system-x86_64 -accel tcg -M pc -m 256 -display none -no-reboot \
		-kernel "$kernel" -initrd "$dir/initrd.gz" -append "$cmdline" \
		-serial "file:$dir/qemu.$1.serial" -monitor none </dev/null >/dev/null 2>&1 &
	qemu=$!
	watch $qemu "$dir/qemu.$1.serial" "$t0" qemu_pid
}
# The median of a column of figures (- when any run missed it: a boot
# that did not get there is not averaged away).
median_col() {
	awk -v c="$1" '{ print $c }' | sort -n |
		awk '{ v[NR] = $1; if ($1 == "-") miss = 1 } END { print miss ? "-" : v[int((NR + 1) / 2)] }'
}

# LINUX_BENCH_RUNS boots of each (3 by default), alternating, each row
# the median: QEMU's own time moves by a third between runs minutes
# apart on this machine, so a single pair says little about the ratio.
# LINUX_BENCH_QEMU=0: no reference runs (comparing soft CPU builds).
runs=${LINUX_BENCH_RUNS:-3}
qemu_on=0
[ "${LINUX_BENCH_QEMU:-1}" != 0 ] && command -v qemu-system-x86_64 >/dev/null && qemu_on=1
: >"$dir/vmctl.runs"
: >"$dir/qemu.runs"
for i in $(seq "$runs"); do
	boot_vmctl "$i" >>"$dir/vmctl.runs"
	[ $qemu_on = 1 ] && boot_qemu "$i" >>"$dir/qemu.runs"
	echo "hvm_linux: run $i: vmctl $(tail -1 "$dir/vmctl.runs")$([ $qemu_on = 1 ] && echo ", qemu $(tail -1 "$dir/qemu.runs")") (ms to Linux version, to the shell; CPU ms at both; user+sys; device model), load $(cut -d' ' -f1 /proc/loadavg)" >&2
done
echo "vmctl serial console, last lines:" >&2
tail -5 "$dir/vmctl.$runs.serial" | tr -d '\r' >&2
serial_bytes=$(sed "/vmctl-initramfs: shell/q" "$dir/vmctl.$runs.serial" | wc -c)
read -r v_lv v_sh v_lcpu v_cpu v_all v_dm < <(for c in 1 2 3 4 5 6; do median_col $c <"$dir/vmctl.runs"; done | xargs)
q_lv=- q_sh=- q_lcpu=- q_cpu=- q_all=-
[ $qemu_on = 1 ] && read -r q_lv q_sh q_lcpu q_cpu q_all < <(for c in 1 2 3 4 5; do median_col $c <"$dir/qemu.runs"; done | xargs)
ms_s() { [ "$1" = - ] && echo - || printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
printf 'row\t%s\t%s\t%s\t%s\t%s\n' \
	"hvm Linux ($(basename "$kernel")): start -> 'Linux version' on serial" "$(ms_s "$v_lv")" s \
	"qemu-system-x86_64 -accel tcg -M pc" "$(ms_s "$q_lv")"
printf 'row\t%s\t%s\t%s\t%s\t%s\n' \
	"hvm Linux: start -> busybox shell (initramfs marker)" "$(ms_s "$v_sh")" s \
	"qemu-system-x86_64 -accel tcg -M pc" "$(ms_s "$q_sh")"
printf 'row\t%s\t%s\t%s\t%s\t%s\n' \
	"hvm Linux: user CPU time of vmhv-hvm (vs QEMU) at 'Linux version'" "$(ms_s "$v_lcpu")" s \
	"qemu-system-x86_64 -accel tcg -M pc" "$(ms_s "$q_lcpu")"
printf 'row\t%s\t%s\t%s\t%s\t%s\n' \
	"hvm Linux: user CPU time of vmhv-hvm (vs QEMU) at the shell" "$(ms_s "$v_cpu")" s \
	"qemu-system-x86_64 -accel tcg -M pc" "$(ms_s "$q_cpu")"
printf 'row\t%s\t%s\t%s\t%s\t%s\n' \
	"hvm Linux: user+system CPU of vmhv-hvm (vs QEMU) at the shell" "$(ms_s "$v_all")" s \
	"qemu-system-x86_64 -accel tcg -M pc" "$(ms_s "$q_all")"
printf 'row\t%s\t%s\t%s\t%s\t%s\n' \
	"hvm Linux: user+system CPU of vmctl-devmodel at the shell" "$(ms_s "$v_dm")" s \
	"vmhv-hvm user+system, same run" "$(ms_s "$v_all")"
[ "$v_cpu" != - ] && [ "$q_cpu" != - ] &&
	echo "hvm_linux: vmhv-hvm / QEMU user CPU to the shell (medians): $(awk -v a="$v_cpu" -v b="$q_cpu" 'BEGIN { printf "%.2f", a / b }')x, wall $([ "$v_sh" != - ] && [ "$q_sh" != - ] && awk -v a="$v_sh" -v b="$q_sh" 'BEGIN { printf "%.2f", a / b }')x (goal <= 2x)" >&2
echo "hvm_linux: the serial console carried $serial_bytes bytes to the shell" >&2
echo "hvm_linux: load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
