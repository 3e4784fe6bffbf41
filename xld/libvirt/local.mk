# xld/libvirt/: the libvirt remote protocol server, and the persistent
# definitions it shares with JSON-RPC (xld/defs.c, xld/rpc/m_defs.c).
xld_xld_SOURCES += \
	xld/libvirt/libvirt.h xld/libvirt/lv.h xld/libvirt/proto.h xld/libvirt/procs.def \
	xld/libvirt/xdr.h xld/libvirt/xdr.c xld/libvirt/server.c xld/libvirt/dispatch.c \
	xld/libvirt/dom.c xld/libvirt/p_connect.c xld/libvirt/p_domain.c xld/libvirt/p_define.c \
	xld/libvirt/p_list.c \
	xld/defs.c xld/defs.h xld/rpc/m_defs.c xld/rpc/m_defs.h xld/rpc/methods_defs.def
