#!/bin/bash
# The emulated NICs of hvm domains (vif model=e1000 and model=rtl8139)
# end to end: xl create makes the tap vif<domid>.<devid>-emu on the
# vif's bridge and hands it to the device model; the NIC test guest
# (tests/hvm/guest/nic.c) reads its MAC, sends an ARP request and a ping
# to a network namespace on that bridge and gets both answers (TAP lines
# in xl dmesg); the namespace then pings the guest; xl destroy removes the
# tap, and a create that fails after a tap was made leaves none.
# Taps are named by domid, and every private host starts at domain 1:
# run in a network namespace of our own so that other tests' vifs never
# collide with ours (and nothing is left in the host's).
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (taps, bridges, network namespaces)"; exit 0; }
[ -n "${NIC_OWN_NETNS:-}" ] || exec env NIC_OWN_NETNS=1 unshare --net -- "$0" "$@"
ip link set lo up
. "$top_srcdir/tests/lib/host.sh"
guest="$top_builddir/tests/hvm/guest/nicguest"
dm="$top_builddir/devmodel/vmctl-devmodel"
[ -f "$guest" ] || skip_all "tests/hvm/guest/nicguest not built"
[ -x "$dm" ] || skip_all "devmodel/vmctl-devmodel not built"
[ -c /dev/net/tun ] || skip_all "no /dev/net/tun"
command -v ip > /dev/null || skip_all "no ip(8)"

. "$top_srcdir/tests/hvm/nic_net.sh"
ns=$nic_ns br=$nic_br
trap 'nic_net_cleanup; _host_cleanup' EXIT
nic_net_setup || bail_out "cannot set up the test network"

host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

# link_gone IFNAME: wait (bounded) until the interface is gone.
link_gone() {
	for _ in $(seq 50); do
		ip link show "$1" > /dev/null 2>&1 || return 0
		sleep 0.1
	done
	return 1
}

# nic_test MODEL MAC
nic_test() {
	local model=$1 mac=$2 name=nic-$1 id tap st
	nic_cfg "$name" "$model" "$model" "$mac" > "$name.cfg"
	xl create "$name.cfg" > create.out 2>&1
	st=$?
	is "$st" 0 "$model: xl create of an hvm domain with vif model=$model"
	if [ "$st" != 0 ]; then
		sed 's/^/# /' create.out
		return
	fi
	id=$(xl domid "$name")
	tap=vif$id.0-emu
	like "$(ip -o link show "$tap" 2>&1)" "master $br" "$model: tap $tap is a port of bridge $br"
	ok "$model: the guest reads the MAC of the config" \
		dmesg_has "\\(d$id\\) nic guest: $model mac $mac"
	ok "$model: the host answers its ARP request" \
		dmesg_has "\\(d$id\\) ok [0-9]+ - the host answers an ARP request"
	ok "$model: the host answers its ping" \
		dmesg_has "\\(d$id\\) ok [0-9]+ - the host answers an ICMP echo"
	ok "$model: its interrupt arrives through the PIIX3 routing" \
		dmesg_has "\\(d$id\\) ok [0-9]+ - the NIC interrupts through PIRQD"
	ok "$model: the guest serves" dmesg_has "\\(d$id\\) nic guest: serving"
	is "$(xl dmesg | grep "(d$id) not ok")" "" "$model: no test in the guest failed"
	ok "$model: the namespace pings the guest" \
		ip netns exec "$ns" python3 "$top_srcdir/tests/hvm/nic_ping.py" 10.213.0.2 3
	xl destroy "$name"
	ok "$model: xl destroy ends it" domain_gone "$name"
	ok "$model: and removes its tap" link_gone "$tap"
}

nic_test e1000 00:16:3e:5a:00:01
nic_test rtl8139 00:16:3e:5a:00:02

# A second vif with a model no device model has: create fails after the
# first tap was made, and takes it away again.
cat > bad.cfg <<CFG
type = "hvm"
name = "nic-bad"
memory = 16
kernel = "$guest"
cmdline = "e1000"
vif = [ 'model=e1000,bridge=$br', 'model=ne2k_pci,bridge=$br' ]
CFG
out=$(xl create bad.cfg 2>&1)
st=$?
ok "a vif with model=ne2k_pci fails the create" test "$st" != 0
like "$out" "ne2k_pci" "and says which model"
ok "and leaves no domain" domain_gone nic-bad
is "$(ip -o link show master "$br" | grep -c -- '-emu')" 0 "and no emulated NIC's tap"

host_stop a
ok "the host stopped cleanly" test $? = 0
done_testing
