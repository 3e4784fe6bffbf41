#include "hypervisor/domain.h"
#include "hypervisor/engines/engine.h"
#include "hypervisor/engines/hvm/hvm_gfn.h"
#include "hypervisor/engines/pv/pv_dirty.h"
#include "hypervisor/gnttab.h"
#include "hypervisor/privcmd_server.h"
#include "hypervisor/vmhv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <vmctl/xen/xen.h>
#include <vmctl/xen/grant_table.h>

#define GNT_HANDLES_MAX 65536u

struct gnt_handle {
	uint32_t domid;      /* 0 = free slot */
	uint32_t ref;
	bool write;
	void *owner;
	uint64_t frame;      /* the granter's frame it maps */
};

static grant_entry_v1_t *entry_of(struct domain *d, uint32_t ref)
{
	if (ref >= GNTTAB_NR_REFS)
		return NULL;
	return memory_phys(&d->mem, (memory_gnttab_pfn(&d->mem, 0) << MEM_PAGE_SHIFT) +
			   (uint64_t)ref * sizeof(grant_entry_v1_t), sizeof(grant_entry_v1_t));
}

int gnttab_resolve(struct domain *granter, uint32_t ref, uint32_t grantee, bool write,
		   uint64_t *frame)
{
	grant_entry_v1_t e, *p;

	if (!granter || granter->dying)
		return GNTST_bad_domain;
	p = entry_of(granter, ref);
	if (!p)
		return GNTST_bad_gntref;
	/* One read: the granter may change the entry under us. */
	e = *(volatile grant_entry_v1_t *)p;
	if ((e.flags & 3) != GTF_permit_access || e.domid != grantee)
		return GNTST_permission_denied;
	if (write && (e.flags & GTF_readonly))
		return GNTST_permission_denied;
	/* an hvm granter names a guest frame: its memfd frame (hvm_gfn.h) */
	*frame = granter->hvm ? hvm_gfn_frame(granter->mem.ram_frames, e.frame) : e.frame;
	if (*frame >= granter->mem.ram_frames)
		return GNTST_bad_page;
	return GNTST_okay;
}

/* Pin counts: two per ref (reading, writing), allocated on first map. */
static int pin(struct domain *d, uint32_t ref, bool write, int delta)
{
	grant_entry_v1_t *p = entry_of(d, ref);
	uint16_t flag = write ? GTF_writing : GTF_reading;
	uint16_t *cnt;

	if (!d->gnt_pins)
		d->gnt_pins = calloc(2 * GNTTAB_NR_REFS, sizeof(uint16_t));
	if (!d->gnt_pins || !p)
		return -ENOMEM;
	cnt = &d->gnt_pins[2 * ref + write];
	if (delta > 0 && *cnt == UINT16_MAX)
		return -ENOSPC;
	*cnt = (uint16_t)(*cnt + delta);
	if (*cnt == 0)
		__atomic_fetch_and(&p->flags, (uint16_t)~flag, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_or(&p->flags, flag, __ATOMIC_SEQ_CST);
	return 0;
}

static void dirty_frame(struct domain *d, uint64_t frame)
{
	d->engine->dirty_mark(d, frame << MEM_PAGE_SHIFT, 1u << MEM_PAGE_SHIFT);
}

static int handle_alloc(struct vmhv *hv, uint32_t *handle)
{
	for (uint32_t h = 0; h < hv->nr_gnt_handles; h++) {
		if (!hv->gnt_handles[h].domid) {
			*handle = h;
			return 0;
		}
	}
	if (hv->nr_gnt_handles == GNT_HANDLES_MAX)
		return -ENOSPC;
	struct gnt_handle *n = realloc(hv->gnt_handles,
				       (hv->nr_gnt_handles + 64) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	for (uint32_t i = 0; i < 64; i++)
		n[hv->nr_gnt_handles + i].domid = 0;
	hv->gnt_handles = n;
	*handle = hv->nr_gnt_handles;
	hv->nr_gnt_handles += 64;
	return 0;
}

int gnttab_dom0_map_st(struct vmhv *hv, uint32_t domid, uint32_t ref, bool write,
		       void *owner, uint64_t *frame, uint32_t *handle)
{
	struct domain *d = domain_lookup(hv, domid);
	int st = gnttab_resolve(d, ref, 0, write, frame);

	if (st != GNTST_okay)
		return st;
	if (handle_alloc(hv, handle) < 0)
		return GNTST_no_device_space;
	if (pin(d, ref, write, 1) < 0)
		return GNTST_general_error;
	hv->gnt_handles[*handle] = (struct gnt_handle){ domid, ref, write, owner, *frame };
	return GNTST_okay;
}

int gnttab_dom0_map(struct vmhv *hv, uint32_t domid, uint32_t ref, bool write, void *owner,
		    uint64_t *frame, uint32_t *handle)
{
	return privcmd_gntst_errno(gnttab_dom0_map_st(hv, domid, ref, write, owner, frame, handle));
}

int gnttab_dom0_unmap(struct vmhv *hv, uint32_t handle, void *owner)
{
	struct gnt_handle *g;
	struct domain *d;

	if (handle >= hv->nr_gnt_handles || !hv->gnt_handles[handle].domid ||
	    hv->gnt_handles[handle].owner != owner)
		return -EINVAL;
	g = &hv->gnt_handles[handle];
	d = domain_lookup(hv, g->domid);
	if (d) {
		pin(d, g->ref, g->write, -1);
		/* Writes through the mapping since the last dirty read are
		 * seen by no page table of the domain's: as Xen does, a
		 * writable mapping's frame is dirty when it goes away. */
		if (g->write)
			dirty_frame(d, g->frame);
	}
	g->domid = 0;
	return 0;
}

void gnttab_dom0_release(struct vmhv *hv, void *owner)
{
	for (uint32_t h = 0; h < hv->nr_gnt_handles; h++)
		if (hv->gnt_handles[h].domid && hv->gnt_handles[h].owner == owner)
			gnttab_dom0_unmap(hv, h, owner);
}

/* Mark the frames of [first, first+nr) that process `pid` wrote through
 * its mappings of d's memory since the last scan; `bm` is scratch for nr
 * bits. 0, or -errno when its writes cannot be told (no writable mapping,
 * no /proc access). */
static int dirty_owner_writes(struct domain *d, int pid, const struct stat *st,
			      uint64_t first, uint64_t nr, uint64_t *bm)
{
	int rc;

	memset(bm, 0, (nr + 63) / 64 * sizeof(*bm));
	rc = pv_dirty_scan_process(pid, st->st_dev, st->st_ino, d->mem.ram_frames, first, nr, bm);
	if (rc < 0)
		return rc;
	for (uint64_t i = 0; i < nr; i++)
		if (bm[i / 64] & (1ull << (i % 64)))
			dirty_frame(d, first + i);
	return 0;
}

#define DIRTY_OWNERS_MAX 8

void gnttab_dirty_mapped(struct domain *d, uint64_t first, uint64_t nr)
{
	static const uint32_t rings[] = { GNTTAB_RESERVED_CONSOLE, GNTTAB_RESERVED_XENSTORE };
	struct vmhv *hv = d->hv;
	int pid[DIRTY_OWNERS_MAX];
	bool tracked[DIRTY_OWNERS_MAX];
	unsigned n = 0, k;
	struct stat st;
	uint64_t frame, *bm = calloc((nr + 63) / 64, sizeof(*bm));
	bool can_scan = bm && fstat(d->mem.fd, &st) == 0;

	for (uint32_t h = 0; h < hv->nr_gnt_handles; h++) {
		const struct gnt_handle *g = &hv->gnt_handles[h];
		int owner;

		if (g->domid != d->domid || !g->write || g->frame - first >= nr)
			continue;
		/* Scan each mapping process once per read: precise when
		 * its mapping is write-tracked (xld's gmem is). */
		owner = privcmd_client_pid(g->owner);
		for (k = 0; k < n && pid[k] != owner; k++)
			;
		if (k == n && n < DIRTY_OWNERS_MAX && can_scan) {
			pid[n] = owner;
			tracked[n++] = owner > 0 &&
				       dirty_owner_writes(d, owner, &st, first, nr, bm) == 0;
		}
		if (k == n || !tracked[k])
			dirty_frame(d, g->frame);   /* may have been written */
	}
	free(bm);
	for (unsigned i = 0; i < sizeof(rings) / sizeof(rings[0]); i++)
		if (gnttab_resolve(d, rings[i], 0, true, &frame) == GNTST_okay &&
		    frame - first < nr)
			dirty_frame(d, frame);
}

void gnttab_domain_dispose(struct domain *d)
{
	struct vmhv *hv = d->hv;

	/* Handles into a dead domain stay valid to unmap, as no-ops. */
	for (uint32_t h = 0; h < hv->nr_gnt_handles; h++)
		if (hv->gnt_handles[h].domid == d->domid)
			hv->gnt_handles[h].domid = 0;
	free(d->gnt_pins);
	d->gnt_pins = NULL;
}

/* One side of a dom0 copy: a ref granted to dom0, or a frame. */
static int copy_side(struct vmhv *hv, uint32_t domid, uint32_t ref, bool gref, bool write,
		     uint16_t off, uint16_t len, struct domain **d, uint8_t **p)
{
	uint64_t frame = ref;
	int st;

	*d = domain_lookup(hv, domid);
	if (!*d || (*d)->dying)
		return GNTST_bad_domain;
	if ((uint32_t)off + len > 4096)
		return GNTST_bad_copy_arg;
	if (gref) {
		st = gnttab_resolve(*d, ref, 0, write, &frame);
		if (st != GNTST_okay)
			return st;
	} else if (frame >= (*d)->mem.ram_frames) {
		return GNTST_bad_page;
	}
	*p = memory_phys(&(*d)->mem, (frame << MEM_PAGE_SHIFT) + off, len);
	return *p ? GNTST_okay : GNTST_bad_page;
}

int gnttab_dom0_copy(struct vmhv *hv, const struct privcmd_gnttab_copy *op)
{
	struct domain *sd, *dd;
	uint8_t *src, *dst;
	int st;

	if (op->flags & ~(PRIVCMD_GNTCOPY_SRC_GREF | PRIVCMD_GNTCOPY_DST_GREF))
		return GNTST_general_error;
	st = copy_side(hv, op->src_domid, op->src_ref, op->flags & PRIVCMD_GNTCOPY_SRC_GREF,
		       false, op->src_offset, op->len, &sd, &src);
	if (st == GNTST_okay)
		st = copy_side(hv, op->dst_domid, op->dst_ref, op->flags & PRIVCMD_GNTCOPY_DST_GREF,
			       true, op->dst_offset, op->len, &dd, &dst);
	if (st != GNTST_okay)
		return st;
	memmove(dst, src, op->len);
	dd->engine->dirty_mark(dd, (uint64_t)(dst - dd->mem.base), op->len);
	return GNTST_okay;
}
