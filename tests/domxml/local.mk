# tests/domxml/: libvirt domain XML <-> domain config and xl.cfg
# (libvmctl/domxml*, cfg_write*, xl domxml-to-cfg / cfg-to-domxml).
check_PROGRAMS += tests/domxml/domxml_check
tests_domxml_domxml_check_SOURCES = tests/domxml/domxml_check.c
tests_domxml_domxml_check_CPPFLAGS = $(AM_CPPFLAGS) $(YAJL_CFLAGS)
tests_domxml_domxml_check_LDADD = libvmctl/libvmctl.la common/libcommon.la $(YAJL_LIBS)

TESTS += tests/domxml/domxml.sh
EXTRA_DIST += tests/domxml/domxml.sh tests/domxml/xml tests/domxml/bad

check_PROGRAMS += tests/domxml/test_domxml_fuzz
tests_domxml_test_domxml_fuzz_SOURCES = tests/domxml/test_domxml_fuzz.c
tests_domxml_test_domxml_fuzz_CPPFLAGS = $(AM_CPPFLAGS) $(YAJL_CFLAGS)
tests_domxml_test_domxml_fuzz_LDADD = libvmctl/libvmctl.la common/libcommon.la $(YAJL_LIBS)
TESTS += tests/domxml/test_domxml_fuzz
EXTRA_DIST += tests/domxml/fuzz_domxml.c

# libFuzzer target, built only on request with clang (see fuzz_domxml.c);
# it links the library (libxml2 and the converters are not instrumented).
EXTRA_PROGRAMS += tests/domxml/fuzz_domxml
tests_domxml_fuzz_domxml_SOURCES = tests/domxml/fuzz_domxml.c
tests_domxml_fuzz_domxml_CPPFLAGS = $(AM_CPPFLAGS) $(YAJL_CFLAGS)
tests_domxml_fuzz_domxml_CFLAGS = $(AM_CFLAGS) -g -fsanitize=fuzzer,address,undefined
tests_domxml_fuzz_domxml_LDFLAGS = -fsanitize=fuzzer,address,undefined
tests_domxml_fuzz_domxml_LDADD = libvmctl/libvmctl.la common/libcommon.la $(YAJL_LIBS)

check_PROGRAMS += tests/domxml/test_domxml_api
tests_domxml_test_domxml_api_SOURCES = tests/domxml/test_domxml_api.c
tests_domxml_test_domxml_api_CPPFLAGS = $(AM_CPPFLAGS) $(YAJL_CFLAGS)
tests_domxml_test_domxml_api_LDADD = libvmctl/libvmctl.la common/libcommon.la $(YAJL_LIBS)
TESTS += tests/domxml/test_domxml_api
