#!/bin/bash
# Persistent definitions seen the same from xl, JSON-RPC and virsh:
# xl define/start/autostart/undefine/list-defined, domain.list {"all": true},
# redefinition keeps the UUID, name clashes are refused, and autostart
# domains are started when xld starts.
. "$top_srcdir/tests/libvirt/lib.sh"
lv_need_virsh
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"
rpc() {
	python3 - "$VMCTL_RUNDIR/xld.sock" "$1" "$2" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall((json.dumps({"jsonrpc": "2.0", "id": 1, "method": sys.argv[2], "params": json.loads(sys.argv[3])}) + "\n").encode())
print(json.dumps(json.loads(s.makefile().readline())))
PY
}

lv_cfg d1
like "$(xl define d1.cfg)" '^Domain d1 defined \(uuid [0-9a-f-]{36}\)' "xl define"
uuid=$(vsh domuuid d1)
like "$(xl list-defined)" $'\nd1 +'"$uuid"' +off' "xl list-defined shows d1"
like "$(vsh list --all)" ' - +d1 +shut off' "virsh sees the definition"
like "$(rpc domain.list '{"all": true}')" '"domid": null, "name": "d1"' "domain.list all: the inactive d1"
ok "domain.list without all leaves it out" test -z "$(rpc domain.list '{}' | grep d1)"
like "$(xl define d1.cfg)" "uuid $uuid" "defining again keeps the uuid"
sed 's/memory = 32/memory = 48/' d1.cfg > d1b.cfg
xl define d1b.cfg > /dev/null
like "$(vsh dominfo d1)" 'Max memory: +49152 KiB' "a redefinition replaces the configuration"
xl define d1.cfg > /dev/null

xl create d1.cfg > out 2>&1
is "$?" "1" "xl create of a defined name (another uuid) fails"
like "$(cat out)" "is defined" "... and says to start it instead"

lv_cfg t2
xl create t2.cfg > /dev/null
sed 's/^name = .*/name = "t2"/' d1.cfg | sed "1i uuid = \"$uuid\"" > clash.cfg
xl define clash.cfg > out 2>&1
is "$?" "1" "defining the running t2's name with another domain's uuid fails"
like "$(cat out)" "already" "... and says why"

ok "xl start d1" xl start d1
like "$(xl list)" $'\nd1 ' "d1 runs"
is "$(vsh domuuid d1)" "$uuid" "the running d1 has the definition's uuid"
xl start d1 > out 2>&1
like "$(cat out)" "already running" "xl start of a running domain fails"
ok "xl destroy d1" xl destroy d1
like "$(vsh domstate d1)" "shut off" "after destroy, d1 is still defined"

ok "xl autostart d1 on" xl autostart d1 on
is "$(xl autostart d1)" "on" "xl autostart d1 shows on"
like "$(rpc domain.autostart '{"domain": "d1"}')" '"autostart": true' "domain.autostart reports it"
like "$(rpc domain.start '{"domain": "nosuch"}')" '"code": 1' "domain.start of an unknown definition: error 1"

# Restart xld alone: the autostart definition starts, the running t2 is re-adopted.
kill -TERM "$(cat a/xld.pid)"; wait "$(cat a/xld.pid)" 2> /dev/null
"$XLD" --rundir "$VMCTL_RUNDIR" --statedir "$VMCTL_STATEDIR" --logdir "$VMCTL_LOGDIR" --foreground &
echo $! > a/xld.pid
ok "xld restarts" wait_for "$VMCTL_RUNDIR/xld.sock"
like "$(xl list)" $'\nd1 ' "the autostart domain d1 was started by xld"
like "$(xl list)" $'\nt2 ' "t2 still runs"
like "$(vsh dominfo d1)" 'Autostart: +enable' "autostart survives the restart"
ok "xl destroy d1" xl destroy d1
ok "xl undefine d1" xl undefine d1
ok "d1 is gone everywhere" test -z "$(vsh list --all --name | grep d1)"
xl undefine d1 > out 2>&1
is "$?" "1" "xl undefine of an unknown definition fails"
ok "no definition file is left" test -z "$(ls "$VMCTL_STATEDIR/defs")"
ok "xl destroy t2" xl destroy t2
ok "host a stops cleanly" host_stop a
done_testing
