/* grant_table_op for guests: v1 tables live in the hypervisor frames after
 * shared_info (memory.h); the guest finds them with setup_table. */
#include "hypervisor/hypercall.h"

#include "hypervisor/domain.h"
#include "hypervisor/vmhv.h"

#include <errno.h>
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

static const grant_handler grant_ops[] = {
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
