/* The sandbox program (vmhv-pv): runs one pv domain's vCPUs natively.
 * Shared between the C parts and entry.S. */
#ifndef VMHV_PV_SANDBOX_H
#define VMHV_PV_SANDBOX_H

/* Offsets in struct pv_vcpu used by entry.S. */
#define PV_VCPU_GUEST_RSP  0
#define PV_VCPU_SHIM_STACK 8

#define PV_SHIM_STACK_SIZE (64 * 1024)

#ifndef __ASSEMBLER__
#include "hypervisor/engines/pv/pv_abi.h"

struct pv_vcpu {
	uint64_t guest_rsp;       /* PV_VCPU_GUEST_RSP */
	uint64_t shim_stack_top;  /* PV_VCPU_SHIM_STACK */
	uint32_t id;
	struct sandbox *sb;
};
_Static_assert(__builtin_offsetof(struct pv_vcpu, guest_rsp) == PV_VCPU_GUEST_RSP, "");
_Static_assert(__builtin_offsetof(struct pv_vcpu, shim_stack_top) == PV_VCPU_SHIM_STACK, "");

struct sandbox {
	struct pv_boot boot;
	struct pv_vcpu vcpu[PRIVCMD_MAX_VCPUS];
};

/* The registers the hypercall entry saved: the call's number and args. */
struct pv_frame {
	uint64_t nr;
	uint64_t arg[5];
};

void pv_hypercall_entry(void);
__attribute__((noreturn)) void pv_enter(const struct privcmd_vcpu_regs *r);
long pv_shim_hypercall(struct pv_vcpu *v, struct pv_frame *f);
__attribute__((noreturn)) void sandbox_main(uint64_t *sp);

#endif
#endif
