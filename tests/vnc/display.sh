#!/bin/bash
# pvfb-vnc end to end: xl create of the vmctl PV kernel with vnc=1; a real
# RFB client (libvncclient) sees the guest's test picture pixel for pixel,
# its keys and pointer reach the guest (which prints them on its console),
# and it sees the cursor the guest draws in answer; killing pvfb-vnc makes
# xld start a new one that a client reaches again, with the guest untouched;
# a password-protected display refuses a wrong password; destroy leaves no
# process behind.
. "$top_srcdir/tests/lib/host.sh"
kernel="$top_builddir/guests/vmctl-kernel"
client="$top_builddir/tests/vnc/vnc_client"
[ -f "$kernel" ] || skip_all "guests/vmctl-kernel not built"
[ -x "$client" ] || skip_all "tests/vnc/vnc_client not built (no libvncclient)"
command -v xenstore-read > /dev/null || skip_all "xenstore-utils not installed"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

# server_pid DOMID: pvfb-vnc of that domain on this host.
server_pid() { pgrep -f "pvfb-vnc --domid $1 --devid 0 --rundir $VMCTL_RUNDIR\$"; }

vnc() { "$client" "$@" 2> "$VMCTL_TEST_DIR/client.err"; }
# After a server restart: the new server may still be starting (slow under
# sanitizers), so read its port again and retry for a few seconds.
vnc_restarted() {   # vnc_restarted DOMID ARGS...
	local dom=$1 i
	shift
	for i in $(seq 20); do
		vnc 127.0.0.1:"$(vnc_port_of "$dom")" "$@" && return 0
		sleep 0.25
	done
	return 1
}

cat > v1.cfg <<CFG
name = "v1"
kernel = "$kernel"
memory = 32
extra = "mode=shell"
vnc = 1
CFG
ok "xl create of a guest with vnc=1" xl create v1.cfg
id=$(xl domid v1)
log="$VMCTL_LOGDIR/console/v1.log"
ok "fbfront connects to pvfb-vnc" file_has "$log" "^fb: device/vfb/0 800x600"
ok "kbdfront connects to pvfb-vnc" file_has "$log" "^kbd: device/vkbd/0 connected \(absolute pointer\)"
port=$(vnc_port_of "$id")
like "$port" '^59[0-9][0-9]$' "console/vnc-port is published ($port)"
is "$(xenstore-read /local/domain/$id/console/vnc-listen)" 127.0.0.1 "console/vnc-listen is 127.0.0.1"
is "$(xenstore-read /local/domain/0/backend/vfb/$id/0/state)" 4 "the vfb backend is Connected"
is "$(xenstore-read /local/domain/0/backend/vkbd/$id/0/state)" 4 "the vkbd backend is Connected"
ok "it listens on the loopback address only" sh -c "ss -Hltn 'sport = :$port' | grep -q '127.0.0.1:$port'"
first=$(server_pid "$id")
ok "one pvfb-vnc runs for the guest" test -n "$first"

out=$(vnc 127.0.0.1:"$port" size 800 600 pattern)
is "$?" 0 "a real VNC client sees the guest's test picture, pixel for pixel"
[ -n "$out" ] && echo "$out" | sed 's/^/# /'

ok "the client types a key" vnc 127.0.0.1:"$port" key 0x61
ok "the key press arrives in the guest" file_has "$log" "kbd: key 30 down"
ok "... and its release" file_has "$log" "kbd: key 30 up"
ok "the client moves the pointer" vnc 127.0.0.1:"$port" pointer 120 48
ok "the guest gets the absolute position" file_has "$log" "kbd: pointer at 120,48"
ok "the client sees the cursor the guest drew there (an update)" \
	vnc 127.0.0.1:"$port" pixel 120 48 ff0000 pixel 124 48 ff0000
out=$(vnc 127.0.0.1:"$port" small 160 48)
is "$?" 0 "only the changed regions reach the client (cursor, status line)"
[ -n "$out" ] && echo "$out" | sed 's/^/# /'
ok "a click" vnc 127.0.0.1:"$port" click 120 48
ok "the left button arrives as BTN_LEFT" file_has "$log" "kbd: key 272 down"

# Hostile viewers (malformed RFB is libvncserver's to refuse): the server
# survives every one and still serves a real client.
python3 "$top_srcdir/tests/vnc/rfb_garbage.py" 127.0.0.1 "$port" > garbage.out 2>&1
is "$(grep -c '^sent ' garbage.out)" 8 "eight hostile viewers had their say"
is "$(server_pid "$id")" "$first" "pvfb-vnc survived them all"
ok "a real client still sees the picture" vnc 127.0.0.1:"$port" pattern

# Supervision: a killed server comes back and serves the same guest.
kill -9 "$first"
for i in $(seq 100); do
	second=$(server_pid "$id")
	[ -n "$second" ] && [ "$second" != "$first" ] && break
	sleep 0.05
done
ok "xld restarts a killed pvfb-vnc" test -n "$second" -a "$second" != "$first"
ok "xld logged the death and the restart" file_has "$VMCTL_LOGDIR/xld.log" "pvfb-vnc $id.0: restarting in"
for i in $(seq 100); do
	[ "$(xenstore-read /local/domain/0/backend/vfb/$id/0/state)" = 4 ] && break
	sleep 0.05
done
ok "a client reconnects and sees the picture again" vnc_restarted "$id" pattern
# (the port read again: the node may still have held the old one above)
ok "input reaches the guest through the new server" vnc_restarted "$id" key 0x62
ok "... the guest prints it" file_has "$log" "kbd: key 48 down"
is "$(xl domid v1)" "$id" "the guest is the same domain"
is "$(grep -c '^vmctl PV kernel' "$log")" 1 "the guest did not reboot"

# xld killed: its servers go with it (they never outlive their supervisor);
# the new xld re-adopts the domain and starts a fresh server for it.
sleep 0.1   # xld saves the store 10 ms after a change (xld/store.h)
xld_pid=$(cat "$VMCTL_TEST_DIR/a/xld.pid")
kill -9 "$xld_pid"
wait "$xld_pid" 2>/dev/null
for i in $(seq 100); do [ -z "$(server_pid "$id")" ] && break; sleep 0.05; done
ok "pvfb-vnc does not outlive a killed xld" test -z "$(server_pid "$id")"
rm -f "$VMCTL_RUNDIR/xld.sock"
"$XLD" --rundir "$VMCTL_RUNDIR" --statedir "$VMCTL_STATEDIR" --logdir "$VMCTL_LOGDIR" --foreground &
echo $! > "$VMCTL_TEST_DIR/a/xld.pid"
ok "xld restarts" wait_for "$VMCTL_RUNDIR/xld.sock"
for i in $(seq 100); do [ -n "$(server_pid "$id")" ] && break; sleep 0.05; done
ok "the recovered xld starts a new pvfb-vnc" test -n "$(server_pid "$id")"
for i in $(seq 100); do
	[ "$(xenstore-read /local/domain/0/backend/vfb/$id/0/state)" = 4 ] && break
	sleep 0.05
done
port=$(vnc_port_of "$id")
ok "a client sees the picture through it" vnc_restarted "$id" pattern

# xld stopped cleanly (SIGTERM) with the guest running: it stops the server
# itself, keeps the nodes, and the next xld serves the display again.
xld_pid=$(cat "$VMCTL_TEST_DIR/a/xld.pid")
kill -TERM "$xld_pid"
wait "$xld_pid" 2>/dev/null
ok "a stopping xld stops its pvfb-vnc" test -z "$(server_pid "$id")"
ok "... and says so" grep -q "pvfb-vnc $id.0: stopped" "$VMCTL_LOGDIR/xld.log"
rm -f "$VMCTL_RUNDIR/xld.sock"
"$XLD" --rundir "$VMCTL_RUNDIR" --statedir "$VMCTL_STATEDIR" --logdir "$VMCTL_LOGDIR" --foreground &
echo $! > "$VMCTL_TEST_DIR/a/xld.pid"
ok "xld starts again" wait_for "$VMCTL_RUNDIR/xld.sock"
for i in $(seq 100); do
	[ -n "$(server_pid "$id")" ] && [ "$(xenstore-read /local/domain/0/backend/vfb/$id/0/state)" = 4 ] && break
	sleep 0.05
done
port=$(vnc_port_of "$id")
ok "a client sees the picture after the clean restart" vnc_restarted "$id" pattern

# A password-protected display (vncpasswd=), on a port of its own.
cat > v2.cfg <<CFG
name = "v2"
kernel = "$kernel"
memory = 32
extra = "mode=shell"
vfb = [ "vnc=1,vncpasswd=s3cret,vncdisplay=7" ]
CFG
ok "xl create of a guest with vncpasswd" xl create v2.cfg
id2=$(xl domid v2)
port2=$(vnc_port_of "$id2")
ok "vncdisplay=7 starts the search at port 5907" test "$port2" -ge 5907
ok "its frontend connects" file_has "$VMCTL_LOGDIR/console/v2.log" "^fb: device/vfb/0"
vnc --password wrong 127.0.0.1:"$port2" size 800 600
is "$?" 3 "a wrong password is refused"
vnc 127.0.0.1:"$port2" size 800 600
rc=$?
ok "no password gets no picture" test "$rc" -ne 0
ok "the right password is accepted" vnc --password s3cret 127.0.0.1:"$port2" size 800 600 pattern
like "$(xenstore-ls -p /local/domain/0/backend/vfb/$id2/0 | grep vncpasswd)" '\(n0\)$' \
	"the password node is dom0's alone"

# xl vncviewer runs $VNCVIEWER on HOST:DISPLAY, as Xen's does.
printf '#!/bin/sh\necho "args: $*"\nif [ "$1" = -autopass ]; then read -r pw; echo "password: $pw"; fi\n' > viewer
chmod +x viewer
is "$(VNCVIEWER=$PWD/viewer xl vncviewer v1)" "args: 127.0.0.1:$((port - 5900))" \
	"xl vncviewer execs \$VNCVIEWER with HOST:DISPLAY"
is "$(VNCVIEWER=$PWD/viewer xl vncviewer --autopass v2)" \
	"$(printf 'args: -autopass 127.0.0.1:%d\npassword: s3cret' $((port2 - 5900)))" \
	"xl vncviewer --autopass gives the viewer the password on its stdin"
like "$(VNCVIEWER=$PWD/viewer xl vncviewer nosuch 2>&1)" "Invalid domain identifier" \
	"xl vncviewer of an unknown domain says so"

# xl create -V starts the viewer on the new domain's display; -A with its password.
sed -e 's/"v2"/"v3"/' -e 's/vncdisplay=7/vncdisplay=8/' v2.cfg > v3.cfg
like "$(VNCVIEWER=$PWD/viewer xl create -A v3.cfg 2>&1 | tr '\n' ' ')" \
	"args: -autopass 127.0.0.1:8 password: s3cret" \
	"xl create -A runs the viewer on the new display with its password"
ok "and the domain runs" file_has "$VMCTL_LOGDIR/console/v3.log" "^fb: device/vfb/0"
ok "xl destroy v3" xl destroy v3
sed -e 's/"v2"/"v4"/' -e 's/vncdisplay=7/vncdisplay=9/' v2.cfg > v4.cfg
like "$(VNCVIEWER=$PWD/viewer xl create -V v4.cfg 2>&1 | tr '\n' ' ')" "args: 127.0.0.1:9 " \
	"xl create -V runs the viewer on the new display"
ok "xl destroy v4" xl destroy v4

# Destroy takes the servers with the domains.
ok "xl destroy v1" xl destroy v1
ok "no pvfb-vnc is left for v1" test -z "$(server_pid "$id")"
ok "its nodes are gone" sh -c "! xenstore-exists /local/domain/0/backend/vfb/$id"
ok "xl destroy v2" xl destroy v2
ok "no pvfb-vnc is left for v2" test -z "$(server_pid "$id2")"
ok "the host stops with nothing left behind" host_stop a
done_testing
