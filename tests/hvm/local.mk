# tests/hvm/: the hvm engine (issue 13): the soft CPU's platform hooks,
# the platform devices, guest programs booted with xl create.
TESTS += tests/hvm/cpu_hooks_test
check_PROGRAMS += tests/hvm/cpu_hooks_test
tests_hvm_cpu_hooks_test_SOURCES = tests/hvm/cpu_hooks_test.c
tests_hvm_cpu_hooks_test_LDADD = hypervisor/cpu/libsoftcpu.la

# hvmrun: boot an hvm guest and print its debug-port output (a tool too).
noinst_PROGRAMS += tests/hvm/hvmrun
tests_hvm_hvmrun_SOURCES = tests/hvm/hvmrun.c tests/hv/vmhv_proc.c tests/hv/vmhv_proc.h
tests_hvm_hvmrun_LDADD = libvmctl/libvmctl.la

# The hvm test guest: 32-bit, multiboot, freestanding (GUEST_CFLAGS -m32).
HG_FLAGS = -m32 -march=i686
check_PROGRAMS += tests/hvm/guest/hvmguest
tests_hvm_guest_hvmguest_SOURCES = tests/hvm/guest/start.S tests/hvm/guest/hg.c \
	tests/hvm/guest/hg.h tests/hvm/guest/tests.c \
	tests/hvm/guest/pvhvm.c tests/hvm/guest/pvhvm_xs.c tests/hvm/guest/pvhvm.h \
	tests/hvm/guest/highmem.c tests/hvm/guest/highmem.h
tests_hvm_guest_hvmguest_CFLAGS = $(GUEST_CFLAGS) $(HG_FLAGS)
tests_hvm_guest_hvmguest_CCASFLAGS = $(HG_FLAGS)
tests_hvm_guest_hvmguest_LDFLAGS = $(GUEST_LDFLAGS) $(HG_FLAGS) -all-static \
	-Wl,--no-warn-rwx-segments -Wl,-T,$(top_srcdir)/tests/hvm/guest/guest.lds
EXTRA_DIST += tests/hvm/guest/guest.lds

TESTS += tests/hvm/platform_test.sh
EXTRA_DIST += tests/hvm/platform_test.sh

# ioreq servers: privcmd checks and a guest served by the tests' device model.
TESTS += tests/hvm/ioreq_test
check_PROGRAMS += tests/hvm/ioreq_test
tests_hvm_ioreq_test_SOURCES = tests/hvm/ioreq_test.c tests/hvm/dm.c tests/hvm/dm.h \
	tests/hv/vmhv_proc.c tests/hv/vmhv_proc.h
tests_hvm_ioreq_test_LDADD = libvmctl/libvmctl.la -lpthread

# xl create of hvm domains (a private vmhv + xld).
TESTS += tests/hvm/xl_create.sh
EXTRA_DIST += tests/hvm/xl_create.sh

# A boot sector (disk image) for xl_create.sh: SeaBIOS + the device model.
check_SCRIPTS += tests/hvm/guest/bootsect.img
CLEANFILES += tests/hvm/guest/bootsect.img tests/hvm/guest/bootsect.elf
EXTRA_DIST += tests/hvm/guest/bootsect.S
tests/hvm/guest/bootsect.img: $(top_srcdir)/tests/hvm/guest/bootsect.S
	@mkdir -p tests/hvm/guest
	$(AM_V_GEN)$(CC) -m32 -nostdlib -static -no-pie -Wl,-N -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
	  -Wl,-Ttext=0x7c00 -o tests/hvm/guest/bootsect.elf $(top_srcdir)/tests/hvm/guest/bootsect.S && \
	  objcopy -O binary tests/hvm/guest/bootsect.elf $@ && truncate -s 1M $@

# PV-on-HVM: the test guest through xl create (add_to_physmap, callback,
# upcalls, xenstore through the HVM params).
TESTS += tests/hvm/pvhvm.sh
EXTRA_DIST += tests/hvm/pvhvm.sh

# The same kernel without nopv: Xen HVM, xenstore, the platform device's
# unplug, the disk through xen-blkfront (PVHVM; minutes, time-boxed).
TESTS += tests/hvm/linux_pv.sh
EXTRA_DIST += tests/hvm/linux_pv.sh tests/hvm/linux_lib.sh

# Debian's kernel to a busybox shell through xl create (HVMLINUX).
TESTS += tests/hvm/linux_boot.sh
EXTRA_DIST += tests/hvm/linux_boot.sh

# The same kernel's PV console (console=hvc0) on xl console -t pv next to
# its serial line (HVMXL).
TESTS += tests/hvm/linux_pvcon.sh
EXTRA_DIST += tests/hvm/linux_pvcon.sh

# The hvm domain's VGA on VNC (HVMVNC): a boot sector that echoes keys,
# built by the rule below (any tests/hvm/guest/NAME.S boot sector).
check_SCRIPTS += tests/hvm/guest/echo.img
CLEANFILES += tests/hvm/guest/echo.img tests/hvm/guest/echo.elf
EXTRA_DIST += tests/hvm/guest/echo.S tests/hvm/vnc.sh tests/hvm/fake_display.py
TESTS += tests/hvm/vnc.sh
tests/hvm/guest/%.img: $(top_srcdir)/tests/hvm/guest/%.S
	@mkdir -p tests/hvm/guest
	$(AM_V_GEN)$(CC) -m32 -nostdlib -static -no-pie -Wl,-N -Wl,--build-id=none \
	  -Wl,--no-warn-rwx-segments -Wl,-Ttext=0x7c00 -o tests/hvm/guest/$*.elf $< && \
	  objcopy -O binary tests/hvm/guest/$*.elf $@ && truncate -s 1M $@
