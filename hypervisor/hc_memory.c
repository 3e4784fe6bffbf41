/* memory_op: the guest's view of its memory. Every frame of RAM exists
 * (the memfd is populated lazily), so ballooning out punches holes and
 * populating back is free. */
#include "hypervisor/hypercall.h"

#include "hypervisor/domain.h"
#include "hypervisor/engines/hvm/hvm_domain.h"
#include "hypervisor/vmhv.h"

#include <errno.h>
#include <fcntl.h>
#include <vmctl/xen/xen.h>
#include <vmctl/xen/memory.h>

#define E820_RAM 1
#define EXTENTS_MAX 65536u /* per call: bounded work for one hypercall */

typedef int64_t (*memory_handler)(struct hcall *c, uint64_t arg);

struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));

static int self_domid(struct hcall *c, uint64_t arg)
{
	domid_t dom;

	if (guest_copy_from(c->d, arg, &dom, sizeof(dom)) < 0)
		return -EFAULT;
	return dom == DOMID_SELF || dom == c->d->domid ? 0 : -EPERM;
}

static int64_t mem_current(struct hcall *c, uint64_t arg)
{
	int rc = self_domid(c, arg);

	return rc < 0 ? rc : (int64_t)c->d->tot_pages;
}

static int64_t mem_maximum(struct hcall *c, uint64_t arg)
{
	int rc = self_domid(c, arg);

	return rc < 0 ? rc : (int64_t)c->d->max_pages;
}

static int64_t mem_maximum_gpfn(struct hcall *c, uint64_t arg)
{
	int rc = self_domid(c, arg);

	return rc < 0 ? rc : (int64_t)(c->d->mem.ram_frames - 1);
}

static int64_t mem_memory_map(struct hcall *c, uint64_t arg)
{
	struct xen_memory_map map;
	struct e820_entry e = { 0, c->d->mem.ram_frames << 12, E820_RAM };

	if (guest_copy_from(c->d, arg, &map, sizeof(map)) < 0)
		return -EFAULT;
	if (map.nr_entries < 1)
		return -EINVAL;
	if (guest_copy_to(c->d, (uint64_t)map.buffer.p, &e, sizeof(e)) < 0)
		return -EFAULT;
	map.nr_entries = 1;
	return guest_copy_to(c->d, arg, &map, sizeof(map));
}

/* Walk the reservation's frame list; `fn` handles one extent. Returns the
 * number done, as Xen does. */
static int64_t extents_walk(struct hcall *c, uint64_t arg,
			    int (*fn)(struct domain *d, uint64_t pfn, uint64_t nr))
{
	struct xen_memory_reservation r;
	uint64_t i;

	if (guest_copy_from(c->d, arg, &r, sizeof(r)) < 0)
		return -EFAULT;
	if ((r.domid != DOMID_SELF && r.domid != c->d->domid) || r.extent_order > 9)
		return -EINVAL;
	for (i = 0; i < r.nr_extents && i < EXTENTS_MAX; i++) {
		xen_pfn_t pfn;

		if (guest_copy_from(c->d, (uint64_t)r.extent_start.p + i * 8, &pfn, 8) < 0)
			break;
		if (fn(c->d, pfn, 1ull << r.extent_order) < 0)
			break;
	}
	return (int64_t)i;
}

static int extent_release(struct domain *d, uint64_t pfn, uint64_t nr)
{
	if (pfn >= d->mem.ram_frames || nr > d->mem.ram_frames - pfn || nr > d->tot_pages)
		return -EINVAL;
	if (fallocate(d->mem.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)(pfn << 12), (off_t)(nr << 12)) < 0)
		return -errno;
	d->tot_pages -= nr;
	return 0;
}

static int extent_populate(struct domain *d, uint64_t pfn, uint64_t nr)
{
	if (pfn >= d->mem.ram_frames || nr > d->mem.ram_frames - pfn ||
	    d->tot_pages + nr > d->max_pages)
		return -ENOMEM;
	d->tot_pages += nr;
	return 0;
}

static int64_t mem_decrease(struct hcall *c, uint64_t arg)
{
	return extents_walk(c, arg, extent_release);
}

static int64_t mem_populate(struct hcall *c, uint64_t arg)
{
	return extents_walk(c, arg, extent_populate);
}

static const memory_handler memory_ops[] = {
	[XENMEM_decrease_reservation] = mem_decrease,
	[XENMEM_populate_physmap] = mem_populate,
	[XENMEM_current_reservation] = mem_current,
	[XENMEM_maximum_reservation] = mem_maximum,
	[XENMEM_memory_map] = mem_memory_map,
	[XENMEM_maximum_gpfn] = mem_maximum_gpfn,
	[XENMEM_add_to_physmap] = hvm_add_to_physmap,   /* hvm domains only */
};

int64_t hc_memory_op(struct hcall *c)
{
	/* Bits above 4 carry a continuation start extent (MEMOP_EXTENT_SHIFT). */
	uint64_t cmd = c->arg[0] & 0xf;

	if (cmd >= sizeof(memory_ops) / sizeof(memory_ops[0]) || !memory_ops[cmd])
		return -ENOSYS;
	return memory_ops[cmd](c, c->arg[1]);
}
