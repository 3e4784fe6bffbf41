#!/bin/bash
# COM1's data-register writes through the ioreq server's buffered ring
# (hypervisor/engines/hvm/sandbox/io.c, docs/hvm.md "Port writes that need
# no answer"): a multiboot kernel (guest/mbflood.S) started by xl create
# with vmctl-devmodel prints its command line 16 times without polling
# LSR, about 2 000 bytes, more than the ring's 511 slots, so writes also
# fall back to synchronous requests when it is full. Every byte must reach
# the serial console in order; the divisor latch written through the data
# port must read back (the read is served after the buffered write).
. "$top_srcdir/tests/lib/host.sh"
kernel="$top_builddir/tests/hvm/guest/mbflood.elf"
[ -f "$kernel" ] || skip_all "tests/hvm/guest/mbflood.elf not built"
[ -x "$top_builddir/devmodel/vmctl-devmodel" ] || skip_all "devmodel/vmctl-devmodel not built"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

text=
for i in $(seq 0 11); do text="$text$i-abcdefghi"; done
cat > flood.cfg <<CFG
type = "hvm"
name = "flood"
memory = 32
vnc = 0
kernel = "$kernel"
cmdline = "$text"
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
CFG
for c in a b c d e f g h i j k l m n o p; do echo "$c$text :end"; done > expected

ok "xl create of the flooding kernel" xl create flood.cfg
log="$VMCTL_LOGDIR/console/flood.log"
ok "its last line reaches the serial console" \
	console_has flood "mbflood: the divisor latch" 3000
tr -d '\r' < "$log" | grep -E "^[a-p][0-9]+-abc.* :end$" > got
ok "all 16 copies of the command line, every byte in order" cmp -s expected got ||
	diff expected got | head -5 | sed 's/^/# /'
ok "the divisor latch written through the data port reads back" \
	grep -q "mbflood: the divisor latch reads back" "$log"
xl destroy flood 2> /dev/null
ok "the domain is gone" domain_gone flood
host_stop a
done_testing
