/*
 * Per-vCPU operations: HYPERVISOR_vcpu_op(cmd, vcpuid, arg) with VCPUOP_*.
 * Bringing secondary vCPUs up, runstate accounting, the per-vCPU timers and
 * moving vcpu_info out of shared_info (needed beyond 32 vCPUs).
 */
#ifndef VMCTL_XEN_VCPU_H
#define VMCTL_XEN_VCPU_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>
#include <vmctl/xen/xen.h>

#define VCPUOP_initialise                      0	/* vcpu_guest_context (PV) */
#define VCPUOP_up                              1
#define VCPUOP_down                            2
#define VCPUOP_is_up                           3	/* returns 1 if up */
#define VCPUOP_get_runstate_info               4	/* struct vcpu_runstate_info */
#define VCPUOP_register_runstate_memory_area   5
#define VCPUOP_set_periodic_timer              6	/* struct vcpu_set_periodic_timer */
#define VCPUOP_stop_periodic_timer             7	/* arg NULL */
#define VCPUOP_set_singleshot_timer            8	/* struct vcpu_set_singleshot_timer */
#define VCPUOP_stop_singleshot_timer           9	/* arg NULL */
#define VCPUOP_register_vcpu_info             10	/* struct vcpu_register_vcpu_info */
#define VCPUOP_send_nmi                       11
#define VCPUOP_get_physid                     12	/* struct vcpu_get_physid */
#define VCPUOP_register_vcpu_time_memory_area 13
#define VCPUOP_register_runstate_phys_area    14	/* newer than Xen 4.17 */
#define VCPUOP_register_vcpu_time_phys_area   15	/* newer than Xen 4.17 */

/* Time (ns) a vCPU has spent in each RUNSTATE_*. */
#define RUNSTATE_running  0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked  2
#define RUNSTATE_offline  3

/* Set in state_entry_time while Xen rewrites the area (VMASST runstate_update_flag). */
#define XEN_RUNSTATE_UPDATE (1ULL << 63)

struct vcpu_runstate_info {
	int state;			/* RUNSTATE_* */
	uint64_t state_entry_time;	/* system time of the last change */
	uint64_t time[4];		/* ns per state */
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_runstate_info_t);
XEN_ABI_SIZE(struct vcpu_runstate_info, 48);
XEN_ABI_OFFSET(struct vcpu_runstate_info, state, 0);
XEN_ABI_OFFSET(struct vcpu_runstate_info, state_entry_time, 8);
XEN_ABI_OFFSET(struct vcpu_runstate_info, time, 16);

/* Ask Xen to keep a vcpu_runstate_info up to date at a guest address. */
struct vcpu_register_runstate_memory_area {
	union {
		XEN_GUEST_HANDLE(vcpu_runstate_info_t) h;
		struct vcpu_runstate_info *v;
		uint64_t p;
	} addr;
};
typedef struct vcpu_register_runstate_memory_area vcpu_register_runstate_memory_area_t;
XEN_ABI_SIZE(struct vcpu_register_runstate_memory_area, 8);
XEN_ABI_OFFSET(struct vcpu_register_runstate_memory_area, addr, 0);

/* A periodic VIRQ_TIMER every period_ns. */
struct vcpu_set_periodic_timer {
	uint64_t period_ns;
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;
XEN_ABI_SIZE(struct vcpu_set_periodic_timer, 8);
XEN_ABI_OFFSET(struct vcpu_set_periodic_timer, period_ns, 0);

/* One VIRQ_TIMER at an absolute system time; with _future, -ETIME if already past. */
#define _VCPU_SSHOTTMR_future 0
#define VCPU_SSHOTTMR_future  (1U << _VCPU_SSHOTTMR_future)

struct vcpu_set_singleshot_timer {
	uint64_t timeout_abs_ns;
	uint32_t flags;			/* VCPU_SSHOTTMR_* */
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;
XEN_ABI_SIZE(struct vcpu_set_singleshot_timer, 16);
XEN_ABI_OFFSET(struct vcpu_set_singleshot_timer, timeout_abs_ns, 0);
XEN_ABI_OFFSET(struct vcpu_set_singleshot_timer, flags, 8);

/* Move this vCPU's vcpu_info to (frame, offset); it must not cross a page. */
struct vcpu_register_vcpu_info {
	uint64_t mfn;
	uint32_t offset;
	uint32_t rsvd;
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;
XEN_ABI_SIZE(struct vcpu_register_vcpu_info, 16);
XEN_ABI_OFFSET(struct vcpu_register_vcpu_info, mfn, 0);
XEN_ABI_OFFSET(struct vcpu_register_vcpu_info, offset, 8);
XEN_ABI_OFFSET(struct vcpu_register_vcpu_info, rsvd, 12);

/* The physical CPU ids behind a dom0 vCPU: APIC id low, ACPI id high. */
struct vcpu_get_physid {
	uint64_t phys_id;
};
typedef struct vcpu_get_physid vcpu_get_physid_t;
XEN_ABI_SIZE(struct vcpu_get_physid, 8);
XEN_ABI_OFFSET(struct vcpu_get_physid, phys_id, 0);

#define xen_vcpu_physid_to_x86_apicid(physid) ((uint32_t)(physid))
#define xen_vcpu_physid_to_x86_acpiid(physid) ((uint32_t)((physid) >> 32))

/* Ask Xen to keep a copy of vcpu_time_info at a guest address. */
DEFINE_XEN_GUEST_HANDLE(vcpu_time_info_t);
struct vcpu_register_time_memory_area {
	union {
		XEN_GUEST_HANDLE(vcpu_time_info_t) h;
		struct vcpu_time_info *v;
		uint64_t p;
	} addr;
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;
XEN_ABI_SIZE(struct vcpu_register_time_memory_area, 8);
XEN_ABI_OFFSET(struct vcpu_register_time_memory_area, addr, 0);

#endif
