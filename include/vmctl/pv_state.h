/* The pv engine's guest-visible CPU and MMU state that lives in the
 * sandbox (docs/pv-engine.md): what a Xen-ABI guest set with its
 * hypercalls (page-table bases and pins, trap table, callbacks, segment
 * bases, descriptor tables, vm_assist, debug registers, I/O privilege).
 *
 * The sandbox hands it to vmhv as the guest suspends; privcmd
 * PV_STATE_GET gives it to the saving xld, which carries it in the stream
 * as record STREAM_REC_PV_STATE (docs/migration-stream.md); the restoring
 * xld gives it back with PV_STATE_SET before the new domain first runs,
 * and the new sandbox re-establishes it before any guest instruction.
 *
 * Layout: struct pv_state, then nr_pins 64-bit entries (frame | level <<
 * 56). Everything in it is guest-controlled (or read from a file): the
 * receiver checks it as it would the hypercalls that set it.
 */
#ifndef VMCTL_PV_STATE_H
#define VMCTL_PV_STATE_H

#include <stddef.h>
#include <stdint.h>

#define PV_STATE_VERSION  1
#define PV_STATE_VCPUS    32       /* PRIVCMD_MAX_VCPUS */
#define PV_STATE_TRAPS    256
#define PV_STATE_MAX_PINS 4096u    /* more are dropped: see PV_STATE_F_PINS_CUT */

#define PV_STATE_F_CR3          1u /* the guest has page tables (kernel_cr3 valid) */
#define PV_STATE_F_PINS_CUT     2u /* it had more pins than carried */
#define PV_STATE_F_SYSCALL_MASK 4u /* syscall callback: CALLBACKF_mask_events */
#define PV_STATE_F_FAILSAFE_MASK 8u /* failsafe callback: the same */

#define PV_STATE_PIN_FRAME(e) ((e) & 0x00ffffffffffffffull)
#define PV_STATE_PIN_LEVEL(e) ((unsigned)((e) >> 56))

/* One trap-table slot, as set_trap_table's struct trap_info. */
struct pv_state_trap {
	uint8_t vector, flags;
	uint16_t cs;
	uint32_t pad;
	uint64_t address;         /* 0 = no handler */
};
_Static_assert(sizeof(struct pv_state_trap) == 16, "pv_state_trap size");

/* One vCPU's virtualised x86 state. */
struct pv_state_vcpu {
	uint64_t fs_base;         /* as it entered the suspend or its VCPUOP_down */
	uint64_t gs_kernel, gs_user;
	uint64_t kernel_ss, kernel_sp; /* stack_switch */
	uint64_t iobitmap;        /* PHYSDEVOP_set_iobitmap: VA, */
	uint32_t iobitmap_ports;  /* ... ports */
	uint32_t iopl;
	uint64_t dr[8];           /* set_debugreg */
	uint64_t gdt_frames[16];  /* set_gdt */
	uint32_t gdt_ents;
	uint32_t ts;              /* CR0.TS (fpu_taskswitch) */
};
_Static_assert(sizeof(struct pv_state_vcpu) == 256, "pv_state_vcpu size");

struct pv_state {
	uint32_t version;         /* PV_STATE_VERSION */
	uint32_t flags;           /* PV_STATE_F_* */
	uint32_t nr_vcpus;        /* entries of vcpu[] that mean something */
	uint32_t nr_pins;         /* entries after the struct */
	uint64_t kernel_cr3, user_cr3; /* NEW_BASEPTR, NEW_USER_BASEPTR (0 = none) */
	uint64_t assist;          /* vm_assist bits */
	uint64_t ldt_base, ldt_ents;   /* MMUEXT_SET_LDT */
	uint64_t event_cb, failsafe_cb, syscall_cb, nmi_cb;
	uint64_t reserved;        /* 0 */
	struct pv_state_trap traps[PV_STATE_TRAPS];
	struct pv_state_vcpu vcpu[PV_STATE_VCPUS];
};
_Static_assert(sizeof(struct pv_state) == 96 + 16 * 256 + 256 * 32, "pv_state size");
_Static_assert(offsetof(struct pv_state, traps) == 96, "pv_state traps offset");

#define PV_STATE_MAX_BYTES (sizeof(struct pv_state) + 8 * PV_STATE_MAX_PINS)

#endif
