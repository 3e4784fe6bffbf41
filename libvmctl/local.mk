# libvmctl/: the management library (configs, types, builder, devices, streams)
# and the client library for xld's JSON-RPC API.
lib_LTLIBRARIES += libvmctl/libvmctl.la
libvmctl_libvmctl_la_SOURCES = libvmctl/version.c libvmctl/libvmctl.h
libvmctl_libvmctl_la_CPPFLAGS = $(AM_CPPFLAGS) $(YAJL_CFLAGS) $(UUID_CFLAGS)
libvmctl_libvmctl_la_LIBADD = common/libcommon.la $(YAJL_LIBS) $(UUID_LIBS)
libvmctl_libvmctl_la_LDFLAGS = $(AM_LDFLAGS) -version-info 0:0:0
pkgconfigdir = $(libdir)/pkgconfig
pkgconfig_DATA = libvmctl/libvmctl.pc
EXTRA_DIST += libvmctl/libvmctl.pc.in
include libvmctl/client.mk
include libvmctl/cfg.mk
include libvmctl/hv.mk
include libvmctl/domxml.mk
include libvmctl/build_hvm.mk
