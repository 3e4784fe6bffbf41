# common/: libc-only helpers that every layer may use (log, event loop, time).
# A libtool convenience library: it goes into libvmctl.so and into programs alike.
noinst_LTLIBRARIES += common/libcommon.la
common_libcommon_la_SOURCES = \
	common/log.c common/log.h \
	common/evloop.c common/evloop.h \
	common/util.c common/util.h \
	common/sock.c common/sock.h \
	common/listener.c common/listener.h \
	common/uffd_wp.h
