# xld/: the dom0 daemon (xenstore, consoles, monitor, JSON-RPC, libvirt).
sbin_PROGRAMS += xld/xld
xld_xld_SOURCES = \
	xld/main.c xld/xld.h \
	xld/rpc/rpc.h xld/rpc/server.c \
	xld/rpc/methods.def xld/rpc/methods_dev.def xld/rpc/methods.h xld/rpc/methods.c \
	xld/rpc/m_host.c xld/rpc/m_domain.c xld/rpc/m_console.c xld/rpc/m_create.c \
	xld/console.c xld/console.h xld/evtchn.c xld/evtchn.h \
	xld/dom_rings.c xld/create.c xld/create.h \
	xld/monitor.c xld/monitor.h \
	xld/devices.h xld/dev/dev.h xld/dev/kinds.def xld/dev/devices.c \
	xld/dev/vbd.c xld/dev/vif.c xld/dev/vfb.c xld/dev/vfb.h xld/dev/vkbd.c \
	xld/dev/dev_xs.c xld/dev/dev_xs.h xld/dev/gmem.c xld/dev/gmem.h xld/dev/io_pool.c xld/dev/io_pool.h xld/dev/evtchn_direct.c xld/dev/evtchn_direct.h xld/dev/blkback.c xld/dev/blkback.h xld/dev/netback.c xld/dev/netback.h xld/dev/tap.c xld/dev/tap.h xld/dev/bridge.c xld/dev/bridge.h xld/dev/hotplug.c xld/dev/hotplug.h xld/rpc/m_device.c \
	xld/domain.c xld/domain.h \
	xld/store.c xld/store.h \
	xld/dom_xs.c xld/dom_xs.h \
	xld/supervise.c xld/supervise.h xld/rpc/m_vnc.c xld/rpc/methods_vnc.def
xld_xld_CPPFLAGS = $(AM_CPPFLAGS) $(YAJL_CFLAGS) $(UUID_CFLAGS)
xld_xld_LDADD = xld/xenstore/libxenstored.la libvmctl/libvmctl.la common/libcommon.la $(YAJL_LIBS) $(UUID_LIBS)
include xld/xenstore/local.mk
include xld/hvm.mk
