#!/bin/bash
# fbfront and kbdfront end to end: an xl-created domain in its shell, served
# by the test backend tests/kernel/testback/fbback, which checks the test picture
# in the guest's framebuffer and the UPDATE events, sends a key press and a
# pointer position, and checks the redraw; the guest prints each input
# event on its console.
. "$top_srcdir/tests/lib/host.sh"
fbback="$top_builddir/tests/kernel/testback/fbback"
[ -f "$top_builddir/guests/vmctl-kernel" ] || skip_all "guests/vmctl-kernel not built"
[ -x "$fbback" ] || skip_all "tests/kernel/testback/fbback not built"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

shell_with_backend f1 "$fbback"
log="$VMCTL_LOGDIR/console/f1.log"
wait $backend_pid
st=$?
tap_verdicts < f1.backend
is "$st" 0 "the test backend is satisfied"
ok "fbfront reports its mode" file_has "$log" "^fb: device/vfb/0 800x600, 32 bpp"
ok "the key press is printed on the console" file_has "$log" "kbd: key 30 down"
ok "the pointer position is printed on the console" file_has "$log" "kbd: pointer at 400,300"
xl destroy f1
host_stop a
done_testing
