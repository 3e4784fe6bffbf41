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

check_PROGRAMS += tests/cfg/test_cfg_spec
tests_cfg_test_cfg_spec_SOURCES = tests/cfg/test_cfg_spec.c
tests_cfg_test_cfg_spec_LDADD = $(CFG_TEST_LDADD)
TESTS += tests/cfg/test_cfg_spec

check_PROGRAMS += tests/cfg/test_cfg_json
tests_cfg_test_cfg_json_SOURCES = tests/cfg/test_cfg_json.c
tests_cfg_test_cfg_json_LDADD = $(CFG_TEST_LDADD)
TESTS += tests/cfg/test_cfg_json

check_PROGRAMS += tests/cfg/test_cfg_fuzz
tests_cfg_test_cfg_fuzz_SOURCES = tests/cfg/test_cfg_fuzz.c
tests_cfg_test_cfg_fuzz_LDADD = $(CFG_TEST_LDADD)
TESTS += tests/cfg/test_cfg_fuzz
EXTRA_DIST += tests/cfg/fuzz_cfg.c tests/cfg/fuzz_mutate.h

# libFuzzer target, built only on request with clang:
#   make tests/cfg/fuzz_cfg CC=clang
# The parser sources are compiled into it so that they carry the coverage
# instrumentation libFuzzer needs.
EXTRA_PROGRAMS += tests/cfg/fuzz_cfg
tests_cfg_fuzz_cfg_SOURCES = tests/cfg/fuzz_cfg.c \
	libvmctl/cfg_type.c libvmctl/json_gen.c libvmctl/json_parse.c \
	libvmctl/cfg_msgs.c libvmctl/cfg_lex.c libvmctl/cfg_tree.c libvmctl/cfg_xl.c \
	libvmctl/cfg_keys.c libvmctl/cfg_devlist.c libvmctl/cfg_finish.c \
	libvmctl/cfg_default.c libvmctl/cfg_copy.c libvmctl/cfg_vdev.c libvmctl/cfg_disk.c \
	libvmctl/cfg_spec.c libvmctl/cfg_vif.c libvmctl/cfg_vfb.c libvmctl/cfg_write.c
tests_cfg_fuzz_cfg_CPPFLAGS = $(AM_CPPFLAGS) $(YAJL_CFLAGS) $(UUID_CFLAGS)
tests_cfg_fuzz_cfg_CFLAGS = $(AM_CFLAGS) -g -fsanitize=fuzzer,address,undefined
tests_cfg_fuzz_cfg_LDFLAGS = -fsanitize=fuzzer,address,undefined
tests_cfg_fuzz_cfg_LDADD = $(YAJL_LIBS) $(UUID_LIBS)
