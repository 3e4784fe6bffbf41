#!/bin/bash
# What must fail, fails cleanly: restoring a truncated, a corrupted or a
# foreign file, or a domain whose name is taken, creates nothing (no
# domain, no xenstore node, no state file) and says why; a save to a full
# disk fails with the reason, removes its partial file, and the guest keeps
# running in its own domain with its memory intact.
. "$top_srcdir/tests/save/lib.sh"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"
small="$VMCTL_TEST_DIR/small"
trap 'umount "$small" 2> /dev/null; _host_cleanup' EXIT

guest_create s1 32
ok "the workload runs" console_has s1 "memdirty: periodic round 1 .*: ok \\(0 bad\\)"
ok "a checkpoint to start from" xl save -c s1 good.save
size=$(stat -c %s good.save)

# A save to a full disk (a 1 MiB tmpfs; the image is about 4.5 MiB).
mkdir -p "$small"
if mount -t tmpfs -o size=1m tmpfs "$small" 2> /dev/null; then
	m=$(mark s1)
	out=$(xl save s1 "$small/s1.save" 2>&1)
	ok "a save to a full disk fails" test $? -ne 0
	like "$out" "No space left on device" "... saying why: $out"
	ok "... leaving no partial file" test -z "$(ls "$small")"
	ok "the guest is told the suspend was cancelled" \
		console_after s1 "$m" "resumed \\(suspend cancelled\\)"
	ok "... and keeps running with its memory intact" \
		console_after s1 "$m" "memdirty: after-resume .*: ok \\(0 bad\\)"
	like "$(state s1)" "^-?[rb]" "... not paused nor shut down: $(state s1)"
	umount "$small"
else
	ok "# SKIP cannot mount a tmpfs here (not root?)" true
fi
ok "xl destroy" xl destroy s1
ok "nothing is left before the restores (the check can fail)" nothing_left

# restore_fails FILE REGEX WHAT: restore fails with a message matching
# REGEX and creates nothing.
restore_fails() {
	local out rc
	out=$(xl restore "$1" 2>&1)
	rc=$?
	ok "$3: restore fails" test "$rc" -ne 0
	like "$out" "$2" "$3: the message says why: $out"
	ok "$3: nothing is created" nothing_left
}

head -c $(( size / 2 )) good.save > half.save
restore_fails half.save "truncated" "a file cut in half"
head -c $(( size - 8 )) good.save > end.save
restore_fails end.save "truncated" "a file without its end record"
head -c 20 good.save > header.save
restore_fails header.save "truncated" "a file cut inside the header"
cp good.save flip.save
at=$(( size / 2 ))
byte=$(od -An -tu1 -j $at -N1 good.save | tr -d ' ')
printf "\\x$(printf %02x $(( byte ^ 0x20 )))" | dd of=flip.save bs=1 seek=$at conv=notrunc 2> /dev/null
ok "the corrupted copy differs from the good one" bash -c "! cmp -s good.save flip.save"
restore_fails flip.save "checksum mismatch" "a flipped bit in a page"
head -c 4096 /dev/urandom > random.save
restore_fails random.save "not a vmctl domain stream" "random bytes"
restore_fails missing.save "cannot open" "a missing file"

# The name is taken: nothing new is made, the running domain is untouched.
xl create s1.cfg > /dev/null 2>&1
id=$(xl domid s1)
out=$(xl restore good.save 2>&1)
ok "a restore over a running domain of that name fails" test $? -ne 0
like "$out" "already exists" "... saying why: $out"
is "$(xl list | awk 'NR > 1' | wc -l)" 2 "... and makes no second domain"
is "$(xl domid s1)" "$id" "... and leaves the running one alone"
ok "xl destroy" xl destroy s1
ok "the good file still restores" xl restore good.save
ok "... and resumes" console_has s1 "resumed \\(new domain\\)"
ok "xl destroy" xl destroy s1
ok "host stops cleanly" host_stop a
done_testing
