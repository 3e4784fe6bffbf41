# tests/hvm/vga.mk: the std-VGA driven by a guest without a BIOS (issue 13):
# its linear framebuffer as guest memory (privcmd HVM_VRAM_MAP), the MMIO
# BAR 2, VBE modes up to 1920x1080x32, checked by a VNC client.
check_PROGRAMS += tests/hvm/guest/vgaguest
tests_hvm_guest_vgaguest_SOURCES = tests/hvm/guest/start.S tests/hvm/guest/hg.c \
	tests/hvm/guest/hg.h tests/hvm/guest/vga.c tests/hvm/guest/ide.c tests/hvm/guest/ide.h
tests_hvm_guest_vgaguest_CFLAGS = $(GUEST_CFLAGS) $(HG_FLAGS)
tests_hvm_guest_vgaguest_CCASFLAGS = $(HG_FLAGS)
tests_hvm_guest_vgaguest_LDFLAGS = $(tests_hvm_guest_hvmguest_LDFLAGS)
TESTS += tests/hvm/vga.sh
EXTRA_DIST += tests/hvm/vga.sh

# LFB stores next to RAM stores in the same guest (make bench).
BENCHMARKS += bench/hvm_vga.sh
EXTRA_DIST += bench/hvm_vga.sh

# Debian's kernel with bochs-drm: a 1920x1080 mode through BAR 2 on VNC
# (time-boxed like linux_boot.sh).
TESTS += tests/hvm/linux_bochs.sh
EXTRA_DIST += tests/hvm/linux_bochs.sh
