# The start the serecho tests share (readopt.sh, serial_restart.sh): the
# boot sector tests/hvm/guest/serecho.S (SeaBIOS boots it from its IDE
# disk; it echoes what COM1 receives, polling the UART) as an hvm domain
# with a device model on a host of its own. Source after tests/lib/host.sh.

# serecho_say NAME TEXT [TYPE]: type TEXT on NAME's console (-t TYPE).
serecho_say() {
	printf '%s' "$2" | timeout 5 "$XL_BIN" console ${3:+-t $3} "$1" > /dev/null 2>&1
}

# serecho_start NAME [CONFIG LINE...]: skip without the device model, the
# image or SeaBIOS; start host a and cd to the test directory; create NAME
# (32 MiB, a copy of the image as hda, the extra config lines); check that
# it is ready, echoes and left its device model's pid. Sets $id (its domid)
# and $dmpid.
serecho_start() {
	local name=$1 img="$top_builddir/tests/hvm/guest/serecho.img"
	shift
	[ -x "$top_builddir/devmodel/vmctl-devmodel" ] || skip_all "devmodel/vmctl-devmodel not built"
	[ -f "$img" ] || skip_all "tests/hvm/guest/serecho.img not built"
	[ -r /usr/share/seabios/bios.bin ] || skip_all "Debian's seabios is not installed"
	host_start a || bail_out "cannot start a host"
	cd "$VMCTL_TEST_DIR" || bail_out "no test directory"
	cp "$img" disk.img
	{
		printf 'type = "hvm"\nname = "%s"\nmemory = 32\nboot = "c"\n' "$name"
		[ $# -gt 0 ] && printf '%s\n' "$@"
		echo "disk = [ 'format=raw, vdev=hda, access=rw, target=$VMCTL_TEST_DIR/disk.img' ]"
	} > "$name.cfg"
	xl create "$name.cfg" > create.out 2>&1
	is "$?" 0 "xl create of an hvm domain with a device model"
	ok "the guest is ready on the serial console" console_has "$name" 'serecho: ready' 600
	serecho_say "$name" a
	ok "it echoes what xl console sends" console_has "$name" 'serecho: got a' 600
	id=$(xl domid "$name")
	dmpid=$(cat "$VMCTL_RUNDIR/devmodel.$id.pid" 2>/dev/null)
	ok "the device model left its pid" test -n "$dmpid" -a -d "/proc/$dmpid"
}
