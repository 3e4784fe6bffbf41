#!/bin/bash
# Debian's kernel with its own drivers on the emulated NICs: an hvm domain
# with an e1000 (eth0, 10.213.0.2) and an rtl8139 (eth1, 10.213.0.3) on
# one bridge, a busybox initramfs that loads e1000.ko and 8139too.ko
# (with mii.ko) from the host's /lib/modules, pings the host's namespace
# (10.213.0.1) through each interface and is pinged back, and sends 512 KiB
# over TCP through the e1000 (tests/hvm/nic_tcp_sink.py counts them in the
# namespace; Linux's e1000 driver turns TSO on for this NIC, but the check
# passes with a device model without TSE too: it does not prove TSE).
#
# The boot takes a minute or more on the soft CPU: time-boxed and skipped
# in sanitizer builds as tests/hvm/linux_boot.sh is. By hand, from a build
# directory: top_srcdir=SRC top_builddir=. SRC/tests/hvm/nic_linux.sh
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (taps, bridges, network namespaces)"; exit 0; }
[ -n "${NIC_OWN_NETNS:-}" ] || exec env NIC_OWN_NETNS=1 unshare --net -- "$0" "$@"
ip link set lo up
. "$top_srcdir/tests/lib/host.sh"
. "$top_srcdir/tests/hvm/linux_lib.sh"
. "$top_srcdir/tests/hvm/nic_net.sh"
linux_prereqs
mods=/lib/modules/$kver/kernel/drivers/net
for m in mii.ko ethernet/intel/e1000/e1000.ko ethernet/realtek/8139too.ko; do
	[ -r "$mods/$m" ] || skip_all "no $mods/$m"
done
trap 'kill "${sink:-}" 2> /dev/null; nic_net_cleanup; _host_cleanup' EXIT
nic_net_setup || bail_out "cannot set up the test network"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

mkdir -p root/lib
cp "$mods/mii.ko" "$mods/ethernet/intel/e1000/e1000.ko" "$mods/ethernet/realtek/8139too.ko" root/lib/
cat > root/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
insmod /lib/mii.ko
insmod /lib/e1000.ko
insmod /lib/8139too.ko
for i in 0 1; do
	echo "vmctl-nic: eth$i $(cat /sys/class/net/eth$i/device/vendor 2>/dev/null):$(cat /sys/class/net/eth$i/device/device 2>/dev/null) $(cat /sys/class/net/eth$i/address 2>/dev/null)"
	ip link set eth$i up
	ip addr add 10.213.0.$((i + 2))/24 dev eth$i
done
sleep 3
for i in 0 1; do
	if ping -c 3 -W 10 -I eth$i 10.213.0.1 > /dev/null; then
		echo "vmctl-nic: eth$i ping ok"
	else
		echo "vmctl-nic: eth$i ping failed"
	fi
done
# 512 KiB over TCP through eth0 (the e1000)
tx0=$(cat /sys/class/net/eth0/statistics/tx_bytes)
dd if=/dev/zero bs=1024 count=512 2>/dev/null | nc 10.213.0.1 5001
echo "vmctl-nic: eth0 tcp sent $(( $(cat /sys/class/net/eth0/statistics/tx_bytes) - tx0 )) bytes"
echo "vmctl-nic: serving"
exec setsid cttyhack sh
INIT
linux_initramfs initrd.gz

cat > linux.cfg <<CFG
type = "hvm"
name = "nic-linux"
memory = 256
kernel = "$kernel"
ramdisk = "$VMCTL_TEST_DIR/initrd.gz"
cmdline = "console=ttyS0 panic=-1 xen_emul_unplug=never"
xen_platform_pci = 0
vif = [ 'model=e1000,bridge=$nic_br,mac=00:16:3e:5a:01:01',
        'model=rtl8139,bridge=$nic_br,mac=00:16:3e:5a:01:02' ]
on_poweroff = "destroy"
on_crash = "destroy"
CFG
ip netns exec "$nic_ns" python3 "$top_srcdir/tests/hvm/nic_tcp_sink.py" 10.213.0.1 5001 524288 \
	"$VMCTL_TEST_DIR/tcp.count" "$wait_s" &
sink=$!
xl create linux.cfg > create.out 2>&1
is "$?" 0 "xl create of Debian's kernel with an e1000 and an rtl8139" || sed 's/^/# /' create.out
tries=$((wait_s * 20))
con() { console_has nic-linux "$1" "$tries"; }
# the boot's time box; a boot that does not make it is reported
linux_shell_or_stop nic-linux 'vmctl-nic: eth0 '
ok "e1000 probes (8086:100e, the config's MAC)" con 'vmctl-nic: eth0 0x8086:0x100e 00:16:3e:5a:01:01'
ok "8139too probes (10ec:8139, the config's MAC)" con 'vmctl-nic: eth1 0x10ec:0x8139 00:16:3e:5a:01:02'
ok "Linux pings the host through its e1000" con 'vmctl-nic: eth0 ping ok'
ok "Linux pings the host through its rtl8139" con 'vmctl-nic: eth1 ping ok'
con 'vmctl-nic: serving' > /dev/null
wait "$sink"
is "$(cat tcp.count 2>/dev/null)" 524288 \
	"512 KiB over TCP from Linux's e1000 reach the host"
ok "through eth0" con 'vmctl-nic: eth0 tcp sent [0-9]{6,} bytes'

ok "the host pings Linux's e1000 address" \
	ip netns exec "$nic_ns" python3 "$top_srcdir/tests/hvm/nic_ping.py" 10.213.0.2 3
ok "the host pings Linux's rtl8139 address" \
	ip netns exec "$nic_ns" python3 "$top_srcdir/tests/hvm/nic_ping.py" 10.213.0.3 3
grep -E 'vmctl-nic|e1000|8139' "$VMCTL_LOGDIR/console/nic-linux.log" | tr -d '\r' | sed 's/^/#   /'
xl destroy nic-linux
ok "xl destroy ends it" domain_gone nic-linux
host_stop a
done_testing
