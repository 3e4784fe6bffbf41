# tests/save/: save/restore (issue 8): the stream format, xl save/restore end to end.
TESTS += tests/save/stream_test tests/save/save_restore.sh tests/save/errors.sh
check_PROGRAMS += tests/save/stream_test
tests_save_stream_test_SOURCES = tests/save/stream_test.c
tests_save_stream_test_LDADD = libvmctl/libvmctl.la
EXTRA_DIST += tests/save/lib.sh tests/save/save_restore.sh tests/save/errors.sh

# HVM: a multiboot guest counting on its PIT and COM1 (tests/save/hvm_guest.c,
# on tests/hvm/guest/'s runtime) saved and restored with its device model.
TESTS += tests/save/hvm_save.sh tests/save/hvm_migrate.sh tests/save/hvm_linux.sh tests/save/hvm_linux_pv.sh
check_PROGRAMS += tests/save/hvm_guest
tests_save_hvm_guest_SOURCES = tests/hvm/guest/start.S tests/hvm/guest/hg.c \
	tests/hvm/guest/hg.h tests/save/hvm_guest.c
tests_save_hvm_guest_CFLAGS = $(GUEST_CFLAGS) -m32 -march=i686
tests_save_hvm_guest_CCASFLAGS = -m32 -march=i686
tests_save_hvm_guest_LDFLAGS = $(GUEST_LDFLAGS) -m32 -march=i686 -all-static \
	-Wl,--no-warn-rwx-segments -Wl,-T,$(top_srcdir)/tests/hvm/guest/guest.lds
EXTRA_DIST += tests/save/hvm_save.sh tests/save/hvm_stream.py tests/save/hvm_migrate.sh tests/save/hvm_linux.sh tests/save/hvm_linux_pv.sh
