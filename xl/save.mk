# xl/save.mk: xl save, xl restore (issue 8).
xl_xl_SOURCES += xl/save.c xl/cmdtable_save.def
xl_xl_LDADD += -lpthread
