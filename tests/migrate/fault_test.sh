#!/bin/bash
# Migrations that fail: whatever breaks, the domain keeps running on the
# source (resumed if it was suspended, every page intact) and the target
# is left with nothing (no domain, no state file, no journal):
#   - a corrupted stream (a relay flips one byte: the CRC catches it)
#   - the link cut mid-stream (veth down; both sides give up after
#     --migrate-timeout)
#   - the target's xld killed mid-stream (the next xld destroys the
#     half-built domain from its journal)
#   - the target's disk full
#   - the target refusing at once (the name is taken there)
# The link is slowed down (tc) so that "mid-stream" lasts long enough.
. "$top_srcdir/tests/lib/hosts2.sh" net
. "$top_srcdir/tests/migrate/lib.sh"
command -v python3 > /dev/null || skip_all "python3 not installed"
command -v tc > /dev/null || skip_all "tc (iproute2) not installed"
hosts2_start_net a b --migrate-timeout 3 || bail_out "cannot start two hosts in network namespaces"
cd "$VMCTL_TEST_DIR"
B=$VMCTL_TEST_DIR/b

# Nothing of a migration is left on host b.
b_clean() {
	[ "$(on b "$XL_BIN" list 2>/dev/null | wc -l)" = 2 ] &&
	[ -z "$(ls "$B/state/domains" 2>/dev/null)" ] &&
	[ -z "$(ls "$B/state/migrate-in" 2>/dev/null)" ]
}

# The guest still runs on a: a new periodic memdirty report comes, the
# pages all check out.
runs_on_a() {
	dom_on a f1 && wait_lines a f1 "memdirty: periodic" $(( $(count_lines a f1 "memdirty: periodic") + 1 )) &&
		no_mismatch a f1
}

# mig ARGS...: xl migrate on a; its output in $out.
mig() { out=$(on a "$XL_BIN" migrate "$@" 2>&1); }

# mig_bg ARGS...: the same in the background (output in mig.out), and
# return once b has accepted it (the stream is on its way).
mig_bg() {
	local before i
	before=$(grep -c "accepted" "$B/log/xld.log")
	on a "$XL_BIN" migrate "$@" > mig.out 2>&1 &
	mig_pid=$!
	for i in $(seq 200); do
		[ "$(grep -c "accepted" "$B/log/xld.log")" -gt "$before" ] && return 0
		sleep 0.05
	done
	return 1
}

memdirty_cfg f1 8
on a "$XL_BIN" create f1.cfg > /dev/null 2>&1
ok "the guest runs on a" wait_lines a f1 "memdirty: periodic round .*: ok" 1

# 1. A corrupted stream.
on a python3 "$top_srcdir/tests/migrate/flip_proxy.py" 10.77.0.1 9002 10.77.0.2 8002 300000 > proxy.out 2>&1 &
proxy=$!
wait_lines_file() { for i in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }
wait_lines_file proxy.out ready
mig f1 10.77.0.1:9002
wait $proxy
like "$out" "target host: record [0-9]+ \\(pages\\) at byte [0-9]+: checksum mismatch" \
	"a corrupted stream: xl migrate says which record the target found corrupt"
ok "corrupted stream: the domain runs on a" runs_on_a
ok "corrupted stream: nothing on b" b_clean

# The rest happens mid-stream: slow the link to ~16 Mbit/s (8 MiB take ~4 s).
on a tc qdisc add dev mig-a root tbf rate 16mbit burst 32kb latency 2s

# 2. The link cut mid-stream.
mig_bg f1 "$(hosts2_addr b)"
hosts2_link down
wait $mig_pid
is "$?" 1 "link cut: xl migrate fails"
diag "$(cat mig.out)"
ok "link cut: the domain runs on a" runs_on_a
hosts2_link up
for i in $(seq 100); do b_clean && break; sleep 0.1; done
ok "link cut: b gives up and keeps nothing" b_clean

# 3. The target's xld killed mid-stream (non-live: the guest is suspended
# while it goes, so a must resume it).
n=$(count_lines a f1 "resumed \\(suspend cancelled\\)")
mig_bg --non-live f1 "$(hosts2_addr b)"
hosts2_xld_kill b
wait $mig_pid
is "$?" 1 "target xld killed: xl migrate fails"
diag "$(cat mig.out)"
ok "target xld killed: the guest resumes on a" \
	wait_lines a f1 "resumed \\(suspend cancelled\\)" $((n + 1))
ok "target xld killed: the domain runs on a" runs_on_a
hosts2_xld_start b --migrate-timeout 3
like "$(cat "$B/log/xld.log")" "destroying domain [0-9]+: a migration into it did not finish" \
	"target xld killed: the next xld destroys the half-built domain"
ok "target xld killed: nothing left on b" b_clean
on a tc qdisc del dev mig-a root

# 4. The target's disk full (its state directory on a small tmpfs).
mount -t tmpfs -o size=256k tmpfs "$B/state" &&
	{ dd if=/dev/zero of="$B/state/fill" bs=4k 2> /dev/null; true; }
mig f1 "$(hosts2_addr b)"
like "$out" "target host: .*No space left on device" "disk full: xl migrate says so"
ok "disk full: the domain runs on a" runs_on_a
rm -f "$B/state/fill"
ok "disk full: nothing on b" b_clean
umount "$B/state"

# 5. The target refuses before any byte of the stream: the name is taken
# there. (Not enough memory is refused the same way, at HELLO; on one
# machine no domain can run on a that b lacks the memory for.)
printf 'name = "f1"\nkernel = "%s"\nmemory = 32\nextra = "mode=shell"\n' "$kernel" > f1b.cfg
on b "$XL_BIN" create f1b.cfg > /dev/null 2>&1
mig f1 "$(hosts2_addr b)"
like "$out" "target host: a domain named f1 exists already" "name taken on b: xl migrate says so"
ok "name taken on b: the domain runs on a" runs_on_a
ok "name taken on b: b's own f1 is untouched" dom_on b f1
on b "$XL_BIN" destroy f1
ok "name taken on b: nothing else is there" b_clean

on a "$XL_BIN" destroy f1
hosts2_stop
is "$?" 0 "both hosts stop cleanly, nothing left behind"
done_testing
