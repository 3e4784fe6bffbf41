#!/bin/sh
# pvrun, the tool other engineers use to boot a pv kernel: its output and
# exit status for each way tests/guests/hello can end.
top_builddir=${top_builddir:-.}
pvrun=$top_builddir/tests/hv/pvrun
hello=$top_builddir/tests/guests/hello
n=0
check() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

out=$("$pvrun" --mem 8 --cmdline "one two" "$hello"); st=$?
check $st "hello powers off: exit 0"
echo "$out" | grep -qx "Hello from a vmctl pv guest"; check $? "prints the guest's console"
echo "$out" | grep -qx "cmdline: one two"; check $? "passes --cmdline"
echo "$out" | grep -qx "Hello through the console ring"; check $? "serves the console ring"
echo "$out" | grep -qx "nr_pages: 2048"; check $? "--mem 8 gives 2048 pages"
echo "$out" | grep -qx "pvrun: shutdown poweroff"; check $? "names the shutdown reason"

"$pvrun" --cmdline reboot "$hello" >/dev/null; st=$?
[ $st = 11 ]; check $? "reboot: exit 11 (got $st)"
out=$("$pvrun" --cmdline fault "$hello" 2>&1); st=$?
[ $st = 13 ]; check $? "fault: exit 13 (got $st)"
echo "$out" | grep -q "crashed: unhandled guest fault (trap 14"; check $? "fault: the reason on stderr"
echo "$out" | grep -q "rip 0000000040"; check $? "fault: with vmhv's register dump"
out=$("$pvrun" --timeout 1 --cmdline loop "$hello"); st=$?
[ $st = 124 ]; check $? "a guest that never stops: timeout 124 (got $st)"
"$pvrun" /nonexistent 2>/dev/null; st=$?
[ $st = 1 ]; check $? "missing kernel: exit 1"
echo "1..$n"
