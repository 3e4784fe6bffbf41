#!/bin/bash
# xl create of the vmctl PV kernel, end to end, and the failure paths:
# each failed create leaves no domain, no xenstore node, no state file and
# no process behind.
. "$top_srcdir/tests/lib/host.sh"
kernel="$top_builddir/guests/vmctl-kernel"
[ -f "$kernel" ] || skip_all "guests/vmctl-kernel not built"
command -v xenstore-ls > /dev/null || skip_all "xenstore-utils not installed"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"
vmhv_pid=$(cat "$VMCTL_TEST_DIR/a/vmhv.pid")

cat > good.cfg <<CFG
name = "guest1"
kernel = "$kernel"
memory = 32
extra = "mode=shell"
CFG

# Nothing of a domain is left: xl list, xenstore, state files, processes.
nothing_left() {
	[ "$(xl list | wc -l)" = 2 ] &&
	[ "$(xenstore-list /local/domain)" = 0 ] &&
	! xenstore-exists /vm 2>/dev/null || [ -z "$(xenstore-list /vm 2>/dev/null)" ] &&
	[ -z "$(ls "$VMCTL_STATEDIR/domains" 2>/dev/null)" ] &&
	[ -z "$(pgrep -P "$vmhv_pid")" ]
}

out=$(xl create good.cfg 2>&1)
is "$?" 0 "xl create good.cfg succeeds"
like "$out" '^Started domain guest1 \(id=1\)$' "xl create says which domain started"
like "$(xl list | sed -n 3p)" '^guest1 +1 +32 +1     [r-]b?' "xl list shows the guest with 32 MiB and 1 vCPU"
is "$(xl domid guest1)" 1 "xl domid guest1"
is "$(xenstore-read /local/domain/1/name)" guest1 "xenstore: name"
is "$(xenstore-read /local/domain/1/domid)" 1 "xenstore: domid"
vm=$(xenstore-read /local/domain/1/vm)
is "$(xenstore-read "$vm/name")" guest1 "xenstore: /vm/<uuid>/name"
is "$(xenstore-read /local/domain/1/memory/target)" 32768 "xenstore: memory/target in KiB"
is "$(xenstore-ls -p /local/domain/1 | head -0; xenstore-read /libxl/1/type)" pv "xenstore: /libxl/1/type"
log="$VMCTL_LOGDIR/console/guest1.log"
for i in $(seq 100); do grep -q "type 'help'" "$log" 2>/dev/null && break; sleep 0.05; done
like "$(cat "$log")" '^vmctl PV kernel' "the console log has the kernel's banner"
like "$(cat "$log")" "type 'help' for commands" "... and its shell prompt"
out=$( (sleep 0.3; echo info; sleep 0.7) | timeout 5 "$XL_BIN" console guest1)
like "$out" 'vmctl PV kernel' "xl console replays the history"
like "$out" 'xenstore: ring up' "xl console: the shell answers 'info' (and the guest's xenstore ring works)"
like "$out" 'console: port [0-9]+, ring' "... its console is the ring, with an event channel"
ok "state file written" test -f "$VMCTL_STATEDIR/domains/1.json"
like "$(xl list -l guest1)" '"name": "guest1"' "xl list -l shows the stored config"
ok "one sandbox process runs the guest" test "$(pgrep -P "$vmhv_pid" | wc -l)" -eq 1

xl create good.cfg > /dev/null 2> err
is "$?" 1 "a second domain named guest1 is refused"
like "$(cat err)" "domain 'guest1' already exists" "... with a clear message"

like "$(xl uptime | sed -n 1p)" '^Name {29} +ID Uptime$' "xl uptime header"
like "$(xl uptime guest1 | sed -n 2p)" '^guest1 +1 +0:00:[0-9][0-9]$' "xl uptime row for guest1"
ok "xl mem-max guest1 48m" xl mem-max guest1 48m
is "$(xenstore-read /local/domain/1/memory/static-max)" 49152 "mem-max: static-max in KiB"
ok "xl mem-set guest1 16" xl mem-set guest1 16
is "$(xenstore-read /local/domain/1/memory/target)" 16384 "mem-set: the balloon target (MiB by default)"
xl mem-set guest1 1g 2> err
is "$?" 1 "mem-set above the maximum fails"
like "$(cat err)" 'above the domain.s maximum' "... saying so"
ok "xl vcpu-set guest1 1" xl vcpu-set guest1 1
is "$(xenstore-read /local/domain/1/cpu/0/availability)" online "vcpu-set: cpu/0 online"
xl vcpu-set guest1 4 2> err
is "$?" 1 "vcpu-set above max_vcpus fails"
out=$(xl top -b -i 2 -d 0.2)
like "$out" 'NAME +STATE +CPU\(sec\)' "xl top -b prints its header"
like "$out" 'guest1 ' "xl top -b lists guest1"
ok "xl pause" xl pause guest1
like "$(xl list guest1 | sed -n 2p)" '--p---' "paused state shown"
ok "xl unpause" xl unpause guest1
ok "xl rename" xl rename guest1 renamed
is "$(xl domname 1)" renamed "renamed"
ok "xl destroy" xl destroy renamed
ok "destroy left nothing behind" nothing_left

# Failure paths: clear errors, nothing left behind.
printf 'name = "nokernel"\nkernel = "/nonexistent/kernel"\nmemory = 32\n' > nokernel.cfg
xl create nokernel.cfg > /dev/null 2> err
is "$?" 1 "missing kernel fails"
like "$(cat err)" 'kernel /nonexistent/kernel: No such file or directory' "... naming the kernel"
ok "... and leaves nothing" nothing_left

printf 'name = "huge"\nkernel = "%s"\nmemory = 100000000\n' "$kernel" > huge.cfg
xl create huge.cfg > /dev/null 2> err
is "$?" 1 "memory larger than the host fails"
like "$(cat err)" 'larger than the host allows' "... saying so"
ok "... and leaves nothing" nothing_left

printf 'name = "bad"\nkernel = "%s"\nmemory = [1,\n' "$kernel" > syntax.cfg
xl create syntax.cfg > /dev/null 2> err
is "$?" 1 "a syntax error fails"
like "$(cat err)" 'syntax.cfg:[0-9]+:[0-9]+' "... with file:line:column"
ok "... and leaves nothing" nothing_left

echo 'not an ELF file' > notelf
printf 'name = "notelf"\nkernel = "%s/notelf"\nmemory = 32\n' "$PWD" > notelf.cfg
xl create notelf.cfg > /dev/null 2> err
is "$?" 1 "a kernel that is not ELF fails"
like "$(cat err)" 'cannot load kernel' "... with a clear message"
ok "... and leaves nothing" nothing_left

printf 'name = "withdisk"\nkernel = "%s"\nmemory = 32\ndisk = [ "/nonexistent/disk.img,raw,xvda,rw" ]\n' "$kernel" > disk.cfg
xl create disk.cfg > /dev/null 2> err
is "$?" 1 "a device whose backend fails (missing image) makes create fail"
like "$(cat err)" 'vbd|disk' "... naming the device"
ok "... and leaves nothing" nothing_left

printf 'name = "smp"\nkernel = "%s"\nmemory = 32\nvcpus = 2\nmaxvcpus = 4\n' "$kernel" > smp.cfg
ok "create with vcpus=2 maxvcpus=4" xl create smp.cfg
sid=$(xl domid smp)
is "$(for c in 0 1 2 3; do xenstore-read /local/domain/$sid/cpu/$c/availability; done | tr '\n' ' ')" \
	"online online offline offline " "cpu/N/availability: vcpus online, the rest of maxvcpus offline"
ok "xl destroy smp" xl destroy smp

out=$(xl create -n good.cfg)
like "$out" '"name": "guest1"' "xl create -n prints the parsed config"
ok "... and creates nothing" nothing_left

ok "host a stops cleanly" host_stop a
done_testing
