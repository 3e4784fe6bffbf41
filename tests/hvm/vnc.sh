#!/bin/bash
# An hvm domain's screen on VNC (issue 13): xl create with vnc=1 boots
# SeaBIOS and a boot sector from an IDE disk with the device model's
# std-VGA; pvfb-vnc --hvm serves the VGA's picture; a real RFB client
# (libvncclient) sees the 720x400 text mode with text on it; a key it sends
# goes through the device model's PS/2 keyboard to the BIOS, and the boot
# sector echoes it on COM1; vncpasswd is asked for, and `xl vncviewer
# --autopass` finds display and password; a killed pvfb-vnc is restarted
# by xld and serves again; destroy leaves no pvfb-vnc and no
# $rundir/devmodel.<domid>.* behind; the defaults (vnc on, 127.0.0.1;
# vnc=0 and vga="none" without a VGA); then a hostile device model's socket.
. "$top_srcdir/tests/lib/host.sh"
client="$top_builddir/tests/vnc/vnc_client"
dm="$top_builddir/devmodel/vmctl-devmodel"
img="$top_builddir/tests/hvm/guest/echo.img"
[ -x "$client" ] || skip_all "tests/vnc/vnc_client not built (no libvncclient)"
[ -x "$dm" ] || skip_all "devmodel/vmctl-devmodel not built"
[ -f "$img" ] || skip_all "tests/hvm/guest/echo.img not built"
[ -r /usr/share/seabios/bios.bin ] || skip_all "no SeaBIOS (Debian's seabios)"
[ -r /usr/share/seabios/vgabios-stdvga.bin ] || skip_all "no vgabios-stdvga.bin (Debian's seabios)"
command -v xenstore-read > /dev/null || skip_all "xenstore-utils not installed"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

vnc() { "$client" --password s3cret "$@" 2> "$VMCTL_TEST_DIR/client.err"; }
# lit_bytes PPM: how many colour bytes are not black (after the 15-byte
# header "P6\n720 400\n255\n"); text makes a few hundred.
lit_bytes() { tail -c +16 "$1" | tr -d '\000' | wc -c; }
lit() { [ "$(lit_bytes "$1")" -gt 500 ]; }
# screen_has_text DOMID: the client sees the text mode with something lit
# (a restarted server may still be starting: look again for a few seconds,
# reading its port each time).
screen_has_text() {
	for _ in $(seq 40); do
		vnc 127.0.0.1:"$(vnc_port_of "$1")" size 720 400 dump screen.ppm > /dev/null &&
			lit screen.ppm && return 0
		sleep 0.25
	done
	return 1
}

cp "$img" disk.img
cat > vnc.cfg <<CFG
type = "hvm"
name = "hvm-vnc"
memory = 32
boot = "c"
vnc = 1
vncpasswd = "s3cret"
disk = [ 'format=raw, vdev=hda, access=rw, target=$VMCTL_TEST_DIR/disk.img' ]
CFG
ok "xl create of an hvm domain with vnc=1" xl create vnc.cfg
id=$(xl domid hvm-vnc)
# SeaBIOS and the VGA BIOS on the soft CPU: seconds, more under a parallel make check
ok "the boot sector runs (its COM1 line)" console_has hvm-vnc 'echo guest ready' 1200
port=$(vnc_port_of "$id")
like "$port" '^59[0-9][0-9]$' "console/vnc-port is published ($port)"
is "$(xenstore-read /local/domain/$id/console/vnc-listen)" 127.0.0.1 "console/vnc-listen is 127.0.0.1"
srv=$(pgrep -f "pvfb-vnc --domid $id --hvm --rundir $VMCTL_RUNDIR\$")
ok "one pvfb-vnc --hvm serves it" test -n "$srv"
ok "a real VNC client sees the 720x400 text mode, not blank" screen_has_text "$id"
ok "the client types a key" vnc 127.0.0.1:"$port" key 0x61
ok "the key reaches the guest through PS/2 and the BIOS (echoed on COM1)" \
	console_has hvm-vnc 'key a'
# more_text_than N: the echo on the screen reaches the client too.
more_text_than() {
	for _ in $(seq 40); do
		vnc 127.0.0.1:"$port" dump after.ppm > /dev/null &&
			[ "$(lit_bytes after.ppm)" -gt "$1" ] && return 0
		sleep 0.25
	done
	return 1
}
ok "and its echo on the screen reaches the client" more_text_than "$(lit_bytes screen.ppm)"
"$client" --password wrong 127.0.0.1:"$port" size 720 400 2> /dev/null
is "$?" 3 "a wrong VNC password is refused"
printf '#!/bin/sh\necho "args: $*"\nif [ "$1" = -autopass ]; then read -r pw; echo "password: $pw"; fi\n' > viewer
chmod +x viewer
is "$(VNCVIEWER=$PWD/viewer xl vncviewer --autopass hvm-vnc | tr '\n' ' ')" \
	"args: -autopass 127.0.0.1:$((port - 5900)) password: s3cret " \
	"xl vncviewer --autopass finds the display and its password"

# server_restarted OLDPID: xld started a new pvfb-vnc; its pid in $srv.
server_restarted() {
	for _ in $(seq 100); do
		srv=$(pgrep -f "pvfb-vnc --domid $id --hvm --rundir $VMCTL_RUNDIR\$")
		[ -n "$srv" ] && [ "$srv" != "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
old=$srv
kill "$old"
ok "pvfb-vnc killed: xld starts it again" server_restarted "$old"
ok "a client sees the screen through the new one" screen_has_text "$id"
ok "xl destroy" xl destroy hvm-vnc
ok "the domain is gone" domain_gone hvm-vnc
ok "its pvfb-vnc is gone" test -n "$srv" -a ! -d "/proc/$srv"
left=$(ls "$VMCTL_RUNDIR" | grep "^devmodel\.$id\.")
is "$left" "" "no devmodel.$id.* is left in the run directory"
ok "its xenstore settings are gone" sh -c "! xenstore-read /local/domain/0/device-model/$id/vnc/vnc"

# The defaults, as xl's: vnc on (127.0.0.1, the first free display) with
# the std-VGA and its BIOS; vnc=0 and vga="none" have neither.
# screen NAME KEYS: create NAME (its boot sector) with KEYS, wait for it,
# leave its id in $id.
screen() {
	printf 'type = "hvm"\nname = "%s"\nmemory = 32\nboot = "c"\n%b' "$1" "$2" > "$1.cfg"
	echo "disk = [ 'format=raw, vdev=hda, access=rw, target=$VMCTL_TEST_DIR/disk.img' ]" >> "$1.cfg"
	xl create "$1.cfg" > /dev/null && console_has "$1" 'echo guest ready' 1200
	id=$(xl domid "$1")
}
screen hvm-dflt ""
ok "without vnc=, console/vnc-port is published" vnc_port_of "$id"
is "$(xenstore-read /local/domain/$id/console/vnc-listen)" 127.0.0.1 "on 127.0.0.1"
ok "a VNC client sees the screen" screen_has_text "$id"
xl destroy hvm-dflt
screen hvm-novnc "vnc = 0\n"
ok "vnc=0: no console/vnc-port" sh -c "! xenstore-read /local/domain/$id/console/vnc-port"
ok "and no VGA: SeaBIOS finds none" dmesg_has "\\(d$id\\) No VGA found" 200
xl destroy hvm-novnc
screen hvm-novga 'vga = "none"\n'
ok 'vga="none": no console/vnc-port' sh -c "! xenstore-read /local/domain/$id/console/vnc-port"
ok "and no VGA" dmesg_has "\\(d$id\\) No VGA found" 200
xl destroy hvm-novga

# A hostile device model (tests/hvm/fake_display.py) for a pvfb-vnc --hvm of
# a made-up domain: a memfd too short is refused; frames that do not fit
# are refused and the server goes on serving.
pvfb="$top_builddir/pvfb-vnc/pvfb-vnc"
fake="$top_srcdir/tests/hvm/fake_display.py"
sock="$VMCTL_RUNDIR/devmodel.77.display"
for k in vnc:1 vnclisten:127.0.0.1 vncunused:1; do
	xenstore-write "/local/domain/0/device-model/77/vnc/${k%%:*}" "${k#*:}"
done
fake_start() {   # fake_start MODE: the fake listens; its pid in $fpid
	python3 "$fake" "$sock" "$1" > /dev/null &
	fpid=$!
	for _ in $(seq 100); do
		[ -S "$sock" ] && return 0
		sleep 0.05
	done
	return 1
}
ok "a fake display socket listens" fake_start short
"$pvfb" --domid 77 --hvm --rundir "$VMCTL_RUNDIR" --log short.log
is "$?" 1 "pvfb-vnc refuses a HELLO whose memfd is too short"
like "$(cat short.log)" 'devmodel.77.display: Protocol error' "and says why"
wait "$fpid"
ok "a fake display socket listens again" fake_start badframe
"$pvfb" --domid 77 --hvm --rundir "$VMCTL_RUNDIR" --log bad.log &
bpid=$!
ok "frames that do not fit are refused" file_has bad.log 'refusing a frame of 100000x100000'
ok "... and a stride too short" file_has bad.log 'refusing a frame of 720x400, 100 bytes'
ok "the server still serves a client the HELLO's 720x400" \
	vnc 127.0.0.1:"$(vnc_port_of 77)" size 720 400
ok "and is still running" test -d "/proc/$bpid"
kill "$bpid"
wait "$bpid"
wait "$fpid"
xenstore-rm /local/domain/0/device-model/77
xenstore-rm /local/domain/77
host_stop a
done_testing
