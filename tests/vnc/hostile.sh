#!/bin/bash
# pvfb-vnc against a hostile frontend (tests/vnc/hostile_fb, dom0 playing a
# malicious guest of a paused domain): frame numbers outside the guest's
# memory, absurd sizes, a bad event channel are each refused with a log
# line; garbage on the out ring is survived; a good framebuffer is shown to
# a real client, changes without update events are found by scanning, and
# a RESIZE changes the client's screen. One pvfb-vnc
# process serves it all: it never crashed.
. "$top_srcdir/tests/lib/host.sh"
kernel="$top_builddir/guests/vmctl-kernel"
client="$top_builddir/tests/vnc/vnc_client"
hostile="$top_builddir/tests/vnc/hostile_fb"
[ -f "$kernel" ] || skip_all "guests/vmctl-kernel not built"
[ -x "$client" ] || skip_all "tests/vnc/vnc_client not built (no libvncclient)"
command -v xenstore-read > /dev/null || skip_all "xenstore-utils not installed"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

printf 'name = "h1"\nkernel = "%s"\nmemory = 32\nvnc = 1\n' "$kernel" > h1.cfg
ok "xl create -p of a guest with vnc=1" xl create -p h1.cfg
id=$(xl domid h1)
log="$VMCTL_LOGDIR/pvfb-vnc.$id.0.log"
for i in $(seq 100); do
	[ "$(xenstore-read /local/domain/0/backend/vfb/$id/0/state 2>/dev/null)" = 2 ] && break
	sleep 0.05
done
pid=$(pgrep -f "pvfb-vnc --domid $id --devid 0 --rundir $VMCTL_RUNDIR\$")
ok "pvfb-vnc waits for the frontend (InitWait)" test -n "$pid"

"$hostile" "$id" "$log" refuse > refuse.out 2> refuse.err
tap_verdicts < refuse.out
"$hostile" "$id" "$log" connect > connect.out 2> connect.err
tap_verdicts < connect.out
port=$(xenstore-read /local/domain/$id/console/vnc-port)
ok "a client sees the 64x64 green framebuffer" \
	"$client" 127.0.0.1:"$port" size 64 64 pixel 10 10 00ff00 pixel 63 63 00ff00
# Without update events (feature-update=0) pvfb-vnc scans the memory while
# someone watches: a viewer waits for blue, the "guest" paints, says nothing.
"$client" 127.0.0.1:"$port" pixel 10 10 00ff00 pixel 10 10 0000ff > paint.out 2>&1 &
viewer=$!
for i in $(seq 200); do grep -q "is 00ff00" paint.out && break; sleep 0.05; done
"$hostile" "$id" "$log" paint 0000ff
wait $viewer
is "$?" 0 "a frontend without update events: a viewer sees what it paints"
"$hostile" "$id" "$log" resize 32 48 32
ok "after a RESIZE the client's screen is 32x48" "$client" 127.0.0.1:"$port" size 32 48 pixel 5 5 0000ff
# 16 bits per pixel (RGB 565): the same bytes, read as pairs of pixels:
# 0x00ff (blue 31, green 7) then 0x0000.
"$hostile" "$id" "$log" resize 40 30 16
ok "a RESIZE to 16 bpp: the client sees RGB 565 pixels" \
	"$client" 127.0.0.1:"$port" size 40 30 pixel 0 0 001cff pixel 1 0 000000
"$hostile" "$id" "$log" kbd-refuse > kbd.out 2> kbd.err
tap_verdicts < kbd.out
is "$(pgrep -f "pvfb-vnc --domid $id --devid 0 --rundir $VMCTL_RUNDIR\$")" "$pid" \
	"the same pvfb-vnc process served it all"
ok "xld saw no death" sh -c "! grep -q 'pvfb-vnc $id.0: pid .* \(killed\|exited\)' '$VMCTL_LOGDIR/xld.log'"
is "$(grep -E '^(Seccomp|NoNewPrivs):' /proc/$pid/status | tr '\t\n' '  ' | tr -s ' ')" \
	'NoNewPrivs: 1 Seccomp: 2 ' "pvfb-vnc runs under a seccomp filter, without new privileges"
files=$(for f in /proc/$pid/fd/*; do readlink "$f"; done | grep '^/' |
	grep -v -e '^/memfd:' -e '^/dev/null$' -e "^$log\$")
is "$files" "" "it holds no file open but its log, /dev/null and the guest's memory"

ok "xl destroy h1" xl destroy h1
ok "the host stops with nothing left behind" host_stop a
done_testing
