#!/bin/bash
# PV-on-HVM with Debian's stock kernel (linux-image-amd64): the same bzImage
# boot as tests/hvm/linux_boot.sh but without `nopv`, with a disk that the
# device model offers as an IDE disk and xld as a vbd. Linux finds Xen
# ("Xen HVM" in its boot log), maps shared_info, takes event channel
# upcalls through the callback vector, finds xenstore through its HVM
# params, unplugs the emulated disk through the Xen platform device and
# reads the disk through xen-blkfront (/dev/xvda), whose module the
# initramfs loads. With root (a bridge, a network namespace: the host end
# 10.213.0.1, tests/hvm/nic_net.sh) it also has a vif, and pings the host
# through xen-netfront. The domain has 4 GiB (a sparse memory file): Linux
# sees RAM from 4 GiB up in SeaBIOS's e820 and allocates there first
# (ZONE_NORMAL), so the pages blkfront and netfront grant are above 4 GiB
# (translated by vmhv, hypervisor/engines/hvm/hvm_gfn.h). Two vCPUs (vcpus=2).
#
# Time box: LINUX_BOOT_WAIT seconds (default 600), as linux_boot.sh;
# skipped in sanitizer builds unless it is set (tests/hvm/linux_lib.sh).
# As root, in a network namespace of its own (taps are named by domid and
# every private host starts at domain 1: no collision with other tests).
if [ "$(id -u)" = 0 ] && [ -z "${PV_OWN_NETNS:-}" ] && command -v unshare >/dev/null; then
	exec env PV_OWN_NETNS=1 unshare --net -- "$0" "$@"
fi
[ -n "${PV_OWN_NETNS:-}" ] && ip link set lo up
. "$top_srcdir/tests/lib/host.sh"
. "$top_srcdir/tests/hvm/linux_lib.sh"
linux_prereqs
linux_pv_prereqs
linux_start

# The disk: a marker in its first sector.
printf 'vmctl-pv-disk-%s\n' 42 > disk.img
truncate -s 4M disk.img

# The initramfs: busybox, the blkfront and netfront modules; /init loads
# blkfront (and netfront with a vif), shows what Linux said about Xen and
# the disk, reads the disk's first sector through /dev/xvda, pings the
# host, then runs a shell on ttyS0.
linux_pv_modules
cat > root/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
insmod /lib/xen-blkfront.ko
for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/xvda ] && break; sleep 1; done
dmesg | grep -iE 'xen|hypervisor|blkfront|xvd|unplug' | sed 's/^/vmctl-dmesg: /'
echo "vmctl-xvda: $(head -c 17 /dev/xvda 2>&1)"
dmesg | grep -E 'e820: \[mem 0x0000000100000000-' | sed 's/^/vmctl-e820: /'
echo "vmctl-mem: $(grep MemTotal /proc/meminfo)"
echo "vmctl-cpus: $(grep -c ^processor /proc/cpuinfo)"
ls /dev/sd* /dev/hd* 2>/dev/null | sed 's/^/vmctl-emulated: /'
p=/sys/bus/pci/devices/0000:00:03.0
echo "vmctl-platform: driver $(readlink $p/driver) enable $(cat $p/enable) irq $(cat $p/irq)"
if [ -e /lib/xen-netfront.ko ] && grep -q ' vif=' /proc/cmdline; then
	insmod /lib/xen-netfront.ko
	for i in 1 2 3 4 5 6 7 8 9 10; do
		for n in /sys/class/net/*; do
			[ "$(basename "$(readlink $n/device/driver)")" = vif ] && dev=${n##*/}
		done
		[ -n "$dev" ] && break
		sleep 1
	done
	echo "vmctl-netfront: $dev"
	ip addr add 10.213.0.2/24 dev "$dev" && ip link set "$dev" up
	ping -c 3 -W 10 10.213.0.1 > /ping.out 2>&1
	echo "vmctl-ping: $(grep -c 'bytes from 10.213.0.1' /ping.out) replies"
fi
echo "vmctl-initramfs: shell on $(cat /sys/class/tty/console/active)"
exec setsid cttyhack sh
INIT
linux_initramfs initrd.gz
ok "the test made a busybox initramfs with xen-blkfront" test -s initrd.gz

linux_cfg "hvm-pv" "console=ttyS0 panic=-1$([ $net = 1 ] && echo ' vif=1')" \
	'memory = 4096' 'vcpus = 2' \
	"disk = [ \"file:$VMCTL_TEST_DIR/disk.img,hda,w\" ]" "$([ $net = 1 ] && echo "vif = [ 'bridge=$nic_br' ]")" > linux.cfg
out=$(xl create linux.cfg 2>&1)
is "$?" 0 "xl create of an hvm domain with a disk, without nopv"
[ -n "$out" ] && diag "$out"
tries=$((wait_s * 20))
ok "Linux starts" console_has hvm-pv '\] Linux version' "$tries"
shell=0
console_has hvm-pv 'vmctl-initramfs: shell on ttyS0' "$tries" && shell=1
ok "it reaches the initramfs's shell within ${wait_s} s" test $shell = 1
[ $shell = 1 ] || linux_stall_report hvm-pv
log="$VMCTL_LOGDIR/console/hvm-pv.log"
ok "Linux runs as a Xen HVM guest" grep -q 'Hypervisor detected: Xen HVM' "$log"
ok "xen-platform-pci drives the Xen platform device (grant frames in its BAR)" \
	grep -q 'vmctl-platform: driver .*/xen-platform-pci enable 1' "$log"
ok "it unplugged the emulated disk through the platform device" \
	grep -q 'unplug' "$VMCTL_LOGDIR/devmodel/hvm-pv.log"
ok "xen-blkfront attached the vbd as xvda" grep -q 'vmctl-dmesg: .*xvda' "$log"
# Two vCPUs: Linux patches its code (text_poke: INT3 first, then the
# bytes) while the other vCPU runs; a vCPU that kept running its cached
# copy looped on the INT3 forever (docs/hvm.md "Two vCPUs under Linux").
ok "both vCPUs run Linux (smp: Brought up 1 node, 2 CPUs; cpuinfo lists 2)" \
	sh -c "grep -q 'Brought up 1 node, 2 CPUs' '$log' && grep -q 'vmctl-cpus: 2' '$log'"
ok "the disk reads through /dev/xvda" grep -q 'vmctl-xvda: vmctl-pv-disk-42' "$log"
ok "Linux finds RAM from 4 GiB up in SeaBIOS's e820 (memory=4096)" \
	grep -q 'vmctl-e820: .*0x0000000100000000-0x000000013fffffff\] usable' "$log"
ok "and uses it: MemTotal above 3.5 GiB" \
	awk '/vmctl-mem: MemTotal:/ { exit !($3 > 3670016) }' "$log"
if [ $net = 1 ]; then
	ok "xen-netfront attached the vif" grep -q 'vmctl-netfront: [a-z]' "$log"
	ok "the guest pings the host through it" grep -q 'vmctl-ping: [1-9] replies' "$log"
fi
if [ $shell = 0 ] || ! grep -q 'vmctl-xvda: vmctl-pv-disk-42' "$log"; then
	diag "console:"
	tr -d '\r' < "$log" | grep -iE 'xen|vmctl|blk|xvd|bug|panic|error' | tail -40 | sed 's/^/#   /'
fi
xl destroy hvm-pv 2>/dev/null
ok "the domain is gone" domain_gone hvm-pv
host_stop a
done_testing
