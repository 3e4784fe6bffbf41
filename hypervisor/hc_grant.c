/* grant_table_op for guests: v1 tables live in the hypervisor frames after
 * shared_info (memory.h); the guest finds them with setup_table. */
#include "hypervisor/hypercall.h"

#include "hypervisor/domain.h"
#include "hypervisor/engines/engine.h"
#include "hypervisor/gnttab.h"
#include "hypervisor/vmhv.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <vmctl/xen/xen.h>
#include <vmctl/xen/grant_table.h>

#define GNT_OPS_MAX 64u /* entries per call we walk */

typedef int64_t (*grant_handler)(struct hcall *c, uint64_t arg, uint64_t count);

static int self(struct hcall *c, domid_t dom)
{
	return dom == DOMID_SELF || dom == c->d->domid;
}

static int16_t setup_one(struct hcall *c, struct gnttab_setup_table *s)
{
	if (!self(c, s->dom))
		return GNTST_bad_domain;
	if (s->nr_frames > MEM_GNTTAB_FRAMES)
		return GNTST_general_error;
	for (uint32_t i = 0; i < s->nr_frames; i++) {
		xen_pfn_t f = memory_gnttab_pfn(&c->d->mem, i);

		if (guest_copy_to(c->d, (uint64_t)s->frame_list.p + i * sizeof(f), &f, sizeof(f)) < 0)
			return GNTST_bad_virt_addr;
	}
	return GNTST_okay;
}

static int64_t gnt_setup_table(struct hcall *c, uint64_t arg, uint64_t count)
{
	struct gnttab_setup_table s;

	for (uint64_t i = 0; i < count && i < GNT_OPS_MAX; i++, arg += sizeof(s)) {
		if (guest_copy_from(c->d, arg, &s, sizeof(s)) < 0)
			return -EFAULT;
		s.status = setup_one(c, &s);
		if (guest_copy_to(c->d, arg, &s, sizeof(s)) < 0)
			return -EFAULT;
	}
	return 0;
}

static int64_t gnt_query_size(struct hcall *c, uint64_t arg, uint64_t count)
{
	struct gnttab_query_size q;

	for (uint64_t i = 0; i < count && i < GNT_OPS_MAX; i++, arg += sizeof(q)) {
		if (guest_copy_from(c->d, arg, &q, sizeof(q)) < 0)
			return -EFAULT;
		q.status = self(c, q.dom) ? GNTST_okay : GNTST_bad_domain;
		q.nr_frames = MEM_GNTTAB_FRAMES;
		q.max_nr_frames = MEM_GNTTAB_FRAMES;
		if (guest_copy_to(c->d, arg, &q, sizeof(q)) < 0)
			return -EFAULT;
	}
	return 0;
}

/* One side of a copy: a granted ref of another domain (we are the
 * grantee) or a frame of our own. */
static int16_t copy_side(struct hcall *c, const struct gnttab_copy_ptr *p, bool gref,
			 bool write, uint16_t len, uint8_t **out)
{
	struct domain *d = c->d;
	uint64_t frame = p->u.gmfn;
	int st;

	if ((uint32_t)p->offset + len > 4096)
		return GNTST_bad_copy_arg;
	if (gref) {
		d = p->domid == DOMID_SELF ? c->d : domain_lookup(c->d->hv, p->domid);
		st = gnttab_resolve(d, p->u.ref, c->d->domid, write, &frame);
		if (st != GNTST_okay)
			return (int16_t)st;
	} else if ((p->domid != DOMID_SELF && p->domid != c->d->domid) ||
		   frame >= c->d->mem.ram_frames) {
		return GNTST_permission_denied;
	}
	*out = memory_phys(&d->mem, (frame << MEM_PAGE_SHIFT) + p->offset, len);
	return *out ? GNTST_okay : GNTST_bad_page;
}

/* A copy into some domain's RAM is a write dirty logging must know of. */
static void dirty_note(struct hcall *c, const uint8_t *dst, size_t len)
{
	struct vmhv *hv = c->d->hv;

	for (uint32_t id = 1; id <= PRIVCMD_MAX_DOMID; id++) {
		struct domain *d = hv->domains[id];

		if (d && dst >= d->mem.base &&
		    dst < d->mem.base + (d->mem.nr_frames << MEM_PAGE_SHIFT)) {
			d->engine->dirty_mark(d, (uint64_t)(dst - d->mem.base), len);
			return;
		}
	}
}

static int16_t copy_one(struct hcall *c, const struct gnttab_copy *op)
{
	uint8_t *src, *dst;
	int16_t st;

	st = copy_side(c, &op->source, op->flags & GNTCOPY_source_gref, false, op->len, &src);
	if (st == GNTST_okay)
		st = copy_side(c, &op->dest, op->flags & GNTCOPY_dest_gref, true, op->len, &dst);
	if (st == GNTST_okay) {
		memmove(dst, src, op->len);
		dirty_note(c, dst, op->len);
	}
	return st;
}

static int64_t gnt_copy(struct hcall *c, uint64_t arg, uint64_t count)
{
	struct gnttab_copy op;

	for (uint64_t i = 0; i < count && i < GNT_OPS_MAX; i++, arg += sizeof(op)) {
		if (guest_copy_from(c->d, arg, &op, sizeof(op)) < 0)
			return -EFAULT;
		op.status = copy_one(c, &op);
		if (guest_copy_to(c->d, arg, &op, sizeof(op)) < 0)
			return -EFAULT;
	}
	return 0;
}

static const grant_handler grant_ops[] = {
	[GNTTABOP_copy] = gnt_copy,
	[GNTTABOP_setup_table] = gnt_setup_table,
	[GNTTABOP_query_size] = gnt_query_size,
};

int64_t hc_grant_table_op(struct hcall *c)
{
	uint64_t cmd = c->arg[0];

	if (cmd >= sizeof(grant_ops) / sizeof(grant_ops[0]) || !grant_ops[cmd])
		return -ENOSYS;
	return grant_ops[cmd](c, c->arg[1], c->arg[2]);
}
