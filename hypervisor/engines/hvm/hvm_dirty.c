/* The hvm engine's dirty log (hvm_dirty.h). */
#include "hypervisor/engines/hvm/hvm_dirty.h"
#include "hypervisor/engines/hvm/hvm_domain.h"
#include "hypervisor/engines/hvm/hvm_gfn.h"
#include "hypervisor/engines/pv/pv_dirty.h"

#include "hypervisor/domain.h"
#include "hypervisor/gnttab.h"
#include "hypervisor/privcmd_server.h"
#include "hypervisor/vcpu.h"
#include "common/log.h"

#include <vmctl/xen/hvm/params.h>

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

int hvm_dirty_enable(struct domain *d)
{
	struct hvm_domain *h = d->engine_priv;
	struct stat st;
	int rc;

	if (!h || h->pid <= 0)
		return -EINVAL; /* only a running domain has pages to track */
	if (h->dirty)
		return -EBUSY;
	if (fstat(d->mem.fd, &st) < 0)
		return -errno;
	h->dirty = calloc(1, sizeof(*h->dirty));
	if (!h->dirty)
		return -ENOMEM;
	rc = pv_dirty_init(h->dirty, d->mem.ram_frames);
	if (rc == 0)
		rc = pv_dirty_add_file(h->dirty, h->pid, st.st_dev, st.st_ino);
	if (rc == 0 && !h->dirty->nsrc)
		rc = -EIO; /* the sandbox maps the file: we must see it */
	/* Each device model (an ioreq server's connection) writes too. */
	for (uint32_t i = 0; rc == 0 && i < PRIVCMD_IOREQ_MAX_SERVERS; i++) {
		int pid = h->servers[i].used ? privcmd_client_pid(h->servers[i].owner) : -1;

		if (pid > 0)
			rc = pv_dirty_add_file(h->dirty, pid, st.st_dev, st.st_ino);
	}
	if (rc < 0) {
		hvm_dirty_disable(d);
		return rc;
	}
	log_info("domain %u: dirty log on %u mappings of its memory (sandbox and device "
		 "models)", d->domid, h->dirty->nsrc);
	return 0;
}

/* xld writes the xenstore and console rings through its own mappings;
 * an hvm guest's rings are named by these parameters, not by the
 * reserved grant entries (gnttab_dirty_mapped) of a pv guest. */
static void mark_rings(struct domain *d, struct pv_dirty *dt)
{
	static const uint32_t params[] = { HVM_PARAM_STORE_PFN, HVM_PARAM_CONSOLE_PFN };

	for (unsigned i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		uint64_t gfn = d->hvm_params[params[i]];
		uint64_t frame = gfn ? hvm_gfn_frame(d->mem.ram_frames, gfn) : HVM_GFN_NONE;

		if (frame != HVM_GFN_NONE)
			pv_dirty_mark(dt, frame << 12, 4096);
	}
}

int hvm_dirty_read(struct domain *d, uint64_t first, uint64_t nr, uint64_t *bitmap)
{
	struct hvm_domain *h = d->engine_priv;

	if (!h || !h->dirty)
		return -EINVAL;
	/* vmhv sets event bits in registered vcpu_info without a mark. */
	for (uint32_t v = 0; v < d->max_vcpus; v++)
		if (d->vcpus[v].vcpu_info_paddr)
			pv_dirty_mark(h->dirty, d->vcpus[v].vcpu_info_paddr, 64);
	/* ... nor do xld's backends through their grant mappings. */
	gnttab_dirty_mapped(d, first, nr);
	mark_rings(d, h->dirty);
	return pv_dirty_read(h->dirty, first, nr, bitmap, false);
}

void hvm_dirty_disable(struct domain *d)
{
	struct hvm_domain *h = d->engine_priv;

	if (!h || !h->dirty)
		return;
	pv_dirty_disable(h->dirty);
	free(h->dirty);
	h->dirty = NULL;
}

void hvm_dirty_mark(struct domain *d, uint64_t paddr, uint64_t len)
{
	struct hvm_domain *h = d->engine_priv;

	if (h && h->dirty && paddr < (d->mem.ram_frames << 12))
		pv_dirty_mark(h->dirty, paddr, len);
}
