/* Procedures on one domain: lookups, facts (info, state, XML, OS type,
 * limits) and lifecycle (suspend, resume, shutdown, reboot, destroy). */
#include "xld/libvirt/lv.h"
#include "xld/xld.h"
#include "xld/domain.h"
#include "xld/defs.h"
#include "xld/monitor.h"
#include "xld/xenstore/xenstored.h"
#include "libvmctl/domcfg.h"
#include "libvmctl/domxml.h"
#include "libvmctl/hv.h"
#include "vmctl/privcmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int put_found(struct lv_call *c, bool found, const char *what)
{
	if (!found)
		return lv_fail(c, LV_ERR_NO_DOMAIN, "Domain not found: no domain with matching %s", what);
	lv_put_dom(c->out, &c->dom);
	return 0;
}

int lv_domain_lookup_by_id(struct lv_call *c)
{
	char what[32];

	snprintf(what, sizeof(what), "id %d", c->args.i);
	return put_found(c, lv_dom_by_id(c->xld, c->args.i, &c->dom), what);
}

int lv_domain_lookup_by_name(struct lv_call *c)
{
	char what[XLD_NAME_MAX + 16];

	snprintf(what, sizeof(what), "name '%.*s'", XLD_NAME_MAX, c->args.str[0]);
	return put_found(c, lv_dom_by_name(c->xld, c->args.str[0], &c->dom), what);
}

int lv_domain_lookup_by_uuid(struct lv_call *c)
{
	return put_found(c, lv_dom_by_uuid(c->xld, c->args.uuid, &c->dom), "uuid");
}

/* The domain's configuration: the running one, or its definition when
 * asked for (or when it does not run). The caller disposes `cfg`. */
static int dom_config(struct lv_call *c, bool inactive, struct domcfg_config *cfg)
{
	const char *json = c->dom.run && !(inactive && c->dom.def) ? c->dom.run->config_json
								: c->dom.def->config_json;
	char *err = NULL;

	domcfg_config_init(cfg);
	if (domcfg_config_from_json(cfg, json, &err) < 0) {
		lv_fail(c, LV_ERR_INTERNAL_ERROR, "the stored configuration of %s is unreadable: %s",
			lv_dom_name(&c->dom), err ? err : "?");
		free(err);
		return -1;
	}
	return 0;
}

static int dominfo(struct lv_call *c, struct privcmd_dominfo *info)
{
	int rc = hv_domain_getinfo(c->xld->hv, c->dom.run->domid, info);

	if (rc < 0)
		return lv_fail(c, LV_ERR_OPERATION_FAILED, "vmhv: %s", strerror(-rc));
	return 0;
}

/* What GET_INFO and the limits report: from vmhv for a running domain,
 * from the definition for one that does not run. */
struct dom_sizes {
	uint64_t max_kb, cur_kb, cpu_ns;
	uint32_t vcpus, max_vcpus;
};

static int dom_sizes(struct lv_call *c, struct dom_sizes *z)
{
	struct privcmd_dominfo info;
	struct domcfg_config cfg;

	memset(z, 0, sizeof(*z));
	if (c->dom.run) {
		if (dominfo(c, &info) < 0)
			return -1;
		*z = (struct dom_sizes){ info.max_pages * 4, info.tot_pages * 4, info.cpu_time_ns,
					 info.nr_online_vcpus, info.max_vcpus };
		return 0;
	}
	if (dom_config(c, true, &cfg) < 0)
		return -1;
	*z = (struct dom_sizes){ cfg.b_info.max_memkb, cfg.b_info.target_memkb, 0,
				 (uint32_t)cfg.b_info.max_vcpus, (uint32_t)cfg.b_info.max_vcpus };
	domcfg_config_dispose(&cfg);
	return 0;
}

int lv_domain_get_info(struct lv_call *c)
{
	struct dom_sizes z;
	int reason, state = lv_dom_state(c->xld, &c->dom, &reason);

	if (dom_sizes(c, &z) < 0)
		return -1;
	xdr_put_u32(c->out, (uint32_t)state);   /* unsigned char: 4 bytes */
	xdr_put_u64(c->out, z.max_kb);
	xdr_put_u64(c->out, z.cur_kb);
	xdr_put_u32(c->out, z.vcpus);           /* unsigned short: 4 bytes */
	xdr_put_u64(c->out, z.cpu_ns);
	return 0;
}

int lv_domain_get_state(struct lv_call *c)
{
	int reason, state = lv_dom_state(c->xld, &c->dom, &reason);

	xdr_put_i32(c->out, state);
	xdr_put_i32(c->out, reason);
	return 0;
}

int lv_domain_get_xml_desc(struct lv_call *c)
{
	bool inactive = c->args.flags & LV_XML_INACTIVE;
	struct vmctl_domxml_runtime rt = { .domid = lv_dom_id(&c->dom) };
	struct domcfg_config cfg;
	struct domcfg_msgs msgs;
	char *xml = NULL;
	int rc;

	if (dom_config(c, inactive, &cfg) < 0)
		return -1;
	domcfg_msgs_init(&msgs);
	rc = vmctl_domxml_format(&cfg, c->dom.run && !(inactive && c->dom.def) ? &rt : NULL,
				 c->args.flags & LV_XML_SECURE ? VMCTL_DOMXML_SECURE : 0, &xml, &msgs);
	if (rc < 0)
		lv_fail(c, LV_ERR_INTERNAL_ERROR, "cannot write the domain XML: %s",
			msgs.error ? msgs.error : strerror(-rc));
	else
		xdr_put_string(c->out, xml);
	free(xml);
	domcfg_msgs_dispose(&msgs);
	domcfg_config_dispose(&cfg);
	return rc < 0 ? -1 : 0;
}

int lv_domain_get_os_type(struct lv_call *c)
{
	struct domcfg_config cfg;
	const char *os;

	if (dom_config(c, false, &cfg) < 0)
		return -1;
	os = cfg.c_info.type == DOMCFG_TYPE_HVM ? "hvm" : cfg.c_info.type == DOMCFG_TYPE_PVH ? "xenpvh" : "linux";
	xdr_put_string(c->out, os);
	domcfg_config_dispose(&cfg);
	return 0;
}

int lv_domain_get_max_memory(struct lv_call *c)
{
	struct dom_sizes z;

	if (dom_sizes(c, &z) < 0)
		return -1;
	xdr_put_u64(c->out, z.max_kb);
	return 0;
}

int lv_domain_get_max_vcpus(struct lv_call *c)
{
	struct dom_sizes z;

	if (dom_sizes(c, &z) < 0)
		return -1;
	xdr_put_i32(c->out, (int32_t)z.max_vcpus);
	return 0;
}

int lv_domain_is_active(struct lv_call *c)
{
	xdr_put_i32(c->out, c->dom.run != NULL);
	return 0;
}

int lv_domain_is_persistent(struct lv_call *c)
{
	xdr_put_i32(c->out, c->dom.def != NULL);
	return 0;
}

int lv_domain_has_managed_save_image(struct lv_call *c)
{
	xdr_put_i32(c->out, 0); /* xld keeps no managed save images */
	return 0;
}

int lv_domain_get_autostart(struct lv_call *c)
{
	xdr_put_i32(c->out, c->dom.def && c->dom.def->autostart);
	return 0;
}

static int hv_result(struct lv_call *c, int rc)
{
	if (rc < 0)
		return lv_fail(c, LV_ERR_OPERATION_FAILED, "vmhv: %s", strerror(-rc));
	return 0;
}

int lv_domain_suspend(struct lv_call *c)
{
	if (lv_need_running(c) < 0)
		return -1;
	return hv_result(c, hv_domain_pause(c->xld->hv, c->dom.run->domid));
}

int lv_domain_resume(struct lv_call *c)
{
	if (lv_need_running(c) < 0)
		return -1;
	return hv_result(c, hv_domain_unpause(c->xld->hv, c->dom.run->domid));
}

/* The PV control protocol: the guest reads control/shutdown and acts; the
 * domain's on_poweroff / on_reboot then applies (monitor.c). */
static int control_shutdown(struct lv_call *c, const char *action)
{
	char path[64];
	int rc;

	if (lv_need_running(c) < 0)
		return -1;
	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", c->dom.run->domid);
	rc = xenstored_write(c->xld->xs, path, action, strlen(action));
	if (rc < 0)
		return lv_fail(c, LV_ERR_OPERATION_FAILED, "cannot write %s: %s", path, strerror(-rc));
	return 0;
}

int lv_domain_shutdown(struct lv_call *c)
{
	return control_shutdown(c, "poweroff");
}

int lv_domain_shutdown_flags(struct lv_call *c)
{
	return control_shutdown(c, "poweroff");
}

int lv_domain_reboot(struct lv_call *c)
{
	return control_shutdown(c, "reboot");
}

int lv_domain_destroy(struct lv_call *c)
{
	if (lv_need_running(c) < 0)
		return -1;
	xld_event(c->xld, "destroyed", c->dom.run);
	return hv_result(c, xld_domain_destroy(c->xld, c->dom.run));
}

/* GRACEFUL asks not to force a process that resists: a vmhv domain has no
 * such state, so both kinds of destroy are the same. */
int lv_domain_destroy_flags(struct lv_call *c)
{
	return lv_domain_destroy(c);
}
