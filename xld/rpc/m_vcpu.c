/* domain.vcpu_list: the vCPUs of one domain or of all, as `xl vcpu-list`
 * shows them. Guest vCPUs come from vmhv (privcmd VCPU_LIST); Domain-0 is
 * the host, one vCPU per host CPU, always running, with the CPU's busy
 * time from /proc/stat (as `xl list` shows the host as Domain-0). */
#include "xld/xld.h"
#include "xld/domain.h"
#include "xld/rpc/methods.h"
#include "libvmctl/hv.h"
#include "vmctl/privcmd.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct vcpu_row {
	uint32_t domid;
	const char *name;
	struct privcmd_vcpu_info v;
};

static void put_row(yajl_gen g, const struct vcpu_row *r)
{
	yajl_gen_map_open(g);
	rpc_gen_str(g, "domid");
	yajl_gen_integer(g, r->domid);
	rpc_gen_str(g, "name");
	rpc_gen_str(g, r->name);
	rpc_gen_str(g, "vcpu");
	yajl_gen_integer(g, r->v.vcpu);
	rpc_gen_str(g, "online");
	yajl_gen_bool(g, r->v.flags & PRIVCMD_VCPU_ONLINE);
	rpc_gen_str(g, "running");
	yajl_gen_bool(g, r->v.flags & PRIVCMD_VCPU_RUNNING);
	rpc_gen_str(g, "blocked");
	yajl_gen_bool(g, r->v.flags & PRIVCMD_VCPU_BLOCKED);
	rpc_gen_str(g, "cpu");
	yajl_gen_integer(g, r->v.cpu);
	rpc_gen_str(g, "cpu_time");
	yajl_gen_double(g, (double)r->v.cpu_time_ns / 1e9);
	/* No pinning here: every vCPU may run on every host CPU. */
	rpc_gen_str(g, "affinity");
	rpc_gen_str(g, "all");
	rpc_gen_str(g, "affinity_soft");
	rpc_gen_str(g, "all");
	yajl_gen_map_close(g);
}

/* Host CPU `cpu`'s busy time (ns) from a /proc/stat "cpuN ..." line. */
static uint64_t busy_ns(const char *line)
{
	unsigned long long t[8] = { 0 };
	long hz = sysconf(_SC_CLK_TCK);

	if (sscanf(line, "%*s %llu %llu %llu %*u %*u %llu %llu %llu", &t[0], &t[1], &t[2],
		   &t[3], &t[4], &t[5]) < 3 || hz <= 0)
		return 0;
	return (t[0] + t[1] + t[2] + t[3] + t[4] + t[5]) * (1000000000ull / (uint64_t)hz);
}

static void put_dom0(yajl_gen g)
{
	struct vcpu_row r = { .domid = 0, .name = "Domain-0" };
	FILE *f = fopen("/proc/stat", "re");
	char line[512];
	int cpu;

	while (f && fgets(line, sizeof(line), f)) {
		/* "cpuN ...", not the "cpu ..." sum of them all */
		if (strncmp(line, "cpu", 3) || !isdigit((unsigned char)line[3]) ||
		    sscanf(line, "cpu%d ", &cpu) != 1)
			continue;
		r.v = (struct privcmd_vcpu_info){
			.vcpu = (uint32_t)cpu, .cpu = cpu, .cpu_time_ns = busy_ns(line),
			.flags = PRIVCMD_VCPU_ONLINE | PRIVCMD_VCPU_RUNNING,
		};
		put_row(g, &r);
	}
	if (f)
		fclose(f);
}

static int put_domain(struct xld *xld, yajl_gen g, uint32_t domid, const char *name)
{
	struct privcmd_domid q = { .domid = domid };
	struct privcmd_vcpu_info v[PRIVCMD_MAX_VCPUS];
	struct vcpu_row r = { .domid = domid, .name = name };
	size_t len = 0;
	int rc = hv_call(xld->hv, PRIVCMD_OP_VCPU_LIST, &q, sizeof(q), v, sizeof(v), &len, NULL);

	for (size_t i = 0; rc >= 0 && i < len / sizeof(v[0]); i++) {
		r.v = v[i];
		put_row(g, &r);
	}
	return rc < 0 ? rc : 0;
}

static int put_all(struct xld *xld, yajl_gen g)
{
	struct privcmd_dominfo *info = calloc(PRIVCMD_GETINFOLIST_MAX, sizeof(*info));
	uint32_t first = 1;
	int n, rc = 0;

	if (!info)
		return -ENOMEM;
	put_dom0(g);
	do {
		n = hv_domain_getinfolist(xld->hv, first, info, PRIVCMD_GETINFOLIST_MAX);
		for (int k = 0; k < n; k++) {
			struct xld_domain *d = xld_domain_by_id(xld, info[k].domid);

			/* A domain that went between the two calls: skip it. */
			rc = put_domain(xld, g, info[k].domid, d ? d->name : "(null)");
			rc = rc == -ESRCH ? 0 : rc;
			first = info[k].domid + 1;
		}
	} while (rc == 0 && n == (int)PRIVCMD_GETINFOLIST_MAX);
	free(info);
	return n < 0 ? n : rc;
}

/* Params: {"domain": name or id} for one domain ("0" or "Domain-0": the
 * host), none for every domain. Result: an array of vCPU objects. */
void m_domain_vcpu_list(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	const char *which = rpc_param_str(params, "domain");
	yajl_gen g = req->result;
	struct xld_domain *d = NULL;
	int rc = 0;

	if (which && strcmp(which, "0") && strcmp(which, "Domain-0") &&
	    !(d = rpc_param_domain(xld, req, params)))
		return;
	yajl_gen_array_open(g);
	if (!which)
		rc = put_all(xld, g);
	else if (d)
		rc = put_domain(xld, g, d->domid, d->name);
	else
		put_dom0(g);
	yajl_gen_array_close(g);
	if (rc < 0)
		rpc_error(req, RPC_ERR_HYPERVISOR, "vmhv: %s", strerror(-rc));
	else
		rpc_reply(req);
}
