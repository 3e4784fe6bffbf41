# hypervisor/: vmhv, the hypervisor core (issue: vmhv and the native PV engine).
include hypervisor/cpu/local.mk

# The core as a convenience library so unit tests can link single pieces.
noinst_LTLIBRARIES += hypervisor/libvmhv.la
hypervisor_libvmhv_la_SOURCES = \
	hypervisor/vmhv.c hypervisor/vmhv.h \
	hypervisor/dmesg.c hypervisor/dmesg.h \
	hypervisor/domain.c hypervisor/domain.h \
	hypervisor/memory.c hypervisor/memory.h \
	hypervisor/host.c hypervisor/host.h \
	hypervisor/privcmd_msg.c hypervisor/privcmd_msg.h \
	hypervisor/privcmd_server.c hypervisor/privcmd_server.h \
	hypervisor/privcmd_ops.c \
	hypervisor/engines/engine.h \
	hypervisor/engines/pv/pv_engine.c
hypervisor_libvmhv_la_LIBADD = common/libcommon.la

sbin_PROGRAMS += hypervisor/vmhv
hypervisor_vmhv_SOURCES = hypervisor/main.c
hypervisor_vmhv_LDADD = hypervisor/libvmhv.la
