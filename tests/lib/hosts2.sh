# Two vmctl hosts on one machine, for migration tests (an extension of
# host.sh, which it sources).
#
#   . "$top_srcdir/tests/lib/hosts2.sh" net   # (or without "net": lo only)
#   hosts2_start_net a b        # a and b, each xld in its own network
#                               # namespace, joined by a veth pair
#   hosts2_start_lo a b         # both on this namespace's loopback
#   xl migrate d1 "$(hosts2_addr b)"
#   hosts2_in a CMD...          # run CMD in host a's namespace, as host a
#   hosts2_link down|up         # cut / restore the link between a and b
#   hosts2_xld_kill b; hosts2_xld_start b   # crash and restart b's xld
#   "$(hosts2_ssh)"             # a fake ssh: `fake-ssh HOST CMD...` runs CMD
#                               # as host HOST (no sshd here)
#   hosts2_stop                 # stop both; fails if anything is left
#
# The net variant: the veth pair mig-a (in a's namespace) / mig-b (in b's)
# is a port of a bridge xenbr0 in each namespace, so the two xenbr0 are one
# segment, as two Xen hosts on one LAN: a's xenbr0 is 10.77.0.1/24, b's
# 10.77.0.2/24, and a guest with a vif on xenbr0 is reachable from both
# sides wherever it runs. Every xld listens for migrations on its address,
# port 8002. The namespaces are held by two `sleep` processes started here
# and vanish with them (the veth pair and bridges with them); the whole
# test already runs in a private namespace, so the host's own network is
# never touched.
#
# The lo variant needs no privilege beyond host.sh's: both xlds listen on
# 127.0.0.1 on a port the kernel picks (xld writes it to
# $VMCTL_RUNDIR/migrate-listen).

# `. hosts2.sh net` re-executes the calling test in a private network (and
# mount) namespace first (root only, else it skips), before host.sh makes
# its temporary directory: that belongs to the inner run. (A test may mount
# a small tmpfs there to fill a host's disk: it vanishes with the test.)
if [ "${1:-}" = net ] && [ -z "${VMCTL_HOSTS2_NS:-}" ]; then
	. "$top_srcdir/tests/lib/tap.sh"
	[ "$(id -u)" = 0 ] || skip_all "network namespaces need root"
	for _c in unshare nsenter ip; do
		command -v $_c > /dev/null || skip_all "$_c not installed"
	done
	VMCTL_HOSTS2_NS=1 exec unshare --net --mount -- "$BASH" "$0"
	bail_out "cannot enter a private network namespace"
fi

. "$top_srcdir/tests/lib/host.sh"

HOSTS2_PORT=8002
_hosts2_a="" _hosts2_b=""

_hosts2_holder() { cat "$VMCTL_TEST_DIR/$1/netns.pid" 2>/dev/null; }

# hosts2_in NAME CMD...: CMD with host NAME's environment (and namespace).
hosts2_in() {
	local name=$1 pid
	shift
	pid=$(_hosts2_holder "$name")
	(
		host_use "$name"
		if [ -n "$pid" ]; then
			exec nsenter --net="/proc/$pid/ns/net" -- "$@"
		fi
		exec "$@"
	)
}

# A namespace held by a sleeping process; its pid in NAME/netns.pid.
_hosts2_netns() {
	local d=$VMCTL_TEST_DIR/$1
	mkdir -p "$d"
	env -u VMCTL_RUNDIR -u VMCTL_STATEDIR -u VMCTL_LOGDIR unshare --net -- sleep 1000000 &
	echo $! > "$d/netns.pid"
	# (unshare execs sleep once the namespace exists)
	local i
	for i in $(seq 100); do
		[ "$(readlink "/proc/$!/ns/net")" != "$(readlink /proc/self/ns/net)" ] && return 0
		sleep 0.02
	done
	return 1
}

# NAME IFNAME ADDR: the bridge xenbr0 with the veth end and the address.
_hosts2_net_setup() {
	hosts2_in "$1" sh -e -c "
		ip link set lo up
		ip link add xenbr0 type bridge
		ip link set '$2' master xenbr0
		ip addr add '$3/24' dev xenbr0
		ip link set '$2' up
		ip link set xenbr0 up"
}

_hosts2_addr_of() { [ "$1" = "$_hosts2_a" ] && echo 10.77.0.1 || echo 10.77.0.2; }

# hosts2_start_net A B [extra xld args...]
hosts2_start_net() {
	local a=$1 b=$2
	shift 2
	_hosts2_a=$a _hosts2_b=$b
	_hosts2_netns "$a" && _hosts2_netns "$b" || return 1
	ip link add mig-a type veth peer name mig-b || return 1
	ip link set mig-a netns "$(_hosts2_holder "$a")" &&
	ip link set mig-b netns "$(_hosts2_holder "$b")" || return 1
	_hosts2_net_setup "$a" mig-a 10.77.0.1 && _hosts2_net_setup "$b" mig-b 10.77.0.2 || return 1
	HOST_XLD_WRAP="nsenter --net=/proc/$(_hosts2_holder "$a")/ns/net --" \
		host_start "$a" --migrate-listen "10.77.0.1:$HOSTS2_PORT" "$@" || return 1
	HOST_XLD_WRAP="nsenter --net=/proc/$(_hosts2_holder "$b")/ns/net --" \
		host_start "$b" --migrate-listen "10.77.0.2:$HOSTS2_PORT" "$@"
}

# hosts2_start_lo A B [extra xld args...]
hosts2_start_lo() {
	local a=$1 b=$2
	shift 2
	_hosts2_a=$a _hosts2_b=$b
	host_start "$a" --migrate-listen 127.0.0.1:0 "$@" &&
	host_start "$b" --migrate-listen 127.0.0.1:0 "$@"
}

# hosts2_xld_kill NAME / hosts2_xld_start NAME [args]: kill host NAME's
# xld (SIGKILL, as a crash) and start a new one on the same directories,
# in the same namespace, listening as before.
hosts2_xld_kill() {
	local pidf=$VMCTL_TEST_DIR/$1/xld.pid
	kill -KILL "$(cat "$pidf")" 2>/dev/null
	wait "$(cat "$pidf")" 2>/dev/null
	rm -f "$pidf" "$VMCTL_TEST_DIR/$1/run/xld.sock"
}

hosts2_xld_start() {
	local name=$1 d=$VMCTL_TEST_DIR/$1 pid listen
	shift
	pid=$(_hosts2_holder "$name")
	listen=127.0.0.1:0
	[ -n "$pid" ] && listen="$(_hosts2_addr_of "$name"):$HOSTS2_PORT"
	${pid:+nsenter --net=/proc/$pid/ns/net --} "$XLD" --rundir "$d/run" --statedir "$d/state" \
		--logdir "$d/log" --foreground --migrate-listen "$listen" "$@" &
	echo $! > "$d/xld.pid"
	wait_for "$d/run/xld.sock"
}

# hosts2_addr NAME: where host NAME takes migrations (ADDR:PORT).
hosts2_addr() {
	local f=$VMCTL_TEST_DIR/$1/run/migrate-listen
	wait_for "$f" 5 && cat "$f"
}

# hosts2_link down|up: the veth pair between the two namespaces.  Up
# returns once a reaches b's migration port again: while the link was down
# a's neighbour entry for b went FAILED, and a connect right away would get
# "No route to host".
hosts2_link() {
	local addr i
	hosts2_in "$_hosts2_a" ip link set mig-a "$1" || return 1
	[ "$1" = up ] || return 0
	hosts2_in "$_hosts2_a" ip neigh flush all
	addr=$(hosts2_addr "$_hosts2_b") || return 1
	for i in $(seq 100); do
		hosts2_in "$_hosts2_a" timeout 1 bash -c "exec 3<> /dev/tcp/${addr%:*}/${addr##*:}" \
			2> /dev/null && return 0
		sleep 0.1
	done
	return 1
}

# The fake ssh: `fake-ssh [options] HOST COMMAND...` runs COMMAND (one
# shell string, as ssh does) with the environment of host HOST of this test,
# in its namespace, the build tree's xl first in PATH.
hosts2_ssh() {
	local f=$VMCTL_TEST_DIR/fake-ssh
	if [ ! -x "$f" ]; then
		cat > "$f" <<EOF
#!/bin/bash
while [ "\${1#-}" != "\$1" ]; do shift; done   # ssh options are ignored
host=\$1; shift
d="$VMCTL_TEST_DIR/\$host"
[ -d "\$d/run" ] || { echo "fake-ssh: no host \$host" >&2; exit 255; }
export VMCTL_RUNDIR="\$d/run" VMCTL_STATEDIR="\$d/state" VMCTL_LOGDIR="\$d/log"
export PATH="$top_builddir/xl:\$PATH"
pid=\$(cat "\$d/netns.pid" 2>/dev/null)
[ -n "\$pid" ] && exec nsenter --net="/proc/\$pid/ns/net" -- sh -c "\$*"
exec sh -c "\$*"
EOF
		chmod +x "$f"
	fi
	echo "$f"
}

# hosts2_stop: both hosts, then the namespaces. 1 if anything was left.
hosts2_stop() {
	local rc=0 n pid
	for n in $_hosts2_a $_hosts2_b; do
		host_stop "$n" || rc=1
	done
	for n in $_hosts2_a $_hosts2_b; do
		pid=$(_hosts2_holder "$n")
		[ -n "$pid" ] || continue
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		rm -f "$VMCTL_TEST_DIR/$n/netns.pid"
	done
	_hosts2_a="" _hosts2_b=""
	return $rc
}

_hosts2_cleanup() {
	hosts2_stop > /dev/null 2>&1
	_host_cleanup
}
trap _hosts2_cleanup EXIT
