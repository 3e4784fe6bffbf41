# Sourced by tests/hvm/linux_boot.sh and linux_pv.sh after tests/lib/host.sh:
# booting Debian's kernel (linux-image-amd64, a bzImage through SeaBIOS and
# QEMU's linuxboot option ROM) with a busybox initramfs the test makes.

# linux_prereqs: set kernel, kver, busybox and wait_s (LINUX_BOOT_WAIT,
# default 600 s), or skip the whole test saying what is missing. Skipped in
# sanitizer builds (several times slower) unless LINUX_BOOT_WAIT is set.
linux_prereqs() {
	if [ -z "$LINUX_BOOT_WAIT" ] && grep -q '^SAN_CFLAGS = .*-fsanitize' "$top_builddir/Makefile"; then
		skip_all "sanitizer build: the boot takes too long (set LINUX_BOOT_WAIT=SECONDS to run it)"
	fi
	kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
	kver=${kernel#/boot/vmlinuz-}
	busybox=/bin/busybox
	[ -n "$kernel" ] && [ -r "$kernel" ] || skip_all "no /boot/vmlinuz-* (Debian's linux-image-amd64)"
	[ -x "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1 ||
		skip_all "no static $busybox (Debian's busybox-static)"
	command -v cpio >/dev/null || skip_all "no cpio"
	[ -r /usr/share/qemu/linuxboot_dma.bin ] || skip_all "no linuxboot_dma.bin (qemu-system-data)"
	[ -r /usr/share/seabios/bios.bin ] || skip_all "no SeaBIOS (Debian's seabios)"
	[ -x "$top_builddir/devmodel/vmctl-devmodel" ] || skip_all "devmodel/vmctl-devmodel not built"
	wait_s=${LINUX_BOOT_WAIT:-600}
}

# linux_initramfs OUT: busybox and the mount points into ./root, whose
# init the caller wrote (root/init, made executable here), packed into OUT.
linux_initramfs() {
	mkdir -p root/bin root/proc root/sys root/dev
	cp "$busybox" root/bin/busybox
	chmod 755 root/init
	(cd root && find . | cpio -o -H newc 2>/dev/null) | gzip -1 > "$1"
}

# linux_start: host a started, the working directory its test dir, ./root
# made for the initramfs the caller writes next.
linux_start() {
	host_start a || bail_out "cannot start a host"
	cd "$VMCTL_TEST_DIR" || bail_out "no test dir"
	mkdir -p root
}

# linux_cfg NAME CMDLINE [LINE...]: the xl.cfg every Linux test shares
# (type hvm, the kernel, ./initrd.gz, the command line, destroy on
# poweroff, reboot and crash), then the caller's own LINEs (memory=,
# vcpus=, vnc=, disk=...), on standard output.
linux_cfg() {
	printf '%s\n' 'type = "hvm"' "name = \"$1\"" "kernel = \"$kernel\"" \
		"ramdisk = \"$VMCTL_TEST_DIR/initrd.gz\"" "cmdline = \"$2\"" \
		'on_poweroff = "destroy"' 'on_reboot = "destroy"' 'on_crash = "destroy"'
	shift 2
	[ $# -gt 0 ] && printf '%s\n' "$@"
	return 0
}

# linux_init_mounts: the start every test's /init shares (busybox's applets
# as commands, /proc, /sys, /dev mounted); the caller appends the rest:
#   { linux_init_mounts; echo 'exec sh'; } > root/init
linux_init_mounts() {
	printf '%s\n' '#!/bin/busybox sh' '/bin/busybox --install -s /bin' \
		'mount -t proc proc /proc' 'mount -t sysfs sysfs /sys' \
		'mount -t devtmpfs devtmpfs /dev'
}

# linux_stall_report NAME: what a boot that did not finish in its time box
# was doing, as diagnostics: the console's last lines, each vCPU of the
# host's hvm sandboxes (tests/hvm/linux_vcpus.py under gdb, when gdb is
# installed and may attach: RIP with its kernel symbol, RFLAGS, halted,
# pending interrupts, kick bits, LAPIC, PIC; the threads' backtraces), the
# end of the device model's, vmhv's and xld's logs. A stall that happened
# once in CI (docs/hvm.md) left only the console to look at.
linux_stall_report() {
	local d pid
	d=$(_host_dir a)
	diag "last console lines of $1:"
	tail -15 "$VMCTL_LOGDIR/console/$1.log" | tr -d '\r' | sed 's/^/#   /'
	if command -v gdb >/dev/null && [ -f "$d/vmhv.pid" ]; then
		for pid in $(pgrep -x -P "$(cat "$d/vmhv.pid")" vmhv-hvm); do
			diag "vCPUs of sandbox $pid:"
			LINUX_VCPUS_KERNEL=$kernel LINUX_VCPUS_SYSMAP=/boot/System.map-$kver \
			timeout 120 gdb -p "$pid" -batch -nx -x "$top_srcdir/tests/hvm/linux_vcpus.py" 2>&1 |
				grep -vE '^\[New LWP|^warning:|^$' | sed 's/^/#   /'
		done
	fi
	diag "device model log:"
	tail -20 "$VMCTL_LOGDIR/devmodel/$1.log" 2>/dev/null | sed 's/^/#   /'
	diag "vmhv log:"
	tail -20 "$VMCTL_LOGDIR/vmhv.log" 2>/dev/null | sed 's/^/#   /'
	diag "xld log:"
	tail -20 "$VMCTL_LOGDIR/xld.log" 2>/dev/null | sed 's/^/#   /'
}

# linux_shell_or_stop NAME REGEX: wait, within the time box, for REGEX (the
# initramfs's marker) on NAME's serial console and say so; without it,
# report what the domain was doing (linux_stall_report), destroy it, stop
# host a and end the test there.
linux_shell_or_stop() {
	local shell=0
	console_has "$1" "$2" $((wait_s * 20)) && shell=1
	ok "it reaches the initramfs's shell within ${wait_s} s" test $shell = 1
	[ $shell = 1 ] && return 0
	linux_stall_report "$1"
	xl destroy "$1"
	host_stop a
	done_testing
	exit
}

# linux_pv_prereqs: after linux_prereqs, the kernel's xen-blkfront and
# xen-netfront modules ($blkfront, $netfront; the test is skipped without
# blkfront) and, as root with tun and ip, the test network of
# tests/hvm/nic_net.sh for netfront ($net=1, torn down at exit).
linux_pv_prereqs() {
	blkfront=$(find "/lib/modules/$kver" -name 'xen-blkfront.ko*' 2>/dev/null | head -1)
	netfront=$(find "/lib/modules/$kver" -name 'xen-netfront.ko*' 2>/dev/null | head -1)
	[ -n "$blkfront" ] || skip_all "no xen-blkfront module for $kver"
	net=0
	if [ "$(id -u)" = 0 ] && [ -c /dev/net/tun ] && [ -n "$netfront" ] &&
	   command -v ip >/dev/null; then
		. "$top_srcdir/tests/hvm/nic_net.sh"
		trap 'nic_net_cleanup; _host_cleanup' EXIT
		nic_net_setup || bail_out "cannot set up the test network"
		net=1
	fi
}

# linux_pv_modules: the two modules, uncompressed, in root/lib of the
# initramfs being made.
linux_pv_modules() {
	local m
	mkdir -p root/lib
	for m in $blkfront $netfront; do
		case "$m" in
		*.xz) xz -dc "$m" ;; *.zst) zstd -dc "$m" ;; *) cat "$m" ;;
		esac > "root/lib/$(basename "${m%.xz}" .zst)"
	done
}
