# libvmctl/domxml.mk: libvirt domain XML <-> domain config (libxml2) and
# the xl.cfg writer (domain config -> xl.cfg text).
libvmctl_libvmctl_la_SOURCES += libvmctl/domxml.h libvmctl/domxml.c
libvmctl_libvmctl_la_CPPFLAGS += $(LIBXML_CFLAGS)
libvmctl_libvmctl_la_LIBADD += $(LIBXML_LIBS)
pkginclude_HEADERS += libvmctl/domxml.h
