#!/bin/bash
# Stock virsh against xld's libvirt socket, with real PV guests: version,
# nodeinfo, list (--all, --state-paused, --autostart), dominfo, dumpxml,
# domxml-from-native/to-native xen-xl, define, start, suspend, resume,
# shutdown, reboot, destroy, autostart, undefine, read-only connections, errors.
. "$top_srcdir/tests/libvirt/lib.sh"
lv_need_virsh
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

like "$(vsh version)" 'Running hypervisor: Xen [0-9]+\.[0-9]+' "virsh version names the Xen hypervisor"
like "$(vsh nodeinfo)" "CPU\(s\): +$(nproc)" "virsh nodeinfo: the host's CPU count"
like "$(vsh nodeinfo)" 'Memory size: +[1-9][0-9]* KiB' "virsh nodeinfo: memory size"
is "$(vsh hostname)" "$(hostname)" "virsh hostname"
like "$(vsh capabilities)" "<machine>xenpv</machine>" "virsh capabilities lists PV guests"

# A transient domain made by xl.
lv_cfg t1
xl create t1.cfg > /dev/null
like "$(vsh list)" ' 1 +t1 +running' "virsh list shows the xl-created t1 running"
like "$(vsh dominfo t1)" 'Persistent: +no' "t1 is transient"
like "$(vsh dominfo t1)" 'Max memory: +32768 KiB' "dominfo: max memory"

# xl.cfg -> XML -> a definition.
lv_cfg p1
vsh domxml-from-native xen-xl p1.cfg > p1.xml
like "$(cat p1.xml)" "<name>p1</name>" "domxml-from-native xen-xl: the name"
like "$(cat p1.xml)" "<kernel>$KERNEL</kernel>" "domxml-from-native xen-xl: the kernel"
like "$(virsh -c "$(lv_uri)" define p1.xml)" "Domain 'p1' defined" "virsh define"
like "$(vsh list --all)" ' - +p1 +shut off' "list --all: p1 is shut off"
ok "plain list leaves out p1" test -z "$(vsh list | grep p1)"
like "$(vsh dominfo p1)" 'State: +shut off' "dominfo p1: shut off"
like "$(vsh dominfo p1)" 'Persistent: +yes' "dominfo p1: persistent"
like "$(vsh dumpxml p1)" "<domain type=.xen.>" "dumpxml of an inactive domain has no id"
like "$(vsh domxml-to-native xen-xl p1.xml)" 'name = "p1"' "domxml-to-native xen-xl"

ok "virsh autostart p1" vsh autostart p1
like "$(vsh dominfo p1)" 'Autostart: +enable' "dominfo: autostart on"
is "$(vsh list --all --autostart --name)" "p1" "list --autostart: only p1"
is "$(vsh list --all --no-autostart --name)" "t1" "list --no-autostart: only t1"
is "$(vsh list --all --persistent --name)" "p1" "list --persistent"
is "$(vsh list --all --transient --name)" "t1" "list --transient"
is "$(vsh list --inactive --name)" "p1" "list --inactive"

ok "virsh start p1" vsh start p1
like "$(vsh list)" ' [0-9]+ +p1 +running' "p1 runs"
like "$(xl list)" $'\np1 ' "xl list sees p1 too"
like "$(vsh dumpxml p1)" "<domain type=.xen. id=.[0-9]+.>" "dumpxml of a running domain has its id"
ok "p1 boots" lv_booted p1
ok "virsh suspend p1" vsh suspend p1
is "$(vsh domstate p1)" "paused" "domstate: paused"
is "$(vsh list --state-paused --name)" "p1" "list --state-paused: only p1"
is "$(vsh list --state-running --name)" "t1" "list --state-running: only t1"
ok "virsh resume p1" vsh resume p1
is "$(vsh domstate p1)" "running" "domstate: running again"
ok "virsh shutdown p1" vsh shutdown p1
ok "the guest powers off: p1 is shut off" lv_wait_state p1 "shut off"
ok "virsh start p1 again" vsh start p1
ok "p1 boots a second time" lv_booted p1 2
id=$(vsh domid p1)
ok "virsh reboot p1" vsh reboot p1
ok "the guest reboots (on_reboot=restart)" lv_booted p1 3
like "$(vsh domid p1)" '^[0-9]+$' "p1 runs after the reboot"
ok "... as a new domain: id $id -> $(vsh domid p1)" test "$(vsh domid p1)" != "$id"
like "$(vsh dominfo p1)" 'Persistent: +yes' "... still the persistent p1"
ok "virsh destroy p1" vsh destroy p1
is "$(vsh domstate p1)" "shut off" "destroyed: shut off, still defined"
ok "virsh start --paused p1" vsh start --paused p1
is "$(vsh domstate p1)" "paused" "started paused"
ok "virsh destroy --graceful p1" vsh destroy --graceful p1
ok "virsh undefine p1" vsh undefine p1
ok "p1 is gone" test -z "$(vsh list --all --name | grep p1)"

# create from XML: a transient domain.
sed 's/p1/x1/' p1.xml | grep -v '<uuid>' > x1.xml
ok "virsh create x1.xml" vsh create x1.xml
like "$(vsh dominfo x1)" 'Persistent: +no' "x1 is transient"
ok "virsh destroy x1" vsh destroy x1
ok "a destroyed transient domain is gone" test -z "$(vsh list --all --name | grep x1)"

# Errors.
vsh dominfo nosuch > out 2>&1
is "$?" "1" "dominfo of an unknown domain fails"
like "$(cat out)" "failed to get domain 'nosuch'" "... with virsh's message"
virsh -q -r -c "$(lv_uri)" destroy t1 > out 2>&1
is "$?" "1" "a read-only connection cannot destroy"
like "$(cat out)" "read only" "... and says why"
like "$(virsh -q -r -c "$(lv_uri)" list --name)" "t1" "a read-only connection lists"
vsh undefine t1 > out 2>&1
like "$(cat out)" "transient" "undefine of a transient domain is refused"
vsh define /dev/null > out 2>&1
is "$?" "1" "define of an empty file fails"
like "$(virsh -q -k 1 -K 2 -c "$(lv_uri)" hostname)" "$(hostname)" "keepalive forced (-k 1) works"

ok "virsh destroy t1" vsh destroy t1
ok "host a stops cleanly" host_stop a
done_testing
