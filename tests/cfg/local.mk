# tests/cfg/: xl.cfg parser, domain config types, JSON, spec mini-languages.
CFG_TEST_LDADD = libvmctl/libvmctl.la common/libcommon.la $(YAJL_LIBS) $(UUID_LIBS)

check_PROGRAMS += tests/cfg/cfg_dump
tests_cfg_cfg_dump_SOURCES = tests/cfg/cfg_dump.c
tests_cfg_cfg_dump_LDADD = $(CFG_TEST_LDADD)

check_PROGRAMS += tests/cfg/test_cfg_grammar
tests_cfg_test_cfg_grammar_SOURCES = tests/cfg/test_cfg_grammar.c
tests_cfg_test_cfg_grammar_LDADD = $(CFG_TEST_LDADD)
TESTS += tests/cfg/test_cfg_grammar

TESTS += tests/cfg/golden.sh
EXTRA_DIST += tests/cfg/golden.sh tests/cfg/golden tests/cfg/bad
