#!/bin/bash
# Debian's kernel at its busybox shell (tests/hvm/linux_lib.sh, as
# tests/hvm/linux_boot.sh boots it) through xl save and xl restore: the
# restored shell answers a command typed on xl console, its uptime went
# on (no reboot), and it saves and restores a second time. Two vCPUs, both
# online through the saves: Linux's resume takes CPU 1 down and up again
# (VCPUOP_down/up of another vCPU, xen_vcpu_restore), and afterwards CPU 1
# is online and a process pinned to it runs there. Slow (the boot): time
# box LINUX_BOOT_WAIT, skipped under the sanitizers unless set.
. "$top_srcdir/tests/save/lib.sh"       # (host.sh; mark, console_after, nothing_left)
. "$top_srcdir/tests/hvm/linux_lib.sh"
linux_prereqs                            # sets kernel= to Debian's
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

mkdir -p root
cat > root/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "vmctl-initramfs: shell on $(cat /sys/class/tty/console/active)"
exec setsid cttyhack sh
INIT
linux_initramfs initrd.gz
cat > linux.cfg <<CFG
type = "hvm"
name = "hvm-lsave"
memory = 256
vcpus = 2
kernel = "$kernel"
ramdisk = "$VMCTL_TEST_DIR/initrd.gz"
cmdline = "console=ttyS0 panic=-1"
on_crash = "destroy"
CFG
xl create linux.cfg > /dev/null 2>&1
is "$?" 0 "xl create of Debian's kernel"
linux_shell_or_stop hvm-lsave 'vmctl-initramfs: shell on ttyS0'

# cmd TEXT REGEX WHAT: type TEXT at the shell, wait for REGEX after it.
cmd() {
	local m
	m=$(mark hvm-lsave)
	printf '%s\r' "$1" | timeout 5 "$XL_BIN" console hvm-lsave > /dev/null 2>&1
	ok "$3" console_after hvm-lsave "$m" "$2"
}
cmd 'echo up-$(cut -d. -f1 /proc/uptime)' '^up-[0-9]+' "the shell answers before the save"
# cpu1 TAG WHAT: CPU 1 is online and a process pinned to it runs there
# (field 39 of /proc/self/stat: the CPU it last ran on).
cpu1() {
	cmd "echo $1-online-\$(cat /sys/devices/system/cpu/online)-cpu1-\$(cat /sys/devices/system/cpu/cpu1/online)" \
		"^$1-online-0-1-cpu1-1" "$2: CPUs 0-1 online"
	cmd "taskset -c 1 sh -c 'echo $1-ran-on-\$(cut -d\" \" -f39 /proc/self/stat)'" \
		"^$1-ran-on-1[[:space:]]*\$" "$2: a process pinned to CPU 1 runs there"
}
cpu1 before "before the save"
up0=$(grep -Eo '^up-[0-9]+' "$VMCTL_LOGDIR/console/hvm-lsave.log" | tail -1 | cut -d- -f2)
for round in 1 2; do
	m0=$(mark hvm-lsave)
	out=$(xl save hvm-lsave l.save 2>&1)
	is "$?" 0 "save $round: $out"
	ok "save $round: the domain is gone" domain_gone hvm-lsave
	out=$(xl restore l.save 2>&1)
	is "$?" 0 "restore $round: $out"
	# Linux's xen drivers announce feature-suspend: xld asked it to
	# suspend; typing before it has resumed may lose characters
	ok "restore $round: it resumes from its suspend (Linux thaws its tasks)" \
		console_after hvm-lsave "$m0" 'Restarting tasks'
	cmd "echo result-\$((6*7+$round))" "^result-$((42 + round))" \
		"restore $round: a command typed on xl console runs"
	cmd 'echo up-$(cut -d. -f1 /proc/uptime)' '^up-[0-9]+' "restore $round: uptime"
	cpu1 "r$round" "restore $round"
	up=$(grep -Eo '^up-[0-9]+' "$VMCTL_LOGDIR/console/hvm-lsave.log" | tail -1 | cut -d- -f2)
	ok "restore $round: no reboot, time went on (uptime $up0 -> $up s)" test "$up" -ge "$up0"
	ok "restore $round: no oops or panic" eval "! grep -Eq 'Oops|Kernel panic|BUG:' \"$VMCTL_LOGDIR/console/hvm-lsave.log\""
	up0=$up
done
xl destroy hvm-lsave
ok "destroy leaves nothing" nothing_left
host_stop a
ok "the host stops cleanly" test $? = 0
done_testing
