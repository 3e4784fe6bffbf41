#!/bin/bash
# Live migration over TCP on loopback between two hosts on this machine: a
# 2-vCPU guest dirtying memory, with a disk, goes a -> b -> a -> b; after
# each move it runs on the target only, under the same name and UUID,
# every page it wrote checks out (memdirty's after-resume report) and the
# disk keeps what it wrote before.
. "$top_srcdir/tests/lib/hosts2.sh"
. "$top_srcdir/tests/migrate/lib.sh"
hosts2_start_lo a b || bail_out "cannot start two hosts"
cd "$VMCTL_TEST_DIR"

memdirty_cfg m1 4
on a "$XL_BIN" create m1.cfg > /dev/null 2>&1
ok "the guest runs on a" wait_lines a m1 "memdirty: periodic round .*: ok" 1
uuid=$(uuid_of a m1)
src=a dst=b
for i in 1 2 3; do
	console $src m1 "blk write 0 $((i * 8)) $((0x40 + i)) 8"
	ok "move $i: the guest writes its disk on $src" \
		wait_lines $src m1 "wrote 8 sectors at $((i * 8)): ok" 1
	resumed=$(count_lines $dst m1 "memdirty: after-resume")
	out=$(on $src "$XL_BIN" migrate m1 "$(hosts2_addr $dst)" 2>&1)
	like "$out" "^Migration successful: downtime [0-9.]+ ms, total time [0-9.]+ s" \
		"move $i: xl migrate m1 $src -> $dst reports downtime and total time"
	ok "move $i: m1 is gone from $src" not_on $src m1
	ok "move $i: m1 runs on $dst" dom_on $dst m1
	is "$(uuid_of $dst m1)" "$uuid" "move $i: same UUID on $dst"
	ok "move $i: the guest resumed on $dst with every page intact" \
		wait_lines $dst m1 "memdirty: after-resume .*: ok \\(0 bad\\)" $((resumed + 1))
	ok "move $i: no page ever mismatched" no_mismatch $dst m1
	tmp=$src; src=$dst; dst=$tmp
done
# $src now runs it: read back what every host had it write.
for i in 1 2 3; do
	console $src m1 "blk read 0 $((i * 8)) 8"
	want=$(python3 -c "import zlib,sys; print('%08x' % zlib.crc32(bytes([0x40 + $i]) * 4096))")
	ok "the disk write made before move $i is there" \
		wait_lines $src m1 "read 8 sectors at $((i * 8)): ok, crc32 $want" 1
done
on $src "$XL_BIN" destroy m1
hosts2_stop
is "$?" 0 "both hosts stop cleanly, nothing left behind"
done_testing
