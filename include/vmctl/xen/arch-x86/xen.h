/*
 * x86 architecture part of the guest ABI: guest handles, frame numbers,
 * the virtual IDT entry (struct trap_info), the full vCPU context used by
 * VCPUOP_initialise (struct vcpu_guest_context) and the x86 part of
 * shared_info.  Included by <vmctl/xen/xen.h>.
 */
#ifndef VMCTL_XEN_ARCH_X86_XEN_H
#define VMCTL_XEN_ARCH_X86_XEN_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>
#include <vmctl/xen/arch-x86/xen-x86_64.h>

/*
 * A guest handle is a guest virtual address of an array of `type`, wrapped
 * in a struct so that handles of different types do not mix.  It is always
 * 8 bytes on x86_64.  The hypervisor reads `.p` as a guest address; it never
 * dereferences it in its own address space.
 */
#define XEN_GUEST_HANDLE_TYPE_(name) xen_guest_handle_##name##_t
#define __DEFINE_XEN_GUEST_HANDLE(name, type) \
	typedef struct { type *p; } XEN_GUEST_HANDLE_TYPE_(name); \
	typedef struct { const type *p; } XEN_GUEST_HANDLE_TYPE_(const_##name)
#define DEFINE_XEN_GUEST_HANDLE(name) __DEFINE_XEN_GUEST_HANDLE(name, name)
#define XEN_GUEST_HANDLE(name)        XEN_GUEST_HANDLE_TYPE_(name)
#define XEN_GUEST_HANDLE_PARAM(name)  XEN_GUEST_HANDLE(name)
#define set_xen_guest_handle(hnd, val) do { (hnd).p = (val); } while (0)
#define guest_handle_is_null(hnd)      ((hnd).p == NULL)

__DEFINE_XEN_GUEST_HANDLE(uchar, unsigned char);
__DEFINE_XEN_GUEST_HANDLE(uint, unsigned int);
__DEFINE_XEN_GUEST_HANDLE(ulong, unsigned long);
DEFINE_XEN_GUEST_HANDLE(char);
DEFINE_XEN_GUEST_HANDLE(int);
DEFINE_XEN_GUEST_HANDLE(void);
DEFINE_XEN_GUEST_HANDLE(uint8_t);
DEFINE_XEN_GUEST_HANDLE(uint16_t);
DEFINE_XEN_GUEST_HANDLE(uint32_t);
DEFINE_XEN_GUEST_HANDLE(uint64_t);

/* A guest frame number (MFN for PV, GFN for auto-translated guests). */
typedef unsigned long xen_pfn_t;
#define PRI_xen_pfn "lx"
#define PRIu_xen_pfn "lu"
DEFINE_XEN_GUEST_HANDLE(xen_pfn_t);

/* The word-sized unsigned type of the hypercall ABI. */
typedef unsigned long xen_ulong_t;
#define PRI_xen_ulong "lx"
DEFINE_XEN_GUEST_HANDLE(xen_ulong_t);

#define xen_mk_ulong(x) x##UL

/* vcpu_info slots in shared_info; later vCPUs use VCPUOP_register_vcpu_info. */
#define XEN_LEGACY_MAX_VCPUS 32

/* set_trap_table: one entry of the guest's virtual IDT (list ends with address 0). */
struct trap_info {
	uint8_t vector;		/* exception vector */
	uint8_t flags;		/* bits 0-1: DPL; bit 2: mask events on entry */
	uint16_t cs;		/* code selector */
	unsigned long address;	/* handler entry point */
};
typedef struct trap_info trap_info_t;
DEFINE_XEN_GUEST_HANDLE(trap_info_t);

#define TI_GET_DPL(ti)      ((ti)->flags & 3)
#define TI_GET_IF(ti)       ((ti)->flags & 4)
#define TI_SET_DPL(ti, dpl) ((ti)->flags = (uint8_t)(((ti)->flags & ~3) | (dpl)))
#define TI_SET_IF(ti, i)    ((ti)->flags = (uint8_t)(((ti)->flags & ~4) | (!!(i) << 2)))

XEN_ABI_SIZE(struct trap_info, 16);
XEN_ABI_OFFSET(struct trap_info, vector, 0);
XEN_ABI_OFFSET(struct trap_info, flags, 1);
XEN_ABI_OFFSET(struct trap_info, cs, 2);
XEN_ABI_OFFSET(struct trap_info, address, 8);

/*
 * A whole PV vCPU, as VCPUOP_initialise installs it and domctl reads it.
 * The user page table of a 64-bit guest goes in ctrlreg[1].
 */
#define _VGCF_i387_valid               0
#define VGCF_i387_valid                (1 << _VGCF_i387_valid)
#define _VGCF_in_kernel                2
#define VGCF_in_kernel                 (1 << _VGCF_in_kernel)
#define _VGCF_failsafe_disables_events 3
#define VGCF_failsafe_disables_events  (1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events  4
#define VGCF_syscall_disables_events   (1 << _VGCF_syscall_disables_events)
#define _VGCF_online                   5
#define VGCF_online                    (1 << _VGCF_online)
#define VGCF_I387_VALID                VGCF_i387_valid
#define VGCF_IN_KERNEL                 VGCF_in_kernel

struct vcpu_guest_context {
	struct { char x[512]; } fpu_ctxt;	/* FXSAVE image */
	unsigned long flags;			/* VGCF_* */
	struct cpu_user_regs user_regs;
	struct trap_info trap_ctxt[256];	/* virtual IDT */
	unsigned long ldt_base, ldt_ents;	/* LDT linear address, entries */
	unsigned long gdt_frames[16], gdt_ents;	/* GDT frames, entries */
	unsigned long kernel_ss, kernel_sp;	/* virtual TSS (ring 1 stack) */
	unsigned long ctrlreg[8];		/* CR0-CR7 */
	unsigned long debugreg[8];		/* DR0-DR7 */
	unsigned long event_callback_eip;
	unsigned long failsafe_callback_eip;
	unsigned long syscall_callback_eip;
	unsigned long vm_assist;		/* VMASST_TYPE_* bitmap */
	uint64_t fs_base;
	uint64_t gs_base_kernel;
	uint64_t gs_base_user;
};
typedef struct vcpu_guest_context vcpu_guest_context_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_guest_context_t);

XEN_ABI_SIZE(struct vcpu_guest_context, 5168);
XEN_ABI_OFFSET(struct vcpu_guest_context, fpu_ctxt, 0);
XEN_ABI_OFFSET(struct vcpu_guest_context, flags, 512);
XEN_ABI_OFFSET(struct vcpu_guest_context, user_regs, 520);
XEN_ABI_OFFSET(struct vcpu_guest_context, trap_ctxt, 720);
XEN_ABI_OFFSET(struct vcpu_guest_context, ldt_base, 4816);
XEN_ABI_OFFSET(struct vcpu_guest_context, ldt_ents, 4824);
XEN_ABI_OFFSET(struct vcpu_guest_context, gdt_frames, 4832);
XEN_ABI_OFFSET(struct vcpu_guest_context, gdt_ents, 4960);
XEN_ABI_OFFSET(struct vcpu_guest_context, kernel_ss, 4968);
XEN_ABI_OFFSET(struct vcpu_guest_context, kernel_sp, 4976);
XEN_ABI_OFFSET(struct vcpu_guest_context, ctrlreg, 4984);
XEN_ABI_OFFSET(struct vcpu_guest_context, debugreg, 5048);
XEN_ABI_OFFSET(struct vcpu_guest_context, event_callback_eip, 5112);
XEN_ABI_OFFSET(struct vcpu_guest_context, failsafe_callback_eip, 5120);
XEN_ABI_OFFSET(struct vcpu_guest_context, syscall_callback_eip, 5128);
XEN_ABI_OFFSET(struct vcpu_guest_context, vm_assist, 5136);
XEN_ABI_OFFSET(struct vcpu_guest_context, fs_base, 5144);
XEN_ABI_OFFSET(struct vcpu_guest_context, gs_base_kernel, 5152);
XEN_ABI_OFFSET(struct vcpu_guest_context, gs_base_user, 5160);

/* x86 tail of shared_info: where the guest publishes its p2m for tools. */
struct arch_shared_info {
	unsigned long max_pfn;			/* highest pfn + 1 in the p2m */
	xen_pfn_t pfn_to_mfn_frame_list_list;	/* frame of the frame-list list */
	unsigned long nmi_reason;
	unsigned long p2m_cr3;			/* cr3 of the virtually mapped p2m */
	unsigned long p2m_vaddr;		/* its virtual address */
	unsigned long p2m_generation;		/* odd while being changed */
};
typedef struct arch_shared_info arch_shared_info_t;

XEN_ABI_SIZE(struct arch_shared_info, 48);
XEN_ABI_OFFSET(struct arch_shared_info, max_pfn, 0);
XEN_ABI_OFFSET(struct arch_shared_info, pfn_to_mfn_frame_list_list, 8);
XEN_ABI_OFFSET(struct arch_shared_info, nmi_reason, 16);
XEN_ABI_OFFSET(struct arch_shared_info, p2m_cr3, 24);
XEN_ABI_OFFSET(struct arch_shared_info, p2m_vaddr, 32);
XEN_ABI_OFFSET(struct arch_shared_info, p2m_generation, 40);

#endif
