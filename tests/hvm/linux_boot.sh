#!/bin/bash
# Debian's stock kernel (linux-image-amd64) to a shell on the serial console
# of an hvm domain made by xl create: kernel= is the bzImage (SeaBIOS runs
# QEMU's linuxboot option ROM, which loads it, the initramfs and the command
# line from the device model's fw_cfg), ramdisk= a busybox initramfs this
# test makes, cmdline= console=ttyS0 (Linux finds Xen and runs its Xen HVM
# set-up: shared_info, the callback vector, xenstore; docs/hvm.md
# "PV-on-HVM"; tests/hvm/linux_pv.sh checks the PV disk). The
# initramfs prints a marker and starts a shell on ttyS0; commands typed on
# xl console run there and `poweroff -f` ends the domain through ACPI S5.
#
# Time box: LINUX_BOOT_WAIT seconds (default 600) for the shell; the boot is
# billions of instructions on the soft CPU (most of them the kernel's xz
# decompressor), minutes on a loaded machine. Skipped under the sanitizers
# (several times slower) unless LINUX_BOOT_WAIT is set.
. "$top_srcdir/tests/lib/host.sh"
. "$top_srcdir/tests/hvm/linux_lib.sh"
linux_prereqs

linux_start

# The initramfs: busybox, and an /init that mounts proc and sys, prints the
# marker and runs a shell with ttyS0 as its controlling terminal.
{ linux_init_mounts; cat <<'INIT'; } > root/init
echo "vmctl-initramfs: shell on $(cat /sys/class/tty/console/active)"
exec setsid cttyhack sh
INIT
linux_initramfs initrd.gz
ok "the test made a busybox initramfs" test -s initrd.gz

linux_cfg "hvm-linux" "console=ttyS0 panic=-1" \
	'uuid = "5d1c0a7e-42a2-4f0b-9c3e-0123456789ab"' 'memory = 256' 'vcpus = 1' 'maxvcpus = 2' > linux.cfg
out=$(xl create linux.cfg 2>&1)
is "$?" 0 "xl create of an hvm domain with a bzImage kernel= ($kernel)"
[ -n "$out" ] && diag "$out"
tries=$((wait_s * 20))
ok "the kernel starts: 'Linux version' on the serial console" \
	console_has hvm-linux '\] Linux version' "$tries"
linux_shell_or_stop hvm-linux 'vmctl-initramfs: shell on ttyS0'

mkfifo con.in
"$XL_BIN" console hvm-linux < con.in > con.out 2>&1 &
con=$!
exec 3> con.in
printf 'echo result-$((6*7))\r' >&3
ok "a command typed on xl console runs in the guest's shell (6*7 = 42)" \
	console_has hvm-linux '^result-42' 400
printf 'echo cpus-$(grep -c ^processor /proc/cpuinfo)\r' >&3
ok "/proc/cpuinfo lists the domain's vCPU" console_has hvm-linux '^cpus-1' 400
printf 'echo online-$(cat /sys/devices/system/cpu/online)-possible-$(cat /sys/devices/system/cpu/possible)\r' >&3
ok "vcpus=1 of maxvcpus=2: CPU 0 online, CPU 1 possible (a disabled LAPIC in the MADT)" \
	console_has hvm-linux '^online-0-possible-0-1' 400
# The device model's own ACPI and SMBIOS tables (docs/hvm.md "ACPI and
# SMBIOS tables"): Linux reads them, and its ACPI interpreter has no
# complaint about them.
log="$VMCTL_LOGDIR/console/hvm-linux.log"
ok "Linux found the device model's FADT and MADT" \
	sh -c "grep -q 'ACPI: FACP' '$log' && grep -q 'ACPI: APIC' '$log'"
ok "Linux read the device model's SMBIOS tables (DMI: vmctl ...)" \
	grep -q 'DMI: vmctl' "$log"
ok "no ACPI error in Linux's log" sh -c "! grep -Eq 'ACPI( BIOS)? Error' '$log'"
printf 'echo uuid-$(cat /sys/class/dmi/id/product_uuid)\r' >&3
ok "the guest's DMI product_uuid is the config's uuid" \
	console_has hvm-linux '^uuid-5d1c0a7e-42a2-4f0b-9c3e-0123456789ab' 400
printf 'poweroff -f\r' >&3
ok "poweroff -f (ACPI S5) ends the domain" domain_gone hvm-linux 600
xl destroy hvm-linux 2>/dev/null
exec 3>&-
wait "$con"
like "$(tr -d '\r' < con.out)" 'result-42' "xl console showed the answer"
host_stop a
done_testing
