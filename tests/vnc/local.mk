# tests/vnc/: pvfb-vnc end to end with a real RFB client (libvncclient).
if HAVE_VNCCLIENT
check_PROGRAMS += tests/vnc/vnc_client
tests_vnc_vnc_client_SOURCES = tests/vnc/vnc_client.c
tests_vnc_vnc_client_CPPFLAGS = $(AM_CPPFLAGS) $(VNCCLIENT_CFLAGS)
tests_vnc_vnc_client_LDADD = $(VNCCLIENT_LIBS)
endif
TESTS += tests/vnc/display.sh
EXTRA_DIST += tests/vnc/display.sh tests/vnc/rfb_garbage.py
if HAVE_VNCCLIENT
check_PROGRAMS += tests/vnc/hostile_fb
tests_vnc_hostile_fb_SOURCES = tests/vnc/hostile_fb.c pvfb-vnc/xs_client.c pvfb-vnc/xs_client.h
tests_vnc_hostile_fb_LDADD = libvmctl/libvmctl.la common/libcommon.la
endif
TESTS += tests/vnc/hostile.sh
EXTRA_DIST += tests/vnc/hostile.sh
check_PROGRAMS += tests/vnc/supervise_test
TESTS += tests/vnc/supervise_test
tests_vnc_supervise_test_SOURCES = tests/vnc/supervise_test.c xld/supervise.c xld/supervise.h
tests_vnc_supervise_test_LDADD = common/libcommon.la
