# xld/xenstore/: xenstored inside xld (Xen's wire protocol), built as a
# convenience library that xld links; see xld/xenstore/xenstored.h.
noinst_LTLIBRARIES += xld/xenstore/libxenstored.la
xld_xenstore_libxenstored_la_SOURCES = \
	xld/xenstore/xenstored.h xld/xenstore/xs.h \
	xld/xenstore/ops.def xld/xenstore/quota.def \
	xld/xenstore/hmap.c xld/xenstore/hmap.h \
	xld/xenstore/path.c xld/xenstore/perms.c xld/xenstore/node.c \
	xld/xenstore/view.c xld/xenstore/nodeops.c xld/xenstore/tx.c \
	xld/xenstore/watch.c xld/xenstore/domain.c xld/xenstore/conn.c \
	xld/xenstore/ops.c xld/xenstore/sock.c xld/xenstore/ring.c \
	xld/xenstore/direct.c xld/xenstore/record.c xld/xenstore/persist.c \
	xld/xenstore/journal.c xld/xenstore/xenstored.c
xld_xenstore_libxenstored_la_LIBADD = common/libcommon.la
