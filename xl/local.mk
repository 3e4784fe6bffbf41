# xl/: the xl-compatible command line (a thin client of xld's JSON-RPC API).
sbin_PROGRAMS += xl/xl
xl_xl_SOURCES = xl/main.c xl/xl.h xl/cmdtable.def xl/cmdtable_dev.def xl/cmdtable_vnc.def xl/cmd_info.c xl/cmd_list.c xl/cmd_domain.c \
	xl/cmd_create.c xl/cmd_console.c xl/cmd_top.c xl/device.c xl/device.h xl/cmd_block.c xl/cmd_network.c xl/cmd_vnc.c xl/vnc.h
xl_xl_CPPFLAGS = $(AM_CPPFLAGS) $(YAJL_CFLAGS)
xl_xl_LDADD = libvmctl/libvmctl.la $(YAJL_LIBS)

# The man pages are made from docs/xl.md and docs/xl.cfg.md (one source).
nodist_man_MANS = xl/xl.1 xl/xl.cfg.5
CLEANFILES += $(nodist_man_MANS)
EXTRA_DIST += docs/md2man.awk
xl/xl.1: $(srcdir)/docs/xl.md $(srcdir)/docs/md2man.awk
	$(AM_V_GEN)$(MKDIR_P) xl && $(AWK) -v title=XL -v section=1 -f $(srcdir)/docs/md2man.awk $(srcdir)/docs/xl.md > $@
xl/xl.cfg.5: $(srcdir)/docs/xl.cfg.md $(srcdir)/docs/md2man.awk
	$(AM_V_GEN)$(MKDIR_P) xl && $(AWK) -v title=XL.CFG -v section=5 -f $(srcdir)/docs/md2man.awk $(srcdir)/docs/xl.cfg.md > $@
