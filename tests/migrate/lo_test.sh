#!/bin/bash
# Migration on loopback between two hosts on this machine: a 2-vCPU guest
# dirtying memory, with a disk, moves a -> b -> a -> b -> a, over TCP and
# through `xl migrate -s` (a fake ssh), stopped first (--non-live) and live.
# After each move it runs on the target only, under the same name and
# UUID, every page it wrote checks out (memdirty's after-resume report),
# and at the end its disk holds what it wrote on every host. A migration
# to its own host is refused.
. "$top_srcdir/tests/lib/hosts2.sh"
. "$top_srcdir/tests/migrate/lib.sh"
command -v python3 > /dev/null || skip_all "python3 not installed"
hosts2_start_lo a b || bail_out "cannot start two hosts"
cd "$VMCTL_TEST_DIR"
ssh=$(hosts2_ssh)

# A peer that is no migration source: b answers with an ERROR, logs why,
# and goes on (garbage, then a HELLO whose CRC is wrong).
garbage() {	# garbage ADDR:PORT BYTES-AS-PYTHON-EXPR
	python3 -c 'import socket, sys, os
h, p = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((h, int(p)), timeout=10)
s.sendall(eval(sys.argv[2]))
print(s.recv(4096)[24:].decode("utf-8", "replace"))' "$@"
}
like "$(garbage "$(hosts2_addr b)" 'os.urandom(2000)')" "not a vmctl migration peer" \
	"random bytes on b's migration port get an error answer"
like "$(garbage "$(hosts2_addr b)" 'b"VMIG\x01\x00\x01\x00\x60\x00\x00\x00\x00\x00\x00\x00" + bytes(96)')" \
	"hello message: checksum mismatch" "a HELLO with a bad checksum gets an error answer"
ok "b's xld still serves" on b "$XL_BIN" list

memdirty_cfg m1 4
on a "$XL_BIN" create m1.cfg > /dev/null 2>&1
ok "the guest runs on a" wait_lines a m1 "memdirty: periodic round .*: ok" 1
uuid=$(uuid_of a m1)
src=a dst=b
i=0
for how in "--non-live tcp" "--non-live ssh" "--live tcp" "--live ssh"; do
	i=$((i + 1))
	set -- $how
	what="move $i ($1 over $2, $src -> $dst)"
	console $src m1 "blk write 0 $((i * 8)) $((0x40 + i)) 8"
	ok "$what: the guest writes its disk first" \
		wait_lines $src m1 "wrote 8 sectors at $((i * 8)): ok" 1
	resumed=$(count_lines $dst m1 "memdirty: after-resume")
	if [ "$2" = tcp ]; then
		out=$(on $src "$XL_BIN" migrate "$1" m1 "$(hosts2_addr $dst)" 2>&1)
	else
		out=$(on $src "$XL_BIN" migrate "$1" -s "$ssh" m1 $dst 2>&1)
	fi
	like "$out" "^Migration successful: downtime [0-9.]+ ms, total time [0-9.]+ s" \
		"$what: xl migrate reports downtime and total time"
	ok "$what: m1 is gone from $src" not_on $src m1
	ok "$what: m1 runs on $dst" dom_on $dst m1
	is "$(uuid_of $dst m1)" "$uuid" "$what: same UUID"
	ok "$what: the guest resumed with every page intact" \
		wait_lines $dst m1 "memdirty: after-resume .*: ok \\(0 bad\\)" $((resumed + 1))
	ok "$what: no page ever mismatched" no_mismatch $dst m1
	tmp=$src; src=$dst; dst=$tmp
done
# xld asked through the guest's suspend event channel, never xenstore.
# (A line may show twice: printed just before the suspend, it can still be
# in the console ring that moves with the memory.)
ok "the moves asked the guest to suspend through its suspend event channel" \
	eval '[ "$(count_lines a m1 "suspend requested on the event channel")" -ge 1 ] &&
	      [ "$(count_lines b m1 "suspend requested on the event channel")" -ge 1 ]'
is "$(( $(count_lines a m1 "shutdown request 'suspend'") + $(count_lines b m1 "shutdown request 'suspend'") ))" \
	0 "... and never through control/shutdown"
# Read back what it wrote on every host.
for j in $(seq $i); do
	want=$(python3 -c "import zlib; print('%08x' % zlib.crc32(bytes([0x40 + $j]) * 4096))")
	console $src m1 "blk read 0 $((j * 8)) 8"
	ok "the disk write made before move $j is there" \
		wait_lines $src m1 "read 8 sectors at $((j * 8)): ok, crc32 $want" 1
done
out=$(on $src "$XL_BIN" migrate -s "$ssh" m1 nohost 2>&1)
like "$out" "target host: the peer closed the connection" \
	"an ssh command that fails: xl migrate says the target went away"
ok "and the domain runs on" dom_on $src m1
# An ssh gone before xl hands it xld's first bytes: that write fails, and
# xl still waits for xld to name the failure (it used to stop silently).
gone=$VMCTL_TEST_DIR/ssh-gone
printf '#!/bin/sh\nexec 0<&-\nsleep 1\nexit 255\n' > "$gone"
chmod +x "$gone"
out=$(on $src "$XL_BIN" migrate -s "$gone" m1 anyhost 2>&1)
like "$out" "target host: the peer closed the connection" \
	"an ssh that closed its input at once: xl migrate says the target went away"
ok "and the domain runs on" dom_on $src m1
# To its own host: refused before anything is sent.
suspends=$(count_lines $src m1 "suspending")
port=$(hosts2_addr $src | sed 's/.*://')
out=$(on $src "$XL_BIN" migrate m1 "localhost:$port" 2>&1)
is "$?" 1 "a migration to the same host fails"
like "$out" "localhost:$port is this host's own xld: migration to the same host is not supported" \
	"... saying so"
ok "... and the domain runs on, never suspended" \
	eval 'dom_on $src m1 && [ "$(count_lines $src m1 suspending)" = "$suspends" ]'
on $src "$XL_BIN" destroy m1
hosts2_stop
is "$?" 0 "both hosts stop cleanly, nothing left behind"
done_testing
