#!/bin/sh
# Hostile guests (tests/guests/hostile) against one shared vmhv: each attack
# is contained (the guest gets errors or its domain crashes) while vmhv keeps
# serving other domains, and nothing is left behind.
top_builddir=${top_builddir:-.}
pvrun=$top_builddir/tests/hv/pvrun
hostile=$top_builddir/tests/guests/hostile
hello=$top_builddir/tests/guests/hello
n=0
check() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

VMCTL_RUNDIR=$(mktemp -d /tmp/vmhv-hostile.XXXXXX)
export VMCTL_RUNDIR
"$top_builddir/hypervisor/vmhv" --foreground --rundir "$VMCTL_RUNDIR" --log "$VMCTL_RUNDIR/vmhv.log" &
vmhv=$!
trap 'kill $vmhv 2>/dev/null; wait $vmhv 2>/dev/null; rm -rf "$VMCTL_RUNDIR"' EXIT
i=0
while [ ! -S "$VMCTL_RUNDIR/privcmd" ] && [ $i -lt 2000 ]; do sleep 0.01; i=$((i + 1)); done

hello_ok() { "$pvrun" "$hello" 2>/dev/null | grep -qx "pvrun: shutdown poweroff"; }

out=$("$pvrun" --cmdline syscalls "$hostile" 2>&1); st=$?
check $st "raw syscalls: the guest survives and powers off"
for call in openat execve socket ptrace kill getuid; do
	echo "$out" | grep -qx "$call: -38"; check $? "raw $call is a failed hypercall (-ENOSYS)"
done
# mmap is number 9, get_debugreg: DR0 (0) comes back, not a host mapping.
for call in mmap_anon mmap_fd0; do
	echo "$out" | grep -qx "$call: 0"; check $? "raw $call is get_debugreg(0), not the host's mmap"
done

out=$("$pvrun" --cmdline int80 "$hostile" 2>&1); st=$?
[ $st = 13 ]; check $? "int \$0x80: the domain crashes (exit $st)"
echo "$out" | grep -q "signal 31"; check $? "killed by the seccomp filter (SIGSYS)"
echo "$out" | grep -q "int80_survived"; check $((! $?)) "the i386 call never returned"

out=$("$pvrun" --cmdline wild "$hostile" 2>&1); st=$?
[ $st = 13 ]; check $? "a write outside its memory crashes the domain (exit $st)"
echo "$out" | grep -q "wild write survived"; check $((! $?)) "and never succeeds"

"$pvrun" --cmdline flood "$hostile" >/dev/null 2>&1; st=$?
[ $st = 0 ] || [ $st = 13 ]; check $? "a hypercall flood with garbage ends cleanly (exit $st)"

# A guest that never yields, next to one that works.
"$pvrun" --timeout 3 --cmdline spin "$hostile" >/dev/null 2>&1 &
spin=$!
hello_ok; check $? "another domain boots and powers off while one spins"
wait $spin; st=$?
[ $st = 124 ]; check $? "the spinning domain is destroyed from outside (exit $st)"

kill -0 $vmhv; check $? "vmhv is still running"
hello_ok; check $? "and still serves new domains"
left=$(ps -eo ppid,comm | awk -v p=$vmhv '$1 == p && $2 == "vmhv-pv"' | wc -l)
[ "$left" = 0 ]; check $? "no sandbox process left ($left)"
kill $vmhv; wait $vmhv; st=$?
check $st "vmhv exits cleanly"
echo "1..$n"
