/* Hypercall arguments of an hvm guest are guest virtual addresses under the
 * calling vCPU's paging: the sandbox sends CR0/CR3/CR4/EFER with each call
 * and vmhv walks the guest's page tables in the domain's memory (read-only:
 * vmhv sets no accessed/dirty bits, as Xen's copy_from_guest does not need
 * them either). */
#include "hypervisor/engines/hvm/hvm_domain.h"

#include "hypervisor/domain.h"

#include <stdbool.h>

#define CR0_PG   (1ull << 31)
#define CR4_PSE  (1ull << 4)
#define CR4_PAE  (1ull << 5)
#define EFER_LMA (1ull << 10)
#define PTE_P    1ull
#define PTE_PS   0x80ull
#define ADDR_MASK 0x000ffffffffff000ull

void *hvm_gpa_ptr(struct domain *d, uint64_t gpa, size_t len)
{
	uint64_t off = gpa;
	void *page = hvm_physmap_ptr(d, gpa, len);

	if (page)
		return page;     /* shared_info, a grant frame, a ring */
	if (gpa + len < gpa)
		return NULL;
	if (gpa >= (4ull << 30))
		off = gpa - ((4ull << 30) - VMCTL_HVM_LOW_END);
	else if (gpa + len > VMCTL_HVM_LOW_END)
		return NULL;
	if (off + len > (d->mem.ram_frames << MEM_PAGE_SHIFT))
		return NULL;
	return memory_phys(&d->mem, off, len);
}

static bool read_pte(struct domain *d, uint64_t addr, bool wide, uint64_t *e)
{
	const void *p = hvm_gpa_ptr(d, addr, wide ? 8 : 4);

	if (!p)
		return false;
	*e = wide ? *(const uint64_t *)p : *(const uint32_t *)p;
	return (*e & PTE_P) != 0;
}

/* Guest physical address of `va`, or UINT64_MAX. */
static uint64_t walk(struct domain *d, const struct hvm_hcall_req *r, uint64_t va)
{
	uint64_t e, table;
	int level;

	if (!(r->cr0 & CR0_PG))
		return (uint32_t)va;
	if (!(r->cr4 & CR4_PAE)) {          /* 2-level, 4 MiB pages with PSE */
		table = r->cr3 & 0xfffff000ull;
		if (!read_pte(d, table + ((va >> 22) & 1023) * 4, false, &e))
			return UINT64_MAX;
		if ((e & PTE_PS) && (r->cr4 & CR4_PSE))
			return ((e & 0xffc00000ull) | ((e & 0x1fe000ull) << 19)) | (va & 0x3fffff);
		if (!read_pte(d, (e & 0xfffff000ull) + ((va >> 12) & 1023) * 4, false, &e))
			return UINT64_MAX;
		return (e & 0xfffff000ull) | (va & 0xfff);
	}
	if (r->efer & EFER_LMA) {
		table = r->cr3 & ADDR_MASK;
		level = 3;
	} else {                            /* PAE: 4 PDPTEs */
		if (!read_pte(d, (r->cr3 & 0xffffffe0ull) + ((va >> 30) & 3) * 8, true, &e))
			return UINT64_MAX;
		table = e & ADDR_MASK;
		level = 1;
	}
	for (; level >= 0; level--) {
		if (!read_pte(d, table + ((va >> (12 + 9 * level)) & 511) * 8, true, &e))
			return UINT64_MAX;
		if (level && level < 3 && (e & PTE_PS)) {
			uint64_t size = 1ull << (12 + 9 * level);

			return (e & ADDR_MASK & ~(size - 1)) | (va & (size - 1));
		}
		table = e & ADDR_MASK;
	}
	return table | (va & 0xfff);
}

/* Each page of the range must be present and physically contiguous with
 * the previous one (the handlers copy with one memcpy). */
void *hvm_aspace_guest_ptr(struct domain *d, uint64_t va, size_t len)
{
	struct hvm_domain *h = d->engine_priv;
	const struct hvm_hcall_req *r;
	uint64_t first, last, gpa0;

	if (!h || !h->serving || !len || va + len < va)
		return NULL;
	r = &h->serving->req;
	if (!r->long_mode && va + len > (1ull << 32))
		return NULL;
	first = va & ~0xfffull;
	last = (va + len - 1) & ~0xfffull;
	gpa0 = walk(d, r, first);
	if (gpa0 == UINT64_MAX)
		return NULL;
	for (uint64_t p = first + 4096, n = 1; p <= last && p; p += 4096, n++)
		if (walk(d, r, p) != gpa0 + n * 4096)
			return NULL;
	return hvm_gpa_ptr(d, gpa0 | (va & 0xfff), len);
}
