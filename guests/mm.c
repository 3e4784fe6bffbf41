/* Page allocator and frame translation. */
#include "kernel.h"
#include "hypercall.h"

extern char _end[];

/* Frames Xen owns are mapped here (page aligned, never touched otherwise). */
static char mm_window[MM_WINDOW_PAGES][PAGE_SIZE]
	__attribute__((aligned(PAGE_SIZE)));

static unsigned long pfn_of(unsigned long va)
{
	return (va - PHYS_BASE + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

/* The first pfn after everything the domain builder put in memory: the
 * kernel, the p2m list, start_info, the rings, boot page tables, modules
 * and the boot stack.  Xen lays these out in that order, but we take the
 * maximum so an engine with another order is safe too. */
static unsigned long boot_region_end(struct kernel *k, unsigned long boot_sp)
{
	struct start_info *si = k->si;
	unsigned long end = pfn_of((unsigned long)_end);

	end = MAX(end, pfn_of(si->mfn_list + si->nr_pages * sizeof(unsigned long)));
	end = MAX(end, pfn_of((unsigned long)si + sizeof(*si)));
	end = MAX(end, si->store_mfn + 1);
	end = MAX(end, si->console.domU.mfn + 1);
	if (si->pt_base >= PHYS_BASE)
		end = MAX(end, pfn_of(si->pt_base) + si->nr_pt_frames);
	if (si->mod_len && !(si->flags & SIF_MOD_START_PFN))
		end = MAX(end, pfn_of(si->mod_start + si->mod_len));
	if (boot_sp > PHYS_BASE)
		end = MAX(end, pfn_of(boot_sp));
	return end;
}

static bool page_used(struct mm *m, unsigned long pfn)
{
	return (m->bitmap[pfn / 64] >> (pfn % 64)) & 1;
}

static void mark(struct mm *m, unsigned long pfn, unsigned long n, bool used)
{
	for (unsigned long p = pfn; p < pfn + n; p++) {
		if (used)
			m->bitmap[p / 64] |= 1UL << (p % 64);
		else
			m->bitmap[p / 64] &= ~(1UL << (p % 64));
	}
	if (used)
		m->free_pages -= n;
	else
		m->free_pages += n;
}

int mm_init(struct kernel *k, unsigned long boot_sp)
{
	struct mm *m = &k->mm;
	unsigned long bitmap_pages;

	m->nr_pages = k->si->nr_pages;
	m->p2m = (unsigned long *)k->si->mfn_list;
	m->first_free = boot_region_end(k, boot_sp);
	bitmap_pages = (m->nr_pages / 8 + PAGE_SIZE - 1) / PAGE_SIZE;
	if (m->first_free + bitmap_pages >= m->nr_pages)
		return -ENOMEM;
	m->bitmap = phys_to_virt(m->first_free << PAGE_SHIFT);
	memset(m->bitmap, 0, bitmap_pages * PAGE_SIZE);
	m->free_pages = m->nr_pages;
	mark(m, 0, m->first_free + bitmap_pages, true);
	m->hint = m->first_free + bitmap_pages;
	return 0;
}

static bool run_free(struct mm *m, unsigned long pfn, unsigned long n)
{
	for (unsigned long p = pfn; p < pfn + n; p++)
		if (page_used(m, p))
			return false;
	return true;
}

static long find_run(struct mm *m, unsigned long from, unsigned long to,
		     unsigned long n, unsigned long align)
{
	for (unsigned long p = ROUND_UP(from, align); p + n <= to; p += align)
		if (run_free(m, p, n))
			return (long)p;
	return -1;
}

void *mm_alloc_pages(struct kernel *k, unsigned long n, unsigned long align)
{
	struct mm *m = &k->mm;
	long pfn;

	if (!n || n > m->free_pages)
		return NULL;
	align = align ? align : 1;
	pfn = find_run(m, m->hint, m->nr_pages, n, align);
	if (pfn < 0)
		pfn = find_run(m, m->first_free, m->nr_pages, n, align);
	if (pfn < 0)
		return NULL;
	mark(m, (unsigned long)pfn, n, true);
	m->hint = (unsigned long)pfn + n;
	void *va = phys_to_virt((unsigned long)pfn << PAGE_SHIFT);
	memset(va, 0, n * PAGE_SIZE);
	return va;
}

void mm_free_pages(struct kernel *k, void *va, unsigned long n)
{
	struct mm *m = &k->mm;
	unsigned long pfn = virt_to_pfn(va);

	if (!va || pfn < m->first_free || pfn + n > m->nr_pages)
		return;
	mark(m, pfn, n, false);
}

unsigned long mm_pfn_to_mfn(struct kernel *k, unsigned long pfn)
{
	return k->mm.p2m ? k->mm.p2m[pfn] : pfn;
}

unsigned long mm_virt_to_mfn(struct kernel *k, const void *va)
{
	return mm_pfn_to_mfn(k, virt_to_pfn(va));
}

void *mm_mfn_to_virt(struct kernel *k, unsigned long mfn)
{
	struct mm *m = &k->mm;
	unsigned long nr = k->si->nr_pages;

	/* Most engines hand out frames 1:1; check that guess first, then
	 * search the p2m (only done for a few frames at boot and resume). */
	if (mfn < nr && mm_pfn_to_mfn(k, mfn) == mfn)
		return phys_to_virt(mfn << PAGE_SHIFT);
	for (unsigned long pfn = 0; m->p2m && pfn < nr; pfn++)
		if (m->p2m[pfn] == mfn)
			return phys_to_virt(pfn << PAGE_SHIFT);
	return NULL;
}

void *mm_map_foreign(struct kernel *k, unsigned long mfn)
{
	struct mm *m = &k->mm;
	void *va;

	long rc = -ENOSPC;

	if (m->window_used < MM_WINDOW_PAGES) {
		va = mm_window[m->window_used];
		/* present | writable | user: PV kernels run in ring 3 */
		rc = hv_update_va_mapping((unsigned long)va,
					  ((uint64_t)mfn << PAGE_SHIFT) | 7,
					  UVMF_INVLPG | UVMF_LOCAL);
	}
	if (rc == 0) {
		m->window_used++;
		return va;
	}
	/* No page-table updates (vmctl's pv engine): there the flat map
	 * goes on past our memory with the hypervisor's frames. */
	if (rc == -ENOSYS)
		return phys_to_virt(mfn << PAGE_SHIFT);
	return NULL;
}

void mm_window_reset(struct kernel *k)
{
	k->mm.window_used = 0;
}
