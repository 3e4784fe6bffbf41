/* Listing domains: CONNECT_LIST_ALL_DOMAINS with its filter flags applied
 * here (clients print whatever comes back), and the older calls that list
 * running ids and defined names. */
#include "xld/libvirt/lv.h"
#include "xld/xld.h"
#include "xld/domain.h"
#include "xld/defs.h"
#include "common/util.h"

/* The filter flags come in groups; a domain passes a group when the group
 * has no flag set or one of the flags set describes it. */
static const uint32_t filter_groups[] = {
	LV_LIST_ACTIVE | LV_LIST_INACTIVE,
	LV_LIST_PERSISTENT | LV_LIST_TRANSIENT,
	LV_LIST_RUNNING | LV_LIST_PAUSED | LV_LIST_SHUTOFF | LV_LIST_OTHER,
	LV_LIST_MANAGEDSAVE | LV_LIST_NO_MANAGEDSAVE,
	LV_LIST_AUTOSTART | LV_LIST_NO_AUTOSTART,
	LV_LIST_HAS_SNAPSHOT | LV_LIST_NO_SNAPSHOT,
	LV_LIST_HAS_CHECKPOINT | LV_LIST_NO_CHECKPOINT,
};

#define STATE_GROUP (LV_LIST_RUNNING | LV_LIST_PAUSED | LV_LIST_SHUTOFF | LV_LIST_OTHER)

/* The flags that describe the domain (the state only when asked: it costs
 * a call to vmhv). No managed save, snapshot or checkpoint exists here. */
static uint32_t dom_props(struct xld *xld, const struct lv_dom *d, uint32_t flags)
{
	uint32_t p = LV_LIST_NO_MANAGEDSAVE | LV_LIST_NO_SNAPSHOT | LV_LIST_NO_CHECKPOINT;
	int reason;

	p |= d->run ? LV_LIST_ACTIVE : LV_LIST_INACTIVE;
	p |= d->def ? LV_LIST_PERSISTENT : LV_LIST_TRANSIENT;
	p |= d->def && d->def->autostart ? LV_LIST_AUTOSTART : LV_LIST_NO_AUTOSTART;
	if (flags & STATE_GROUP) {
		int state = lv_dom_state(xld, d, &reason);
		p |= state == LV_STATE_RUNNING ? LV_LIST_RUNNING : state == LV_STATE_PAUSED ? LV_LIST_PAUSED
		   : state == LV_STATE_SHUTOFF ? LV_LIST_SHUTOFF : LV_LIST_OTHER;
	}
	return p;
}

static bool dom_passes(struct xld *xld, const struct lv_dom *d, uint32_t flags)
{
	uint32_t p = dom_props(xld, d, flags);

	for (size_t i = 0; i < ARRAY_SIZE(filter_groups); i++)
		if ((flags & filter_groups[i]) && !(flags & filter_groups[i] & p))
			return false;
	return true;
}

/* Call `fn` for every domain: the running ones, then the inactive
 * definitions. Stops when fn returns false. */
static void dom_each(struct xld *xld, bool (*fn)(const struct lv_dom *d, void *arg), void *arg)
{
	struct lv_dom d;

	for (struct xld_domain *r = xld->domains; r; r = r->next) {
		d.run = r;
		d.def = xld_domain_def(xld, r);
		if (!fn(&d, arg))
			return;
	}
	for (struct xld_def *def = xld->defs; def; def = def->next) {
		if (xld_def_domain(xld, def))
			continue;
		d.run = NULL;
		d.def = def;
		if (!fn(&d, arg))
			return;
	}
}

struct list_all {
	struct xld *xld;
	struct xdr_out *out;
	uint32_t flags;
	bool results;
	uint32_t count;
};

static bool list_one(const struct lv_dom *d, void *arg)
{
	struct list_all *l = arg;

	if (!dom_passes(l->xld, d, l->flags))
		return true;
	if (l->results)
		lv_put_dom(l->out, d);
	l->count++;
	return l->count < LV_DOMAIN_LIST_MAX;
}

int lv_connect_list_all_domains(struct lv_call *c)
{
	struct list_all l = { c->xld, c->out, c->args.flags, c->args.i != 0, 0 };
	size_t count_off = c->out->len;

	xdr_put_u32(c->out, 0); /* domains<>: the count, patched below */
	dom_each(c->xld, list_one, &l);
	xdr_patch_u32(c->out, count_off, l.results ? l.count : 0);
	xdr_put_u32(c->out, l.count);
	return 0;
}

/* The older calls: ids of running domains, names of inactive ones. */
struct list_old {
	bool active;
	struct xdr_out *out;  /* NULL: count only */
	uint32_t max, count;
};

static bool list_old_one(const struct lv_dom *d, void *arg)
{
	struct list_old *l = arg;

	if ((d->run != NULL) != l->active)
		return true;
	if (l->count >= l->max)
		return false;
	if (l->out && l->active)
		xdr_put_i32(l->out, (int32_t)d->run->domid);
	else if (l->out)
		xdr_put_string(l->out, d->def->name);
	l->count++;
	return true;
}

static int list_old(struct lv_call *c, bool active, bool count_only)
{
	struct list_old l = { active, count_only ? NULL : c->out, LV_DOMAIN_LIST_MAX, 0 };
	size_t count_off = c->out->len;

	if (!count_only) {
		if (c->args.i < 0 || (uint32_t)c->args.i > LV_DOMAIN_LIST_MAX)
			return lv_fail(c, LV_ERR_INVALID_ARG, "the maximum must be 0..%u", LV_DOMAIN_LIST_MAX);
		l.max = (uint32_t)c->args.i;
		xdr_put_u32(c->out, 0);
	}
	dom_each(c->xld, list_old_one, &l);
	if (count_only)
		xdr_put_i32(c->out, (int32_t)l.count);
	else
		xdr_patch_u32(c->out, count_off, l.count);
	return 0;
}

int lv_connect_num_of_domains(struct lv_call *c)
{
	return list_old(c, true, true);
}

int lv_connect_list_domains(struct lv_call *c)
{
	return list_old(c, true, false);
}

int lv_connect_num_of_defined_domains(struct lv_call *c)
{
	return list_old(c, false, true);
}

int lv_connect_list_defined_domains(struct lv_call *c)
{
	return list_old(c, false, false);
}
