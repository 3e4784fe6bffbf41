/* An hvm domain's guest frames and its memory file's frames (docs/hvm.md
 * "Guest physical memory"): RAM below VMCTL_HVM_LOW_END is where it is in
 * the memfd, RAM from 4 GiB up sits 1 GiB lower there, the hole between
 * has none. Hypercalls that name a guest frame (register_vcpu_info, a
 * grant entry's frame) translate it with this. */
#ifndef VMCTL_HV_HVM_GFN_H
#define VMCTL_HV_HVM_GFN_H

#include <stdint.h>
#include <vmctl/privcmd.h>

#define HVM_GFN_NONE UINT64_MAX

/* The memfd frame of guest frame `gfn` of a domain with `ram_frames`
 * frames of RAM, or HVM_GFN_NONE (in the hole, or beyond RAM). */
static inline uint64_t hvm_gfn_frame(uint64_t ram_frames, uint64_t gfn)
{
	const uint64_t low = VMCTL_HVM_LOW_END >> 12, high = (4ull << 30) >> 12;
	uint64_t frame = gfn < low ? gfn : gfn >= high ? gfn - (high - low) : HVM_GFN_NONE;

	return frame < ram_frames ? frame : HVM_GFN_NONE;
}

#endif
