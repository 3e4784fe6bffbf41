# hypervisor/vcpu.mk: privcmd VCPU_LIST (xl vcpu-list), docs/privcmd.md.
hypervisor_libvmhv_la_SOURCES += hypervisor/privcmd_vcpu.c hypervisor/privcmd_vcpu.h
