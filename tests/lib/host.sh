# Private vmctl "hosts" for integration tests.
#
#   . "$top_srcdir/tests/lib/host.sh"
#   host_start a          # vmhv + xld with their own run, state and log dirs
#   host_use a            # point VMCTL_RUNDIR & co (and so `xl`) at host a
#   xl list               # the build tree's xl
#   host_stop a           # SIGTERM, then SIGKILL; fails if anything is left
#
# Several hosts may run at once (migration tests use two). Everything lives in
# one temporary directory that an EXIT trap stops and removes, so a failing
# test leaves no process behind. VMCTL_TEST_KEEP=1 keeps the directory.
: "${top_builddir:?run from make check}"
: "${top_srcdir:?run from make check}"
. "$top_srcdir/tests/lib/tap.sh"

VMCTL_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vmctl-test.XXXXXX")
VMHV="$top_builddir/hypervisor/vmhv"
XLD="$top_builddir/xld/xld"
XL_BIN="$top_builddir/xl/xl"
export VMCTL_BUILDDIR="$top_builddir" VMCTL_SRCDIR="$top_srcdir"
_host_names=""

xl() { "$XL_BIN" "$@"; }

# wait_for PATH [SECONDS]: wait until a socket or file exists.
wait_for() {
	local path=$1 tries=$(( ${2:-10} * 20 ))
	while [ ! -e "$path" ] && [ "$tries" -gt 0 ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	[ -e "$path" ]
}

# file_has FILE REGEX [TRIES]: wait (bounded, 50 ms a try, 200 tries by
# default) until a line of FILE matches the extended REGEX.
file_has() {
	local i
	for i in $(seq "${3:-200}"); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# console_has NAME REGEX [TRIES]: the same for domain NAME's console log.
console_has() { file_has "$VMCTL_LOGDIR/console/$1.log" "$2" "${3:-200}"; }

# vnc_port_of DOMID: wait (bounded, 200 tries of 50 ms) for the domain's
# console/vnc-port in xenstore (xenstore-utils) and print it.
vnc_port_of() {
	local i
	for i in $(seq 200); do
		xenstore-read "/local/domain/$1/console/vnc-port" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# dmesg_has REGEX [TRIES]: the same for `xl dmesg` (1200 tries by default:
# the soft CPU's firmware and device models print there slowly).
dmesg_has() {
	local i
	for i in $(seq "${2:-1200}"); do
		"$XL_BIN" dmesg | grep -Eq -- "$1" && return 0
		sleep 0.05
	done
	return 1
}

# domain_gone NAME [TRIES]: wait (bounded, 400 tries of 50 ms by default)
# until `xl domid NAME` no longer finds the domain.
domain_gone() {
	local i
	for i in $(seq "${2:-400}"); do
		"$XL_BIN" domid "$1" > /dev/null 2>&1 || return 0
		sleep 0.05
	done
	return 1
}

# shell_with_backend NAME BACKEND: create vmctl's kernel in its shell as
# domain NAME, paused; start the test backend BACKEND on it (its output in
# NAME.backend, its pid in $backend_pid), and unpause the domain once the
# backend says "ready", so the frontends find their devices at boot.
shell_with_backend() {
	printf 'name = "%s"\nkernel = "%s"\nmemory = 32\nextra = "mode=shell"\n' \
		"$1" "$top_builddir/guests/vmctl-kernel" > "$1.cfg"
	xl create -p "$1.cfg" > /dev/null 2>&1
	local id
	id=$(xl domid "$1")
	ok "the domain is created paused" test -n "$id"
	"$2" "$id" > "$1.backend" 2>&1 &
	backend_pid=$!
	ok "the test backend publishes its devices" file_has "$1.backend" "^ready"
	xl unpause "$1"
}

_host_dir() { echo "$VMCTL_TEST_DIR/$1"; }

host_use() {
	local d
	d=$(_host_dir "$1")
	export VMCTL_RUNDIR="$d/run" VMCTL_STATEDIR="$d/state" VMCTL_LOGDIR="$d/log"
	export XENSTORED_PATH="$d/run/xenstored/socket"
}

# host_start NAME [extra xld args...]
host_start() {
	local name=$1 d
	shift
	d=$(_host_dir "$name")
	mkdir -p "$d/run" "$d/state" "$d/log"
	host_use "$name"
	"$VMHV" --rundir "$d/run" --foreground --log "$d/log/vmhv.log" &
	echo $! > "$d/vmhv.pid"
	_host_names="$_host_names $name"
	if ! wait_for "$d/run/privcmd"; then
		echo "# vmhv of host $name did not start; its log:"; sed 's/^/#   /' "$d/log/vmhv.log"
		return 1
	fi
	# (HOST_XLD_WRAP: a command prefix, e.g. hosts2.sh's nsenter into a netns)
	${HOST_XLD_WRAP:-} "$XLD" --rundir "$d/run" --statedir "$d/state" --logdir "$d/log" --foreground "$@" &
	echo $! > "$d/xld.pid"
	if ! wait_for "$d/run/xld.sock"; then
		echo "# xld of host $name did not start; its log:"; sed 's/^/#   /' "$d/log/xld.log"
		return 1
	fi
}

# _stop_pid FILE: SIGTERM, wait up to 5 s, then SIGKILL. Returns 1 if it had to kill.
_stop_pid() {
	local pidf=$1 pid i
	[ -f "$pidf" ] || return 0
	pid=$(cat "$pidf")
	rm -f "$pidf"
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 1
}

# Processes whose command line or environment names this host's directory
# (guest processes, device models, VNC servers all get it through VMCTL_RUNDIR).
host_leftovers() {
	local d pid
	d=$(_host_dir "$1")
	for pid in $(ls /proc | grep -E '^[0-9]+$'); do
		[ "$pid" = "$$" ] && continue
		if { tr '\0' '\n' < "/proc/$pid/environ"; } 2>/dev/null | grep -qF "$d/" ||
		   { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -qF "$d/"; then
			echo "$pid $({ tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null)"
		fi
	done
}

# host_stop NAME: stop xld then vmhv; fails if either needed SIGKILL or if
# any process of the host is left.
host_stop() {
	local d rc=0 left
	d=$(_host_dir "$1")
	_stop_pid "$d/xld.pid" || rc=1
	_stop_pid "$d/vmhv.pid" || rc=1
	left=$(host_leftovers "$1" | grep -v "^$BASHPID " || true)
	if [ -n "$left" ]; then
		echo "# host $1 left processes behind:"; echo "$left" | sed 's/^/#   /'
		echo "$left" | awk '{print $1}' | xargs -r kill -KILL 2>/dev/null
		rc=1
	fi
	_host_names=$(echo "$_host_names" | sed "s/ $1\b//")
	return $rc
}

host_log() {
	sed 's/^/#   /' "$(_host_dir "$1")/log/$2"
}

_host_cleanup() {
	local n
	for n in $_host_names; do host_stop "$n" > /dev/null 2>&1; done
	[ -n "${VMCTL_TEST_KEEP:-}" ] || rm -rf "$VMCTL_TEST_DIR"
}
trap _host_cleanup EXIT
