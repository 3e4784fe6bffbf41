#!/bin/bash
# xl save / xl restore of an hvm domain (docs/migration-stream.md "hvm
# domains"): tests/save/hvm_guest counts on its PIT and prints on COM1
# (the device model's 16550) and has written a marker to its IDE disk;
# its second vCPU waits for a SIPI (it is carried waiting).
# Saved and restored, it goes on counting from where it was (no second
# boot), its timer interrupts keep coming, its memory sum still agrees,
# the serial console answers both ways, the disk reads back; corrupted
# hvm state is refused with a reason and leaves nothing; destroy after
# restore leaves nothing.
. "$top_srcdir/tests/save/lib.sh"
guest="$top_builddir/tests/save/hvm_guest"
dm="$top_builddir/devmodel/vmctl-devmodel"
[ -f "$guest" ] || skip_all "tests/save/hvm_guest not built"
[ -x "$dm" ] || skip_all "devmodel/vmctl-devmodel not built"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"
py="$top_srcdir/tests/save/hvm_stream.py"

# say NAME TEXT: type TEXT on the domain's console.
say() { printf '%s' "$2" | timeout 5 "$XL_BIN" console "$1" > /dev/null 2>&1; }

# last_count NAME: the guest's last "count N" on its console.
last_count() { grep -Eo 'hvmsave: count [0-9]+' "$VMCTL_LOGDIR/console/$1.log" | tail -1 | awk '{print $3}'; }

dd if=/dev/zero of=h1.img bs=1M count=1 2> /dev/null
cat > h1.cfg <<CFG
type = "hvm"
name = "h1"
memory = 32
vcpus = 2
kernel = "$guest"
cmdline = "count"
disk = [ 'format=raw, vdev=hda, access=rw, target=$VMCTL_TEST_DIR/h1.img' ]
CFG
xl create h1.cfg > create.out 2>&1
is "$?" 0 "xl create of the counting hvm guest"
ok "it wrote its disk" console_has h1 'hvmsave: disk written' 1200
ok "it counts on its timer" console_has h1 'hvmsave: count 3 ticks [0-9]+ sum ok' 1200
say h1 x
ok "it answers on xl console" console_has h1 'hvmsave: got x' 600

out=$(xl save h1 h1.save 2>&1)
is "$?" 0 "xl save of the hvm domain: $out"
ok "the domain is gone after the save" domain_gone h1
ok "the marker is on the disk image" grep -q marker-5a17-written-before-save h1.img
recs=$("$py" records h1.save)
like "$recs" "^1 2 3 .*5 8 9( 9)* 0$" "the stream: domain, config, pages, hvm params, context, emulator, end ($recs)"
before=$(last_count h1)
m=$(mark h1)

out=$(xl restore h1.save 2>&1)
is "$?" 0 "xl restore: $out"
ok "it counts on after the restore" console_after h1 "$m" "hvmsave: count $(( before + 2 )) ticks [0-9]+ sum ok"
ok "without booting again" eval "[ \$(grep -c 'hvmsave: boot' \"$VMCTL_LOGDIR/console/h1.log\") = 1 ]"
ok "no count went backwards or was skipped" eval "tail -n +$(( m + 1 )) \"$VMCTL_LOGDIR/console/h1.log\" | grep -Eo 'count [0-9]+' | head -1 | grep -qx 'count $(( before + 1 ))'"
ok "its memory sum still agrees" eval "! tail -n +$(( m + 1 )) \"$VMCTL_LOGDIR/console/h1.log\" | grep -q 'sum BAD'"
say h1 y
ok "xl console still works both ways" console_after h1 "$m" 'hvmsave: got y'
say h1 r
ok "the disk written before the save reads back" console_after h1 "$m" 'hvmsave: disk marker-5a17-written-before-save'

ok "a second save (-c: it keeps running)" xl save -c h1 h1b.save
m=$(mark h1)
c=$(last_count h1)
ok "after save -c it counts on in place" console_after h1 "$m" "hvmsave: count $(( c + 2 )) "
ok "xl destroy after the restore" xl destroy h1
ok "leaves nothing" nothing_left
ok "no device model is left" eval "! ls $VMCTL_RUNDIR/devmodel.* > /dev/null 2>&1"

# restore_fails FILE REGEX WHAT
restore_fails() {
	local out rc
	out=$(xl restore "$1" 2>&1)
	rc=$?
	ok "$3: restore fails" test "$rc" -ne 0
	like "$out" "$2" "$3: the message says why: $out"
	ok "$3: nothing is created" nothing_left
}
"$py" corrupt h1.save pit.save pit
restore_fails pit.save "hvm context" "a PIT channel in mode 7 (checksums right)"
# vCPU state no CPU could be in, refused as Xen's HVM context load does
# (vmhv's log says which value)
for bad in "cr0:CR0 is invalid:CR0 with paging on and protection off" \
	   "mxcsr:MXCSR has a reserved bit:a reserved MXCSR bit" \
	   "cs:CS is not a present code segment:a data segment in CS in protected mode"; do
	IFS=: read -r what why desc <<< "$bad"
	"$py" corrupt h1.save "$what.save" "$what"
	restore_fails "$what.save" "hvm context" "$desc"
	ok "$desc: vmhv's log says why" file_has "$VMCTL_LOGDIR/vmhv.log" "hvm context refused: a vCPU's $why" 1
done
"$py" corrupt h1.save emu.save emulator
restore_fails emu.save "device model" "device model state for a device nobody has"
ok "no device model is left after the failed restores" eval "! ls $VMCTL_RUNDIR/devmodel.* > /dev/null 2>&1"

host_stop a
ok "the host stops cleanly" test $? = 0
done_testing
