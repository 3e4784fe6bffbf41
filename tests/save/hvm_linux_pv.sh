#!/bin/bash
# PV-on-HVM through xl save and xl restore: Debian's kernel with the Xen
# platform device reads its disk through xen-blkfront and pings the host
# through xen-netfront (as tests/hvm/linux_pv.sh). Its xen drivers announce
# control/feature-suspend, so xld asks it to suspend as libxl does: the
# guest quiesces and calls SCHEDOP_shutdown(SHUTDOWN_suspend); it is saved
# with that call returning 0, and on the restored domain it sets up its Xen
# state again and its frontends reconnect to the new backends (xl save -c
# before that: asked too, its call returns 1, a cancelled suspend, and its
# drivers go on with the same backends). Afterwards
# a sector written through /dev/xvda before the save reads back, a new
# write reaches the disk file, and netfront pings again.
# Time box: LINUX_BOOT_WAIT (tests/hvm/linux_lib.sh); skipped under the
# sanitizers unless it is set. As root, in a network namespace of its own.
if [ "$(id -u)" = 0 ] && [ -z "${PV_OWN_NETNS:-}" ] && command -v unshare >/dev/null; then
	exec env PV_OWN_NETNS=1 unshare --net -- "$0" "$@"
fi
[ -n "${PV_OWN_NETNS:-}" ] && ip link set lo up
. "$top_srcdir/tests/save/lib.sh"       # (host.sh; mark, nothing_left)
. "$top_srcdir/tests/hvm/linux_lib.sh"
linux_prereqs
linux_pv_prereqs
linux_start

printf 'vmctl-pv-disk-%s\n' 42 > disk.img
truncate -s 4M disk.img
linux_pv_modules
{ linux_init_mounts; cat <<'INIT'; } > root/init
insmod /lib/xen-blkfront.ko
for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/xvda ] && break; sleep 1; done
echo "vmctl-xvda: $(head -c 17 /dev/xvda 2>&1)"
if [ -e /lib/xen-netfront.ko ] && grep -q ' vif=' /proc/cmdline; then
	insmod /lib/xen-netfront.ko
	for i in 1 2 3 4 5 6 7 8 9 10; do
		for n in /sys/class/net/*; do
			[ "$(basename "$(readlink $n/device/driver)")" = vif ] && dev=${n##*/}
		done
		[ -n "$dev" ] && break
		sleep 1
	done
	ip addr add 10.213.0.2/24 dev "$dev" && ip link set "$dev" up
	ping -c 3 -W 10 10.213.0.1 > /ping.out 2>&1
	echo "vmctl-ping: $(grep -c 'bytes from 10.213.0.1' /ping.out) replies"
fi
echo "vmctl-initramfs: shell on $(cat /sys/class/tty/console/active)"
exec setsid cttyhack sh
INIT
linux_initramfs initrd.gz
linux_cfg "hvm-pvsave" "console=ttyS0 panic=-1$([ $net = 1 ] && echo ' vif=1')" \
	'memory = 256' \
	"disk = [ \"file:$VMCTL_TEST_DIR/disk.img,hda,w\" ]" "$([ $net = 1 ] && echo "vif = [ 'bridge=$nic_br' ]")" > linux.cfg
log="$VMCTL_LOGDIR/console/hvm-pvsave.log"
xl create linux.cfg > /dev/null 2>&1
is "$?" 0 "xl create of Debian's kernel with a vbd$([ $net = 1 ] && echo ' and a vif')"
linux_shell_or_stop hvm-pvsave 'vmctl-initramfs: shell on ttyS0'
ok "the disk reads through /dev/xvda" grep -q 'vmctl-xvda: vmctl-pv-disk-42' "$log"
[ $net = 1 ] && ok "netfront pings before the save" grep -q 'vmctl-ping: [1-9] replies' "$log"

# cmd TEXT REGEX WHAT: type TEXT at the shell, wait (60 s) for REGEX after it.
cmd() {
	local m i
	m=$(mark hvm-pvsave)
	printf '%s\r' "$1" | timeout 5 "$XL_BIN" console hvm-pvsave > /dev/null 2>&1
	for i in $(seq 600); do
		tail -n +"$((m + 1))" "$log" | tr -d '\r' | grep -Eq -- "$2" && break
		sleep 0.1
	done
	ok "$3" eval "tail -n +$((m + 1)) '$log' | tr -d '\r' | grep -Eq -- '$2'"
}
# a sector (1 MiB in) written through blkfront, synced to the disk file
cmd 'echo vmctl-before-save > /b; dd if=/b of=/dev/xvda bs=512 seek=2048 conv=fsync 2>/dev/null; echo wrote-$?' \
	'^wrote-0' "a sector is written through /dev/xvda before the save"
ok "it reached the disk file" eval "dd if=disk.img bs=512 skip=2048 count=1 2>/dev/null | grep -q vmctl-before-save"
for i in $(seq 100); do
	[ "$(xenstore-read "/local/domain/$(xl domid hvm-pvsave)/control/feature-suspend" 2>/dev/null)" = 1 ] && break
	sleep 0.2
done
is "$(xenstore-read "/local/domain/$(xl domid hvm-pvsave)/control/feature-suspend" 2>/dev/null)" 1 \
	"Linux's xen drivers announce control/feature-suspend"

# xl save -c: the guest is asked to suspend, its call returns 1 (as on
# Xen with libxl's checkpoint) and it goes on with its event channels and
# backends (xld once left it paused: a suspended domain shows no PAUSED).
out=$(xl save -c hvm-pvsave c.save 2>&1)
is "$?" 0 "xl save -c: $out"
ok "for xl save -c it suspended itself (xld asked it)" \
	grep -q 'its PV drivers suspended it' "$VMCTL_LOGDIR/xld.log"
cmd 'echo 3 > /proc/sys/vm/drop_caches; echo "kept-$(dd if=/dev/xvda bs=512 skip=2048 count=1 2>/dev/null | head -c 17)"' \
	'^kept-vmctl-before-save' "after save -c the guest goes on reading through blkfront"
if [ $net = 1 ]; then
	cmd 'echo "pingc-$(ping -c 2 -W 5 10.213.0.1 | grep -c "bytes from")"' \
		'^pingc-[1-9]' "and pinging through netfront"
fi
n0=$(grep -c 'its PV drivers suspended it' "$VMCTL_LOGDIR/xld.log")
out=$(xl save hvm-pvsave pv.save 2>&1)
is "$?" 0 "xl save: $out"
ok "for xl save it suspended itself (xld asked it)" \
	test "$(grep -c 'its PV drivers suspended it' "$VMCTL_LOGDIR/xld.log")" -gt "$n0"
ok "the domain is gone" domain_gone hvm-pvsave
out=$(xl restore pv.save 2>&1)
is "$?" 0 "xl restore: $out"
cmd 'echo 3 > /proc/sys/vm/drop_caches; for i in 1 2 3 4 5 6 7 8 9 10; do dd if=/dev/xvda bs=512 skip=2048 count=1 2>/dev/null | grep -q vmctl-before && break; sleep 2; done; echo "back-$(dd if=/dev/xvda bs=512 skip=2048 count=1 2>/dev/null | head -c 17)"' \
	'^back-vmctl-before-save' "after the restore the sector reads back through blkfront"
cmd 'echo vmctl-after-restore > /a; dd if=/a of=/dev/xvda bs=512 seek=4096 conv=fsync 2>/dev/null; echo wrote2-$?' \
	'^wrote2-0' "a new write through /dev/xvda works"
ok "it reached the disk file" eval "dd if=disk.img bs=512 skip=4096 count=1 2>/dev/null | grep -q vmctl-after-restore"
if [ $net = 1 ]; then
	cmd 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do ping -c 1 -W 2 10.213.0.1 > /dev/null 2>&1 && break; done; echo "pinged-$(ping -c 3 -W 5 10.213.0.1 | grep -c "bytes from")"' \
		'^pinged-[1-9]' "netfront pings the host again after the restore"
	if ! tr -d '\r' < "$log" | grep -q '^pinged-[1-9]'; then
		# what netfront and the host's vif looked like (a failure in CI
		# once, 1 run of 5: not understood yet)
		printf '%s\r' 'grep -H . /sys/class/net/*/operstate /sys/class/net/*/carrier; cat /proc/net/dev' |
			timeout 5 "$XL_BIN" console hvm-pvsave > /dev/null 2>&1
		sleep 3
		tail -12 "$log" | tr -d '\r' | sed 's/^/# guest: /'
		ip -s link 2>/dev/null | grep -A5 'vif' | sed 's/^/# host: /'
		grep -iE 'vif|net' "$VMCTL_LOGDIR/xld.log" | tail -15 | sed 's/^/# xld: /'
	fi
fi
ok "no oops or panic" eval "! grep -Eq 'Oops|Kernel panic|BUG:' '$log'"
# what Linux said about its suspends and its xen devices
tr -d '\r' < "$log" | grep -iE 'freezing|restarting tasks|xen|blkfront|vif|suspend' |
	tail -20 | sed 's/^/# /'
xl destroy hvm-pvsave
ok "destroy leaves nothing" nothing_left
host_stop a
done_testing
