# libvmctl/domxml.mk: libvirt domain XML <-> domain config (libxml2).
# The xl.cfg writer it also uses (cfg_write.c) is in cfg.mk.
libvmctl_libvmctl_la_SOURCES += libvmctl/domxml.h libvmctl/domxml_int.h libvmctl/domxml.c \
	libvmctl/domxml_format.c libvmctl/domxml_parse.h libvmctl/domxml_parse.c \
	libvmctl/domxml_parse_os.c libvmctl/domxml_parse_dev.c
libvmctl_libvmctl_la_CPPFLAGS += $(LIBXML_CFLAGS)
libvmctl_libvmctl_la_LIBADD += $(LIBXML_LIBS)
pkginclude_HEADERS += libvmctl/domxml.h
