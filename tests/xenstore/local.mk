# tests/xenstore/: unit tests of the store, the ring transport, malformed
# input, and interop with Debian's xenstore-utils against xs-testd.
check_PROGRAMS += tests/xenstore/xs-testd
tests_xenstore_xs_testd_SOURCES = tests/xenstore/xs-testd.c
tests_xenstore_xs_testd_LDADD = xld/xenstore/libxenstored.la common/libcommon.la

XS_TEST_LIBS = xld/xenstore/libxenstored.la common/libcommon.la
TESTS += tests/xenstore/facts_test
check_PROGRAMS += tests/xenstore/facts_test
tests_xenstore_facts_test_SOURCES = tests/xenstore/facts_test.c tests/xenstore/xsc.h
tests_xenstore_facts_test_LDADD = $(XS_TEST_LIBS)
TESTS += tests/xenstore/guest_test
check_PROGRAMS += tests/xenstore/guest_test
tests_xenstore_guest_test_SOURCES = tests/xenstore/guest_test.c tests/xenstore/xsc.h
tests_xenstore_guest_test_LDADD = $(XS_TEST_LIBS)
TESTS += tests/xenstore/malformed_test
check_PROGRAMS += tests/xenstore/malformed_test
tests_xenstore_malformed_test_SOURCES = tests/xenstore/malformed_test.c tests/xenstore/xsc.h
tests_xenstore_malformed_test_LDADD = $(XS_TEST_LIBS)
TESTS += tests/xenstore/utils_test.sh
EXTRA_DIST += tests/xenstore/utils_test.sh
tests/xenstore/utils_test.log: tests/xenstore/xs-testd$(EXEEXT)
TESTS += tests/xenstore/journal_test
check_PROGRAMS += tests/xenstore/journal_test
tests_xenstore_journal_test_SOURCES = tests/xenstore/journal_test.c
tests_xenstore_journal_test_LDADD = $(XS_TEST_LIBS)
TESTS += tests/xenstore/store_test
check_PROGRAMS += tests/xenstore/store_test
tests_xenstore_store_test_SOURCES = tests/xenstore/store_test.c
tests_xenstore_store_test_LDADD = $(XS_TEST_LIBS)
# Fuzz target; as a plain program it runs generated streams (see the file).
TESTS += tests/xenstore/fuzz_wire
check_PROGRAMS += tests/xenstore/fuzz_wire
tests_xenstore_fuzz_wire_SOURCES = tests/xenstore/fuzz_wire.c
tests_xenstore_fuzz_wire_LDADD = $(XS_TEST_LIBS)

# Differential test against C xenstored (skipped unless it is installed).
check_PROGRAMS += tests/xenstore/xs-script
tests_xenstore_xs_script_SOURCES = tests/xenstore/xs-script.c
tests_xenstore_xs_script_LDADD = common/libcommon.la
TESTS += tests/xenstore/oracle_test.sh
EXTRA_DIST += tests/xenstore/oracle_test.sh tests/xenstore/oracle.script
XS_ORACLE_DEPS = tests/xenstore/xs-testd$(EXEEXT) tests/xenstore/xs-script$(EXEEXT)
tests/xenstore/oracle_test.log: $(XS_ORACLE_DEPS)
if HAVE_LIBXEN_HEADERS
# A plain shared object (never sanitized: it is preloaded into C xenstored).
check_SCRIPTS += tests/xenstore/oracle_shim.so
CLEANFILES += tests/xenstore/oracle_shim.so
tests/xenstore/oracle_shim.so: tests/xenstore/oracle_shim.c
	$(AM_V_CC)$(MKDIR_P) tests/xenstore && \
	$(CC) -shared -fPIC -O1 $(WARN_CFLAGS) -o $@ $(srcdir)/tests/xenstore/oracle_shim.c -ldl
XS_ORACLE_DEPS += tests/xenstore/oracle_shim.so
endif
EXTRA_DIST += tests/xenstore/oracle_shim.c
