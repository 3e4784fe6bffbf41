/*
 * The core of Xen's guest ABI: hypercall numbers and calling convention,
 * domain ids, virtual IRQs, the PV memory-management hypercall arguments
 * (mmu_update, mmuext_op, update_va_mapping flags), vm_assist, console_io
 * and multicall.  Like Xen's xen.h it also pulls in start_info and
 * shared_info, so `#include <vmctl/xen/xen.h>` gives what Xen's gives.
 */
#ifndef VMCTL_XEN_XEN_H
#define VMCTL_XEN_XEN_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>
#include <vmctl/xen/arch-x86/xen.h>

/*
 * Hypercalls.  x86_64 PV and HVM: number in rax, arguments in rdi, rsi,
 * rdx, r10, r8; result in rax (negative Xen errno on failure, same values
 * as Linux's).  32-bit: eax; ebx, ecx, edx, esi, edi.  Entry i of the
 * hypercall page is the 32-byte stub at offset 32 * i.
 */
#define __HYPERVISOR_set_trap_table                  0
#define __HYPERVISOR_mmu_update                      1
#define __HYPERVISOR_set_gdt                         2
#define __HYPERVISOR_stack_switch                    3
#define __HYPERVISOR_set_callbacks                   4
#define __HYPERVISOR_fpu_taskswitch                  5
#define __HYPERVISOR_sched_op_compat                 6
#define __HYPERVISOR_platform_op                     7
#define __HYPERVISOR_set_debugreg                    8
#define __HYPERVISOR_get_debugreg                    9
#define __HYPERVISOR_update_descriptor              10
/* 11 is unused */
#define __HYPERVISOR_memory_op                      12
#define __HYPERVISOR_multicall                      13
#define __HYPERVISOR_update_va_mapping              14
#define __HYPERVISOR_set_timer_op                   15
#define __HYPERVISOR_event_channel_op_compat        16
#define __HYPERVISOR_xen_version                    17
#define __HYPERVISOR_console_io                     18
#define __HYPERVISOR_physdev_op_compat              19
#define __HYPERVISOR_grant_table_op                 20
#define __HYPERVISOR_vm_assist                      21
#define __HYPERVISOR_update_va_mapping_otherdomain  22
#define __HYPERVISOR_iret                           23	/* x86 only */
#define __HYPERVISOR_vcpu_op                        24
#define __HYPERVISOR_set_segment_base               25	/* x86_64 only */
#define __HYPERVISOR_mmuext_op                      26
#define __HYPERVISOR_xsm_op                         27
#define __HYPERVISOR_nmi_op                         28
#define __HYPERVISOR_sched_op                       29
#define __HYPERVISOR_callback_op                    30
#define __HYPERVISOR_xenoprof_op                    31
#define __HYPERVISOR_event_channel_op               32
#define __HYPERVISOR_physdev_op                     33
#define __HYPERVISOR_hvm_op                         34
#define __HYPERVISOR_sysctl                         35
#define __HYPERVISOR_domctl                         36
#define __HYPERVISOR_kexec_op                       37
#define __HYPERVISOR_tmem_op                        38
#define __HYPERVISOR_argo_op                        39
#define __HYPERVISOR_xenpmu_op                      40
#define __HYPERVISOR_dm_op                          41
#define __HYPERVISOR_hypfs_op                       42
#define __HYPERVISOR_arch_0                         48
#define __HYPERVISOR_arch_1                         49
#define __HYPERVISOR_arch_2                         50
#define __HYPERVISOR_arch_3                         51
#define __HYPERVISOR_arch_4                         52
#define __HYPERVISOR_arch_5                         53
#define __HYPERVISOR_arch_6                         54
#define __HYPERVISOR_arch_7                         55

/* Our own: the hypercall page's geometry (4 KiB of 32-byte stubs). */
#define XEN_HYPERCALL_STUB_SIZE 32
#define XEN_HYPERCALL_NR_STUBS  128

/* Our own: the page size of every x86 frame in this ABI. */
#define XEN_PAGE_SHIFT 12
#define XEN_PAGE_SIZE  (1UL << XEN_PAGE_SHIFT)

/* Virtual IRQs, bound with EVTCHNOP_bind_virq (V = per vCPU, G = global). */
#define VIRQ_TIMER       0	/* V: timer fired */
#define VIRQ_DEBUG       1	/* V: dump debug info */
#define VIRQ_CONSOLE     2	/* G (dom0): emergency console input */
#define VIRQ_DOM_EXC     3	/* G (dom0): some domain changed state */
#define VIRQ_TBUF        4	/* G (dom0): trace buffer has records */
#define VIRQ_DEBUGGER    6	/* G (dom0): a domain paused for debugging */
#define VIRQ_XENOPROF    7	/* V: profiling sample ready */
#define VIRQ_CON_RING    8	/* G (dom0): console ring has bytes */
#define VIRQ_PCPU_STATE  9	/* G (dom0): physical CPU state changed */
#define VIRQ_MEM_EVENT  10	/* G (dom0): memory event */
#define VIRQ_ARGO       11	/* G: Argo message */
#define VIRQ_ENOMEM     12	/* G (dom0): Xen low on heap */
#define VIRQ_XENPMU     13	/* V: PMU interrupt */
#define VIRQ_ARCH_0     16
#define VIRQ_ARCH_1     17
#define VIRQ_ARCH_2     18
#define VIRQ_ARCH_3     19
#define VIRQ_ARCH_4     20
#define VIRQ_ARCH_5     21
#define VIRQ_ARCH_6     22
#define VIRQ_ARCH_7     23
#define NR_VIRQS        24

/* Domain ids; values from DOMID_FIRST_RESERVED up are never real domains. */
typedef uint16_t domid_t;

#define DOMID_FIRST_RESERVED 0x7FF0U
#define DOMID_SELF           0x7FF0U	/* the calling domain */
#define DOMID_IO             0x7FF1U	/* owner of I/O memory */
#define DOMID_XEN            0x7FF2U	/* owner of Xen's own pages */
#define DOMID_COW            0x7FF3U	/* owner of shared (copy-on-write) pages */
#define DOMID_INVALID        0x7FF4U
#define DOMID_ANY            0x7FF5U	/* newer than Xen 4.17 */
#define DOMID_IDLE           0x7FFFU
#define DOMID_MASK           0x7FFFU

/* A domain's UUID, as the toolstack sets it. */
typedef uint8_t xen_domain_handle_t[16];

/*
 * mmu_update: ptr's low 2 bits select the command, the rest is the machine
 * address of a page-table entry (or of a frame, for MACHPHYS_UPDATE).
 */
#define MMU_NORMAL_PT_UPDATE       0	/* *ptr = val, checked */
#define MMU_MACHPHYS_UPDATE        1	/* m2p[ptr >> 12] = val */
#define MMU_PT_UPDATE_PRESERVE_AD  2	/* as NORMAL, keep accessed/dirty */
#define MMU_PT_UPDATE_NO_TRANSLATE 3	/* ptr is a machine address even for HVM */

struct mmu_update {
	uint64_t ptr;	/* machine address of the PTE, command in bits 1:0 */
	uint64_t val;	/* new contents */
};
typedef struct mmu_update mmu_update_t;
DEFINE_XEN_GUEST_HANDLE(mmu_update_t);

XEN_ABI_SIZE(struct mmu_update, 16);
XEN_ABI_OFFSET(struct mmu_update, ptr, 0);
XEN_ABI_OFFSET(struct mmu_update, val, 8);

/* mmuext_op commands (PV page-table and TLB management). */
#define MMUEXT_PIN_L1_TABLE        0
#define MMUEXT_PIN_L2_TABLE        1
#define MMUEXT_PIN_L3_TABLE        2
#define MMUEXT_PIN_L4_TABLE        3
#define MMUEXT_UNPIN_TABLE         4
#define MMUEXT_NEW_BASEPTR         5
#define MMUEXT_TLB_FLUSH_LOCAL     6
#define MMUEXT_INVLPG_LOCAL        7
#define MMUEXT_TLB_FLUSH_MULTI     8
#define MMUEXT_INVLPG_MULTI        9
#define MMUEXT_TLB_FLUSH_ALL      10
#define MMUEXT_INVLPG_ALL         11
#define MMUEXT_FLUSH_CACHE        12
#define MMUEXT_SET_LDT            13
#define MMUEXT_NEW_USER_BASEPTR   15
#define MMUEXT_CLEAR_PAGE         16
#define MMUEXT_COPY_PAGE          17
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER         19
#define MMUEXT_UNMARK_SUPER       20

struct mmuext_op {
	unsigned int cmd;		/* MMUEXT_* */
	union {
		xen_pfn_t mfn;		/* pin/unpin, new baseptr, clear/copy page */
		unsigned long linear_addr; /* invlpg, set_ldt */
	} arg1;
	union {
		unsigned int nr_ents;	/* set_ldt */
		XEN_GUEST_HANDLE(const_void) vcpumask; /* *_MULTI */
		xen_pfn_t src_mfn;	/* copy_page */
	} arg2;
};
typedef struct mmuext_op mmuext_op_t;
DEFINE_XEN_GUEST_HANDLE(mmuext_op_t);

XEN_ABI_SIZE(struct mmuext_op, 24);
XEN_ABI_OFFSET(struct mmuext_op, cmd, 0);
XEN_ABI_OFFSET(struct mmuext_op, arg1, 8);
XEN_ABI_OFFSET(struct mmuext_op, arg2, 16);

/* update_va_mapping flags: which TLB flush, and on which vCPUs. */
#define UVMF_NONE           0UL
#define UVMF_TLB_FLUSH      1UL	/* whole TLB */
#define UVMF_INVLPG         2UL	/* this one address */
#define UVMF_FLUSHTYPE_MASK 3UL
#define UVMF_MULTI          0UL	/* or'd with a pointer to a vCPU bitmap */
#define UVMF_LOCAL          0UL	/* UVMF_MULTI with no bitmap */
#define UVMF_ALL            4UL

/* vm_assist(cmd, type). */
#define VMASST_CMD_enable                0
#define VMASST_CMD_disable               1
#define VMASST_TYPE_4gb_segments         0
#define VMASST_TYPE_4gb_segments_notify  1
#define VMASST_TYPE_writable_pagetables  2
#define VMASST_TYPE_pae_extended_cr3     3
#define VMASST_TYPE_architectural_iopl   4
#define VMASST_TYPE_runstate_update_flag 5
#define VMASST_TYPE_m2p_strict          32

/* console_io(cmd, count, buffer). */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* multicall: a batch of hypercalls; result is written back per entry. */
struct multicall_entry {
	xen_ulong_t op;
	xen_ulong_t result;
	xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;
DEFINE_XEN_GUEST_HANDLE(multicall_entry_t);

XEN_ABI_SIZE(struct multicall_entry, 64);
XEN_ABI_OFFSET(struct multicall_entry, op, 0);
XEN_ABI_OFFSET(struct multicall_entry, result, 8);
XEN_ABI_OFFSET(struct multicall_entry, args, 16);

#include <vmctl/xen/shared_info.h>
#include <vmctl/xen/start_info.h>

#endif
