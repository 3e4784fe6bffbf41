/* hvmrun: boot an hvm guest on the soft CPU and show its debug-port output.
 *
 *   hvmrun [--mem MiB] [--vcpus N] [--timeout SEC]
 *          (--firmware ELF | --multiboot ELF [--module FILE] [--cmdline STR]
 *           | --pvh ELF [--module FILE] [--cmdline STR] | --bios FILE)
 *
 * Connects to $VMCTL_RUNDIR/privcmd if a vmhv answers there, else starts a
 * private vmhv. Creates an hvm domain, builds it with libvmctl's HVM builder,
 * unpauses it and prints the domain's lines of vmhv's console (what the
 * guest writes to ports 0xe9/0x402/0x12, without the "(dN) " prefix, and
 * vmhv's "(XEN)" lines about it) until it shuts down; then prints "hvmrun:
 * shutdown REASON", destroys the domain and exits 0 for poweroff, 10 +
 * reason otherwise, 124 on timeout, 1 on errors. */
#include "libvmctl/build_hvm.h"
#include "libvmctl/hv.h"
#include "tests/hv/vmhv_proc.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const reasons[] = {
	"poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset",
};

struct run {
	struct hv *hv;
	struct vmhv_proc own;
	bool own_vmhv;
	uint32_t domid;
	uint64_t pos;
	char line[4096];
	size_t len;
	unsigned mem_mib, vcpus, timeout_s;
	struct build_hvm b;
};

static void usage(void)
{
	fprintf(stderr, "usage: hvmrun [--mem MiB] [--vcpus N] [--timeout SEC] "
		"(--firmware ELF | --multiboot|--pvh ELF [--module F] [--cmdline S] | --bios F)\n");
	exit(1);
}

static void args_parse(struct run *r, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mem", required_argument, NULL, 'm' }, { "vcpus", required_argument, NULL, 'v' },
		{ "timeout", required_argument, NULL, 't' },
		{ "firmware", required_argument, NULL, 'f' },
		{ "multiboot", required_argument, NULL, 'k' },
		{ "module", required_argument, NULL, 'M' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "bios", required_argument, NULL, 'b' },
		{ "pvh", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm': r->mem_mib = (unsigned)atoi(optarg); break;
		case 'v': r->vcpus = (unsigned)atoi(optarg); break;
		case 't': r->timeout_s = (unsigned)atoi(optarg); break;
		case 'f': r->b.firmware = optarg; break;
		case 'k': r->b.kernel = optarg; break;
		case 'M': r->b.module = optarg; break;
		case 'c': r->b.cmdline = optarg; break;
		case 'b': r->b.bios = optarg; break;
		case 'p': r->b.kernel = optarg; r->b.pvh = 1; break;
		default: usage();
		}
	}
	if (optind != argc || !r->mem_mib || !r->vcpus)
		usage();
}

static int connect_vmhv(struct run *r)
{
	const char *dir = getenv("VMCTL_RUNDIR");

	if (dir && hv_open(dir, &r->hv) == 0)
		return 0;
	if (vmhv_proc_start(&r->own, NULL) < 0)
		return -1;
	r->own_vmhv = true;
	r->hv = r->own.hv;
	return 0;
}

/* Print our domain's lines of vmhv's console as they come. */
static void dmesg_pump(struct run *r)
{
	char buf[8192], prefix[32], xen[32];
	int n = hv_dmesg(r->hv, &r->pos, buf, sizeof(buf), 0);

	snprintf(prefix, sizeof(prefix), "(d%u) ", r->domid);
	snprintf(xen, sizeof(xen), "(XEN) d%u", r->domid);
	for (int i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (r->len < sizeof(r->line) - 1)
				r->line[r->len++] = buf[i];
			continue;
		}
		r->line[r->len] = 0;
		if (!strncmp(r->line, prefix, strlen(prefix)))
			printf("%s\n", r->line + strlen(prefix));
		else if (strstr(r->line, xen) || strstr(r->line, "(XEN) domain"))
			printf("%s\n", r->line);
		r->len = 0;
	}
	fflush(stdout);
}

static int run_domain(struct run *r)
{
	struct privcmd_dominfo info;
	uint8_t handle[16] = { 0 };
	time_t end = time(NULL) + r->timeout_s;
	char tail[1];

	if (hv_dmesg(r->hv, &r->pos, tail, 0, 0) < 0)
		r->pos = 0;
	if (hv_domain_create(r->hv, handle, PRIVCMD_CREATE_HVM, r->vcpus,
			     (uint64_t)r->mem_mib << 8, &r->domid) < 0) {
		fprintf(stderr, "hvmrun: cannot create the domain\n");
		return 1;
	}
	r->b.domid = r->domid;
	if (build_hvm(r->hv, &r->b) < 0) {
		fprintf(stderr, "hvmrun: %s\n", r->b.error);
		return 1;
	}
	if (hv_domain_unpause(r->hv, r->domid) < 0) {
		fprintf(stderr, "hvmrun: cannot start the domain\n");
		return 1;
	}
	for (;;) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		dmesg_pump(r);
		if (hv_domain_getinfo(r->hv, r->domid, &info) < 0)
			return 1;
		if (info.flags & PRIVCMD_DOMINF_SHUTDOWN) {
			dmesg_pump(r);
			printf("hvmrun: shutdown %s\n", info.shutdown_reason < 6
			       ? reasons[info.shutdown_reason] : "unknown");
			return info.shutdown_reason ? 10 + (int)info.shutdown_reason : 0;
		}
		if (r->timeout_s && time(NULL) >= end)
			return 124;
		nanosleep(&ts, NULL);
	}
}

int main(int argc, char **argv)
{
	struct run r = { .mem_mib = 16, .vcpus = 1, .timeout_s = 30 };
	int st;

	args_parse(&r, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	if (connect_vmhv(&r) < 0) {
		fprintf(stderr, "hvmrun: no vmhv\n");
		return 1;
	}
	st = run_domain(&r);
	if (r.domid)
		hv_domain_destroy(r.hv, r.domid);
	if (r.own_vmhv)
		vmhv_proc_stop(&r.own);
	else
		hv_close(r.hv);
	return st;
}
