# tests/vnc/: pvfb-vnc end to end with a real RFB client (libvncclient).
if HAVE_VNCCLIENT
check_PROGRAMS += tests/vnc/vnc_client
tests_vnc_vnc_client_SOURCES = tests/vnc/vnc_client.c
tests_vnc_vnc_client_CPPFLAGS = $(AM_CPPFLAGS) $(VNCCLIENT_CFLAGS)
tests_vnc_vnc_client_LDADD = $(VNCCLIENT_LIBS)
endif
TESTS += tests/vnc/display.sh
EXTRA_DIST += tests/vnc/display.sh
