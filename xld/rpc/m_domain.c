/* domain.* methods that look at or steer existing domains: list, pause,
 * unpause, destroy, rename. (Creation lives in m_create.c.) */
#include "xld/xld.h"
#include "xld/domain.h"
#include "xld/rpc/methods.h"
#include "xld/monitor.h"
#include "xld/vcpu_hvm.h"
#include "xld/rpc/m_defs.h"
#include "xld/xenstore/xenstored.h"
#include "libvmctl/hv.h"
#include "libvmctl/libvmctl.h"
#include "vmctl/privcmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <uuid/uuid.h>

/* xl's six state letters: r b p s <reason> d. */
static void state_letters(const struct privcmd_dominfo *i, char out[7])
{
	static const char reasons[] = "-rscwS";
	uint32_t f = i->flags;

	out[0] = f & PRIVCMD_DOMINF_RUNNING ? 'r' : '-';
	out[1] = f & PRIVCMD_DOMINF_BLOCKED ? 'b' : '-';
	out[2] = f & PRIVCMD_DOMINF_PAUSED ? 'p' : '-';
	out[3] = f & PRIVCMD_DOMINF_SHUTDOWN ? 's' : '-';
	out[4] = (f & PRIVCMD_DOMINF_SHUTDOWN) && i->shutdown_reason < 6 ?
		 reasons[i->shutdown_reason] : '-';
	out[5] = f & PRIVCMD_DOMINF_DYING ? 'd' : '-';
	out[6] = '\0';
}

static void put_domain(yajl_gen g, const struct privcmd_dominfo *i, const char *name,
		       const uint8_t uuid[16], uint64_t start_s, const char *config_json)
{
	char state[7], us[37];

	state_letters(i, state);
	uuid_unparse_lower(uuid, us);
	yajl_gen_map_open(g);
	rpc_gen_str(g, "domid");
	yajl_gen_integer(g, i->domid);
	rpc_gen_str(g, "name");
	rpc_gen_str(g, name);
	rpc_gen_str(g, "uuid");
	rpc_gen_str(g, us);
	rpc_gen_str(g, "mem_kb");
	yajl_gen_integer(g, (long long)(i->tot_pages * 4));
	rpc_gen_str(g, "max_mem_kb");
	yajl_gen_integer(g, (long long)(i->max_pages * 4));
	rpc_gen_str(g, "vcpus");
	yajl_gen_integer(g, i->nr_online_vcpus);
	rpc_gen_str(g, "max_vcpus");
	yajl_gen_integer(g, i->max_vcpus);
	rpc_gen_str(g, "state");
	rpc_gen_str(g, state);
	rpc_gen_str(g, "shutdown_reason");
	yajl_gen_integer(g, i->flags & PRIVCMD_DOMINF_SHUTDOWN ? (long long)i->shutdown_reason : -1);
	rpc_gen_str(g, "cpu_time");
	yajl_gen_double(g, (double)i->cpu_time_ns / 1e9);
	rpc_gen_str(g, "start_time");
	yajl_gen_integer(g, (long long)start_s);
	if (config_json) {
		char err[64];
		yajl_val cfg = yajl_tree_parse(config_json, err, sizeof(err));
		rpc_gen_str(g, "config");
		vmctl_json_gen_tree(g, cfg);
		yajl_tree_free(cfg);
	}
	yajl_gen_map_close(g);
}

/* Domain-0 is the host itself: its row comes from physinfo. */
static void put_dom0(struct xld *xld, yajl_gen g)
{
	struct privcmd_physinfo p = { 0 };
	struct privcmd_dominfo i = { .domid = 0, .flags = PRIVCMD_DOMINF_RUNNING };
	static const uint8_t zero[16];

	struct sysinfo si;

	hv_physinfo(xld->hv, &p);
	sysinfo(&si);
	i.tot_pages = i.max_pages = p.total_pages;
	i.nr_online_vcpus = i.max_vcpus = p.nr_cpus;
	put_domain(g, &i, "Domain-0", zero, (uint64_t)(time(NULL) - si.uptime), NULL);
}

/* Params: {"config": true} adds each domain's configuration (xl list -l);
 * {"all": true} adds the defined domains that do not run (m_defs.c). */
void m_domain_list(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct privcmd_dominfo *info = calloc(PRIVCMD_GETINFOLIST_MAX, sizeof(*info));
	const char *path[] = { "config", NULL };
	yajl_val cfg = params ? yajl_tree_get(params, path, yajl_t_any) : NULL;
	bool with_config = cfg && YAJL_IS_TRUE(cfg);
	yajl_gen g = req->result;
	uint32_t first = 1;
	int n;

	if (!info) {
		rpc_error(req, RPC_ERR_RESOURCE, "out of memory");
		return;
	}
	yajl_gen_array_open(g);
	put_dom0(xld, g);
	do {
		n = hv_domain_getinfolist(xld->hv, first, info, PRIVCMD_GETINFOLIST_MAX);
		for (int k = 0; k < n; k++) {
			struct xld_domain *d = xld_domain_by_id(xld, info[k].domid);
			put_domain(g, &info[k], d ? d->name : "(null)", d ? d->uuid : info[k].handle,
				   d ? d->created_ns / 1000000000ull : 0,
				   with_config && d ? d->config_json : NULL);
			first = info[k].domid + 1;
		}
	} while (n == (int)PRIVCMD_GETINFOLIST_MAX);
	const char *all_path[] = { "all", NULL };
	yajl_val all = params ? yajl_tree_get(params, all_path, yajl_t_any) : NULL;
	if (all && YAJL_IS_TRUE(all))
		m_defs_list_inactive(xld, g);
	yajl_gen_array_close(g);
	free(info);
	if (n < 0)
		rpc_error(req, RPC_ERR_HYPERVISOR, "vmhv: %s", strerror(-n));
	else
		rpc_reply(req);
}

struct xld_domain *rpc_param_domain(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	const char *s = rpc_param_str(params, "domain");
	struct xld_domain *d;

	if (!s) {
		rpc_error(req, RPC_INVALID_PARAMS, "params.domain (a name or a domid) is required");
		return NULL;
	}
	d = xld_domain_lookup(xld, s);
	if (!d)
		rpc_error(req, RPC_ERR_NO_DOMAIN, "Invalid domain identifier: %s", s);
	return d;
}

static void reply_hv(struct rpc_req *req, int rc)
{
	if (rc < 0) {
		rpc_error(req, RPC_ERR_HYPERVISOR, "vmhv: %s", strerror(-rc));
		return;
	}
	yajl_gen_bool(req->result, 1);
	rpc_reply(req);
}

void m_domain_pause(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct xld_domain *d = rpc_param_domain(xld, req, params);

	if (d)
		reply_hv(req, hv_domain_pause(xld->hv, d->domid));
}

void m_domain_unpause(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct xld_domain *d = rpc_param_domain(xld, req, params);

	if (d)
		reply_hv(req, hv_domain_unpause(xld->hv, d->domid));
}

void m_domain_destroy(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct xld_domain *d = rpc_param_domain(xld, req, params);

	if (!d)
		return;
	xld_event(xld, "destroyed", d);
	int rc = xld_domain_destroy(xld, d);
	reply_hv(req, rc);
}

void m_domain_rename(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct xld_domain *d = rpc_param_domain(xld, req, params);
	const char *name = rpc_param_str(params, "name");

	if (!d)
		return;
	if (!name) {
		rpc_error(req, RPC_INVALID_PARAMS, "params.name is required");
		return;
	}
	int rc = xld_domain_rename(xld, d, name);
	if (rc == -EEXIST)
		rpc_error(req, RPC_ERR_EXISTS, "domain name '%s' is already in use", name);
	else if (rc == -EINVAL)
		rpc_error(req, RPC_INVALID_PARAMS, "invalid domain name '%s'", name);
	else
		reply_hv(req, rc);
}

/* The PV control protocol: write control/shutdown and let the guest act.
 * {"domain": d, "action": "poweroff" | "reboot" | "suspend"} */
void m_domain_shutdown(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct xld_domain *d = rpc_param_domain(xld, req, params);
	const char *action = rpc_param_str(params, "action");
	char path[64];
	int rc;

	if (!d)
		return;
	if (!action)
		action = "poweroff";
	if (strcmp(action, "poweroff") != 0 && strcmp(action, "reboot") != 0 &&
	    strcmp(action, "suspend") != 0) {
		rpc_error(req, RPC_INVALID_PARAMS, "action must be poweroff, reboot or suspend");
		return;
	}
	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", d->domid);
	rc = xenstored_write(xld->xs, path, action, strlen(action));
	if (rc < 0) {
		rpc_error(req, RPC_INTERNAL_ERROR, "cannot write %s: %s", path, strerror(-rc));
		return;
	}
	yajl_gen_bool(req->result, 1);
	rpc_reply(req);
}

/* {"domain": d, "target_kb": N} sets the balloon target (the guest reads
 * memory/target); {"max_kb": N} the maximum reservation in vmhv. */
void m_domain_set_memory(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct xld_domain *d = rpc_param_domain(xld, req, params);
	long long target = -1, max = -1;
	char path[64], val[32];
	int rc = 0;

	if (!d)
		return;
	rpc_param_int(params, "target_kb", &target);
	rpc_param_int(params, "max_kb", &max);
	if ((target < 0 && max < 0) || target == 0 || max == 0) {
		rpc_error(req, RPC_INVALID_PARAMS, "give target_kb and/or max_kb, positive sizes in KiB");
		return;
	}
	if (max > 0) {
		rc = hv_domain_max_mem(xld->hv, d->domid, (uint64_t)max);
		snprintf(path, sizeof(path), "/local/domain/%u/memory/static-max", d->domid);
		snprintf(val, sizeof(val), "%lld", max);
		if (rc == 0)
			rc = xenstored_write(xld->xs, path, val, strlen(val));
	}
	if (rc == 0 && target > 0) {
		struct privcmd_dominfo info;
		if (hv_domain_getinfo(xld->hv, d->domid, &info) == 0 &&
		    (uint64_t)target > info.max_pages * 4) {
			rpc_error(req, RPC_ERR_RESOURCE, "target %lld KiB is above the domain's maximum %llu KiB",
				  target, (unsigned long long)info.max_pages * 4);
			return;
		}
		snprintf(path, sizeof(path), "/local/domain/%u/memory/target", d->domid);
		snprintf(val, sizeof(val), "%lld", target);
		rc = xenstored_write(xld->xs, path, val, strlen(val));
	}
	reply_hv(req, rc);
}

/* {"domain": d, "vcpus": N}: vCPUs 0..N-1 online, the rest offline, through
 * cpu/<n>/availability as Xen's xl vcpu-set does (the guest acts on it);
 * an hvm domain's device model also gets it (ACPI CPU hotplug). */
void m_domain_set_vcpus(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct xld_domain *d = rpc_param_domain(xld, req, params);
	struct privcmd_dominfo info;
	long long n = -1;
	char path[64];
	int rc;

	if (!d)
		return;
	if (!rpc_param_int(params, "vcpus", &n) || n < 1) {
		rpc_error(req, RPC_INVALID_PARAMS, "params.vcpus must be a number >= 1");
		return;
	}
	rc = hv_domain_getinfo(xld->hv, d->domid, &info);
	if (rc == 0 && n > info.max_vcpus) {
		rpc_error(req, RPC_INVALID_PARAMS, "the domain has at most %u vCPUs", info.max_vcpus);
		return;
	}
	for (uint32_t c = 0; rc == 0 && c < info.max_vcpus; c++) {
		const char *v = (long long)c < n ? "online" : "offline";
		snprintf(path, sizeof(path), "/local/domain/%u/cpu/%u/availability", d->domid, c);
		rc = xenstored_write(xld->xs, path, v, strlen(v));
	}
	if (rc == 0 && (info.flags & PRIVCMD_DOMINF_HVM)) {
		char msg[160];

		if (vcpu_hvm_set(xld, d, (unsigned)n, msg, sizeof(msg)) < 0) {
			rpc_error(req, RPC_ERR_UNSUPPORTED, "%s", msg);
			return;
		}
	}
	reply_hv(req, rc);
}
