/* host.* methods: facts about the host and the hypervisor (xl info). */
#include "config.h"
#include "xld/xld.h"
#include "xld/rpc/methods.h"
#include "common/util.h"

#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

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

/* The dom0 half of `xl info`: what the host's kernel says about itself. */
static void host_facts(yajl_gen g)
{
	struct utsname u;
	struct sysinfo si;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	uname(&u);
	sysinfo(&si);
	put_str(g, "host", u.nodename);
	put_str(g, "release", u.release);
	put_str(g, "version", u.version);
	put_str(g, "machine", u.machine);
	put_int(g, "nr_cpus", ncpu);
	put_int(g, "max_cpu_id", ncpu - 1);
	put_int(g, "nr_nodes", 1);
	put_int(g, "cores_per_socket", ncpu);
	put_int(g, "threads_per_core", 1);
	put_int(g, "total_memory", (long long)((unsigned long long)si.totalram * si.mem_unit >> 20));
	put_int(g, "free_memory", (long long)((unsigned long long)si.freeram * si.mem_unit >> 20));
}

void m_host_info(struct xld *xld, struct rpc_req *req, yajl_val params)
{
	yajl_gen g = req->result;

	yajl_gen_map_open(g);
	host_facts(g);
	put_str(g, "virt_caps", "pv");
	put_str(g, "xen_caps", "xen-3.0-x86_64");
	put_str(g, "xen_scheduler", "credit2");
	put_int(g, "xen_pagesize", 4096);
	put_str(g, "cc_compiler", __VERSION__);
	put_str(g, "vmctl_version", PACKAGE_VERSION);
	put_int(g, "xld_uptime_s", (long long)((now_ns() - xld->started_ns) / 1000000000ull));
	put_int(g, "xend_config_format", 4);
	yajl_gen_map_close(g);
	rpc_reply(req);
}
