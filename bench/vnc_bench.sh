#!/bin/bash
# pvfb-vnc's benchmarks (bench/vnc_perf): a private host runs the vmctl PV
# kernel with a 1024x768x32 framebuffer (fb-width=, fb-height=); a real RFB
# client measures pointer -> guest-drawn cursor -> update round trips and
# the full-screen update rate, each beside loopback TCP in the same run.
: "${top_builddir:?run from make bench}"
export top_srcdir top_builddir
. "$top_srcdir/tests/lib/host.sh" > /dev/null
perf="$top_builddir/bench/vnc_perf"
[ -x "$perf" ] || { echo "bench/vnc_perf not built (libvncclient missing?)" >&2; exit 0; }
host_start bench > /dev/null || exit 1
cd "$VMCTL_TEST_DIR"
printf 'name = "vb"\nkernel = "%s"\nmemory = 64\nvnc = 1\nextra = "mode=shell fb-width=1024 fb-height=768"\n' \
	"$top_builddir/guests/vmctl-kernel" > vb.cfg
xl create vb.cfg > /dev/null || { host_stop bench > /dev/null; exit 1; }
id=$(xl domid vb)
for i in $(seq 200); do
	grep -q "^kbd: device/vkbd/0 connected" "$VMCTL_LOGDIR/console/vb.log" 2>/dev/null && break
	sleep 0.05
done
port=$(xenstore-read /local/domain/$id/console/vnc-port)
rc=0
"$perf" 127.0.0.1:"$port" rtt "${VNC_BENCH_MOVES:-300}" || rc=1
"$perf" 127.0.0.1:"$port" full "${VNC_BENCH_SECONDS:-3}" || rc=1
xl destroy vb > /dev/null
host_stop bench > /dev/null
exit $rc
