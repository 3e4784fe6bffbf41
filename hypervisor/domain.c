#include "hypervisor/domain.h"

#include "hypervisor/engines/engine.h"
#include "hypervisor/engines/hvm/hvm_domain.h"
#include "hypervisor/evtchn.h"
#include "hypervisor/gnttab.h"
#include "hypervisor/vmhv.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vmctl/xen/xen.h>

#define SHUTDOWN_CRASH_REASON 3 /* SHUTDOWN_crash */
#define SHUTDOWN_MAX_REASON 5   /* SHUTDOWN_soft_reset */
#define SHUTDOWN_SUSPEND_REASON 2

static int domid_alloc(struct vmhv *hv, uint32_t *domid)
{
	for (uint32_t i = 0; i < PRIVCMD_MAX_DOMID; i++) {
		uint32_t id = hv->next_domid;

		hv->next_domid = id >= PRIVCMD_MAX_DOMID ? 1 : id + 1;
		if (!hv->domains[id]) {
			*domid = id;
			return 0;
		}
	}
	return -ENOSPC;
}

static int create_check(const struct privcmd_domain_create *req)
{
	if (req->flags & ~PRIVCMD_CREATE_HVM)
		return -EINVAL;
	if (req->max_vcpus < 1 || req->max_vcpus > PRIVCMD_MAX_VCPUS)
		return -EINVAL;
	if (req->max_pages < 1 || req->max_pages > PRIVCMD_MAX_PAGES)
		return -EINVAL;
	return 0;
}

static void domain_vcpus_init(struct domain *d)
{
	for (uint32_t i = 0; i < PRIVCMD_MAX_VCPUS; i++) {
		struct vcpu *v = &d->vcpus[i];

		v->d = d;
		v->id = i;
		v->online = i == 0;
		v->initialised = i == 0;
		v->vcpu_info_paddr = (memory_shared_info_pfn(&d->mem) << MEM_PAGE_SHIFT) +
				     i * 64;
		vcpu_timers_init(v);
	}
}

static void domain_vcpus_stop(struct domain *d)
{
	for (uint32_t i = 0; i < PRIVCMD_MAX_VCPUS; i++) {
		vcpu_timers_stop(&d->vcpus[i]);
		d->vcpus[i].blocked = false;
		d->vcpus[i].parked = false;
	}
}

int domain_create(struct vmhv *hv, const struct privcmd_domain_create *req,
		  struct domain **out)
{
	struct domain *d = NULL;
	uint32_t domid;
	int rc;

	rc = create_check(req);
	if (rc < 0)
		return rc;
	rc = domid_alloc(hv, &domid);
	if (rc < 0)
		return rc;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->hv = hv;
	d->domid = domid;
	memcpy(d->handle, req->handle, sizeof(d->handle));
	d->max_vcpus = req->max_vcpus;
	d->max_pages = d->tot_pages = req->max_pages;
	d->pause_count = 1;
	d->hypercall_gmfn = DOMAIN_NO_GMFN;
	d->create_ns = now_ns();
	d->hvm = req->flags & PRIVCMD_CREATE_HVM;
	d->engine = d->hvm ? &hvm_engine_ops : &pv_engine_ops;
	rc = memory_init(&d->mem, domid, req->max_pages);
	if (rc == 0)
		rc = evtchn_table_init(&d->evtchn);
	if (rc < 0) {
		memory_dispose(&d->mem);
		free(d->evtchn);
		free(d);
		return rc;
	}
	domain_vcpus_init(d);
	hv->domains[domid] = d;
	hv->nr_domains++;
	*out = d;
	log_info("d%u: created (%u vcpus, %llu pages)", domid, d->max_vcpus,
		 (unsigned long long)d->max_pages);
	return 0;
}

void domain_destroy(struct domain *d)
{
	struct vmhv *hv = d->hv;

	d->dying = true;
	d->engine->stop(d);
	domain_vcpus_stop(d);
	evtchn_table_dispose(hv, d->domid, &d->evtchn);
	gnttab_domain_dispose(d);
	memory_dispose(&d->mem);
	hv->domains[d->domid] = NULL;
	hv->nr_domains--;
	log_info("d%u: destroyed", d->domid);
	free(d);
	evtchn_dom0_send_virq(hv, VIRQ_DOM_EXC);
}

struct domain *domain_lookup(struct vmhv *hv, uint32_t domid)
{
	if (domid == 0 || domid > PRIVCMD_MAX_DOMID)
		return NULL;
	return hv->domains[domid];
}

int domain_pause(struct domain *d)
{
	if (d->dying)
		return -EINVAL;
	if (d->pause_count++ == 0 && d->started && !d->shutdown)
		d->engine->pause(d);
	return 0;
}

int domain_unpause(struct domain *d)
{
	int rc;

	if (d->dying || d->pause_count == 0)
		return -EINVAL;
	if (--d->pause_count > 0 || d->shutdown)
		return 0;
	if (d->started) {
		d->engine->unpause(d);
		return 0;
	}
	/* As on Xen, a domain whose vCPU 0 was never initialised "runs" with
	 * no vCPU online: nothing to start. */
	if (!d->ctx_set && !d->hvm)   /* an hvm vCPU 0 starts at the reset vector */
		return 0;
	rc = d->engine->start(d);
	if (rc < 0) {
		d->pause_count++;
		return rc;
	}
	d->started = true;
	return 0;
}

void domain_shutdown(struct domain *d, uint32_t reason)
{
	if (d->shutdown && !d->suspended)
		return;
	d->suspended = false;
	if (reason > SHUTDOWN_MAX_REASON)
		reason = SHUTDOWN_CRASH_REASON;
	d->shutdown = true;
	d->shutdown_reason = reason;
	d->engine->stop(d);
	domain_vcpus_stop(d);
	log_info("d%u: shut down, reason %u", d->domid, reason);
	evtchn_dom0_send_virq(d->hv, VIRQ_DOM_EXC);
}

void domain_suspend(struct domain *d, uint32_t vcpu)
{
	if (d->shutdown)
		return;
	d->shutdown = true;
	d->suspended = true;
	d->shutdown_reason = SHUTDOWN_SUSPEND_REASON;
	d->suspend_vcpu = vcpu;
	if (d->pause_count == 0)
		d->engine->pause(d);
	log_info("d%u: suspended", d->domid);
	evtchn_dom0_send_virq(d->hv, VIRQ_DOM_EXC);
}

int domain_resume(struct domain *d)
{
	if (!d->suspended || d->dying)
		return -EINVAL;
	d->shutdown = false;
	d->suspended = false;
	d->shutdown_reason = 0;
	if (d->pause_count == 0)
		d->engine->unpause(d);
	d->engine->reply(d, d->suspend_vcpu, 1);
	log_info("d%u: resumed", d->domid);
	return 0;
}

void domain_crash(struct domain *d, const char *why)
{
	dmesg_printf(&d->hv->dmesg, "(XEN) domain %u crashed: %s\n", d->domid, why);
	domain_shutdown(d, SHUTDOWN_CRASH_REASON);
}

/* Every online vCPU waits for an event (`xl list` shows "b"). */
static bool domain_idle(struct domain *d)
{
	bool any = false;

	for (uint32_t i = 0; i < d->max_vcpus; i++) {
		if (!d->vcpus[i].online)
			continue;
		if (!d->vcpus[i].blocked)
			return false;
		any = true;
	}
	return any;
}

static uint32_t domain_flags(struct domain *d)
{
	uint32_t f = 0;

	if (d->dying)
		f |= PRIVCMD_DOMINF_DYING;
	if (d->hvm)
		f |= PRIVCMD_DOMINF_HVM;
	if (d->shutdown)
		f |= PRIVCMD_DOMINF_SHUTDOWN;
	else if (d->pause_count)
		f |= PRIVCMD_DOMINF_PAUSED;
	else if (domain_idle(d))
		f |= PRIVCMD_DOMINF_BLOCKED;
	else
		f |= PRIVCMD_DOMINF_RUNNING;
	return f;
}

void domain_getinfo(struct domain *d, struct privcmd_dominfo *info)
{
	memset(info, 0, sizeof(*info));
	info->domid = d->domid;
	info->flags = domain_flags(d);
	info->shutdown_reason = d->shutdown ? d->shutdown_reason : 0;
	info->nr_online_vcpus = 0;
	for (uint32_t i = 0; d->started && !d->shutdown && i < d->max_vcpus; i++)
		info->nr_online_vcpus += d->vcpus[i].online;
	info->max_vcpus = d->max_vcpus;
	info->pause_count = d->pause_count;
	info->tot_pages = d->tot_pages;
	info->max_pages = d->max_pages;
	info->shared_info_frame = memory_shared_info_pfn(&d->mem);
	info->cpu_time_ns = d->engine->cpu_time(d);
	info->create_time_ns = d->create_ns;
	memcpy(info->handle, d->handle, sizeof(info->handle));
}
