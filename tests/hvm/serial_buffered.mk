# tests/hvm/serial_buffered.mk (JITB): COM1's data-register writes through
# the buffered ioreq ring, end to end with vmctl-devmodel.
TESTS += tests/hvm/serial_buffered.sh
EXTRA_DIST += tests/hvm/serial_buffered.sh tests/hvm/guest/mbflood.S
check_SCRIPTS += tests/hvm/guest/mbflood.elf
CLEANFILES += tests/hvm/guest/mbflood.elf
# built by tests/hvm/bootloaders.mk's mb%.elf rule
