#!/bin/bash
# Debian's kernel (linux-image-amd64) with a busybox initramfs shows its
# text console over VNC: xl create with vnc=1 (the device model's std-VGA,
# SeaVGABIOS) and console=tty0; on the std-VGA in SeaBIOS's 80x25 text mode
# Debian's kernel uses vgacon (no framebuffer driver is built in that takes
# a text mode; bochs-drm is a module the initramfs does not load), which
# keeps the font SeaVGABIOS loaded. The initramfs prints a marker on tty1
# and starts a shell there; a real VNC client (tests/vnc/vnc_client,
# libvncclient) takes screenshots, types a command as VNC key events (the
# device model's PS/2 keyboard, Linux's i8042 and atkbd) and the command's
# answer must appear on the screen.
#
# How the screenshot is read: tests/hvm/vga_text.py cuts it into 80x25
# character cells and matches each cell's bitmap exactly against the 8x16
# glyphs of Debian's vgabios-stdvga.bin (the font SeaVGABIOS loads into the
# VGA and Linux's vgacon keeps), read from the ROM file, not from the
# guest. Exact matching of a known font is deterministic and needs no OCR
# package (tesseract-ocr would add tens of MiB and guess); a cell that
# matches no glyph reads '?', so a wrong picture cannot pass.
#
# Time box: LINUX_BOOT_WAIT seconds (default 600) as in linux_boot.sh;
# skipped under the sanitizers unless LINUX_BOOT_WAIT is set.
. "$top_srcdir/tests/lib/host.sh"
. "$top_srcdir/tests/hvm/linux_lib.sh"
linux_prereqs
client="$top_builddir/tests/vnc/vnc_client"
vgabios=/usr/share/seabios/vgabios-stdvga.bin
reader="$top_srcdir/tests/hvm/vga_text.py"
[ -x "$client" ] || skip_all "tests/vnc/vnc_client not built (no libvncclient)"
[ -r "$vgabios" ] || skip_all "no vgabios-stdvga.bin (Debian's seabios)"
command -v python3 > /dev/null || skip_all "no python3"
command -v xenstore-read > /dev/null || skip_all "xenstore-utils not installed"

linux_start

# The initramfs: the marker on the VGA console (tty1) and on ttyS0 (for the
# wait), then an interactive shell on tty1 as its controlling terminal.
# The kernel's messages stop at the console first (loglevel 1): one printed
# while the command is typed (the soft CPU's "hrtimer: interrupt took N
# ns", a late driver's line) lands in the middle of the shell's echo on
# tty1, so the command line no longer reads as one line while its answer
# still comes (check 10 failed once so in a fresh-machine run).
{
	linux_init_mounts
	cat <<'INIT'
echo 1 > /proc/sys/kernel/printk
echo "vmctl-initramfs: shell on tty1" > /dev/tty1
echo "vmctl-initramfs: shell on tty1" > /dev/ttyS0
exec setsid sh -c 'exec sh -i < /dev/tty1 > /dev/tty1 2>&1'
INIT
} > root/init
linux_initramfs initrd.gz
ok "the test made a busybox initramfs" test -s initrd.gz

linux_cfg "hvm-lvnc" "console=ttyS0 console=tty0 panic=-1" \
	'memory = 256' 'vnc = 1' > linux.cfg
out=$(xl create linux.cfg 2>&1)
is "$?" 0 "xl create of an hvm domain with vnc=1 and a bzImage kernel="
[ -n "$out" ] && diag "$out"
id=$(xl domid hvm-lvnc)
linux_shell_or_stop hvm-lvnc 'vmctl-initramfs: shell on tty1'
port=$(xenstore-read "/local/domain/$id/console/vnc-port" 2>/dev/null)
like "$port" '^59[0-9][0-9]$' "console/vnc-port is published ($port)"

# screen_shows REGEX: a screenshot (through VNC) read as text has a line
# matching REGEX; the soft CPU is slow, so look again for up to 60 s. The
# last screen read is in screen.txt.
screen_shows() {
	for _ in $(seq 120); do
		"$client" 127.0.0.1:"$port" settle dump screen.ppm > /dev/null 2> client.err &&
			python3 "$reader" "$vgabios" screen.ppm > screen.txt 2> reader.err &&
			grep -Eq -- "$1" screen.txt && return 0
		sleep 0.5
	done
	return 1
}
# screen_ok REGEX DESCRIPTION: screen_shows as a test; on failure the
# screen as read goes to the log.
screen_ok() {
	if screen_shows "$1"; then
		_tap_result 0 "$2"
	else
		_tap_result 1 "$2"
		diag "the screen as read:"
		sed 's/^/#   |/' screen.txt
		sed 's/^/#   /' client.err reader.err 2> /dev/null
	fi
}

screen_ok '^vmctl-initramfs: shell on tty1$' \
	"the VGA console, read from a VNC screenshot, shows the marker"
screen_ok '^/ #$' "and the shell's prompt"
ok "the screen is the 80x25 text mode (720x400)" "$client" 127.0.0.1:"$port" size 720 400
like "$(grep -c '?' screen.txt)" '^0$' "every character cell on the screen is a glyph of the VGA font"

# Type "expr 50 - 8" and Enter as VNC key events (keysyms, unshifted).
keys=""
for c in e x p r ' ' 5 0 ' ' - ' ' 8; do
	keys="$keys key $(printf '0x%x' "'$c")"
done
"$client" 127.0.0.1:"$port" $keys key 0xff0d > /dev/null 2> client.err
is "$?" 0 "the VNC client types 'expr 50 - 8' and Enter"
screen_ok '^/ # expr 50 - 8$' "the command line appears on the screen"
screen_ok '^42$' "and its answer, 42, below it"

ok "xl destroy" xl destroy hvm-lvnc
ok "the domain is gone" domain_gone hvm-lvnc
host_stop a
done_testing
