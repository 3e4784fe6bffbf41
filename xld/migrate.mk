# xld/migrate.mk: live migration between xlds (docs/migration.md), on top
# of the save/restore engine of xld/save.mk.
xld_xld_SOURCES += xld/migrate.h xld/migrate_msg.c xld/migrate_msg.h \
	xld/migrate_net.c xld/migrate_net.h xld/migrate_listen.c \
	xld/migrate_recv.c xld/migrate_send.c \
	xld/rpc/m_migrate.c xld/rpc/methods_migrate.def
