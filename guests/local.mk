# guests/: the vmctl PV guest kernel (freestanding; GUEST_CFLAGS).
# Built by the normal `make`, installed as $(pkgdatadir)/vmctl-kernel.
noinst_PROGRAMS += guests/vmctl-kernel
guests_vmctl_kernel_SOURCES = \
	guests/boot.S guests/layout.h guests/kernel.h guests/hypercall.h \
	guests/xerrno.h guests/lib.c guests/lib.h guests/options.c \
	guests/options.h guests/start.c guests/traps.c guests/mm.c guests/mm.h \
	guests/console.c guests/console.h guests/events.c guests/events.h \
	guests/clock.c guests/clock.h guests/schedop.c guests/schedop.h \
	guests/xenbus.c guests/xenbus.h guests/gnttab.c guests/gnttab.h \
	guests/devices.c guests/devices.h guests/control.c guests/control.h \
	guests/smp.c guests/smp.h guests/balloon.c guests/balloon.h \
	guests/blkfront.c guests/blkfront.h \
	guests/netfront.c guests/netfront.h guests/net.c guests/net.h \
	guests/fbfront.c guests/fbfront.h guests/kbdfront.c guests/kbdfront.h \
	guests/draw.c guests/draw.h guests/shell.c guests/shell.h \
	guests/modes.c guests/modes.h guests/bench.c guests/bench.h \
	guests/selftest.c guests/selftest.h guests/bench_loop.h \
	guests/diskread.c guests/diskread.h
# Freestanding and never sanitized: its own flags replace AM_CFLAGS.
guests_vmctl_kernel_CFLAGS = $(GUEST_CFLAGS)
guests_vmctl_kernel_CCASFLAGS = -D__ASSEMBLY__
guests_vmctl_kernel_LDFLAGS = $(GUEST_LDFLAGS) -Wl,--no-pie \
	-Wl,-T,$(srcdir)/guests/kernel.lds
guests_vmctl_kernel_LDADD =
EXTRA_guests_vmctl_kernel_DEPENDENCIES = $(srcdir)/guests/kernel.lds
EXTRA_DIST += guests/kernel.lds guests/frontends.def guests/shell.def guests/modes.def

# make bench: the guest's bench mode against the same loop run natively.
EXTRA_PROGRAMS += guests/bench-native
guests_bench_native_SOURCES = guests/bench_native.c guests/bench_loop.h
BENCHMARKS += guests/bench_kernel.sh
EXTRA_DIST += guests/bench_kernel.sh
bench: guests/bench-native guests/vmctl-kernel

install-data-local: install-guest-kernel
uninstall-local: uninstall-guest-kernel
install-guest-kernel: guests/vmctl-kernel
	$(MKDIR_P) "$(DESTDIR)$(pkgdatadir)"
	$(INSTALL_DATA) guests/vmctl-kernel "$(DESTDIR)$(pkgdatadir)/vmctl-kernel"
uninstall-guest-kernel:
	rm -f "$(DESTDIR)$(pkgdatadir)/vmctl-kernel"
.PHONY: install-guest-kernel uninstall-guest-kernel
