# pvfb-vnc/: one VNC server per guest framebuffer (docs/vnc.md), started and
# supervised by xld.
pkglibexec_PROGRAMS += pvfb-vnc/pvfb-vnc
pvfb_vnc_pvfb_vnc_SOURCES = \
	pvfb-vnc/main.c \
	pvfb-vnc/vnc.c pvfb-vnc/vnc.h \
	pvfb-vnc/fbsrc.h \
	pvfb-vnc/pvfb.c pvfb-vnc/pvfb.h \
	pvfb-vnc/pvkbd.c pvfb-vnc/pvkbd.h \
	pvfb-vnc/pvdev.c pvfb-vnc/pvdev.h \
	pvfb-vnc/src_dmdisplay.c pvfb-vnc/src_dmdisplay.h \
	pvfb-vnc/keymap.c pvfb-vnc/keymap.h pvfb-vnc/keymap.def \
	pvfb-vnc/sandbox.c pvfb-vnc/sandbox.h pvfb-vnc/sandbox.def \
	common/sandbox_filter.c common/sandbox_filter.h common/sandbox_rules.inc \
	pvfb-vnc/xs_client.c pvfb-vnc/xs_client.h
pvfb_vnc_pvfb_vnc_CPPFLAGS = $(AM_CPPFLAGS) $(VNCSERVER_CFLAGS) $(SECCOMP_CFLAGS)
pvfb_vnc_pvfb_vnc_LDADD = libvmctl/libvmctl.la common/libcommon.la \
	$(VNCSERVER_LIBS) $(SECCOMP_LIBS)
