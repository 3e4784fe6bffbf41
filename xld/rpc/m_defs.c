/* domain.define, domain.undefine, domain.start, domain.autostart: the
 * JSON-RPC face of xld's persistent definitions (defs.h). */
#include "xld/xld.h"
#include "xld/defs.h"
#include "xld/rpc/methods.h"
#include "xld/rpc/m_defs.h"
#include "libvmctl/domcfg.h"
#include "libvmctl/domxml.h"
#include "common/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

/* Relative paths in a config are relative to the client's directory. */
static int make_absolute(char **path, const char *cwd)
{
	char *abs;

	if (!*path || (*path)[0] == '/' || !cwd)
		return 0;
	if (asprintf(&abs, "%s/%s", cwd, *path) < 0)
		return -1;
	free(*path);
	*path = abs;
	return 0;
}

static int config_paths(struct domcfg_config *cfg, const char *cwd)
{
	int rc = make_absolute(&cfg->b_info.kernel, cwd) | make_absolute(&cfg->b_info.ramdisk, cwd);

	for (int i = 0; i < cfg->num_disks; i++)
		rc |= make_absolute(&cfg->disks[i].pdev_path, cwd);
	return rc;
}

/* params: exactly one of "config" (xl.cfg text), "config_json", "xml". */
static int parse_params(yajl_val params, struct domcfg_config *cfg, char *msg, size_t cap)
{
	const char *text = rpc_param_str(params, "config"), *json = rpc_param_str(params, "config_json");
	const char *xml = rpc_param_str(params, "xml"), *name = rpc_param_str(params, "config_name");
	struct domcfg_msgs msgs;
	char *err = NULL;
	int rc;

	if ((text != NULL) + (json != NULL) + (xml != NULL) != 1) {
		snprintf(msg, cap, "give exactly one of params.config (xl.cfg text), params.config_json and params.xml");
		return RPC_INVALID_PARAMS;
	}
	domcfg_msgs_init(&msgs);
	if (text)
		rc = domcfg_parse_buffer(cfg, name ? name : "config", text, strlen(text), NULL, &msgs);
	else if (xml)
		rc = vmctl_domxml_parse(xml, strlen(xml), cfg, &msgs);
	else
		rc = domcfg_config_from_json(cfg, json, &err);
	for (size_t i = 0; i < msgs.num_warnings; i++)
		log_warn("%s", msgs.warnings[i]);
	if (rc < 0)
		snprintf(msg, cap, "%s", msgs.error ? msgs.error : err ? err : "invalid configuration");
	else if (config_paths(cfg, rpc_param_str(params, "cwd")) < 0)
		rc = -1, snprintf(msg, cap, "out of memory");
	domcfg_msgs_dispose(&msgs);
	free(err);
	return rc < 0 ? RPC_ERR_CONFIG : 0;
}

static void reply_def(struct rpc_req *req, const struct xld_def *def)
{
	char us[37];

	uuid_unparse_lower(def->uuid, us);
	yajl_gen_map_open(req->result);
	rpc_gen_str(req->result, "name");
	rpc_gen_str(req->result, def->name);
	rpc_gen_str(req->result, "uuid");
	rpc_gen_str(req->result, us);
	yajl_gen_map_close(req->result);
	rpc_reply(req);
}

void m_domain_define(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct domcfg_config cfg;
	struct xld_def *def;
	char msg[1024];
	int code;

	domcfg_config_init(&cfg);
	if ((code = parse_params(params, &cfg, msg, sizeof(msg))) != 0 ||
	    xld_def_define(xld, &cfg, &def, &code, msg, sizeof(msg)) < 0)
		rpc_error(req, code, "%s", msg);
	else
		reply_def(req, def);
	domcfg_config_dispose(&cfg);
}

/* params.domain: a definition's name or UUID; NULL after answering. */
static struct xld_def *param_def(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	const char *s = rpc_param_str(params, "domain");
	struct xld_def *def;

	if (!s) {
		rpc_error(req, RPC_INVALID_PARAMS, "params.domain (a name or a uuid) is required");
		return NULL;
	}
	def = xld_def_lookup(xld, s);
	if (!def)
		rpc_error(req, RPC_ERR_NO_DOMAIN, "no defined domain '%s'", s);
	return def;
}

void m_domain_undefine(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct xld_def *def = param_def(xld, req, params);
	int rc;

	if (!def)
		return;
	rc = xld_def_undefine(xld, def);
	if (rc < 0) {
		rpc_error(req, RPC_ERR_IO, "cannot remove the definition: %s", strerror(-rc));
		return;
	}
	yajl_gen_bool(req->result, 1);
	rpc_reply(req);
}

void m_domain_start(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	const char *pp[] = { "paused", NULL };
	yajl_val paused = params ? yajl_tree_get(params, pp, yajl_t_any) : NULL;
	struct xld_def *def = param_def(xld, req, params);
	char msg[1024];
	uint32_t domid;
	int code;

	if (!def)
		return;
	if (xld_def_start(xld, def, paused && YAJL_IS_TRUE(paused), &domid, &code, msg, sizeof(msg)) < 0) {
		rpc_error(req, code, "%s", msg);
		return;
	}
	yajl_gen_map_open(req->result);
	rpc_gen_str(req->result, "domid");
	yajl_gen_integer(req->result, domid);
	rpc_gen_str(req->result, "name");
	rpc_gen_str(req->result, def->name);
	yajl_gen_map_close(req->result);
	rpc_reply(req);
}

/* {"domain": d, "enable": bool} sets; without "enable" it only reports. */
void m_domain_autostart(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	const char *ep[] = { "enable", NULL };
	yajl_val enable = params ? yajl_tree_get(params, ep, yajl_t_any) : NULL;
	struct xld_def *def = param_def(xld, req, params);
	int rc;

	if (!def)
		return;
	if (enable && !YAJL_IS_TRUE(enable) && !YAJL_IS_FALSE(enable)) {
		rpc_error(req, RPC_INVALID_PARAMS, "params.enable must be true or false");
		return;
	}
	if (enable && (rc = xld_def_set_autostart(xld, def, YAJL_IS_TRUE(enable))) < 0) {
		rpc_error(req, RPC_ERR_IO, "cannot write the definition: %s", strerror(-rc));
		return;
	}
	yajl_gen_map_open(req->result);
	rpc_gen_str(req->result, "autostart");
	yajl_gen_bool(req->result, def->autostart);
	yajl_gen_map_close(req->result);
	rpc_reply(req);
}

static void gen_int(yajl_gen g, const char *key, long long v)
{
	rpc_gen_str(g, key);
	yajl_gen_integer(g, v);
}

void m_defs_list_inactive(struct xld *xld, yajl_gen g)
{
	for (struct xld_def *def = xld->defs; def; def = def->next) {
		struct domcfg_config cfg;
		char us[37], *err = NULL;

		if (xld_def_domain(xld, def))
			continue;
		domcfg_config_init(&cfg);
		domcfg_config_from_json(&cfg, def->config_json, &err);
		free(err);
		uuid_unparse_lower(def->uuid, us);
		yajl_gen_map_open(g);
		rpc_gen_str(g, "domid");
		yajl_gen_null(g);
		rpc_gen_str(g, "name");
		rpc_gen_str(g, def->name);
		rpc_gen_str(g, "uuid");
		rpc_gen_str(g, us);
		gen_int(g, "mem_kb", (long long)cfg.b_info.target_memkb);
		gen_int(g, "max_mem_kb", (long long)cfg.b_info.max_memkb);
		gen_int(g, "vcpus", cfg.b_info.max_vcpus);
		gen_int(g, "max_vcpus", cfg.b_info.max_vcpus);
		rpc_gen_str(g, "state");
		rpc_gen_str(g, "------");
		rpc_gen_str(g, "active");
		yajl_gen_bool(g, 0);
		rpc_gen_str(g, "persistent");
		yajl_gen_bool(g, 1);
		rpc_gen_str(g, "autostart");
		yajl_gen_bool(g, def->autostart);
		yajl_gen_map_close(g);
		domcfg_config_dispose(&cfg);
	}
}
