/* Serving a domain's two boot-time rings: console 0 and xenstore. The pages
 * are the domain's own memory, mapped from its memfd (foreign mapping). */
#include "xld/domain.h"
#include "xld/xld.h"
#include "xld/console.h"
#include "xld/evtchn.h"
#include "xld/xenstore/xenstored.h"
#include "libvmctl/hv.h"
#include "common/log.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096ul

/* Map `n` frames starting at `pfn` of the domain; MAP_FAILED on error. */
static void *map_frame(int memfd, const struct privcmd_foreign_map *info, uint64_t pfn)
{
	if (pfn >= info->nr_frames) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	return mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, (off_t)(pfn * PAGE));
}

/* The xenstore ring's event channel: kick the store when the guest signals. */
static void on_store_event(void *arg)
{
	struct xld_domain *d = arg;

	xenstored_ring_kick(d->xs_ctx, d->domid);
}

static void notify_store(void *arg)
{
	struct xld_domain *d = arg;

	xld_evtchn_notify(d->store_ev);
}

static int attach_store(struct xld *xld, struct xld_domain *d)
{
	int rc;

	d->xs_ctx = xld->xs;
	d->store_ev = xld_evtchn_open(xld, d->domid, d->store_port, on_store_event, d);
	if (!d->store_ev)
		return -errno;
	rc = xenstored_ring_attach(xld->xs, d->domid, d->store_page, notify_store, d);
	if (rc < 0 && rc != -EEXIST)
		return rc;
	return 0;
}

int xld_domain_attach(struct xld *xld, struct xld_domain *d)
{
	struct privcmd_foreign_map info;
	int memfd = -1, rc;

	if (d->console_page || !d->console_pfn || !d->store_pfn)
		return 0;
	rc = hv_foreign_map(xld->hv, d->domid, &memfd, &info);
	if (rc < 0)
		goto out;
	d->console_page = map_frame(memfd, &info, d->console_pfn);
	d->store_page = map_frame(memfd, &info, d->store_pfn);
	if (d->console_page == MAP_FAILED || d->store_page == MAP_FAILED) {
		rc = -errno;
		goto out;
	}
	d->console = console_open(xld, d->domid, d->name, d->console_page, d->console_port);
	if (!d->console) {
		rc = -errno;
		goto out;
	}
	rc = attach_store(xld, d);
out:
	if (memfd >= 0)
		close(memfd);
	if (rc < 0) {
		log_error("domain %u: cannot serve its rings: %s", d->domid, strerror(-rc));
		xld_domain_detach(xld, d);
	}
	return rc;
}

void xld_domain_detach(struct xld *xld, struct xld_domain *d)
{
	if (d->xs_ctx)
		xenstored_ring_detach(d->xs_ctx, d->domid);
	d->xs_ctx = NULL;
	xld_evtchn_close(d->store_ev);
	d->store_ev = NULL;
	console_close(d->console);
	d->console = NULL;
	if (d->console_page && d->console_page != MAP_FAILED)
		munmap(d->console_page, PAGE);
	if (d->store_page && d->store_page != MAP_FAILED)
		munmap(d->store_page, PAGE);
	d->console_page = d->store_page = NULL;
}
