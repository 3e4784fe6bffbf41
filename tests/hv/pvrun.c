/* pvrun: boot a pv kernel and show what it prints.
 *
 *   pvrun [--mem MiB] [--vcpus N] [--cmdline STR] [--ramdisk FILE]
 *         [--timeout SEC] kernel.elf
 *
 * Connects to $VMCTL_RUNDIR/privcmd if a vmhv answers there, else starts a
 * private vmhv in a temporary directory. Creates a domain, builds it with
 * libvmctl's PV builder, unpauses it and copies the guest's console output
 * to stdout until the domain
 * shuts down; then prints "pvrun: shutdown REASON", destroys the domain and
 * exits 0 for poweroff, 10 + reason for other reasons, 124 on timeout, 130
 * when stopped by SIGINT/SIGTERM (the domain and a private vmhv are cleaned
 * up first) and 1 on errors. Both consoles are shown: console_io text ("(dN) ..." lines of
 * vmhv's console) and the PV console ring (start_info.console), which pvrun
 * serves as dom0's console backend would: it binds the console event
 * channel and maps the ring page through privcmd. */
#include "libvmctl/build_pv.h"
#include "libvmctl/hv.h"
#include "tests/hv/vmhv_proc.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <vmctl/xen/io/console.h>

/* SIGINT/SIGTERM: stop waiting, then clean up as on any other exit (so a
 * private vmhv never outlives us). */
static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	stop_requested = 1;
}

static const char *const reasons[] = {
	"poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset",
};

struct pvrun {
	struct hv *hv;
	struct vmhv_proc own;
	bool own_vmhv;
	uint32_t domid;
	uint64_t dmesg_pos;
	char line[4096];
	size_t line_len;
	bool in_dump;                     /* inside vmhv's register dump for us */
	unsigned mem_mib, vcpus, timeout_s;
	struct xencons_interface *ring;   /* the console page, mapped */
	void *ring_map;
	int ring_fd;                      /* eventfd of our console port */
	uint32_t ring_port;
	int exc_fd, con_fd;               /* VIRQ_DOM_EXC and VIRQ_CON_RING, or -1 */
	const char *cmdline, *ramdisk, *kernel;
};

static void usage(void)
{
	fprintf(stderr, "usage: pvrun [--mem MiB] [--vcpus N] [--cmdline STR] "
			"[--ramdisk FILE] [--timeout SEC] kernel.elf\n");
}

static int opts_parse(struct pvrun *p, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "vcpus", required_argument, NULL, 'c' },
		{ "cmdline", required_argument, NULL, 'k' },
		{ "ramdisk", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	p->mem_mib = 16;
	p->vcpus = 1;
	p->timeout_s = 60;
	while ((c = getopt_long(argc, argv, "m:c:k:r:t:", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': p->mem_mib = (unsigned)atoi(optarg); break;
		case 'c': p->vcpus = (unsigned)atoi(optarg); break;
		case 'k': p->cmdline = optarg; break;
		case 'r': p->ramdisk = optarg; break;
		case 't': p->timeout_s = (unsigned)atoi(optarg); break;
		default: return -EINVAL;
		}
	}
	if (optind != argc - 1 || p->mem_mib == 0)
		return -EINVAL;
	p->kernel = argv[optind];
	return 0;
}

static int connect_hv(struct pvrun *p)
{
	const char *rd = getenv("VMCTL_RUNDIR");
	int rc;

	if (rd && *rd && hv_open(rd, &p->hv) == 0)
		return 0;
	rc = vmhv_proc_start(&p->own, NULL);
	if (rc < 0) {
		fprintf(stderr, "pvrun: cannot start vmhv: %s\n", strerror(-rc));
		return rc;
	}
	p->own_vmhv = true;
	p->hv = p->own.hv;
	return 0;
}

/* Print one line of vmhv's console if it is about our domain: the guest's
 * text to stdout, vmhv's words about it (crash, register dump) to stderr. */
static void line_show(struct pvrun *p, const char *line)
{
	char guest[32], xen[48], vcpu[32];

	snprintf(guest, sizeof(guest), "(d%u) ", p->domid);
	snprintf(xen, sizeof(xen), "(XEN) domain %u ", p->domid);
	snprintf(vcpu, sizeof(vcpu), "(XEN) d%uv", p->domid);
	if (strncmp(line, guest, strlen(guest)) == 0) {
		printf("%s\n", line + strlen(guest));
		p->in_dump = false;
	} else if (strncmp(line, xen, strlen(xen)) == 0) {
		fprintf(stderr, "pvrun: %s\n", line + 6);
		p->in_dump = false;
	} else if (strncmp(line, vcpu, strlen(vcpu)) == 0) {
		fprintf(stderr, "pvrun: %s\n", line + 6);
		p->in_dump = true;
	} else if (p->in_dump && strncmp(line, "(XEN)   ", 8) == 0) {
		fprintf(stderr, "pvrun: %s\n", line + 6);
	} else {
		p->in_dump = false;
	}
}

static void console_pump(struct pvrun *p)
{
	char buf[8192];
	int n;

	while ((n = hv_dmesg(p->hv, &p->dmesg_pos, buf, sizeof(buf), 0)) > 0) {
		for (int i = 0; i < n; i++) {
			if (buf[i] != '\n' && p->line_len < sizeof(p->line) - 1) {
				p->line[p->line_len++] = buf[i];
				continue;
			}
			p->line[p->line_len] = 0;
			line_show(p, p->line);
			p->line_len = 0;
		}
	}
	fflush(stdout);
}

/* Be the console backend: map the ring page and bind its event channel. */
static int ring_attach(struct pvrun *p, const struct build_pv *b)
{
	struct privcmd_foreign_map fm;
	int memfd = -1, rc;

	rc = hv_foreign_map(p->hv, p->domid, &memfd, &fm);
	if (rc < 0)
		return rc;
	p->ring_map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, memfd,
			   (off_t)(b->console_pfn * 4096));
	close(memfd);
	if (p->ring_map == MAP_FAILED) {
		p->ring_map = NULL;
		return -errno;
	}
	p->ring = p->ring_map;
	return hv_evtchn_bind_interdomain(p->hv, p->domid, b->console_evtchn, &p->ring_port,
					  &p->ring_fd);
}

/* Copy what the guest wrote to its ring to stdout and tell it. */
static void ring_pump(struct pvrun *p)
{
	struct xencons_interface *r = p->ring;
	uint64_t count;
	XENCONS_RING_IDX cons, prod;

	if (!r)
		return;
	if (read(p->ring_fd, &count, sizeof(count)) < 0 && r->out_cons == r->out_prod)
		return;
	cons = r->out_cons;
	prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
	if (prod - cons > sizeof(r->out))
		cons = prod - sizeof(r->out); /* a guest that lies about its index */
	for (; cons != prod; cons++)
		putchar(r->out[cons % sizeof(r->out)]);
	__atomic_store_n(&r->out_cons, cons, __ATOMIC_RELEASE);
	fflush(stdout);
	hv_evtchn_notify(p->hv, p->ring_port);
}

static void virqs_bind(struct pvrun *p);

static int domain_start(struct pvrun *p)
{
	struct build_pv b = { .kernel = p->kernel, .ramdisk = p->ramdisk, .cmdline = p->cmdline };
	uint64_t pages = (uint64_t)p->mem_mib * 256;
	char skip[8192];
	int rc;

	/* Only what the guest prints from now on. */
	while (hv_dmesg(p->hv, &p->dmesg_pos, skip, sizeof(skip), 0) > 0)
		;
	virqs_bind(p);
	rc = hv_domain_create(p->hv, NULL, 0, p->vcpus, pages, &p->domid);
	if (rc < 0) {
		fprintf(stderr, "pvrun: create: %s\n", strerror(-rc));
		return rc;
	}
	b.domid = p->domid;
	rc = build_pv(p->hv, &b);
	if (rc < 0) {
		fprintf(stderr, "pvrun: build: %s\n", b.error);
		return rc;
	}
	rc = ring_attach(p, &b);
	if (rc < 0) {
		fprintf(stderr, "pvrun: console ring: %s\n", strerror(-rc));
		return rc;
	}
	rc = hv_domain_unpause(p->hv, p->domid);
	if (rc < 0)
		fprintf(stderr, "pvrun: unpause: %s\n", strerror(-rc));
	return rc;
}

/* vmhv tells dom0 about new console text and domain deaths through VIRQs;
 * without them (bind failed) we look every few milliseconds instead. */
static void virqs_bind(struct pvrun *p)
{
	uint32_t port;

	if (hv_evtchn_bind_virq(p->hv, 3 /* VIRQ_DOM_EXC */, &port, &p->exc_fd) < 0)
		p->exc_fd = -1;
	if (hv_evtchn_bind_virq(p->hv, 8 /* VIRQ_CON_RING */, &port, &p->con_fd) < 0)
		p->con_fd = -1;
}

/* Sleep until something may have happened (or `ms` passed); drain. */
static void wait_events(struct pvrun *p, int ms)
{
	struct pollfd fds[3] = {
		{ .fd = p->exc_fd, .events = POLLIN }, { .fd = p->con_fd, .events = POLLIN },
		{ .fd = p->ring_fd, .events = POLLIN },
	};
	uint64_t n;

	if (p->exc_fd < 0 || p->con_fd < 0)
		ms = 2;
	if (poll(fds, 3, ms) <= 0)
		return;
	for (int i = 0; i < 2; i++)
		if (fds[i].revents & POLLIN && read(fds[i].fd, &n, sizeof(n)) < 0)
			continue;
}

/* Returns the shutdown reason, or -ETIMEDOUT / -errno. */
static int domain_wait(struct pvrun *p)
{
	uint64_t deadline = (uint64_t)time(NULL) + p->timeout_s;
	struct privcmd_dominfo info;
	int rc;

	while (!stop_requested && (uint64_t)time(NULL) < deadline) {
		console_pump(p);
		ring_pump(p);
		rc = hv_domain_getinfo(p->hv, p->domid, &info);
		if (rc < 0)
			return rc;
		if (info.flags & PRIVCMD_DOMINF_SHUTDOWN) {
			console_pump(p);
			ring_pump(p);
			return (int)info.shutdown_reason;
		}
		wait_events(p, 100);
	}
	return -ETIMEDOUT;
}

int main(int argc, char **argv)
{
	struct pvrun p = { .ring_fd = -1, .exc_fd = -1, .con_fd = -1 };
	int rc, status = 1;

	if (opts_parse(&p, argc, argv) < 0) {
		usage();
		return 1;
	}
	signal(SIGINT, on_stop_signal);
	signal(SIGTERM, on_stop_signal);
	if (connect_hv(&p) < 0)
		return 1;
	rc = domain_start(&p);
	if (rc == 0) {
		rc = domain_wait(&p);
		if (rc == -ETIMEDOUT && stop_requested) {
			printf("pvrun: stopped by a signal\n");
			status = 130;
		} else if (rc == -ETIMEDOUT) {
			printf("pvrun: timeout after %u s\n", p.timeout_s);
			status = 124;
		} else if (rc >= 0) {
			printf("pvrun: shutdown %s\n",
			       rc < (int)(sizeof(reasons) / sizeof(reasons[0])) ? reasons[rc] : "?");
			status = rc == 0 ? 0 : 10 + rc;
		} else {
			fprintf(stderr, "pvrun: %s\n", strerror(-rc));
		}
	}
	if (p.domid)
		hv_domain_destroy(p.hv, p.domid);
	if (p.ring_map)
		munmap(p.ring_map, 4096);
	if (p.ring_fd >= 0)
		close(p.ring_fd);
	if (p.exc_fd >= 0)
		close(p.exc_fd);
	if (p.con_fd >= 0)
		close(p.con_fd);
	if (p.own_vmhv)
		vmhv_proc_stop(&p.own);
	else
		hv_close(p.hv);
	return status;
}
