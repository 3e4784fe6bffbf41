/*
 * The shared info page: one page per domain that Xen and the guest both
 * write.  It holds a vcpu_info for each of the first 32 vCPUs (event
 * upcall flags and the pvclock), the 2-level event channel bitmaps and the
 * wall clock.  In Xen these live in xen.h, which includes this header.
 */
#ifndef VMCTL_XEN_SHARED_INFO_H
#define VMCTL_XEN_SHARED_INFO_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>
#include <vmctl/xen/arch-x86/xen.h>

/*
 * pvclock: system time (ns since boot) is
 *   system_time + (((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32
 * with a right shift when tsc_shift is negative.  version is odd while Xen
 * updates the record: read it, copy, re-read, retry if odd or changed.
 */
#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED  (1 << 1)

struct vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;		/* TSC at the last update */
	uint64_t system_time;		/* ns at the last update */
	uint32_t tsc_to_system_mul;	/* 32.32 fixed point */
	int8_t tsc_shift;
	uint8_t flags;			/* XEN_PVCLOCK_* */
	uint8_t pad1[2];
};
typedef struct vcpu_time_info vcpu_time_info_t;

XEN_ABI_SIZE(struct vcpu_time_info, 32);
XEN_ABI_OFFSET(struct vcpu_time_info, version, 0);
XEN_ABI_OFFSET(struct vcpu_time_info, pad0, 4);
XEN_ABI_OFFSET(struct vcpu_time_info, tsc_timestamp, 8);
XEN_ABI_OFFSET(struct vcpu_time_info, system_time, 16);
XEN_ABI_OFFSET(struct vcpu_time_info, tsc_to_system_mul, 24);
XEN_ABI_OFFSET(struct vcpu_time_info, tsc_shift, 28);
XEN_ABI_OFFSET(struct vcpu_time_info, flags, 29);
XEN_ABI_OFFSET(struct vcpu_time_info, pad1, 30);

/*
 * Per-vCPU event state.  Xen sets evtchn_upcall_pending and a bit in
 * evtchn_pending_sel (one bit per word of shared_info.evtchn_pending);
 * the upcall is delivered only while evtchn_upcall_mask is 0.
 */
struct vcpu_info {
	uint8_t evtchn_upcall_pending;
	uint8_t evtchn_upcall_mask;
	xen_ulong_t evtchn_pending_sel;
	struct arch_vcpu_info arch;
	struct vcpu_time_info time;
};
typedef struct vcpu_info vcpu_info_t;

XEN_ABI_SIZE(struct vcpu_info, 64);
XEN_ABI_OFFSET(struct vcpu_info, evtchn_upcall_pending, 0);
XEN_ABI_OFFSET(struct vcpu_info, evtchn_upcall_mask, 1);
XEN_ABI_OFFSET(struct vcpu_info, evtchn_pending_sel, 8);
XEN_ABI_OFFSET(struct vcpu_info, arch, 16);
XEN_ABI_OFFSET(struct vcpu_info, time, 32);

/*
 * The page itself.  evtchn_pending/evtchn_mask hold one bit per port:
 * 64 words of 64 bits, 4096 ports.  wc_* is the wall clock (seconds and ns
 * since the epoch) at system time 0, versioned like vcpu_time_info.
 */
struct shared_info {
	struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
	xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
	xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
	uint32_t wc_version;
	uint32_t wc_sec;
	uint32_t wc_nsec;
	uint32_t wc_sec_hi;
	struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;

XEN_ABI_SIZE(struct shared_info, 3136);
XEN_ABI_OFFSET(struct shared_info, vcpu_info, 0);
XEN_ABI_OFFSET(struct shared_info, evtchn_pending, 2048);
XEN_ABI_OFFSET(struct shared_info, evtchn_mask, 2560);
XEN_ABI_OFFSET(struct shared_info, wc_version, 3072);
XEN_ABI_OFFSET(struct shared_info, wc_sec, 3076);
XEN_ABI_OFFSET(struct shared_info, wc_nsec, 3080);
XEN_ABI_OFFSET(struct shared_info, wc_sec_hi, 3084);
XEN_ABI_OFFSET(struct shared_info, arch, 3088);

#endif
