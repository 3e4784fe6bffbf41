# xl/migrate.mk: xl migrate and xl migrate-receive (docs/migration.md).
xl_xl_SOURCES += xl/migrate.c xl/cmdtable_migrate.def
xl_xl_LDADD += -lpthread
