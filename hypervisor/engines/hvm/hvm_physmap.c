/* PV-on-HVM in vmhv: where an hvm guest sees vmhv's own pages, and the two
 * hypercalls that only hvm guests make.
 *
 * XENMEM_add_to_physmap puts shared_info or a grant table frame at a guest
 * frame of the guest's choice (Linux: a RAM page for shared_info, the Xen
 * platform device's BAR for the grant frames). The pages stay where they
 * are in the memfd (after RAM, memory.h); vmhv keeps the guest frame of
 * each and tells the sandbox, which shows the page there (over RAM, which
 * it hides, or in a hole). The xenstore and console rings are two more such
 * pages at fixed frames (vmctl/hvm_pages.h). HVMOP_get_param and
 * HVMOP_set_param give the guest its params; it may set only the event
 * callback (HVM_PARAM_CALLBACK_IRQ), which the sandbox then raises. */
#include "hypervisor/engines/hvm/hvm_domain.h"

#include "hypervisor/domain.h"
#include "hypervisor/hypercall.h"
#include "hypervisor/memory.h"
#include "hypervisor/privcmd_ioreq.h"

#include <errno.h>
#include <vmctl/xen/hvm/hvm_op.h>
#include <vmctl/xen/hvm/params.h>
#include <vmctl/xen/memory.h>
#include <vmctl/xen/xen.h>

_Static_assert(HVM_XEN_FRAMES == MEM_XEN_FRAMES, "the sandbox maps every hypervisor frame");
_Static_assert(VMCTL_HVM_STORE_XFRAME > 1 + MEM_GNTTAB_FRAMES,
	       "the rings come after shared_info, the grant frames and the pv mailbox");
_Static_assert(VMCTL_HVM_CONSOLE_XFRAME < MEM_XEN_FRAMES, "the console ring is a hypervisor frame");

#define XFRAME_SHARED_INFO 0u
#define XFRAME_GNTTAB(i)   (1u + (i))
#define LAPIC_GPFN  0xfee00ull
#define IOAPIC_GPFN 0xfec00ull

void hvm_physmap_init(struct hvm_domain *h)
{
	for (unsigned i = 0; i < HVM_XEN_FRAMES; i++)
		h->map[i] = HVM_MAP_NONE;
	h->map[VMCTL_HVM_STORE_XFRAME] = VMCTL_HVM_STORE_GPFN;
	h->map[VMCTL_HVM_CONSOLE_XFRAME] = VMCTL_HVM_CONSOLE_GPFN;
}

static int map_send(struct hvm_domain *h, unsigned frame)
{
	struct hvm_ctl m = { .type = HVM_CTL_MAP, .a = frame, .addr = h->map[frame] };

	return hvm_ctl_send(h, &m, NULL, 0);
}

int hvm_physmap_replay(struct hvm_domain *h)
{
	int rc = 0;

	for (unsigned i = 0; i < HVM_XEN_FRAMES && rc == 0; i++)
		if (h->map[i] != HVM_MAP_NONE)
			rc = map_send(h, i);
	return rc;
}

void *hvm_physmap_ptr(struct domain *d, uint64_t gpa, size_t len)
{
	struct hvm_domain *h = d->engine_priv;
	uint64_t gpfn = gpa >> MEM_PAGE_SHIFT;

	if (!h || !len || ((gpa + len - 1) >> MEM_PAGE_SHIFT) != gpfn)
		return NULL;
	for (unsigned i = 0; i < HVM_XEN_FRAMES; i++)
		if (h->map[i] == gpfn)
			return memory_phys(&d->mem, ((d->mem.ram_frames + i) << MEM_PAGE_SHIFT) |
						    (gpa & (MEM_PAGE_SIZE - 1)), len);
	return NULL;
}

/* The page moves, as on Xen: whatever was shown at gpfn is not any more,
 * and the frame leaves its old place. */
static int physmap_set(struct hvm_domain *h, unsigned frame, uint64_t gpfn)
{
	int rc;

	for (unsigned i = 0; i < HVM_XEN_FRAMES; i++)
		if (i != frame && h->map[i] == gpfn) {
			h->map[i] = HVM_MAP_NONE;
			if ((rc = map_send(h, i)) < 0)
				return rc;
		}
	h->map[frame] = gpfn;
	return map_send(h, frame);
}

static bool gpfn_usable(uint64_t gpfn)
{
	return gpfn <= HVM_MAP_MAX_GPFN && gpfn != LAPIC_GPFN && gpfn != IOAPIC_GPFN &&
	       gpfn != VMCTL_HVM_STORE_GPFN && gpfn != VMCTL_HVM_CONSOLE_GPFN;
}

int64_t hvm_add_to_physmap(struct hcall *c, uint64_t arg)
{
	struct hvm_domain *h = c->d->hvm ? hvm_domain_get(c->d) : NULL;
	struct xen_add_to_physmap x;
	unsigned frame;

	if (!c->d->hvm)
		return -ENOSYS;     /* a pv guest's frames are its own business */
	if (!h)
		return -ENOMEM;
	if (guest_copy_from(c->d, arg, &x, sizeof(x)) < 0)
		return -EFAULT;
	if (x.domid != DOMID_SELF && x.domid != c->d->domid)
		return -EPERM;
	if (x.space == XENMAPSPACE_shared_info && x.idx == 0)
		frame = XFRAME_SHARED_INFO;
	else if (x.space == XENMAPSPACE_grant_table && x.idx < MEM_GNTTAB_FRAMES)
		frame = XFRAME_GNTTAB((unsigned)x.idx);
	else if (x.space == XENMAPSPACE_shared_info || x.space == XENMAPSPACE_grant_table)
		return -EINVAL;     /* no such page (grant status frames: v1 only) */
	else
		return -EOPNOTSUPP; /* moving RAM frames: not done (docs/hvm.md) */
	if (!gpfn_usable(x.gpfn))
		return -EINVAL;
	return physmap_set(h, frame, x.gpfn) < 0 ? -EIO : 0;
}

/* ---- HVMOP ---- */

/* What the guest may set itself: how events reach it. */
static int callback_check(uint64_t v)
{
	uint64_t type = v >> HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT;

	if (v == 0)
		return 0;
	if (type == HVM_PARAM_CALLBACK_TYPE_VECTOR)
		return (v & 0xff) >= 0x10 && !(v & 0x00ffffffffffff00ull) ? 0 : -EINVAL;
	if (type == HVM_PARAM_CALLBACK_TYPE_GSI)
		return (v & 0x00ffffffffffffffull) < 24 ? 0 : -EINVAL;
	if (type == HVM_PARAM_CALLBACK_TYPE_PCI_INTX)   /* segment 0, bus 0: devfn, INTx */
		return !(v & 0x00ffffffffff00fcull) ? 0 : -EINVAL;
	return -EINVAL;
}

static int64_t op_param(struct hcall *c, uint64_t arg, bool set)
{
	struct xen_hvm_param p;
	int rc;

	if (guest_copy_from(c->d, arg, &p, sizeof(p)) < 0)
		return -EFAULT;
	if (p.domid != DOMID_SELF && p.domid != c->d->domid)
		return -EPERM;
	if (p.index >= PRIVCMD_HVM_NR_PARAMS)
		return -EINVAL;
	if (!set) {
		p.value = c->d->hvm_params[p.index];
		return guest_copy_to(c->d, arg, &p, sizeof(p));
	}
	if (p.index != HVM_PARAM_CALLBACK_IRQ)
		return -EPERM;
	if ((rc = callback_check(p.value)) < 0)
		return rc;
	c->d->hvm_params[p.index] = p.value;
	hvm_param_changed(c->d, p.index);
	return 0;
}

int64_t hc_hvm_op(struct hcall *c)
{
	if (!c->d->hvm)
		return -ENOSYS;
	switch (c->arg[0]) {
	case HVMOP_set_param:
		return op_param(c, c->arg[1], true);
	case HVMOP_get_param:
		return op_param(c, c->arg[1], false);
	default:
		return -ENOSYS;   /* pagetable_dying, get_time, ...: Linux copes */
	}
}
