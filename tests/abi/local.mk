# tests/abi/: the Xen ABI headers (include/vmctl/xen/) and how they are checked:
#  - abi_layout_test: every size, offset and constant against abi.def;
#  - abi_xen_test: the same names against Xen 4.17's headers (libxen-dev);
#  - abi_break.sh: a broken copy of a header must fail to compile;
#  - abi_standalone.sh: each header compiles alone, host and freestanding;
#  - ring_test: the behaviour of the io/ring.h macros.
ABI_TABLE_SOURCES = tests/abi/abi_table.c tests/abi/abi_table.h tests/abi/abi_ours.c

check_PROGRAMS += tests/abi/abi_layout_test
TESTS += tests/abi/abi_layout_test
tests_abi_abi_layout_test_SOURCES = tests/abi/abi_layout_test.c tests/abi/abi_expected.c \
	$(ABI_TABLE_SOURCES)

check_PROGRAMS += tests/abi/ring_test
TESTS += tests/abi/ring_test
tests_abi_ring_test_SOURCES = tests/abi/ring_test.c

if HAVE_LIBXEN_HEADERS
check_PROGRAMS += tests/abi/abi_xen_test
TESTS += tests/abi/abi_xen_test
tests_abi_abi_xen_test_SOURCES = tests/abi/abi_xen_test.c tests/abi/abi_xen.c \
	$(ABI_TABLE_SOURCES)
endif

# The scripts compile with the same compiler and flags as the tree.
TESTS += tests/abi/abi_break.sh tests/abi/abi_standalone.sh
check_SCRIPTS += tests/abi/abi-flags.sh
CLEANFILES += tests/abi/abi-flags.sh
EXTRA_DIST += tests/abi/abi_break.sh tests/abi/abi_standalone.sh tests/abi/abi.def tests/abi/abi_xen.c tests/abi/abi_xen_test.c

tests/abi/abi-flags.sh: Makefile
	$(AM_V_GEN)$(MKDIR_P) tests/abi && \
	{ echo "CC='$(CC)'"; echo "ABI_CFLAGS='$(AM_CFLAGS) $(CFLAGS)'"; \
	  echo "GUEST_CFLAGS='$(GUEST_CFLAGS)'"; } > $@
