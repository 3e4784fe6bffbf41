# libvmctl/hv.mk
libvmctl_libvmctl_la_SOURCES += libvmctl/hv.c libvmctl/hv.h
libvmctl_libvmctl_la_SOURCES += libvmctl/elf.c libvmctl/elf.h \
	libvmctl/elf_xen.c libvmctl/elf_xen.h \
	libvmctl/build_pv.c libvmctl/build_pv.h
