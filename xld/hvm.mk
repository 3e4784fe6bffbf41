# xld/hvm.mk: domain.create for type="hvm" (issue 13)
xld_xld_SOURCES += xld/create_hvm.c xld/create_hvm.h
xld_xld_SOURCES += xld/create_hvm_pv.c xld/create_hvm_pv.h
xld_xld_SOURCES += xld/create_hvm_nic.c xld/create_hvm_nic.h
