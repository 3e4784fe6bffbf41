#!/bin/bash
# xl migrate of an hvm domain over loopback (tests/lib/hosts2.sh): the
# counting guest of hvm_save.sh (tests/save/hvm_guest) with its IDE disk
# moves a -> b -> a (stop and copy: no dirty log for hvm yet, so --live
# sends it paused too). After each move it runs on the target only, under
# the same UUID, counting on from where it was without booting again, its
# memory sum agreeing, its console answering and its disk reading back.
. "$top_srcdir/tests/lib/hosts2.sh"
. "$top_srcdir/tests/migrate/lib.sh"
guest="$top_builddir/tests/save/hvm_guest"
[ -f "$guest" ] || skip_all "tests/save/hvm_guest not built"
[ -x "$top_builddir/devmodel/vmctl-devmodel" ] || skip_all "devmodel/vmctl-devmodel not built"
hosts2_start_lo a b || bail_out "cannot start two hosts"
cd "$VMCTL_TEST_DIR"

# last_count HOST: the guest's last "count N" on HOST.
last_count() {
	grep -Eo 'hvmsave: count [0-9]+' "$VMCTL_TEST_DIR/$1/log/console/h1.log" 2>/dev/null |
		tail -1 | awk '{print $3}'
}

dd if=/dev/zero of=h1.img bs=1M count=1 2> /dev/null
cat > h1.cfg <<CFG
type = "hvm"
name = "h1"
memory = 32
kernel = "$guest"
cmdline = "count"
disk = [ 'format=raw, vdev=hda, access=rw, target=$VMCTL_TEST_DIR/h1.img' ]
CFG
on a "$XL_BIN" create h1.cfg > /dev/null 2>&1
ok "the guest counts on a" wait_lines a h1 'hvmsave: count [0-9]+ ticks [0-9]+ sum ok' 3
uuid=$(uuid_of a h1)
src=a dst=b
for how in --live --non-live; do
	what="$how $src -> $dst"
	c=$(last_count $src)
	boots=$(count_lines $dst h1 'hvmsave: boot'); boots=${boots:-0}
	bad=$(count_lines $dst h1 'sum BAD'); bad=${bad:-0}
	disk=$(count_lines $dst h1 'hvmsave: disk marker-5a17-written-before-save'); disk=${disk:-0}
	out=$(on $src "$XL_BIN" migrate "$how" h1 "$(hosts2_addr $dst)" 2>&1)
	like "$out" "^Migration successful" "$what: xl migrate: $out"
	ok "$what: gone from $src" not_on $src h1
	ok "$what: runs on $dst" dom_on $dst h1
	is "$(uuid_of $dst h1)" "$uuid" "$what: same UUID"
	ok "$what: it counts on from where it was" \
		wait_lines $dst h1 "hvmsave: count $(( c + 2 )) ticks [0-9]+ sum ok" 1
	is "$(count_lines $dst h1 'hvmsave: boot')" "$boots" "$what: without booting again"
	is "$(count_lines $dst h1 'sum BAD')" "$bad" "$what: its memory sum agrees"
	printf r | on $dst timeout 5 "$XL_BIN" console h1 > /dev/null 2>&1
	ok "$what: its disk reads back through its console" \
		wait_lines $dst h1 'hvmsave: disk marker-5a17-written-before-save' $(( disk + 1 ))
	tmp=$src; src=$dst; dst=$tmp
done
ok "xl destroy" on $src "$XL_BIN" destroy h1
hosts2_stop
ok "both hosts stop, leaving nothing behind" test $? = 0
done_testing
