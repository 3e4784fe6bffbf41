# hypervisor/: vmhv, the hypervisor core (issue: vmhv and the native PV engine).
include hypervisor/cpu/local.mk
include hypervisor/engines/hvm/local.mk

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
	hypervisor/privcmd_ioreq.c hypervisor/privcmd_ioreq.h \
	hypervisor/hypercall.c hypervisor/hypercall.h hypervisor/hypercall.def \
	hypervisor/hc_console.c hypervisor/hc_sched.c hypervisor/hc_version.c \
	hypervisor/hc_evtchn.c hypervisor/hc_vcpu.c hypervisor/hc_memory.c hypervisor/hc_grant.c \
	hypervisor/evtchn.c hypervisor/evtchn.h hypervisor/vcpu.c hypervisor/vcpu.h \
	hypervisor/reaper.c hypervisor/reaper.h hypervisor/gnttab.c hypervisor/gnttab.h \
	hypervisor/timer.c hypervisor/timer.h hypervisor/hrtimer.c hypervisor/hrtimer.h hypervisor/pvclock.c hypervisor/pvclock.h \
	hypervisor/engines/engine.h \
	hypervisor/engines/pv/pv_engine.c hypervisor/engines/pv/pv_engine.h \
	hypervisor/engines/pv/pv_channel.c hypervisor/engines/pv/pv_domain.h \
	hypervisor/engines/pv/pv_aspace.c hypervisor/engines/pv/pv_abi.h \
	hypervisor/engines/pv/pv_seccomp.c hypervisor/engines/pv/pv_seccomp.h \
	hypervisor/engines/pv/pv_dirty.c hypervisor/engines/pv/pv_dirty.h \
	hypervisor/engines/pv/pv_uproc.h \
	$(hvm_engine_sources)
hypervisor_libvmhv_la_CPPFLAGS = $(AM_CPPFLAGS) $(SECCOMP_CFLAGS)
hypervisor_libvmhv_la_LIBADD = common/libcommon.la $(SECCOMP_LIBS)

sbin_PROGRAMS += hypervisor/vmhv
hypervisor_vmhv_SOURCES = hypervisor/main.c
hypervisor_vmhv_LDADD = hypervisor/libvmhv.la

# vmhv-pv: the sandbox that runs one pv domain. No libc, no sanitizers: it
# shares its address space with the guest at fixed addresses.
pkglibexec_PROGRAMS += hypervisor/engines/pv/vmhv-pv
hypervisor_engines_pv_vmhv_pv_SOURCES = \
	hypervisor/engines/pv/sandbox/entry.S \
	hypervisor/engines/pv/sandbox/sandbox.c \
	hypervisor/engines/pv/sandbox/shim.c \
	hypervisor/engines/pv/sandbox/events.c \
	hypervisor/engines/pv/sandbox/aspace.c \
	hypervisor/engines/pv/sandbox/emulate.c \
	hypervisor/engines/pv/sandbox/desc.c \
	hypervisor/engines/pv/sandbox/usermode.c \
	hypervisor/engines/pv/sandbox/pkey.c \
	hypervisor/engines/pv/sandbox/dirty.c \
	hypervisor/engines/pv/sandbox/uproc.c \
	hypervisor/engines/pv/sandbox/thread.S \
	hypervisor/engines/pv/sandbox/mem.c \
	hypervisor/engines/pv/sandbox/sandbox.h \
	hypervisor/engines/pv/sandbox/sys.h
hypervisor_engines_pv_vmhv_pv_CFLAGS = $(GUEST_CFLAGS) -mfsgsbase -fpie
hypervisor_engines_pv_vmhv_pv_CCASFLAGS = -mfsgsbase
hypervisor_engines_pv_vmhv_pv_LDFLAGS = $(GUEST_LDFLAGS) -all-static \
	-Wl,-Ttext-segment=0x680000000000 -Wl,--no-relax # above the guest's part (sandbox.h); -fpie code, GOT kept

# vmhv-pv-user: guest user mode of one pv domain in a process of its own
# (engines/pv/pv_uproc.h). No libc, above the guest's part like vmhv-pv.
pkglibexec_PROGRAMS += hypervisor/engines/pv/vmhv-pv-user
hypervisor_engines_pv_vmhv_pv_user_SOURCES = \
	hypervisor/engines/pv/user/entry.S \
	hypervisor/engines/pv/user/main.c \
	hypervisor/engines/pv/sandbox/thread.S \
	hypervisor/engines/pv/sandbox/mem.c \
	hypervisor/engines/pv/pv_uproc.h
hypervisor_engines_pv_vmhv_pv_user_CFLAGS = $(GUEST_CFLAGS) -mfsgsbase -fpie
hypervisor_engines_pv_vmhv_pv_user_CCASFLAGS = -mfsgsbase
hypervisor_engines_pv_vmhv_pv_user_LDFLAGS = $(GUEST_LDFLAGS) -all-static \
	-Wl,-Ttext-segment=0x6c0000000000 -Wl,--no-relax
