/* host.* methods: facts about the host and the hypervisor (xl info, xl dmesg). */
#include "config.h"
#include "xld/xld.h"
#include "xld/rpc/methods.h"
#include "libvmctl/hv.h"
#include "common/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

static void put_str(yajl_gen g, const char *key, const char *val)
{
	rpc_gen_str(g, key);
	rpc_gen_str(g, val);
}

static void put_int(yajl_gen g, const char *key, long long val)
{
	rpc_gen_str(g, key);
	yajl_gen_integer(g, val);
}

static void put_fmt(yajl_gen g, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void put_fmt(yajl_gen g, const char *key, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put_str(g, key, buf);
}

static void put_physinfo(yajl_gen g, const struct privcmd_physinfo *p)
{
	put_int(g, "nr_cpus", p->nr_cpus);
	put_int(g, "max_cpu_id", p->max_cpu_id);
	put_int(g, "nr_nodes", p->nr_nodes);
	put_int(g, "cores_per_socket", p->cores_per_socket);
	put_int(g, "threads_per_core", p->threads_per_core);
	put_int(g, "cpu_mhz", p->cpu_khz / 1000);
	put_fmt(g, "hw_caps", "%08x:%08x:%08x:%08x:%08x:%08x:%08x:%08x", p->hw_cap[0],
		p->hw_cap[1], p->hw_cap[2], p->hw_cap[3], p->hw_cap[4], p->hw_cap[5],
		p->hw_cap[6], p->hw_cap[7]);
	put_fmt(g, "virt_caps", "%s%s%s", p->virt_caps & PRIVCMD_VIRTCAP_PV ? "pv" : "",
		(p->virt_caps & PRIVCMD_VIRTCAP_PV) && (p->virt_caps & PRIVCMD_VIRTCAP_HVM) ? " " : "",
		p->virt_caps & PRIVCMD_VIRTCAP_HVM ? "hvm" : "");
	put_int(g, "total_memory", (long long)(p->total_pages >> 8));
	put_int(g, "free_memory", (long long)(p->free_pages >> 8));
	put_int(g, "sharing_freed_memory", 0);
	put_int(g, "sharing_used_memory", 0);
	put_int(g, "outstanding_claims", 0);
	put_int(g, "free_cpus", 0);
}

static void put_version(yajl_gen g, const struct privcmd_version *v)
{
	put_int(g, "xen_major", v->major);
	put_int(g, "xen_minor", v->minor);
	put_fmt(g, "xen_extra", "%.*s", (int)sizeof(v->extra), v->extra);
	put_fmt(g, "xen_version", "%u.%u%.*s", v->major, v->minor, (int)sizeof(v->extra), v->extra);
	put_fmt(g, "xen_caps", "%.*s", (int)sizeof(v->capabilities), v->capabilities);
	put_fmt(g, "xen_scheduler", "%.*s", (int)sizeof(v->scheduler), v->scheduler);
	put_int(g, "xen_pagesize", v->pagesize);
	put_fmt(g, "platform_params", "virt_start=0x%llx", (unsigned long long)v->virt_start);
	put_fmt(g, "xen_changeset", "%.*s", (int)sizeof(v->changeset), v->changeset);
	put_fmt(g, "xen_commandline", "%.*s", (int)sizeof(v->commandline), v->commandline);
	put_fmt(g, "cc_compiler", "%.*s", (int)sizeof(v->compiler), v->compiler);
	put_str(g, "cc_compile_by", "vmctl");
	put_str(g, "cc_compile_domain", "");
	put_fmt(g, "cc_compile_date", "%.*s", (int)sizeof(v->compile_date), v->compile_date);
	put_str(g, "build_id", "");
}

/* `xl info`: the host's uname, then vmhv's physinfo and version, in xl's order. */
void m_host_info(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	struct privcmd_physinfo phys;
	struct privcmd_version ver;
	struct utsname u;
	yajl_gen g = req->result;
	int rc;

	if ((rc = hv_physinfo(xld->hv, &phys)) < 0 || (rc = hv_version(xld->hv, &ver)) < 0) {
		rpc_error(req, RPC_ERR_HYPERVISOR, "vmhv: %s", strerror(-rc));
		return;
	}
	uname(&u);
	yajl_gen_map_open(g);
	put_str(g, "host", u.nodename);
	put_str(g, "release", u.release);
	put_str(g, "version", u.version);
	put_str(g, "machine", u.machine);
	put_physinfo(g, &phys);
	put_version(g, &ver);
	put_str(g, "vmctl_version", PACKAGE_VERSION);
	put_int(g, "xld_uptime_s", (long long)((now_ns() - xld->started_ns) / 1000000000ull));
	put_int(g, "xend_config_format", 4);
	yajl_gen_map_close(g);
	rpc_reply(req);
}

/* `xl dmesg [-c]`: vmhv's console ring. Params: {"clear": bool}. */
void m_host_dmesg(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	const char *path[] = { "clear", NULL };
	yajl_val clear = params ? yajl_tree_get(params, path, yajl_t_any) : NULL;
	size_t cap = 1 << 20, len = 0;
	char *text = malloc(cap);
	uint64_t pos = 0;
	int n = 0;

	if (!text) {
		rpc_error(req, RPC_ERR_RESOURCE, "out of memory");
		return;
	}
	do {
		n = hv_dmesg(xld->hv, &pos, text + len, cap - len, 0);
		if (n > 0)
			len += (size_t)n;
	} while (n > 0 && len < cap);
	if (n < 0) {
		free(text);
		rpc_error(req, RPC_ERR_HYPERVISOR, "vmhv: %s", strerror(-n));
		return;
	}
	if (clear && YAJL_IS_TRUE(clear))
		hv_dmesg(xld->hv, &pos, text + len, 0, 1);
	yajl_gen_string(req->result, (const unsigned char *)text, len);
	free(text);
	rpc_reply(req);
}
