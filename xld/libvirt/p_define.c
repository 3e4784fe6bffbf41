/* Procedures that make, start and forget domains: define/undefine,
 * create (from a definition or from XML), autostart, and the conversions
 * between domain XML and xl.cfg ("xen-xl"). */
#include "xld/libvirt/lv.h"
#include "xld/xld.h"
#include "xld/domain.h"
#include "xld/defs.h"
#include "xld/create.h"
#include "libvmctl/domcfg.h"
#include "libvmctl/domxml.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A domxml failure: XML that is not valid is XML_ERROR, XML we cannot run
 * is CONFIG_UNSUPPORTED. */
static int fail_xml(struct lv_call *c, int rc, const struct domcfg_msgs *m)
{
	c->err_from = LV_FROM_DOMAIN;
	return lv_fail(c, rc == -EOPNOTSUPP ? LV_ERR_CONFIG_UNSUPPORTED : rc == -EINVAL ? LV_ERR_XML_ERROR
					     : LV_ERR_INTERNAL_ERROR,
		       "%s", m->error ? m->error : strerror(-rc));
}

static int parse_xml(struct lv_call *c, const char *xml, struct domcfg_config *cfg)
{
	struct domcfg_msgs msgs;
	int rc;

	domcfg_config_init(cfg);
	domcfg_msgs_init(&msgs);
	rc = vmctl_domxml_parse(xml, strlen(xml), cfg, &msgs);
	if (rc < 0)
		fail_xml(c, rc, &msgs);
	domcfg_msgs_dispose(&msgs);
	return rc < 0 ? -1 : 0;
}

int lv_domain_define_xml(struct lv_call *c)
{
	struct domcfg_config cfg;
	struct xld_def *def;
	char msg[1024];
	int code, rc = -1;

	if (parse_xml(c, c->args.str[0], &cfg) < 0)
		goto out;
	if (xld_def_define(c->xld, &cfg, &def, &code, msg, sizeof(msg)) < 0) {
		lv_fail_rpc(c, code, msg);
		goto out;
	}
	lv_dom_by_uuid(c->xld, def->uuid, &c->dom);
	lv_put_dom(c->out, &c->dom);
	rc = 0;
out:
	domcfg_config_dispose(&cfg);
	return rc;
}

/* VALIDATE asks for a schema check; our parser checks every element. */
int lv_domain_define_xml_flags(struct lv_call *c)
{
	return lv_domain_define_xml(c);
}

int lv_domain_undefine(struct lv_call *c)
{
	int rc;

	if (!c->dom.def)
		return lv_fail(c, LV_ERR_OPERATION_INVALID,
			       "Requested operation is not valid: cannot undefine transient domain");
	rc = xld_def_undefine(c->xld, c->dom.def);
	if (rc < 0)
		return lv_fail(c, LV_ERR_OPERATION_FAILED, "cannot remove the definition: %s", strerror(-rc));
	return 0;
}

/* Managed save images, snapshots, NVRAM, TPM state: xld keeps none of
 * them, so every such flag is satisfied by removing the definition. */
int lv_domain_undefine_flags(struct lv_call *c)
{
	return lv_domain_undefine(c);
}

static int start_def(struct lv_call *c, bool paused)
{
	char msg[1024];
	uint32_t domid;
	int code;

	if (!c->dom.def || c->dom.run)
		return lv_fail(c, LV_ERR_OPERATION_INVALID, "Requested operation is not valid: domain is already running");
	if (xld_def_start(c->xld, c->dom.def, paused, &domid, &code, msg, sizeof(msg)) < 0)
		return lv_fail_rpc(c, code, msg);
	c->dom.run = xld_domain_by_id(c->xld, domid);
	return 0;
}

int lv_domain_create(struct lv_call *c)
{
	return start_def(c, false);
}

int lv_domain_create_with_flags(struct lv_call *c)
{
	if (start_def(c, c->args.flags & LV_START_PAUSED) < 0)
		return -1;
	lv_put_dom(c->out, &c->dom);
	return 0;
}

/* A transient domain straight from XML. */
int lv_domain_create_xml(struct lv_call *c)
{
	struct domcfg_config cfg;
	struct create_args a = { .paused = c->args.flags & LV_START_PAUSED };
	char msg[1024], *json = NULL;
	uint32_t domid;
	int code, rc = -1;

	if (parse_xml(c, c->args.str[0], &cfg) < 0)
		goto out;
	a.config_json = json = domcfg_config_to_json(&cfg);
	a.config_name = "domain XML";
	if (!json) {
		lv_fail(c, LV_ERR_INTERNAL_ERROR, "out of memory");
		goto out;
	}
	if (xld_create(c->xld, &a, &domid, &code, msg, sizeof(msg)) < 0) {
		lv_fail_rpc(c, code, msg);
		goto out;
	}
	c->dom.run = xld_domain_by_id(c->xld, domid);
	c->dom.def = c->dom.run ? xld_domain_def(c->xld, c->dom.run) : NULL;
	if (!c->dom.run) {
		lv_fail(c, LV_ERR_OPERATION_FAILED, "the domain went away at once");
		goto out;
	}
	lv_put_dom(c->out, &c->dom);
	rc = 0;
out:
	free(json);
	domcfg_config_dispose(&cfg);
	return rc;
}

int lv_domain_set_autostart(struct lv_call *c)
{
	int rc;

	if (!c->dom.def)
		return lv_fail(c, LV_ERR_OPERATION_INVALID,
			       "Requested operation is not valid: cannot set autostart for transient domain");
	rc = xld_def_set_autostart(c->xld, c->dom.def, c->args.i != 0);
	if (rc < 0)
		return lv_fail(c, LV_ERR_OPERATION_FAILED, "cannot write the definition: %s", strerror(-rc));
	return 0;
}

/* Both directions answer one string; a format other than xen-xl (and its
 * synonym xen-xm) is INVALID_ARG, as libvirt's drivers answer it. */
static int native(struct lv_call *c, int (*conv)(const char *, const char *, size_t, char **,
						 struct domcfg_msgs *))
{
	struct domcfg_msgs msgs;
	char *text = NULL;
	int rc;

	if (strcasecmp(c->args.str[0], "xen-xl") != 0 && strcasecmp(c->args.str[0], "xen-xm") != 0)
		return lv_fail(c, LV_ERR_INVALID_ARG, "unsupported config type %s (xld knows xen-xl)",
			       c->args.str[0]);
	domcfg_msgs_init(&msgs);
	rc = conv(c->args.str[0], c->args.str[1], strlen(c->args.str[1]), &text, &msgs);
	if (rc < 0)
		fail_xml(c, rc, &msgs);
	else
		xdr_put_string(c->out, text);
	free(text);
	domcfg_msgs_dispose(&msgs);
	return rc < 0 ? -1 : 0;
}

int lv_connect_domain_xml_from_native(struct lv_call *c)
{
	return native(c, vmctl_domxml_from_native);
}

int lv_connect_domain_xml_to_native(struct lv_call *c)
{
	return native(c, vmctl_domxml_to_native);
}
