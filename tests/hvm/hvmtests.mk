# tests/hvm/hvmtests.mk: issue 13's remaining checks (HVMTESTS).

# SeaBIOS's 0x402 log on vmctl next to QEMU's i440FX with the same devices,
# line for line (skipped without Debian's qemu-system-x86).
TESTS += tests/hvm/seabios_qemu.sh
EXTRA_DIST += tests/hvm/seabios_qemu.sh tests/hvm/qemu_pc.sh

# The Linux kernel's text console through VNC, read glyph by glyph
# (time-boxed like linux_boot.sh).
TESTS += tests/hvm/linux_vnc.sh
EXTRA_DIST += tests/hvm/linux_vnc.sh tests/hvm/vga_text.py

# The device model's devices driven by a guest (PCI configuration, COM1,
# IDE DMA), a guest hammering every port next to them.
check_PROGRAMS += tests/hvm/guest/devguest
tests_hvm_guest_devguest_SOURCES = tests/hvm/guest/start.S tests/hvm/guest/hg.c \
	tests/hvm/guest/hg.h tests/hvm/guest/devices.c tests/hvm/guest/vcpuhp.c \
	tests/hvm/guest/vcpuhp.h tests/hvm/guest/ide.c tests/hvm/guest/ide.h
tests_hvm_guest_devguest_CFLAGS = $(GUEST_CFLAGS) $(HG_FLAGS)
tests_hvm_guest_devguest_CCASFLAGS = $(HG_FLAGS)
tests_hvm_guest_devguest_LDFLAGS = $(tests_hvm_guest_hvmguest_LDFLAGS)
TESTS += tests/hvm/devices.sh
EXTRA_DIST += tests/hvm/devices.sh tests/hvm/disk_pattern.py
