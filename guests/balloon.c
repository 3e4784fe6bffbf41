/* Ballooning.  Going down: take free pages from the allocator (so nothing
 * else uses them), give their frames back, mark them in a bitmap and in the
 * p2m as absent.  Going up: ask for those pfns again and free them. */
#include "kernel.h"
#include "hypercall.h"
#include "balloon.h"
#include "vmctl/xen/memory.h"

#define P2M_ABSENT (~0UL)

static unsigned long held(struct kernel *k)
{
	return k->mm.nr_pages - k->bal.nr_out;
}

/* One hypercall for a batch; returns how many frames it moved. */
static long reservation(struct kernel *k, int cmd, xen_pfn_t *frames,
			unsigned long n)
{
	struct xen_memory_reservation r = {
		.nr_extents = n, .extent_order = 0, .domid = DOMID_SELF,
	};

	set_xen_guest_handle(r.extent_start, frames);
	return hv_memory_op(cmd, &r);
}

static unsigned long inflate(struct kernel *k, unsigned long want)
{
	struct balloon *b = &k->bal;
	xen_pfn_t frames[BALLOON_BATCH];
	unsigned long pfns[BALLOON_BATCH], n = 0;
	long done;
	void *page;

	while (n < MIN(want, (unsigned long)BALLOON_BATCH) &&
	       (page = mm_alloc_pages(k, 1, 1)) != NULL) {
		pfns[n] = virt_to_pfn(page);
		frames[n] = mm_pfn_to_mfn(k, pfns[n]);
		n++;
	}
	done = n ? reservation(k, XENMEM_decrease_reservation, frames, n) : 0;
	if (done < 0)
		done = 0;
	for (unsigned long i = 0; i < n; i++) {
		if (i < (unsigned long)done) {
			b->out[pfns[i] / 64] |= 1UL << (pfns[i] % 64);
			k->mm.p2m[pfns[i]] = P2M_ABSENT;
		} else {
			mm_free_pages(k, phys_to_virt(pfns[i] << PAGE_SHIFT), 1);
		}
	}
	b->nr_out += (unsigned long)done;
	return (unsigned long)done;
}

static unsigned long deflate(struct kernel *k, unsigned long want)
{
	struct balloon *b = &k->bal;
	xen_pfn_t frames[BALLOON_BATCH];
	unsigned long pfns[BALLOON_BATCH], n = 0;
	long done;

	want = MIN(want, (unsigned long)BALLOON_BATCH);
	for (unsigned long pfn = 0; pfn < k->mm.nr_pages && n < want; pfn++)
		if ((b->out[pfn / 64] >> (pfn % 64)) & 1)
			pfns[n] = frames[n] = pfn, n++;
	/* In: the pfns wanted back; out: the machine frames behind them. */
	done = n ? reservation(k, XENMEM_populate_physmap, frames, n) : 0;
	if (done < 0)
		done = 0;
	for (long i = 0; i < done; i++) {
		k->mm.p2m[pfns[i]] = frames[i];
		b->out[pfns[i] / 64] &= ~(1UL << (pfns[i] % 64));
		mm_free_pages(k, phys_to_virt(pfns[i] << PAGE_SHIFT), 1);
	}
	b->nr_out -= (unsigned long)done;
	return (unsigned long)done;
}

unsigned long balloon_set(struct kernel *k, unsigned long pages)
{
	unsigned long floor = BALLOON_MIN_KB / 4;

	if (!k->bal.out)
		return held(k);
	pages = MIN(MAX(pages, floor), k->mm.nr_pages);
	while (held(k) > pages && inflate(k, held(k) - pages))
		;
	while (held(k) < pages && deflate(k, pages - held(k)))
		;
	return held(k);
}

static void target_changed(struct kernel *k, struct xenbus_watch *w,
			   const char *path)
{
	unsigned long long kb;
	unsigned long before = held(k), now;

	if (xenbus_read_ull(k, XBT_NIL, "memory/target", &kb) < 0)
		return;
	k->bal.target = (unsigned long)(kb / 4);
	now = balloon_set(k, k->bal.target);
	if (now != before) {
		k->bal.changes++;
		printk("balloon: %lu KiB -> %lu KiB (target %llu KiB)\n",
		       before * 4, now * 4, kb);
	}
}

int balloon_init(struct kernel *k)
{
	struct balloon *b = &k->bal;
	unsigned long words = (k->mm.nr_pages + 63) / 64;

	b->out = mm_alloc_pages(k, (words * 8 + PAGE_SIZE - 1) / PAGE_SIZE, 1);
	if (!b->out)
		return -ENOMEM;
	strlcpy(b->watch.path, "memory/target", sizeof(b->watch.path));
	b->watch.fn = target_changed;
	return xenbus_watch(k, &b->watch);
}
