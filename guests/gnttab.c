/* Grant table v1.  To grant, write frame and domid, then (after a write
 * barrier) the flags that make the entry valid.  To revoke, clear the flags
 * with a compare-and-swap that fails while Xen marks the entry as in use
 * (GTF_reading/GTF_writing): then the grantee still maps it. */
#include "kernel.h"
#include "hypercall.h"

static struct grant_entry_v1 *entry(struct gnttab *gt, grant_ref_t ref)
{
	return &gt->frame[ref / GNTTAB_PER_FRAME][ref % GNTTAB_PER_FRAME];
}

static int map_frames(struct kernel *k, unsigned int nr)
{
	struct gnttab *gt = &k->gt;
	xen_pfn_t frames[GNTTAB_FRAMES];
	struct gnttab_setup_table setup = { .dom = DOMID_SELF, .nr_frames = nr };
	long rc;

	set_xen_guest_handle(setup.frame_list, frames);
	rc = hv_grant_table_op(GNTTABOP_setup_table, &setup, 1);
	if (rc < 0)
		return (int)rc;
	if (setup.status != GNTST_okay)
		return -EIO;
	for (unsigned int i = 0; i < nr; i++) {
		/* Xen's table frames are its own; an engine may also place
		 * them in our memory, where they need no mapping. */
		gt->frame[i] = mm_mfn_to_virt(k, frames[i]);
		if (!gt->frame[i])
			gt->frame[i] = mm_map_foreign(k, frames[i]);
		if (!gt->frame[i])
			return -EFAULT;
	}
	return 0;
}

static void reset_free_list(struct gnttab *gt)
{
	gt->free_head = 0;
	for (unsigned int ref = gt->nr_refs - 1; ref >= GNTTAB_NR_RESERVED_ENTRIES; ref--) {
		gt->next_free[ref] = gt->free_head;
		gt->free_head = (uint16_t)ref;
	}
	gt->in_use = 0;
}

int gnttab_init(struct kernel *k)
{
	struct gnttab *gt = &k->gt;
	struct gnttab_query_size q = { .dom = DOMID_SELF };
	unsigned int nr = GNTTAB_FRAMES;
	int rc;

	if (hv_grant_table_op(GNTTABOP_query_size, &q, 1) == 0 &&
	    q.status == GNTST_okay && q.max_nr_frames)
		nr = MIN(nr, q.max_nr_frames);
	rc = map_frames(k, nr);
	if (rc < 0)
		return rc;
	gt->nr_frames = nr;
	gt->nr_refs = nr * GNTTAB_PER_FRAME;
	reset_free_list(gt);
	return 0;
}

int gnttab_resume(struct kernel *k)
{
	struct gnttab *gt = &k->gt;
	int rc;

	if (!gt->nr_frames)
		return -ENODEV;
	rc = map_frames(k, gt->nr_frames);
	if (rc == 0)
		reset_free_list(gt);
	return rc;
}

int gnttab_grant(struct kernel *k, domid_t domid, unsigned long mfn,
		 bool readonly)
{
	struct gnttab *gt = &k->gt;
	struct grant_entry_v1 *e;
	grant_ref_t ref = gt->free_head;

	if (!ref)
		return -ENOSPC;
	gt->free_head = gt->next_free[ref];
	gt->in_use++;
	e = entry(gt, ref);
	e->frame = (uint32_t)mfn;
	e->domid = domid;
	wmb();
	__atomic_store_n(&e->flags,
			 (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0)),
			 __ATOMIC_RELEASE);
	return (int)ref;
}

int gnttab_end(struct kernel *k, grant_ref_t ref)
{
	struct gnttab *gt = &k->gt;
	struct grant_entry_v1 *e;
	uint16_t flags;

	if (ref < GNTTAB_NR_RESERVED_ENTRIES || ref >= gt->nr_refs)
		return -EINVAL;
	e = entry(gt, ref);
	flags = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);
	do {
		if (flags & (GTF_reading | GTF_writing))
			return -EBUSY;
	} while (!__atomic_compare_exchange_n(&e->flags, &flags, 0, false,
					      __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
	gt->next_free[ref] = gt->free_head;
	gt->free_head = (uint16_t)ref;
	gt->in_use--;
	return 0;
}
