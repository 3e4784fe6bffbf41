#!/bin/bash
# xl vcpu-list and domain.vcpu_list against a 2-vCPU guest (maxvcpus 3):
# Xen's header and columns, both vCPUs online with a host CPU, the third
# offline ("--p"), vcpu-set moving a vCPU offline and back, a paused domain
# running nothing, Domain-0's rows, errors for unknown domains.
. "$top_srcdir/tests/lib/host.sh"
kernel="$top_builddir/guests/vmctl-kernel"
[ -f "$kernel" ] || skip_all "guests/vmctl-kernel not built"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

printf 'name = "v1"\nkernel = "%s"\nmemory = 32\nvcpus = 2\nmaxvcpus = 3\nextra = "mode=shell"\n' \
	"$kernel" > v1.cfg
xl create v1.cfg > /dev/null 2>&1
id=$(xl domid v1)
ok "the second vCPU comes up" console_has v1 "smp: vCPU 1 up"

out=$(xl vcpu-list v1)
is "$(echo "$out" | head -1)" \
	"$(printf '%-32s %5s %5s %5s %5s %9s %s' Name ID VCPU CPU State 'Time(s)' 'Affinity (Hard / Soft)')" \
	"header is Xen's"
is "$(echo "$out" | wc -l)" 4 "one row per vCPU up to maxvcpus"
cpus=$(nproc)
row0=$(echo "$out" | sed -n 2p)
like "$row0" "^v1 {30} +$id +0 +[0-9]+ +[-r][-b]- +[0-9]+\\.[0-9]  all / all\$" "vCPU 0: online, a host CPU, its time, affinity all / all"
like "$(echo "$out" | sed -n 3p)" "^v1 +$id +1 +[0-9]+ +[-r][-b]- " "vCPU 1: online"
like "$(echo "$out" | sed -n 4p)" "^v1 +$id +2 +- +--p +0\\.0  all / all\$" "vCPU 2 (beyond vcpus=): offline, --p"
c0=$(echo "$row0" | awk '{ print $4 }')
ok "vCPU 0's CPU is a host CPU" test "$c0" -ge 0 -a "$c0" -lt "$cpus"

# The JSON-RPC method, through the library's client (xl -v is not needed).
json=$(python3 - "$VMCTL_RUNDIR/xld.sock" "$id" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "domain.vcpu_list",
                      "params": {"domain": sys.argv[2]}}).encode() + b"\n")
r = json.loads(s.makefile().readline())["result"]
print(" ".join("%d:%s:%s" % (v["vcpu"], v["online"], v["cpu"] >= 0) for v in r))
PY
)
is "$json" "0:True:True 1:True:True 2:False:False" "domain.vcpu_list: online and cpu per vCPU"

# vcpu-set takes vCPU 1 offline (the guest parks it), then back.
xl vcpu-set v1 1
ok "the guest takes vCPU 1 down" console_has v1 "smp: vCPU 1 down"
for i in $(seq 100); do xl vcpu-list v1 | sed -n 3p | grep -q -- '--p' && break; sleep 0.05; done
like "$(xl vcpu-list v1 | sed -n 3p)" "^v1 +$id +1 +- +--p " "vcpu-set 1: vCPU 1 offline"
xl vcpu-set v1 2
ok "the guest brings vCPU 1 back" console_has v1 "smp: vCPU 1 up again"
like "$(xl vcpu-list v1 | sed -n 3p)" "^v1 +$id +1 +[0-9]+ +[-r][-b]- " "vcpu-set 2: vCPU 1 online again"

xl pause v1
is "$(xl vcpu-list v1 | sed -n '2,3p' | awk '{ print $5 }' | grep -c r)" 0 "a paused domain runs no vCPU"
xl unpause v1

all=$(xl vcpu-list)
is "$(echo "$all" | grep -c '^Domain-0 ')" "$cpus" "xl vcpu-list: one Domain-0 row per host CPU"
is "$(echo "$all" | grep -c '^v1 ')" 3 "... and the guest's rows"
is "$(xl vcpu-list Domain-0 | wc -l)" $(( cpus + 1 )) "xl vcpu-list Domain-0"

xl vcpu-list nosuch > /dev/null 2> err
is "$?" 1 "an unknown domain fails"
like "$(cat err)" "Invalid domain identifier: nosuch" "... and says so"
xl vcpu-list -x > /dev/null 2>&1
is "$?" 2 "an unknown option is a usage error"

xl destroy v1
ok "host a stops cleanly" host_stop a
done_testing
