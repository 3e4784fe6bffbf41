#!/bin/bash
# xl vcpu-set of an hvm domain (docs/hvm.md "CPU hotplug"): Debian's kernel
# with vcpus=1 maxvcpus=2 boots with one CPU present and a second possible
# (the MADT's disabled LAPIC, the DSDT's PR01 whose _STA reads the device
# model's bitmap at 0xaf00); `xl vcpu-set dom 2` sets the bit and GPE 2,
# whose _E02 notifies PR01: Linux hot-adds CPU 1, the shell onlines it
# (INIT/SIPI to the waiting vCPU thread), runs a process on it, and xl
# list / vcpu-list count it; `xl vcpu-set dom 1` clears the bit: Linux takes
# the eject request, offlines CPU 1 and calls PR01._EJ0, which the device
# model logs. Then CPU 1 is hot-added again, the domain saved and restored
# with it present but offline, and `xl vcpu-set dom 1` ejects it again.
#
# Time box: LINUX_BOOT_WAIT (tests/hvm/linux_lib.sh) for the boot, 5 min
# for each hotplug step (Linux's ACPI hotplug runs from a workqueue, on the
# soft CPU).
. "$top_srcdir/tests/lib/host.sh"
. "$top_srcdir/tests/hvm/linux_lib.sh"
linux_prereqs

linux_start

# The initramfs says which CPUs Linux found at boot, then runs a shell.
{ linux_init_mounts; cat <<'INIT'; } > root/init
cpu=/sys/devices/system/cpu
echo "vmctl-vcpu: present $(cat $cpu/present) possible $(cat $cpu/possible), shell"
exec setsid cttyhack sh
INIT
linux_initramfs initrd.gz

name=hvm-vcpu
linux_cfg "$name" "console=ttyS0 panic=-1" \
	'memory = 256' 'vcpus = 1' 'maxvcpus = 2' 'vnc = 0' > vcpu.cfg
out=$(xl create vcpu.cfg 2>&1)
is "$?" 0 "xl create with vcpus=1 maxvcpus=2"
[ -n "$out" ] && diag "$out"
linux_shell_or_stop "$name" 'vmctl-vcpu: present .*, shell'
log="$VMCTL_LOGDIR/console/$name.log"
dmlog="$VMCTL_LOGDIR/devmodel/$name.log"

mkfifo con.in
"$XL_BIN" console "$name" < con.in > /dev/null 2>&1 &
con=$!
exec 3> con.in
type_cmd() { printf '%s\r' "$1" >&3; }

# xl list's VCPUs column (the 4th field) of the domain.
list_vcpus() { xl list "$name" 2>/dev/null | awk 'NR == 2 { print $4 }'; }
# Wait up to $2 tenths of a second for list_vcpus to be $1.
vcpus_are() { local i; for i in $(seq "$2"); do [ "$(list_vcpus)" = "$1" ] && return 0; sleep 0.1; done; return 1; }

is "$(list_vcpus)" 1 "xl list: 1 vCPU at boot"
like "$(xl vcpu-list "$name" | sed -n 3p)" "^$name +[0-9]+ +1 +- +--p " "xl vcpu-list: vCPU 1 offline"
ok "SeaBIOS found 1 CPU of 2 (vmhv's log of its port 0x402 lines)" \
	file_has "$VMCTL_LOGDIR/vmhv.log" '\(d[0-9]+\) Found 1 cpu\(s\) max supported 2 cpu\(s\)' 1
ok "Linux at boot: CPU 0 present, 0-1 possible" console_has "$name" '^vmctl-vcpu: present 0 possible 0-1,'

out=$(xl vcpu-set "$name" 2 2>&1)
is "$?" 0 "xl vcpu-set $name 2"
[ -n "$out" ] && diag "$out"
ok "the device model raised GPE 2" file_has "$dmlog" '2 vCPUs present, GPE 2 raised' 100
ok "Linux hot-adds CPU 1 (ACPI Device Check on PR01)" \
	console_has "$name" 'CPU1 has been hot-added' 6000
type_cmd 'echo 1 > /sys/devices/system/cpu/cpu1/online; echo onlined-$(cat /sys/devices/system/cpu/online)'
ok "onlining CPU 1 boots it (INIT/SIPI)" console_has "$name" 'smpboot: Booting Node 0 Processor 1' 6000
ok "CPU 0-1 online" console_has "$name" '^onlined-0-1' 6000
type_cmd 'echo cpus-$(grep -c ^processor /proc/cpuinfo)'
ok "/proc/cpuinfo lists 2 CPUs" console_has "$name" '^cpus-2' 600
type_cmd "taskset -c 1 sh -c 'echo ran-on-\$(cut -d\" \" -f39 /proc/self/stat)'"
ok "a process pinned to CPU 1 runs there" console_has "$name" '^ran-on-1' 600
ok "xl list: 2 vCPUs" vcpus_are 2 100
like "$(xl vcpu-list "$name" | sed -n 3p)" "^$name +[0-9]+ +1 +[-0-9]+ +[-r][-b]- " "xl vcpu-list: vCPU 1 online"

out=$(xl vcpu-set "$name" 1 2>&1)
is "$?" 0 "xl vcpu-set $name 1"
ok "Linux offlines CPU 1 on the eject request" console_has "$name" 'CPU 1 is now offline' 6000
ok "and ejects it (PR01._EJ0)" file_has "$dmlog" 'the guest ejected vCPU 1' 3000
type_cmd 'echo after-online-$(cat /sys/devices/system/cpu/online)-cpu1-$(ls -d /sys/devices/system/cpu/cpu1 2>/dev/null | wc -l)'
ok "Linux runs on CPU 0 only and CPU 1 is gone" console_has "$name" '^after-online-0-cpu1-0' 600
ok "xl list: 1 vCPU again" vcpus_are 1 300

# count_is FILE REGEX N TRIES: wait (TRIES of 50 ms) for N lines of FILE
# matching REGEX (from line FROM on, 1 unless set).
count_is() {
	local i
	for i in $(seq "$4"); do
		[ "$(tail -n +"${from:-1}" "$1" | grep -Ec -- "$2")" -ge "$3" ] && return 0
		sleep 0.05
	done
	return 1
}

# Hot-added again, then saved and restored before Linux onlines it (the
# present set in the stream, docs/migration-stream.md): the restored
# domain has CPU 1 present (the device model's bitmap, vmhv's set) and
# takes it away again on the next vcpu-set; before that Linux onlines it
# (which tripped its Xen spinlock IPI, kernel BUG at
# arch/x86/xen/spinlock.c:62, before a restored domain's ports started
# masked) and offlines it again. (A save with CPU 1 online:
# tests/save/hvm_linux.sh.)
ok "xl vcpu-set $name 2 again" xl vcpu-set "$name" 2
ok "Linux hot-adds CPU 1 again" count_is "$log" 'CPU1 has been hot-added' 2 6000
out=$(xl save "$name" vcpu.save 2>&1)
is "$?" 0 "xl save with CPU 1 present, offline: $out"
exec 3>&-
kill "$con" 2> /dev/null
wait "$con"
out=$(xl restore vcpu.save 2>&1)
is "$?" 0 "xl restore: $out"
rm -f vcpu.save
"$XL_BIN" console "$name" < con.in > /dev/null 2>&1 &
con=$!
exec 3> con.in
# type once Linux has resumed: its UART drops what comes before (FIFO full)
ok "Linux resumes (the end of its PV suspend)" console_has "$name" 'Restarting tasks \.\.\. done' 6000
type_cmd 'echo restored-present-$(cat /sys/devices/system/cpu/present)-online-$(cat /sys/devices/system/cpu/online)'
ok "the restored Linux answers: CPU 0-1 present, 0 online" \
	console_has "$name" '^restored-present-0-1-online-0' 6000
ok "xl list: 1 vCPU running" vcpus_are 1 100
# Onlining after the restore (its spinlock kick port must stay masked:
# a restored domain's ports start masked), then offline again.
type_cmd 'echo 1 > /sys/devices/system/cpu/cpu1/online; echo re-onlined-$(cat /sys/devices/system/cpu/online)'
ok "after the restore, onlining CPU 1 works: CPU 0-1 online" console_has "$name" '^re-onlined-0-1' 6000
type_cmd "taskset -c 1 sh -c 'echo restored-ran-on-\$(cut -d\" \" -f39 /proc/self/stat)'"
ok "a process pinned to CPU 1 runs there" console_has "$name" '^restored-ran-on-1' 600
type_cmd 'echo 0 > /sys/devices/system/cpu/cpu1/online; echo re-offlined-$(cat /sys/devices/system/cpu/online)'
ok "and offlining it again" console_has "$name" '^re-offlined-0[[:space:]]*$' 600
ok "no kernel BUG" sh -c "! grep -q 'kernel BUG' '$log'"
from=$(( $(wc -l < "$dmlog") + 1 ))   # the restored device model's log
out=$(xl vcpu-set "$name" 1 2>&1)
is "$?" 0 "xl vcpu-set $name 1 on the restored domain"
ok "its device model had vCPU 1 present: GPE 2" count_is "$dmlog" '1 vCPUs present, GPE 2 raised' 1 100
ok "Linux ejects the offline CPU 1 (PR01._EJ0)" count_is "$dmlog" 'the guest ejected vCPU 1' 1 6000
from=1
ok "no ACPI error in Linux's log" sh -c "! grep -Eq 'ACPI( BIOS)? Error' '$log'"

is "$(xl vcpu-set "$name" 3 2>&1 >/dev/null | grep -c 'at most 2')" 1 "vcpu-set above maxvcpus is refused"
type_cmd 'poweroff -f'
ok "poweroff -f ends the domain" domain_gone "$name" 600
xl destroy "$name" 2>/dev/null
exec 3>&-
wait "$con"
host_stop a
done_testing
