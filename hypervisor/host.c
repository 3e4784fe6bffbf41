#include "config.h"
#include "hypervisor/host.h"

#include "hypervisor/vmhv.h"

#include <cpuid.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

void host_version(struct vmhv *hv, struct privcmd_version *v)
{
	memset(v, 0, sizeof(*v));
	v->major = VMHV_XEN_MAJOR;
	v->minor = VMHV_XEN_MINOR;
	v->pagesize = 4096;
	v->virt_start = 0xffff800000000000ull;
	snprintf(v->extra, sizeof(v->extra), "%s", VMHV_XEN_EXTRA);
	snprintf(v->capabilities, sizeof(v->capabilities), "%s", VMHV_XEN_CAPS);
	snprintf(v->changeset, sizeof(v->changeset), "vmctl %s", PACKAGE_VERSION);
	snprintf(v->commandline, sizeof(v->commandline), "%s", hv->cfg.cmdline);
	snprintf(v->compiler, sizeof(v->compiler), "gcc-compatible %s", __VERSION__);
	snprintf(v->compile_date, sizeof(v->compile_date), "%s %s", __DATE__, __TIME__);
	snprintf(v->scheduler, sizeof(v->scheduler), "host");
}

/* The CPU's MHz from /proc/cpuinfo's first "cpu MHz" line (0 if absent). */
static uint32_t host_cpu_khz(void)
{
	char line[256];
	double mhz = 0;
	FILE *f = fopen("/proc/cpuinfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "cpu MHz : %lf", &mhz) == 1)
			break;
	fclose(f);
	return (uint32_t)(mhz * 1000.0);
}

static void host_hw_caps(uint32_t cap[8])
{
	unsigned a, b, c, d;

	if (__get_cpuid(1, &a, &b, &c, &d)) {
		cap[0] = d;
		cap[4] = c;
	}
	if (__get_cpuid(0x80000001, &a, &b, &c, &d)) {
		cap[1] = d;
		cap[6] = c;
	}
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d))
		cap[5] = b;
}

int host_physinfo(struct vmhv *hv, struct privcmd_physinfo *p)
{
	struct sysinfo si;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (sysinfo(&si) < 0)
		return -errno;
	memset(p, 0, sizeof(*p));
	p->nr_cpus = ncpu > 0 ? (uint32_t)ncpu : 1;
	p->max_cpu_id = p->nr_cpus - 1;
	p->nr_nodes = 1;
	p->cores_per_socket = p->nr_cpus;
	p->threads_per_core = 1;
	p->cpu_khz = host_cpu_khz();
	p->virt_caps = PRIVCMD_VIRTCAP_PV;
	p->total_pages = (uint64_t)si.totalram * si.mem_unit / 4096;
	p->free_pages = ((uint64_t)si.freeram + si.bufferram) * si.mem_unit / 4096;
	host_hw_caps(p->hw_cap);
	return 0;
}
