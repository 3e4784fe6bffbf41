# xl/: the xl-compatible command line (a thin client of xld's JSON-RPC API).
sbin_PROGRAMS += xl/xl
xl_xl_SOURCES = xl/main.c xl/xl.h xl/cmdtable.def xl/cmdtable_dev.def xl/cmdtable_vnc.def xl/cmd_info.c xl/cmd_list.c xl/cmd_domain.c \
	xl/cmd_create.c xl/cmd_console.c xl/cmd_top.c xl/cmd_block.c xl/cmd_network.c
xl_xl_CPPFLAGS = $(AM_CPPFLAGS) $(YAJL_CFLAGS)
xl_xl_LDADD = libvmctl/libvmctl.la $(YAJL_LIBS)
