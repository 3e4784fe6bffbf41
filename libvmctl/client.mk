# libvmctl/client.mk: the client library for xld's JSON-RPC API (public header
# libvmctl.h, installed as <vmctl/libvmctl.h>).
libvmctl_libvmctl_la_SOURCES += libvmctl/client.c
vmctlincdir = $(includedir)/vmctl
vmctlinc_HEADERS = libvmctl/libvmctl.h
