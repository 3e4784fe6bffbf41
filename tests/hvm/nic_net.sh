# Sourced by tests/hvm/nic.sh and bench/nic_bench.sh: a bridge (no
# address) in our namespace for the emulated NICs' taps, and the host's
# end of the wire in a network namespace of its own, 10.213.0.1/24 (the
# NIC test guest is 10.213.0.2). nic_net_cleanup removes all of it.
nic_ns=vmnic$$ nic_br=vnbr$$ nic_veth=vnh$$ nic_peer=vng$$

nic_net_setup() {
	ip netns add "$nic_ns" && ip link add "$nic_br" type bridge &&
		ip link set "$nic_br" up &&
		ip link add "$nic_veth" type veth peer name "$nic_peer" netns "$nic_ns" &&
		ip link set "$nic_veth" master "$nic_br" up &&
		ip -n "$nic_ns" addr add 10.213.0.1/24 dev "$nic_peer" &&
		ip -n "$nic_ns" link set "$nic_peer" up && ip -n "$nic_ns" link set lo up
}

nic_net_cleanup() {
	ip netns del "$nic_ns" 2>/dev/null
	ip link del "$nic_veth" 2>/dev/null
	ip link del "$nic_br" 2>/dev/null
}

# nic_cfg NAME MODEL CMDLINE [MAC]: an hvm config for the NIC test guest.
nic_cfg() {
	cat <<CFG
type = "hvm"
name = "$1"
memory = 16
kernel = "$top_builddir/tests/hvm/guest/nicguest"
cmdline = "$3"
vif = [ 'model=$2,bridge=$nic_br${4:+,mac=$4}' ]
CFG
}

