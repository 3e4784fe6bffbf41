# libvmctl/stream.mk: the domain stream (save files, migration), include/vmctl/stream.h.
libvmctl_libvmctl_la_SOURCES += libvmctl/stream.c libvmctl/stream_crc.c libvmctl/stream.h
