/* The pv engine's address-space handling in vmhv (DESIGN §2): how guest
 * virtual addresses relate to the domain's memory.
 *
 * A guest built with boot page tables (the builder's PV_SET_BASEPTR) has
 * the address space its 4-level tree describes; the sandbox mirrors the
 * tree as mmaps of the memfd and reports the current L4 frame in each
 * mailbox request, and vmhv walks the same tree (in the memfd) to find
 * hypercall arguments. A guest without page tables has the flat map only:
 * pseudo-physical P is virtual VMCTL_PV_FLAT_BASE + P. */
#include "hypervisor/engines/pv/pv_engine.h"

#include "hypervisor/domain.h"
#include "hypervisor/engines/pv/pv_domain.h"
#include "hypervisor/privcmd_server.h"

#include <errno.h>
#include <string.h>

#define PTE_P 1ull
#define PTE_PSE 0x80ull
#define PTE_FRAME(e) (((e) >> 12) & 0xffffffffffull)

/* The frame guest page `va` maps to under L4 frame `l4`, or -1. */
static int64_t walk(const struct domain *d, uint64_t l4, uint64_t va)
{
	uint64_t frame = l4;

	for (int level = 3; level >= 0; level--) {
		const uint64_t *t = memory_phys(&d->mem, frame << MEM_PAGE_SHIFT, 4096);
		uint64_t e;

		if (!t)
			return -1;
		e = t[(va >> (12 + 9 * level)) & 511];
		if (!(e & PTE_P) || (level && (e & PTE_PSE)))
			return -1;
		frame = PTE_FRAME(e);
	}
	return (int64_t)frame;
}

/* Each page of the range must be mapped, and to consecutive frames (the
 * handlers copy with one memcpy). */
static void *walk_range(struct domain *d, uint64_t l4, uint64_t va, size_t len)
{
	uint64_t first = va & ~4095ull, last = (va + len - 1) & ~4095ull;
	int64_t f0 = walk(d, l4, first);

	if (f0 < 0 || va + len < va)
		return NULL;
	for (uint64_t p = first + 4096, n = 1; p <= last && p; p += 4096, n++)
		if (walk(d, l4, p) != f0 + (int64_t)n)
			return NULL;
	return memory_phys(&d->mem, ((uint64_t)f0 << MEM_PAGE_SHIFT) | (va & 4095), len);
}

void *pv_aspace_guest_ptr(struct domain *d, uint64_t va, size_t len)
{
	struct pv_domain *pv = d->engine_priv;

	if (pv && pv->has_cr3)
		return len ? walk_range(d, pv->cr3, va, len) : NULL;
	if (va < VMCTL_PV_FLAT_BASE)
		return NULL;
	return memory_phys(&d->mem, va - VMCTL_PV_FLAT_BASE, len);
}

int op_PV_SET_BASEPTR(struct vmhv *hv, const void *req, size_t len, struct privcmd_reply *rep)
{
	const struct privcmd_pv_baseptr *r = req;
	struct domain *d = domain_lookup(hv, r->domid);
	struct pv_domain *pv;

	if (!d)
		return -ESRCH;
	if (d->engine != &pv_engine_ops || r->vcpu != 0 || r->mfn >= d->mem.ram_frames)
		return -EINVAL;
	if (d->started)
		return -EBUSY;
	pv = pv_domain_get(d);
	if (!pv)
		return -ENOMEM;
	pv->boot_cr3 = r->mfn;
	pv->has_cr3 = true;
	return 0;
}
