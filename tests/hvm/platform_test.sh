#!/bin/sh
# The hvm engine end to end: the test guest (tests/hvm/guest) booted on a
# private vmhv with tests/hvm/hvmrun, once per platform device; each run's
# TAP lines come from the guest itself through port 0xe9 and vmhv's console.
# Also: two vCPUs (INIT/SIPI, IPIs), the firmware_override path, hypercalls from ring 0 and ring 3, a
# triple fault (reboot), a guest hammering every port next to a healthy one,
# and SeaBIOS's debug log (port 0x402) when Debian's seabios is installed.
top_builddir=${top_builddir:-.}
. "${top_srcdir:-.}/tests/lib/tap.sh"
run=$top_builddir/tests/hvm/hvmrun
guest=$top_builddir/tests/hvm/guest/hvmguest
vmhv=$top_builddir/hypervisor/vmhv

dir=$(mktemp -d /tmp/hvm-test.XXXXXX)
"$vmhv" --foreground --exit-with-parent --rundir "$dir" --log "$dir/vmhv.log" &
vmhv_pid=$!
cleanup() { kill "$vmhv_pid" 2>/dev/null; wait "$vmhv_pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
for i in $(seq 100); do [ -S "$dir/privcmd" ] && break; sleep 0.05; done
export VMCTL_RUNDIR=$dir

# boot TEST [hvmrun options]: run the guest with the multiboot command line TEST
boot() {
	t=$1
	shift
	"$run" --timeout 60 "$@" --multiboot "$guest" --cmdline "$t" >"$dir/$t.out" 2>&1
	echo $? >"$dir/$t.rc"
}
passed() {
	ok=0
	[ "$(cat "$dir/$1.rc")" = 0 ] || ok=1
	grep -q '^not ok' "$dir/$1.out" && ok=1
	grep -qx 'hvm guest: PASSED' "$dir/$1.out" || ok=1
	[ $ok = 0 ] || sed 's/^/# /' "$dir/$1.out"
	_tap_result $ok "$2"
}

for t in hello xen pic rtc lapic ioapic; do
	boot $t
	passed $t "guest test '$t' passes and powers off"
done
boot smp --vcpus 2
passed smp "two vCPUs: INIT/SIPI bring-up, APIC ids, IPIs between them, VCPUOP_down/up of vCPU 1 from vCPU 0"
grep -qx 'hvm guest: port 0x402 works' "$dir/hello.out"; _tap_result $? "port 0x402 reaches the domain's log"
grep -qx 'hello through console_io' "$dir/xen.out"; _tap_result $? "console_io from an hvm guest reaches vmhv's console"
grep -qx 'ok 5 - a hypercall from ring 3 gets -EPERM' "$dir/xen.out"; _tap_result $? "ring 3 hypercall: -EPERM"

"$run" --timeout 60 --firmware "$guest" >"$dir/fw.out" 2>&1; st=$?
[ $st = 0 ] && grep -qx 'hvm guest: hello from firmware' "$dir/fw.out"
_tap_result $? "firmware_override: the ELF entered in flat 32-bit mode"

"$run" --timeout 60 --multiboot "$guest" --cmdline triplefault >"$dir/tf.out" 2>&1; st=$?
[ $st = 11 ] && grep -q 'triple fault at rip' "$dir/tf.out"
_tap_result $? "a triple fault reboots the domain (exit 11, got $st)"

# A hostile guest next to a healthy one: both finish, vmhv lives on.
boot hostile &
hostile=$!
boot pic
wait $hostile
passed hostile "a guest hammering every port and the APIC registers is contained"
passed pic "the guest running next to it is unaffected"
kill -0 "$vmhv_pid"; _tap_result $? "vmhv is still running"

if [ -r /usr/share/seabios/bios.bin ]; then
	"$run" --timeout 20 --mem 32 --bios /usr/share/seabios/bios.bin >"$dir/bios.out" 2>&1
	grep -q '^SeaBIOS (version' "$dir/bios.out" && grep -q '^Booting from Hard Disk' "$dir/bios.out"
	_tap_result $? "SeaBIOS's port 0x402 log reaches the domain's log, to 'Booting from Hard Disk'"
else
	echo "ok $((_tap_n + 1)) # SKIP SeaBIOS: /usr/share/seabios/bios.bin not installed"
	_tap_n=$((_tap_n + 1))
fi
done_testing
