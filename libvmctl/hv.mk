# libvmctl/hv.mk
libvmctl_libvmctl_la_SOURCES += libvmctl/hv.c libvmctl/hv.h
