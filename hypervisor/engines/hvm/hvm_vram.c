/* HVM_VRAM_MAP: the std-VGA's linear framebuffer as guest memory, as Xen
 * maps QEMU's VRAM into the guest's physmap (xen_ram_alloc, then
 * XENMEM_add_to_physmap of the pages at the BAR, again when it moves).
 *
 * vmhv makes one memfd per domain, the VRAM plus a page of dirty bits that
 * the sandbox sets (one bit per VRAM page written) and the device model
 * clears when it renders. Every call answers the memfd, so the device
 * model restarted after a crash finds the same VRAM. The sandbox serves
 * the guest's accesses at `gpa` itself (sandbox/vram.c): no ioreq. */
#include "hypervisor/engines/hvm/hvm_vram.h"

#include "hypervisor/domain.h"
#include "hypervisor/engines/hvm/hvm_domain.h"
#include "hypervisor/privcmd_server.h"
#include "hypervisor/vmhv.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096ull
#define IOAPIC_BASE 0xfec00000ull   /* the hole's fixed pages start here */

struct hvm_vram {
	int fd;
	uint64_t bytes;
	uint64_t gpa;
};

static int vram_send(struct hvm_domain *h)
{
	const struct hvm_vram *v = h->vram;
	struct hvm_ctl m = { .type = HVM_CTL_VRAM, .addr = v->gpa, .end = v->bytes };

	return hvm_ctl_send(h, &m, &v->fd, 1);
}

int hvm_vram_replay(struct hvm_domain *h)
{
	return h->vram ? vram_send(h) : 0;
}

void hvm_vram_dispose(struct hvm_domain *h)
{
	if (!h->vram)
		return;
	close(h->vram->fd);
	free(h->vram);
	h->vram = NULL;
}

/* Where the guest may see it: page aligned, in the PCI hole below the
 * IOAPIC, LAPIC and the special pages. */
static bool vram_gpa_ok(uint64_t gpa, uint64_t bytes)
{
	return gpa == PRIVCMD_VRAM_NOWHERE ||
	       (!(gpa % PAGE) && gpa >= VMCTL_HVM_LOW_END && gpa <= IOAPIC_BASE - bytes);
}

static struct hvm_vram *vram_make(uint64_t bytes, int *rc)
{
	struct hvm_vram *v = calloc(1, sizeof(*v));

	*rc = -ENOMEM;
	if (!v)
		return NULL;
	v->bytes = bytes;
	v->gpa = PRIVCMD_VRAM_NOWHERE;
	v->fd = memfd_create("hvm-vram", MFD_CLOEXEC);
	if (v->fd < 0 || ftruncate(v->fd, (off_t)(bytes + PAGE)) < 0) {
		*rc = -errno;
		if (v->fd >= 0)
			close(v->fd);
		free(v);
		return NULL;
	}
	*rc = 0;
	return v;
}

int op_HVM_VRAM_MAP(struct vmhv *hv, const void *req, size_t len, struct privcmd_reply *rep)
{
	const struct privcmd_hvm_vram *r = req;
	struct domain *d = domain_lookup(hv, r->domid);
	struct hvm_domain *h;
	int rc;

	(void)len;
	if (!d || d->dying)
		return -ESRCH;
	if (d->engine != &hvm_engine_ops)
		return -EINVAL;
	if (!r->bytes || r->bytes % PAGE || r->bytes > PRIVCMD_VRAM_MAX ||
	    !vram_gpa_ok(r->gpa, r->bytes))
		return -EINVAL;
	if (!(h = hvm_domain_get(d)))
		return -ENOMEM;
	if (h->vram && h->vram->bytes != r->bytes)
		return -EEXIST;     /* one VRAM per domain, of one size */
	if (!h->vram && !(h->vram = vram_make(r->bytes, &rc)))
		return rc;
	h->vram->gpa = r->gpa;
	if ((rc = vram_send(h)) < 0)
		return rc;
	rep->fd = h->vram->fd;
	return 0;
}
