# xld/vcpu.mk: domain.vcpu_list (xl vcpu-list), docs/api.md; vcpu_hvm.c:
# domain.set_vcpus of an hvm domain (the device model's CPU hotplug).
xld_xld_SOURCES += xld/rpc/m_vcpu.c xld/rpc/methods_vcpu.def \
	xld/vcpu_hvm.c xld/vcpu_hvm.h
