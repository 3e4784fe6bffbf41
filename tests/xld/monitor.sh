#!/bin/bash
# The domain monitor applies on_poweroff / on_reboot: destroy, restart,
# preserve, coredump-destroy; and xl shutdown/reboot reach the guest through
# control/shutdown. Lifecycle events reach a subscriber.
. "$top_srcdir/tests/lib/host.sh"
kernel="$top_builddir/guests/vmctl-kernel"
[ -f "$kernel" ] || skip_all "guests/vmctl-kernel not built"
command -v python3 > /dev/null || skip_all "python3 not installed"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

mkcfg() {   # mkcfg NAME on_poweroff on_reboot [on_crash on_watchdog [mode]]
	printf 'name = "%s"\nkernel = "%s"\nmemory = 32\nextra = "mode=%s"\non_poweroff = "%s"\non_reboot = "%s"\non_crash = "%s"\non_watchdog = "%s"\n' \
		"$1" "$kernel" "${6:-shell}" "$2" "$3" "${4:-destroy}" "${5:-destroy}" > "$1.cfg"
}
# booted NAME: the guest's shell prompt is in its console log (it watches control/ by then)
booted() {
	for i in $(seq 100); do grep -q "type 'help'" "$VMCTL_LOGDIR/console/$1.log" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}
state_of() { xl list "$1" 2>/dev/null | awk 'NR==2 {print $5}'; }

# Subscribe to events for the whole test.
python3 - "$VMCTL_RUNDIR/xld.sock" > events.log <<'PY' &
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"events.subscribe"}\n')
f = s.makefile()
print("subscribed", json.loads(f.readline())["result"], flush=True)
for line in f:
    m = json.loads(line)
    if m.get("method") == "event":
        print(m["params"]["type"], m["params"]["name"], flush=True)
PY
sub=$!
for i in $(seq 100); do grep -q subscribed events.log && break; sleep 0.05; done
is "$(head -1 events.log)" "subscribed True" "events.subscribe answers true"

mkcfg r1 destroy restart
xl create r1.cfg > /dev/null 2>&1 && booted r1
ok "r1 booted" booted r1
id1=$(xl domid r1)
ok "xl reboot r1" xl reboot r1
for i in $(seq 100); do id2=$(xl domid r1 2>/dev/null); [ -n "$id2" ] && [ "$id2" != "$id1" ] && break; sleep 0.05; done
ok "on_reboot=restart: r1 runs again with a new domid ($id1 -> $id2)" test -n "$id2" -a "$id2" != "$id1"
ok "r1 boots again" booted r1
ok "xl shutdown -w r1 returns once it is gone" timeout 10 "$XL_BIN" shutdown -w r1
ok "on_poweroff=destroy: r1 is gone" test -z "$(xl domid r1 2>/dev/null)"

mkcfg p1 preserve destroy
xl create p1.cfg > /dev/null 2>&1
ok "p1 booted" booted p1
xl shutdown p1
for i in $(seq 100); do [ "$(state_of p1)" = "---s--" ] && break; sleep 0.05; done
is "$(state_of p1)" "---s--" "on_poweroff=preserve: p1 stays, shut down (state ---s--)"
ok "xl destroy of a preserved domain" xl destroy p1

mkcfg c1 coredump-destroy destroy
xl create c1.cfg > /dev/null 2>&1
ok "c1 booted" booted c1
cid=$(xl domid c1)
xl shutdown -w c1 > /dev/null 2>&1
core="$VMCTL_STATEDIR/dump/c1-$cid.core"
ok "on_poweroff=coredump-destroy wrote $core" test -f "$core"
is "$(stat -c %s "$core" 2>/dev/null)" "$((32 << 20))" "the core holds the guest's 32 MiB"
ok "... and destroyed c1" test -z "$(xl domid c1 2>/dev/null)"

# on_crash: the kernel's test-fault mode writes to an unmapped address.
mkcfg k1 destroy destroy preserve destroy test-fault
xl create k1.cfg > /dev/null 2>&1
for i in $(seq 100); do [ "$(state_of k1)" = "---sc-" ] && break; sleep 0.05; done
is "$(state_of k1)" "---sc-" "a crashing guest with on_crash=preserve stays, crashed (---sc-)"
like "$(cat "$VMCTL_LOGDIR/console/k1.log")" 'fault|Fault|FAULT' "its console shows the fault it reported"
ok "xl destroy k1" xl destroy k1

# on_watchdog: vmhv shuts a domain down with reason watchdog (4).
mkcfg w1 destroy destroy destroy restart
xl create w1.cfg > /dev/null 2>&1
ok "w1 booted" booted w1
wid=$(xl domid w1)
ok "shut w1 down with reason watchdog" "$top_builddir/tests/xld/hv_shutdown" "$wid" 4
for i in $(seq 100); do nid=$(xl domid w1 2>/dev/null); [ -n "$nid" ] && [ "$nid" != "$wid" ] && break; sleep 0.05; done
ok "on_watchdog=restart: w1 runs again ($wid -> $nid)" test -n "$nid" -a "$nid" != "$wid"
ok "xl destroy w1" xl destroy w1

sleep 0.2
kill $sub
ev=$(tr '\n' ' ' < events.log)
like "$ev" 'created r1 .*shutdown r1 .*destroyed r1 .*created r1 .*restarted r1' "events: created, shutdown, destroyed, created, restarted for r1"
like "$ev" 'shutdown p1 .*destroyed p1' "events for p1"

ok "host a stops cleanly" host_stop a
done_testing
