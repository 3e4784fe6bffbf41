# tests/domxml/: libvirt domain XML <-> domain config and xl.cfg
# (libvmctl/domxml*, cfg_write*, xl domxml-to-cfg / cfg-to-domxml).
check_PROGRAMS += tests/domxml/domxml_check
tests_domxml_domxml_check_SOURCES = tests/domxml/domxml_check.c
tests_domxml_domxml_check_CPPFLAGS = $(AM_CPPFLAGS) $(YAJL_CFLAGS)
tests_domxml_domxml_check_LDADD = libvmctl/libvmctl.la common/libcommon.la $(YAJL_LIBS)

TESTS += tests/domxml/domxml.sh
EXTRA_DIST += tests/domxml/domxml.sh tests/domxml/xml tests/domxml/bad
