# xld/save.mk: save/restore engine and methods (issue 8, docs/migration-stream.md).
xld_xld_SOURCES += xld/save.c xld/save.h xld/restore.c xld/restore.h \
	xld/save_pvstate.c xld/save_pvstate.h \
	xld/save_worker.c xld/save_worker.h \
	xld/rpc/m_save.c xld/rpc/methods_save.def
xld_xld_LDADD += -lpthread
xld_xld_SOURCES += xld/save_hvm.c xld/save_hvm.h
