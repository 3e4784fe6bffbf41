/* Domains as libvirt names them: by UUID, name or id, running and/or
 * defined, with libvirt's state values. */
#include "xld/libvirt/lv.h"
#include "xld/xld.h"
#include "xld/domain.h"
#include "xld/defs.h"
#include "libvmctl/hv.h"
#include "vmctl/privcmd.h"
#include "vmctl/xen/sched.h"

#include <string.h>

bool lv_dom_by_uuid(struct xld *xld, const uint8_t uuid[16], struct lv_dom *out)
{
	out->def = xld_def_by_uuid(xld, uuid);
	out->run = NULL;
	for (struct xld_domain *d = xld->domains; d && !out->run; d = d->next)
		if (memcmp(d->uuid, uuid, 16) == 0)
			out->run = d;
	return out->run || out->def;
}

bool lv_dom_by_name(struct xld *xld, const char *name, struct lv_dom *out)
{
	out->run = xld_domain_by_name(xld, name);
	out->def = out->run ? xld_domain_def(xld, out->run) : xld_def_by_name(xld, name);
	return out->run || out->def;
}

bool lv_dom_by_id(struct xld *xld, int32_t id, struct lv_dom *out)
{
	out->run = id > 0 ? xld_domain_by_id(xld, (uint32_t)id) : NULL;
	out->def = out->run ? xld_domain_def(xld, out->run) : NULL;
	return out->run != NULL;
}

const char *lv_dom_name(const struct lv_dom *d)
{
	return d->run ? d->run->name : d->def->name;
}

const uint8_t *lv_dom_uuid(const struct lv_dom *d)
{
	return d->run ? d->run->uuid : d->def->uuid;
}

int32_t lv_dom_id(const struct lv_dom *d)
{
	return d->run ? (int32_t)d->run->domid : -1;
}

/* Xen's domain flags to virDomainState, as libvirt's Xen drivers map them;
 * the reason is left at 0 ("unknown"), which every client accepts. */
int lv_dom_state(struct xld *xld, const struct lv_dom *d, int *reason)
{
	struct privcmd_dominfo info;

	*reason = 0;
	if (!d->run)
		return LV_STATE_SHUTOFF;
	if (hv_domain_getinfo(xld->hv, d->run->domid, &info) < 0)
		return LV_STATE_NOSTATE;
	if (info.flags & PRIVCMD_DOMINF_SHUTDOWN)
		return info.shutdown_reason == SHUTDOWN_crash ? LV_STATE_CRASHED : LV_STATE_SHUTDOWN;
	if (info.flags & PRIVCMD_DOMINF_DYING)
		return LV_STATE_SHUTDOWN;
	if (info.flags & PRIVCMD_DOMINF_PAUSED)
		return LV_STATE_PAUSED;
	return LV_STATE_RUNNING;
}

void lv_put_dom(struct xdr_out *o, const struct lv_dom *d)
{
	xdr_put_string(o, lv_dom_name(d));
	xdr_put_opaque(o, lv_dom_uuid(d), 16);
	xdr_put_i32(o, lv_dom_id(d));
}

int lv_need_running(struct lv_call *c)
{
	if (!c->dom.run)
		return lv_fail(c, LV_ERR_OPERATION_INVALID, "Requested operation is not valid: domain '%s' is not running",
			       lv_dom_name(&c->dom));
	return 0;
}
