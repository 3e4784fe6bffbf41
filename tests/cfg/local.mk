# tests/cfg/: xl.cfg parser, domain config types, JSON, spec mini-languages.
CFG_TEST_LDADD = libvmctl/libvmctl.la common/libcommon.la $(YAJL_LIBS) $(UUID_LIBS)

check_PROGRAMS += tests/cfg/cfg_dump
tests_cfg_cfg_dump_SOURCES = tests/cfg/cfg_dump.c
tests_cfg_cfg_dump_LDADD = $(CFG_TEST_LDADD)
