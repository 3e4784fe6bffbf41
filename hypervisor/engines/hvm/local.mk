# hypervisor/engines/hvm/: the hvm engine (issue 13). vmhv's side goes into
# libvmhv (hvm_engine_sources); the sandbox program vmhv-hvm runs one hvm
# domain's vCPUs on the soft CPU with the platform devices.
hvm_engine_sources = \
	hypervisor/engines/hvm/hvm_abi.h hypervisor/engines/hvm/hvm_domain.h \
	hypervisor/engines/hvm/hvm_engine.c hypervisor/engines/hvm/hvm_channel.c \
	hypervisor/engines/hvm/hvm_aspace.c hypervisor/engines/hvm/hvm_physmap.c \
	hypervisor/engines/hvm/hvm_gfn.h \
	hypervisor/engines/hvm/hvm_save.h hypervisor/engines/hvm/hvm_save.c \
	hypervisor/engines/hvm/hvm_context.h hypervisor/engines/hvm/hvm_context.c \
	hypervisor/engines/hvm/hvm_dirty.h hypervisor/engines/hvm/hvm_dirty.c \
	hypervisor/engines/hvm/hvm_vram.h hypervisor/engines/hvm/hvm_vram.c \
	hypervisor/engines/hvm/hvm_link.h hypervisor/engines/hvm/hvm_link.c \
	hypervisor/engines/hvm/hvm_vcpus.h hypervisor/engines/hvm/hvm_vcpus.c

pkglibexec_PROGRAMS += hypervisor/engines/hvm/vmhv-hvm
hypervisor_engines_hvm_vmhv_hvm_SOURCES = \
	hypervisor/engines/hvm/sandbox/hvm.h \
	hypervisor/engines/hvm/sandbox/main.c \
	hypervisor/engines/hvm/sandbox/vcpu.c \
	hypervisor/engines/hvm/sandbox/xen.c \
	hypervisor/engines/hvm/sandbox/pvhvm.c \
	hypervisor/engines/hvm/sandbox/vram.c \
	hypervisor/engines/hvm/sandbox/io.c \
	hypervisor/engines/hvm/sandbox/ioreq.c \
	hypervisor/engines/hvm/sandbox/irq.c \
	hypervisor/engines/hvm/sandbox/pic.c \
	hypervisor/engines/hvm/sandbox/pit.c \
	hypervisor/engines/hvm/sandbox/rtc.c \
	hypervisor/engines/hvm/sandbox/pmtimer.c \
	hypervisor/engines/hvm/sandbox/ioapic.c \
	hypervisor/engines/hvm/sandbox/lapic.c \
	hypervisor/engines/hvm/sandbox/save.c \
	hypervisor/engines/hvm/hvm_save.h hypervisor/engines/hvm/hvm_save.c
hypervisor_engines_hvm_vmhv_hvm_CPPFLAGS = $(AM_CPPFLAGS) $(SECCOMP_CFLAGS)
hypervisor_engines_hvm_vmhv_hvm_LDADD = hypervisor/cpu/libsoftcpu.la $(SECCOMP_LIBS) -lpthread
