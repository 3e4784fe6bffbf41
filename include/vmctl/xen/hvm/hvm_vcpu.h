/*
 * Initial register state of an HVM or PVH vCPU, passed to
 * VCPUOP_initialise to start a secondary vCPU (then VCPUOP_up).  `mode`
 * selects which member of cpu_regs is used.  Fixed-width fields only: the
 * layout is the same for 32- and 64-bit callers.
 */
#ifndef VMCTL_XEN_HVM_HVM_VCPU_H
#define VMCTL_XEN_HVM_HVM_VCPU_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>

/*
 * 32-bit protected (or, with EFER.LME/LMA, compatibility) mode.  Segment
 * state is given as cached base, limit and access rights (the "ar" bits of
 * a descriptor: type, S, DPL, P, AVL, L, D/B, G packed in 12 bits).  efer
 * may only set NXE, or LME/LMA for compatibility mode.
 */
struct vcpu_hvm_x86_32 {
	uint32_t eax, ecx, edx, ebx;
	uint32_t esp, ebp, esi, edi;
	uint32_t eip, eflags;
	uint32_t cr0, cr3, cr4;
	uint32_t pad1;
	uint64_t efer;
	uint32_t cs_base, ds_base, ss_base, es_base, tr_base;
	uint32_t cs_limit, ds_limit, ss_limit, es_limit, tr_limit;
	uint16_t cs_ar, ds_ar, ss_ar, es_ar, tr_ar;
	uint16_t pad2[3];
};
typedef struct vcpu_hvm_x86_32 xen_vcpu_hvm_x86_32_t;
XEN_ABI_SIZE(struct vcpu_hvm_x86_32, 120);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, eax, 0);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, ecx, 4);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, edx, 8);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, ebx, 12);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, esp, 16);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, ebp, 20);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, esi, 24);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, edi, 28);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, eip, 32);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, eflags, 36);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, cr0, 40);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, cr3, 44);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, cr4, 48);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, efer, 56);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, cs_base, 64);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, tr_base, 80);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, cs_limit, 84);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, tr_limit, 100);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, cs_ar, 104);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, tr_ar, 112);

/* 64-bit mode; segments are set up flat for long mode by the hypervisor. */
struct vcpu_hvm_x86_64 {
	uint64_t rax, rcx, rdx, rbx;
	uint64_t rsp, rbp, rsi, rdi;
	uint64_t rip, rflags;
	uint64_t cr0, cr3, cr4;
	uint64_t efer;
};
typedef struct vcpu_hvm_x86_64 xen_vcpu_hvm_x86_64_t;
XEN_ABI_SIZE(struct vcpu_hvm_x86_64, 112);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_64, rax, 0);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_64, rsp, 32);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_64, rip, 64);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_64, rflags, 72);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_64, cr0, 80);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_64, cr3, 88);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_64, cr4, 96);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_64, efer, 104);

#define VCPU_HVM_MODE_32B 0	/* cpu_regs.x86_32 */
#define VCPU_HVM_MODE_64B 1	/* cpu_regs.x86_64 */

struct vcpu_hvm_context {
	uint32_t mode;			/* VCPU_HVM_MODE_* */
	uint32_t pad;
	union {
		xen_vcpu_hvm_x86_32_t x86_32;
		xen_vcpu_hvm_x86_64_t x86_64;
	} cpu_regs;
};
typedef struct vcpu_hvm_context vcpu_hvm_context_t;
XEN_ABI_SIZE(struct vcpu_hvm_context, 128);
XEN_ABI_OFFSET(struct vcpu_hvm_context, mode, 0);
XEN_ABI_OFFSET(struct vcpu_hvm_context, pad, 4);
XEN_ABI_OFFSET(struct vcpu_hvm_context, cpu_regs, 8);

#endif
