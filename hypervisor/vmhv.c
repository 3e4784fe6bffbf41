#include "hypervisor/vmhv.h"

#include "hypervisor/domain.h"
#include "hypervisor/evtchn.h"
#include "hypervisor/privcmd_server.h"
#include "hypervisor/reaper.h"
#include "common/evloop.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vmctl/xen/xen.h>

#define VMHV_CLOCK_PERIOD_NS 1000000000ull

/* Keep every running domain's pvclock anchored to the host clock. */
static void clock_tick(struct evloop *loop, struct ev_timer *t, void *arg)
{
	struct vmhv *hv = arg;

	for (uint32_t id = 1, seen = 0; id <= PRIVCMD_MAX_DOMID && seen < hv->nr_domains; id++) {
		struct domain *d = hv->domains[id];

		if (!d)
			continue;
		seen++;
		if (d->started && !d->shutdown)
			pvclock_update(&hv->clock, d);
	}
}

/* New text in vmhv's console: tell dom0 (`xl dmesg` followers, pvrun). */
static void dmesg_notify(void *arg)
{
	struct vmhv *hv = arg;

	if (hv->dom0_evtchn)
		evtchn_dom0_send_virq(hv, VIRQ_CON_RING);
}

int vmhv_init(struct vmhv *hv, const struct vmhv_config *cfg)
{
	int rc;

	memset(hv, 0, sizeof(*hv));
	hv->cfg = *cfg;
	hv->next_domid = 1;
	hv->start_ns = now_ns();
	dmesg_init(&hv->dmesg);
	hv->dmesg.notify = dmesg_notify;
	hv->dmesg.notify_arg = hv;
	hv->domains = calloc(PRIVCMD_MAX_DOMID + 1, sizeof(*hv->domains));
	hv->loop = evloop_new();
	if (!hv->domains || !hv->loop) {
		rc = -ENOMEM;
		goto out;
	}
	rc = evtchn_table_init(&hv->dom0_evtchn);
	if (rc < 0)
		goto out;
	pvclock_init(&hv->clock);
	rc = pv_seccomp_build(&hv->pv_filter);
	if (rc < 0)
		goto out;
	hv->clock_timer = evloop_timer(hv->loop, VMHV_CLOCK_PERIOD_NS, VMHV_CLOCK_PERIOD_NS,
				       clock_tick, hv);
	rc = mkdir_p(cfg->rundir, 0755);
	if (rc < 0)
		goto out;
	rc = privcmd_server_start(hv, &hv->privcmd);
out:
	if (rc < 0)
		vmhv_dispose(hv);
	return rc;
}

void vmhv_dispose(struct vmhv *hv)
{
	if (hv->domains) {
		for (uint32_t id = 1; id <= PRIVCMD_MAX_DOMID && hv->nr_domains; id++)
			if (hv->domains[id])
				domain_destroy(hv->domains[id]);
	}
	privcmd_server_stop(hv->privcmd);
	hv->privcmd = NULL;
	if (hv->dom0_evtchn)
		evtchn_table_dispose(hv, 0, &hv->dom0_evtchn);
	if (hv->loop)
		reaper_drain(hv);
	pv_seccomp_dispose(&hv->pv_filter);
	free(hv->gnt_handles);
	hv->gnt_handles = NULL;
	free(hv->domains);
	hv->domains = NULL;
	if (hv->loop)
		evloop_free(hv->loop);
	hv->loop = NULL;
}
