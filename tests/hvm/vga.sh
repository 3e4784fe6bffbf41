#!/bin/bash
# The std-VGA driven by a guest without a BIOS (tests/hvm/guest/vga.c,
# multiboot) through xl create with vnc=1: the guest programs the VGA's
# BARs, sets a Bochs VBE mode and draws four colour bars; a real RFB client
# (libvncclient) sees the mode's size and the bars' colours.
#   fill: 640x480x32 through the DISPI ports, 20 full frames written to the
#         linear framebuffer. The device model got its VRAM from vmhv
#         (privcmd HVM_VRAM_MAP) and showed it at BAR 0: the vCPU writes it
#         without an ioreq (through ioreqs, 6 million of them, the frames
#         take minutes, far past the wait); the picture reaches VNC through
#         the dirty bits. The last frame reads back pixel for pixel.
#   churn: frames written while a VNC client is connected (the device
#         model takes the dirty bits meanwhile), until the client presses
#         a key; then the bars and a magenta pixel bottom right through the
#         write entries the frames left live: the client's picture
#         converges to what was written last (the vCPUs publish the pages
#         they wrote through a live entry again: no lost redraw).
#   dma: rep insw from the IDE data port and a bus-master READ DMA into
#         the linear framebuffer (docs/devmodel.md "Guest memory"): the
#         guest reads the sectors back and the client sees them.
#   bar2: the MMIO BAR 2 as Linux's bochs-drm uses it (DISPI at 0x500, the
#         VGA ports at 0x400, QEMU's extension area at 0x600); 1920x1080x32
#         set through it and shown on VNC at that size.
. "$top_srcdir/tests/lib/host.sh"
client="$top_builddir/tests/vnc/vnc_client"
guest="$top_builddir/tests/hvm/guest/vgaguest"
[ -x "$client" ] || skip_all "tests/vnc/vnc_client not built (no libvncclient)"
[ -x "$top_builddir/devmodel/vmctl-devmodel" ] || skip_all "devmodel/vmctl-devmodel not built"
[ -f "$guest" ] || skip_all "the VGA test guest is not built"
command -v xenstore-read > /dev/null || skip_all "xenstore-utils not installed"
command -v python3 > /dev/null || skip_all "no python3"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

# guest_passed ID WHAT: the guest of domain ID says "vga guest: PASSED";
# else its lines go to the log.
guest_passed() {
	if dmesg_has "\\(d$1\\) vga guest: (PASSED|FAILED)" 1200 &&
	   xl dmesg | grep -q "(d$1) vga guest: PASSED"; then
		_tap_result 0 "$2"
	else
		_tap_result 1 "$2"
		xl dmesg | sed -n "s/^(d$1) /#   /p"
	fi
}
# client_passed PID OUTPUT WHAT: the background client PID succeeded; else
# its OUTPUT goes to the log.
client_passed() {
	if wait "$1"; then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		sed 's/^/#   /' "$2"
	fi
}
# gone NAME WHAT: xl destroy NAME, and it is gone.
gone() {
	ok "$2: xl destroy" xl destroy "$1"
	ok "$2: the domain is gone" domain_gone "$1"
}

# bars NAME CMDLINE W H: the guest's TAP lines pass, the client sees W x H
# and the four bars.
bars() {
	local id port y=$(($4 / 2)) q=$(($3 / 4))
	printf 'type = "hvm"\nname = "%s"\nmemory = 32\nkernel = "%s"\ncmdline = "%s"\nvnc = 1\n' \
		"$1" "$guest" "$2" > "$1.cfg"
	ok "$1: xl create" xl create "$1.cfg"
	id=$(xl domid "$1")
	guest_passed "$id" "$1: the guest's checks pass"
	port=$(vnc_port_of "$id")
	ok "$1: a VNC client sees $3x$4 and the red, green, blue and white bars" \
		"$client" 127.0.0.1:"$port" size "$3" "$4" pixel $((q / 2)) "$y" ff0000 \
		pixel $((q + q / 2)) "$y" 00ff00 pixel $((2 * q + q / 2)) "$y" 0000ff \
		pixel $((3 * q + q / 2)) 0 ffffff pixel $(($3 - 1)) $(($4 - 1)) ffffff
	like "$(cat "$VMCTL_LOGDIR/devmodel/$1.log")" "vga: VRAM shown at 0xe0000000" \
		"$1: the device model showed its VRAM at BAR 0 (HVM_VRAM_MAP)"
	gone "$1" "$1"
}

bars vga-fill "fill 20" 640 480

churn() {
	local id port client_pid w=640 h=480 q=160
	printf 'type = "hvm"\nname = "vga-churn"\nmemory = 32\nkernel = "%s"\ncmdline = "churn 8"\nvnc = 1\n' \
		"$guest" > churn.cfg
	ok "churn: xl create -p" xl create -p churn.cfg
	id=$(xl domid vga-churn)
	port=$(vnc_port_of "$id")
	"$client" 127.0.0.1:"$port" size $w $h key 0x61 pixel $((w - 1)) $((h - 1)) ff00ff \
		pixel $((q / 2)) 0 ff0000 pixel $((q + q / 2)) $((h / 2)) 00ff00 \
		pixel $((2 * q + q / 2)) $((h - 1)) 0000ff pixel $((w - 2)) $((h - 1)) ffffff \
		> churn.client 2>&1 &
	client_pid=$!
	ok "churn: xl unpause (the client connected)" xl unpause vga-churn
	guest_passed "$id" "churn: the guest wrote frames until the key, the bars and the last pixel"
	client_passed "$client_pid" churn.client \
		"churn: the connected client's picture converged to the last writes"
	gone vga-churn churn
}

# dma: the device model writes the LFB after the client saw the screen
# black, a bus-master DMA first (no vCPU store marks those pages: the
# device model's own write must), then, after the client saw those
# pixels and pressed another key, a rep insw's buffer.
dma() {
	local id client_pid
	python3 "$top_srcdir/tests/hvm/disk_pattern.py" dma.img 1
	printf 'type = "hvm"\nname = "vga-dma"\nmemory = 32\nkernel = "%s"\ncmdline = "dma"\nvnc = 1\n' \
		"$guest" > dma.cfg
	echo "disk = [ 'format=raw, vdev=hda, access=ro, target=$VMCTL_TEST_DIR/dma.img' ]" >> dma.cfg
	ok "dma: xl create -p" xl create -p dma.cfg
	id=$(xl domid vga-dma)
	# a pixel of sector N is colour N: row 0 from 0xc0, row 240 from 0x1a0
	"$client" 127.0.0.1:"$(vnc_port_of "$id")" size 640 480 pixel 320 100 000000 key 0x61 \
		pixel 0 240 0001a0 pixel 320 255 0001ed pixel 639 271 00023f key 0x62 \
		pixel 10 0 0000c0 pixel 639 0 0000c4 pixel 320 100 000000 > dma.client 2>&1 &
	client_pid=$!
	ok "dma: xl unpause (the client connected)" xl unpause vga-dma
	guest_passed "$id" "dma: the guest reads the sectors back from the LFB"
	client_passed "$client_pid" dma.client \
		"dma: the client sees the sectors' colours where they were written"
	gone vga-dma dma
}

churn
dma
bars vga-bar2 bar2 1920 1080
done_testing
