# libvmctl/build_hvm.mk: the HVM domain builder (issue 13)
libvmctl_libvmctl_la_SOURCES += libvmctl/build_hvm.c libvmctl/build_hvm.h
