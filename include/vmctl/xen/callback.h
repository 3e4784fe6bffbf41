/*
 * Guest entry points for events and exceptions:
 * HYPERVISOR_callback_op(cmd, arg) with CALLBACKOP_*.  A PV guest registers
 * its event upcall here (CALLBACKTYPE_event) and its failsafe handler.
 */
#ifndef VMCTL_XEN_CALLBACK_H
#define VMCTL_XEN_CALLBACK_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>
#include <vmctl/xen/xen.h>

#define CALLBACKTYPE_event     0	/* event channel upcall */
#define CALLBACKTYPE_failsafe  1	/* segment reload failed on return to guest */
#define CALLBACKTYPE_syscall   2	/* 64-bit syscall from guest user mode */
#define CALLBACKTYPE_nmi       4
#define CALLBACKTYPE_sysenter  5	/* 32-bit sysenter (compat) */
#define CALLBACKTYPE_syscall32 7	/* 32-bit syscall (compat) */

/* Mask events (vcpu_info.evtchn_upcall_mask = 1) on entry to the callback. */
#define _CALLBACKF_mask_events 0
#define CALLBACKF_mask_events  (1U << _CALLBACKF_mask_events)

#define CALLBACKOP_register   0	/* struct callback_register */
#define CALLBACKOP_unregister 1	/* struct callback_unregister */

struct callback_register {
	uint16_t type;			/* CALLBACKTYPE_* */
	uint16_t flags;			/* CALLBACKF_* */
	xen_callback_t address;
};
typedef struct callback_register callback_register_t;
XEN_ABI_SIZE(struct callback_register, 16);
XEN_ABI_OFFSET(struct callback_register, type, 0);
XEN_ABI_OFFSET(struct callback_register, flags, 2);
XEN_ABI_OFFSET(struct callback_register, address, 8);

struct callback_unregister {
	uint16_t type;			/* CALLBACKTYPE_* */
	uint16_t _unused;
};
typedef struct callback_unregister callback_unregister_t;
XEN_ABI_SIZE(struct callback_unregister, 4);
XEN_ABI_OFFSET(struct callback_unregister, type, 0);

#endif
