/*
 * x86_64 PV guest ABI: flat segment selectors, the hypervisor's reserved
 * virtual range, the register frame (struct cpu_user_regs) and the frame
 * that HYPERVISOR_iret pops.  Included through <vmctl/xen/arch-x86/xen.h>.
 */
#ifndef VMCTL_XEN_ARCH_X86_XEN_X86_64_H
#define VMCTL_XEN_ARCH_X86_XEN_X86_64_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>

#ifndef __x86_64__
#error "vmctl's Xen ABI headers describe the x86_64 layout"
#endif

/*
 * Selectors Xen installs in its GDT for 64-bit PV guests.  Kernel and user
 * both run in ring 3 on x86_64, so the kernel and user names are the same.
 */
#define FLAT_RING3_CS32  0xe023	/* GDT index 260 */
#define FLAT_RING3_CS64  0xe033	/* GDT index 262 */
#define FLAT_RING3_DS32  0xe02b	/* GDT index 261 */
#define FLAT_RING3_DS64  0x0000	/* null selector */
#define FLAT_RING3_SS32  0xe02b
#define FLAT_RING3_SS64  0xe02b

#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_DS   FLAT_KERNEL_DS64
#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_CS   FLAT_KERNEL_CS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_SS   FLAT_KERNEL_SS64

#define FLAT_USER_DS64   FLAT_RING3_DS64
#define FLAT_USER_DS32   FLAT_RING3_DS32
#define FLAT_USER_DS     FLAT_USER_DS64
#define FLAT_USER_CS64   FLAT_RING3_CS64
#define FLAT_USER_CS32   FLAT_RING3_CS32
#define FLAT_USER_CS     FLAT_USER_CS64
#define FLAT_USER_SS64   FLAT_RING3_SS64
#define FLAT_USER_SS32   FLAT_RING3_SS32
#define FLAT_USER_SS     FLAT_USER_SS64

/* Xen's part of the address space; the machine-to-phys table starts it. */
#define __HYPERVISOR_VIRT_START 0xFFFF800000000000
#define __HYPERVISOR_VIRT_END   0xFFFF880000000000
#define __MACH2PHYS_VIRT_START  0xFFFF800000000000
#define __MACH2PHYS_VIRT_END    0xFFFF804000000000
#define HYPERVISOR_VIRT_START   0xFFFF800000000000UL
#define HYPERVISOR_VIRT_END     0xFFFF880000000000UL
#define MACH2PHYS_VIRT_START    0xFFFF800000000000UL
#define MACH2PHYS_VIRT_END      0xFFFF804000000000UL
#define MACH2PHYS_NR_ENTRIES    ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)

/* HYPERVISOR_set_segment_base(which, base). */
#define SEGBASE_FS          0
#define SEGBASE_GS_USER     1
#define SEGBASE_GS_KERNEL   2
#define SEGBASE_GS_USER_SEL 3	/* load user %gs with the selector in base[15:0] */

/*
 * Frame popped by HYPERVISOR_iret, lowest address first (the guest's %rsp
 * at the hypercall points at rax).  VGCF_in_syscall in flags asks for a
 * sysret-style return that leaves r11/rcx alone.
 */
#define _VGCF_in_syscall 8
#define VGCF_in_syscall  (1 << _VGCF_in_syscall)
#define VGCF_IN_SYSCALL  VGCF_in_syscall

struct iret_context {
	uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};

XEN_ABI_SIZE(struct iret_context, 72);
XEN_ABI_OFFSET(struct iret_context, rax, 0);
XEN_ABI_OFFSET(struct iret_context, flags, 24);
XEN_ABI_OFFSET(struct iret_context, rip, 32);
XEN_ABI_OFFSET(struct iret_context, ss, 64);

/* A 64-bit register that may also be named by its 32-bit half. */
#define XEN_REG64(r64, r32) union { uint64_t r64; uint32_t r32; }

/*
 * Guest register state: saved on every trap and hypercall into Xen, loaded
 * by VCPUOP_initialise and delivered in exception frames.  error_code and
 * entry_vector are Xen's own; saved_upcall_mask mirrors !rflags.IF.
 */
struct cpu_user_regs {
	XEN_REG64(r15, r15d);
	XEN_REG64(r14, r14d);
	XEN_REG64(r13, r13d);
	XEN_REG64(r12, r12d);
	XEN_REG64(rbp, ebp);
	XEN_REG64(rbx, ebx);
	XEN_REG64(r11, r11d);
	XEN_REG64(r10, r10d);
	XEN_REG64(r9, r9d);
	XEN_REG64(r8, r8d);
	XEN_REG64(rax, eax);
	XEN_REG64(rcx, ecx);
	XEN_REG64(rdx, edx);
	XEN_REG64(rsi, esi);
	XEN_REG64(rdi, edi);
	uint32_t error_code;
	uint32_t entry_vector;
	XEN_REG64(rip, eip);
	uint16_t cs, _pad0[1];
	uint8_t saved_upcall_mask;
	uint8_t _pad1[3];
	XEN_REG64(rflags, eflags);
	XEN_REG64(rsp, esp);
	uint16_t ss, _pad2[3];
	uint16_t es, _pad3[3];
	uint16_t ds, _pad4[3];
	uint16_t fs, _pad5[3];
	uint16_t gs, _pad6[3];
};
typedef struct cpu_user_regs cpu_user_regs_t;

XEN_ABI_SIZE(struct cpu_user_regs, 200);
XEN_ABI_OFFSET(struct cpu_user_regs, r15, 0);
XEN_ABI_OFFSET(struct cpu_user_regs, rbp, 32);
XEN_ABI_OFFSET(struct cpu_user_regs, rbx, 40);
XEN_ABI_OFFSET(struct cpu_user_regs, r11, 48);
XEN_ABI_OFFSET(struct cpu_user_regs, r8, 72);
XEN_ABI_OFFSET(struct cpu_user_regs, rax, 80);
XEN_ABI_OFFSET(struct cpu_user_regs, rcx, 88);
XEN_ABI_OFFSET(struct cpu_user_regs, rdx, 96);
XEN_ABI_OFFSET(struct cpu_user_regs, rsi, 104);
XEN_ABI_OFFSET(struct cpu_user_regs, rdi, 112);
XEN_ABI_OFFSET(struct cpu_user_regs, error_code, 120);
XEN_ABI_OFFSET(struct cpu_user_regs, entry_vector, 124);
XEN_ABI_OFFSET(struct cpu_user_regs, rip, 128);
XEN_ABI_OFFSET(struct cpu_user_regs, cs, 136);
XEN_ABI_OFFSET(struct cpu_user_regs, saved_upcall_mask, 140);
XEN_ABI_OFFSET(struct cpu_user_regs, rflags, 144);
XEN_ABI_OFFSET(struct cpu_user_regs, rsp, 152);
XEN_ABI_OFFSET(struct cpu_user_regs, ss, 160);
XEN_ABI_OFFSET(struct cpu_user_regs, es, 168);
XEN_ABI_OFFSET(struct cpu_user_regs, ds, 176);
XEN_ABI_OFFSET(struct cpu_user_regs, fs, 184);
XEN_ABI_OFFSET(struct cpu_user_regs, gs, 192);

/* Per-vCPU architecture part of vcpu_info: the faulting address of a #PF. */
struct arch_vcpu_info {
	unsigned long cr2;
	unsigned long pad;	/* keeps vcpu_info at 64 bytes */
};
typedef struct arch_vcpu_info arch_vcpu_info_t;

XEN_ABI_SIZE(struct arch_vcpu_info, 16);
XEN_ABI_OFFSET(struct arch_vcpu_info, cr2, 0);
XEN_ABI_OFFSET(struct arch_vcpu_info, pad, 8);

/* A callback address registered with set_callbacks / callback_op. */
typedef unsigned long xen_callback_t;

#define xen_pfn_to_cr3(pfn) ((unsigned long)(pfn) << 12)
#define xen_cr3_to_pfn(cr3) ((unsigned long)(cr3) >> 12)

#endif
