# tests/hvm/serial_buffered.mk (JITB): COM1's data-register writes through
# the buffered ioreq ring, end to end with vmctl-devmodel.
TESTS += tests/hvm/serial_buffered.sh
EXTRA_DIST += tests/hvm/serial_buffered.sh tests/hvm/guest/mbflood.S
check_SCRIPTS += tests/hvm/guest/mbflood.elf
CLEANFILES += tests/hvm/guest/mbflood.elf
tests/hvm/guest/mbflood.elf: $(top_srcdir)/tests/hvm/guest/mbflood.S
	@mkdir -p tests/hvm/guest
	$(AM_V_GEN)$(CC) -m32 -nostdlib -static -no-pie -Wl,-N -Wl,--build-id=none \
	  -Wl,--no-warn-rwx-segments -Wl,-Ttext=0x100000 -o $@ $<
