/* The pv engine's address-space handling, all in one file (DESIGN §2): how
 * guest virtual addresses relate to the domain's memory.
 *
 * Today a pv guest has one layout, the flat map: pseudo-physical P is guest
 * virtual VMCTL_PV_FLAT_BASE + P, covering RAM and the hypervisor frames
 * after it. Page-table hypercalls (update_va_mapping, mmu_update, mmuext_op)
 * will add mappings here as mmap(MAP_FIXED) of memfd pages in the sandbox. */
#include "hypervisor/engines/pv/pv_engine.h"

#include "hypervisor/domain.h"

void *pv_aspace_guest_ptr(struct domain *d, uint64_t va, size_t len)
{
	if (va < VMCTL_PV_FLAT_BASE)
		return NULL;
	return memory_phys(&d->mem, va - VMCTL_PV_FLAT_BASE, len);
}
