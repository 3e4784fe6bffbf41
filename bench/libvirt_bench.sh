#!/bin/bash
# virsh list --all with N domains (default 500, created paused through the
# JSON-RPC API as bench/xld_bench.sh does), next to xl list with the same
# domains in the same run: the libvirt remote protocol path (one
# CONNECT_LIST_ALL_DOMAINS plus one DOMAIN_GET_STATE per domain) against
# xl's single domain.list call. Medians of ROUNDS runs of each command.
: "${top_builddir:?run from make bench}"
export top_srcdir top_builddir
. "$top_srcdir/tests/lib/host.sh" > /dev/null
command -v virsh > /dev/null || { echo "virsh not installed (apt-get install libvirt-clients)" >&2; exit 1; }
n=${LIBVIRT_BENCH_DOMAINS:-500}
rounds=${LIBVIRT_BENCH_ROUNDS:-10}
host_start bench > /dev/null || exit 1
python3 - "$VMCTL_RUNDIR/xld.sock" "$top_builddir/guests/vmctl-kernel" "$n" <<'PY' || { host_stop bench; exit 1; }
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile()
for i in range(int(sys.argv[3])):
    cfg = 'name = "lv%d"\nkernel = "%s"\nmemory = 32\n' % (i, sys.argv[2])
    s.sendall((json.dumps({"jsonrpc": "2.0", "id": i, "method": "domain.create",
                           "params": {"config": cfg, "paused": True}}) + "\n").encode())
    answer = json.loads(f.readline())
    if "error" in answer:
        sys.exit("domain.create: %s" % answer["error"]["message"])
PY
uri="xen+unix:///system?socket=$VMCTL_RUNDIR/libvirt-sock"
# median_ms CMD...: the median wall time of `rounds` runs, in ms.
median_ms() {
	local i t0 t1
	for i in $(seq "$rounds"); do
		t0=$(date +%s%N)
		"$@" > /dev/null || return 1
		t1=$(date +%s%N)
		echo $(( (t1 - t0) / 1000 ))
	done | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] / 1000 }'
}
listed=$(virsh -q -c "$uri" list --all --name | grep -c '^lv')
[ "$listed" = "$n" ] || { echo "virsh lists $listed of $n domains" >&2; host_stop bench; exit 1; }
v=$(median_ms virsh -q -c "$uri" list --all)
x=$(median_ms "$XL_BIN" list)
printf 'row\tvirsh list --all with %d domains (median)\t%s\tms\txl list, same domains\t%s\n' "$n" "$v" "$x"
v=$(median_ms virsh -q -c "$uri" list --all --name)
printf 'row\tvirsh list --all --name with %d domains (median)\t%s\tms\txl list, same domains\t%s\n' "$n" "$v" "$x"
host_stop bench > /dev/null
