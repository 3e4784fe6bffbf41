/* Connection and host procedures: open/close, driver type and versions,
 * host name and URI, capabilities, features, auth, node info. */
#include "xld/libvirt/lv.h"
#include "xld/xld.h"
#include "libvmctl/hv.h"
#include "vmctl/privcmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The protocol level we serve: libvirt 9.0.0's (what clients compare with
 * when they ask for the library version). */
#define LV_LIB_VERSION 9000000ull

/* The URI schemes that name this driver: xen:///system, xld:///system. */
static bool uri_ours(const char *uri)
{
	return !uri || !*uri || strncmp(uri, "xen:", 4) == 0 || strncmp(uri, "xld:", 4) == 0;
}

int lv_connect_open(struct lv_call *c)
{
	const char *uri = c->args.str[0];

	if (!uri_ours(uri))
		return lv_fail(c, LV_ERR_NO_CONNECT, "no connection driver available for %s (xld serves xen:///system)",
			       uri);
	c->sess->open = true;
	c->sess->readonly = c->args.flags & LV_CONNECT_RO;
	return 0;
}

int lv_connect_close(struct lv_call *c)
{
	c->sess->open = false;
	return 0;
}

int lv_connect_get_type(struct lv_call *c)
{
	xdr_put_string(c->out, "Xen");
	return 0;
}

int lv_connect_get_version(struct lv_call *c)
{
	struct privcmd_version v;
	unsigned micro = 0;

	if (hv_version(c->xld->hv, &v) < 0)
		return lv_fail(c, LV_ERR_OPERATION_FAILED, "cannot get the hypervisor version");
	sscanf(v.extra, ".%u", &micro);
	xdr_put_u64(c->out, (uint64_t)v.major * 1000000 + (uint64_t)v.minor * 1000 + micro);
	return 0;
}

int lv_connect_get_lib_version(struct lv_call *c)
{
	xdr_put_u64(c->out, LV_LIB_VERSION);
	return 0;
}

int lv_connect_get_hostname(struct lv_call *c)
{
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	xdr_put_string(c->out, host);
	return 0;
}

int lv_connect_get_uri(struct lv_call *c)
{
	xdr_put_string(c->out, "xen:///system");
	return 0;
}

int lv_connect_is_secure(struct lv_call *c)
{
	xdr_put_i32(c->out, 1); /* a local UNIX socket */
	return 0;
}

int lv_connect_supports_feature(struct lv_call *c)
{
	xdr_put_i32(c->out, c->args.i == LV_FEATURE_PROGRAM_KEEPALIVE);
	return 0;
}

int lv_auth_list(struct lv_call *c)
{
	xdr_put_u32(c->out, 1);
	xdr_put_i32(c->out, 0); /* REMOTE_AUTH_NONE: the socket's mode is the access control */
	return 0;
}

int lv_node_get_info(struct lv_call *c)
{
	struct privcmd_physinfo p;
	char model[32] = "x86_64";
	uint32_t cores, threads, nodes;

	if (hv_physinfo(c->xld->hv, &p) < 0)
		return lv_fail(c, LV_ERR_OPERATION_FAILED, "cannot get the host's facts from vmhv");
	cores = p.cores_per_socket ? p.cores_per_socket : 1;
	threads = p.threads_per_core ? p.threads_per_core : 1;
	nodes = p.nr_nodes ? p.nr_nodes : 1;
	for (size_t i = 0; i < sizeof(model); i++)
		xdr_put_i32(c->out, model[i]); /* char[32]: rpcgen sends 4 bytes a char */
	xdr_put_u64(c->out, p.total_pages * 4);
	xdr_put_i32(c->out, (int32_t)p.nr_cpus);
	xdr_put_i32(c->out, (int32_t)(p.cpu_khz / 1000));
	xdr_put_i32(c->out, (int32_t)nodes);
	xdr_put_i32(c->out, (int32_t)(p.nr_cpus / nodes / cores / threads ? p.nr_cpus / nodes / cores / threads : 1));
	xdr_put_i32(c->out, (int32_t)cores);
	xdr_put_i32(c->out, (int32_t)threads);
	return 0;
}

int lv_node_get_free_memory(struct lv_call *c)
{
	struct privcmd_physinfo p;

	if (hv_physinfo(c->xld->hv, &p) < 0)
		return lv_fail(c, LV_ERR_OPERATION_FAILED, "cannot get the host's facts from vmhv");
	xdr_put_u64(c->out, p.free_pages * 4096);
	return 0;
}

/* What virt-manager and virt-install look for: the host CPU and one guest
 * entry per kind of domain (PV, PVH, HVM) with its machine type. */
int lv_connect_get_capabilities(struct lv_call *c)
{
	static const struct { const char *os, *machine; } guests[] = {
		{ "xen", "xenpv" },
		{ "xenpvh", "xenpvh" },
		{ "hvm", "xenfv" },
	};
	char *xml = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&xml, &len);

	if (!f)
		return lv_fail(c, LV_ERR_INTERNAL_ERROR, "out of memory");
	fputs("<capabilities>\n  <host>\n    <cpu>\n      <arch>x86_64</arch>\n    </cpu>\n"
	      "    <power_management/>\n    <migration_features>\n      <live/>\n"
	      "    </migration_features>\n  </host>\n", f);
	for (size_t i = 0; i < sizeof(guests) / sizeof(guests[0]); i++)
		fprintf(f, "  <guest>\n    <os_type>%s</os_type>\n    <arch name='x86_64'>\n"
			"      <wordsize>64</wordsize>\n      <machine>%s</machine>\n"
			"      <domain type='xen'/>\n    </arch>\n  </guest>\n",
			guests[i].os, guests[i].machine);
	fputs("</capabilities>\n", f);
	fclose(f);
	xdr_put_string(c->out, xml);
	free(xml);
	return 0;
}
