#!/bin/bash
# The PV console of an hvm domain: Debian's kernel (linux-image-amd64,
# tests/hvm/linux_lib.sh) booted with console=ttyS0 console=hvc0 finds
# HVM_PARAM_CONSOLE_PFN/EVTCHN (xen_hvm_console_init), prints its messages
# on hvc0, which xld serves as for a PV domain: `xl console -t pv` shows
# them and its input reaches a shell on hvc0, the ring's log is
# console/<name>.pv.log; `xl console` (-t serial) stays the 16550 with its
# own shell and log. Time box and sanitizer skip as linux_boot.sh.
. "$top_srcdir/tests/lib/host.sh"
. "$top_srcdir/tests/hvm/linux_lib.sh"
linux_prereqs

linux_start

# A shell on each console: ttyS0 in the background, hvc0 (/dev/console,
# the last console=) in front.
{ linux_init_mounts; cat <<'INIT'; } > root/init
setsid sh -c 'exec sh -i <>/dev/ttyS0 >&0 2>&0' &
echo "vmctl-initramfs: shell on $(cat /sys/class/tty/console/active)" > /dev/ttyS0
echo "vmctl-initramfs: hvc shell"
exec setsid sh -c 'exec sh -i <>/dev/hvc0 >&0 2>&0'
INIT
linux_initramfs initrd.gz

linux_cfg "hvm-pvcon" "console=ttyS0 console=hvc0 panic=-1" \
	'memory = 256' 'vnc = 0' > linux.cfg
out=$(xl create linux.cfg 2>&1)
is "$?" 0 "xl create of an hvm domain with console=ttyS0 console=hvc0"
[ -n "$out" ] && diag "$out"

pvlog="$VMCTL_LOGDIR/console/hvm-pvcon.pv.log"
mkfifo pv.in serial.in
"$XL_BIN" console -t pv hvm-pvcon < pv.in > pv.out 2>&1 &
pvcon=$!
exec 3> pv.in
"$XL_BIN" console -t serial hvm-pvcon < serial.in > serial.out 2>&1 &
sercon=$!
exec 4> serial.in

tries=$((wait_s * 20))
ok "the kernel's messages reach the PV console's log (console/hvm-pvcon.pv.log)" \
	file_has "$pvlog" '\] Linux version' "$tries"
shell=0
file_has "$pvlog" 'vmctl-initramfs: hvc shell' "$tries" && shell=1
ok "the initramfs's shell on hvc0 starts within ${wait_s} s" test $shell = 1
[ $shell = 1 ] || linux_stall_report hvm-pvcon
ok "the serial line has the kernel's messages too" console_has hvm-pvcon '\] Linux version' 200
ok "and its own shell" console_has hvm-pvcon 'vmctl-initramfs: shell on ttyS0 hvc0' 400
if [ $shell = 1 ]; then
	printf 'echo pv-$((6*7))\r' >&3
	ok "a command typed on xl console -t pv runs in the hvc0 shell" file_has pv.out '^pv-42' 400
	ok "its answer is in the PV console's log" file_has "$pvlog" '^pv-42' 20
	printf 'echo serial-$((6*7))\r' >&4
	ok "a command typed on xl console -t serial runs in the ttyS0 shell" \
		file_has serial.out '^serial-42' 400
	ok "its answer is in the serial line's log" console_has hvm-pvcon '^serial-42' 20
	ok "the serial line did not get the PV console's answer" \
		sh -c "! tr -d '\r' < '$VMCTL_LOGDIR/console/hvm-pvcon.log' | grep -q '^pv-42'"
	ok "the PV console did not get the serial line's answer" \
		sh -c "! tr -d '\r' < '$pvlog' | grep -q '^serial-42'"
	like "$(tr -d '\r' < pv.out)" 'Linux version' "xl console -t pv showed the kernel's messages"
	printf 'poweroff -f\r' >&3
	ok "poweroff -f on hvc0 ends the domain" domain_gone hvm-pvcon 600
else
	diag "last serial lines:"
	tail -15 "$VMCTL_LOGDIR/console/hvm-pvcon.log" | tr -d '\r' | sed 's/^/#   /'
	diag "last PV console lines:"
	tail -15 "$pvlog" 2>/dev/null | tr -d '\r' | sed 's/^/#   /'
fi
xl destroy hvm-pvcon 2>/dev/null
exec 3>&- 4>&-
wait "$pvcon" "$sercon"
host_stop a
done_testing
