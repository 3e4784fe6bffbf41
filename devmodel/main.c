/* vmctl-devmodel: the device model of one HVM domain.
 *
 *   vmctl-devmodel --domid N [--rundir DIR] [options]   (see opts.c)
 *
 * Started and supervised by xld. It maps the guest's memory, builds the
 * PC's devices, registers an ioreq server with vmhv and claims their
 * ranges, then drops its privileges, enters its seccomp sandbox and serves
 * ioreqs until SIGTERM (xld stops it with the domain) or its domain is
 * gone. It does not die with xld: a restarted xld adopts it by the pid it
 * left in $rundir/devmodel.<domid>.pid. */
#include "devmodel/ctl.h"
#include "devmodel/dm.h"
#include "devmodel/display.h"
#include "devmodel/ioserv.h"
#include "devmodel/opts.h"
#include "devmodel/sandbox.h"
#include "devmodel/serial.h"
#include "common/evloop.h"
#include "common/log.h"
#include "common/uffd_wp.h"
#include "common/util.h"
#include "libvmctl/hv.h"
#include "vmctl/xen/hvm/params.h"
#include "vmctl/xen/sched.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/epoll.h>
#include <unistd.h>

#define LOWMEM_MAX VMCTL_HVM_LOW_END   /* where the hvm engine's PCI hole starts */
#define DOMAIN_CHECK_NS 1000000000ull  /* how often we look whether the domain lives */

struct devmodel {
	struct dm_opts o;
	struct hv *hv;
	struct evloop *loop;
	struct dm dm;
	struct ioserv io;
	struct serial serial;
	struct display display;
	bool display_made;
	struct dmctl ctl;
	struct gmem mem;
	uint64_t map_len;
	int sigfd, debug_fd;
	bool dm_made, io_made;
};

static void vmhv_isa_irq(void *arg, unsigned irq, int level)
{
	struct devmodel *d = arg;
	struct privcmd_irq_level req = {
		.domid = d->o.domid, .type = PRIVCMD_IRQ_ISA, .irq = irq, .level = level != 0,
	};
	int rc = hv_call(d->hv, PRIVCMD_OP_IRQ_LEVEL, &req, sizeof(req), NULL, 0, NULL, NULL);

	if (rc < 0)
		log_warn("IRQ %u level %d: %s", irq, level, strerror(-rc));
}

/* Xen's dm_op set_pci_link_route: vmhv's PCI INTx event callback follows
 * the guest's PIRQ routing. */
static void vmhv_link_route(void *arg, unsigned link, unsigned irq)
{
	struct devmodel *d = arg;
	struct privcmd_pci_link_route req = { .domid = d->o.domid, .link = link, .irq = irq };
	int rc = hv_call(d->hv, PRIVCMD_OP_PCI_LINK_ROUTE, &req, sizeof(req), NULL, 0, NULL, NULL);

	if (rc < 0)
		log_warn("PCI link %u to IRQ %u: %s", link, irq, strerror(-rc));
}

static void vmhv_shutdown(void *arg, enum dm_shutdown why)
{
	struct devmodel *d = arg;
	uint32_t reason = why == DM_SHUTDOWN_REBOOT ? SHUTDOWN_reboot : SHUTDOWN_poweroff;
	int rc = hv_domain_shutdown(d->hv, d->o.domid, reason);

	if (rc < 0)
		log_error("shutdown of domain %u: %s", d->o.domid, strerror(-rc));
}

static void vmhv_pm_base(void *arg, uint16_t port)
{
	struct devmodel *d = arg;
	int rc;

	if (!port)
		return;   /* keep the timer where it was: a guest turning the block off */
	rc = hv_hvm_param_set(d->hv, d->o.domid, HVM_PARAM_ACPI_IOPORTS_LOCATION, port);
	if (rc < 0)
		log_warn("PM timer to %#x: %s", port, strerror(-rc));
}

static int vmhv_vram_map(void *arg, uint64_t bytes, uint64_t gpa, int *fd)
{
	struct devmodel *d = arg;
	struct privcmd_hvm_vram req = { .domid = d->o.domid, .bytes = bytes, .gpa = gpa };

	return hv_call(d->hv, PRIVCMD_OP_HVM_VRAM_MAP, &req, sizeof(req), NULL, 0, NULL, fd);
}

static void vmhv_vcpus(void *arg, uint64_t present)
{
	struct devmodel *d = arg;
	struct privcmd_hvm_vcpus req = { .domid = d->o.domid, .present = present };
	int rc = hv_call(d->hv, PRIVCMD_OP_HVM_VCPUS, &req, sizeof(req), NULL, 0, NULL, NULL);

	if (rc < 0)
		log_warn("present vCPUs %#llx: %s", (unsigned long long)present, strerror(-rc));
}

static const struct dm_host_ops vmhv_host_ops = {
	.isa_irq = vmhv_isa_irq,
	.link_route = vmhv_link_route,
	.shutdown = vmhv_shutdown,
	.pm_base = vmhv_pm_base,
	.vram_map = vmhv_vram_map,
	.vcpus = vmhv_vcpus,
};

/* The guest's memory file, mapped whole: guest-physical address = offset. */
static int map_guest(struct devmodel *d)
{
	struct privcmd_foreign_map info;
	int fd = -1;
	int rc = hv_foreign_map(d->hv, d->o.domid, &fd, &info);
	void *p;

	if (rc < 0) {
		log_error("guest memory of domain %u: %s", d->o.domid, strerror(-rc));
		return rc;
	}
	d->map_len = info.nr_frames << 12;
	p = mmap(NULL, d->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -errno;
	d->mem = (struct gmem){ .base = p, .size = d->map_len, .low_end = VMCTL_HVM_LOW_END };
	/* vmhv's dirty log (hvm_dirty.c) sees what our DMA writes; kept open. */
	uffd_wp_register(p, d->map_len);
	if (!d->o.lowmem_set) {
		uint64_t ram = info.ram_frames << 12;

		d->o.cfg.lowmem = MIN(ram, LOWMEM_MAX);
		d->o.cfg.highmem = ram - d->o.cfg.lowmem;
	}
	return 0;
}

static int open_debug_log(struct devmodel *d)
{
	if (!d->o.debug_log)
		return 0;
	d->debug_fd = open(d->o.debug_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (d->debug_fd < 0) {
		log_error("%s: %s", d->o.debug_log, strerror(errno));
		return -errno;
	}
	d->o.cfg.debug_fd = d->debug_fd;
	return 0;
}

static void on_signal(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo si;

	(void)events;
	(void)arg;
	if (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		log_info("signal %u: stopping", si.ssi_signo);
	evloop_stop(loop);
}

static int watch_signals(struct devmodel *d)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	d->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (d->sigfd < 0)
		return -errno;
	return evloop_watch(d->loop, d->sigfd, EPOLLIN, on_signal, d) ? 0 : -ENOMEM;
}

/* The picture and the keyboard for a VNC server (include/vmctl/dmdisplay.h). */
static int display_start(struct devmodel *d)
{
	char name[64];
	char *path;
	int rc;

	snprintf(name, sizeof(name), "devmodel.%u.display", d->o.domid);
	path = path_join(d->o.rundir, name);
	if (!path)
		return -ENOMEM;
	rc = display_open(&d->display, &d->dm, d->loop, path);
	free(path);
	d->display_made = rc == 0;
	return rc;
}

/* Outliving xld, we must not outlive the domain (or vmhv). */
static void domain_check(struct evloop *loop, struct ev_timer *t, void *arg)
{
	struct devmodel *d = arg;
	struct privcmd_dominfo info;
	int rc = hv_domain_getinfo(d->hv, d->o.domid, &info);

	(void)t;
	if (rc == -ESRCH || rc == -EPIPE || rc == -ECONNRESET || rc == -ENOTCONN) {
		log_info("domain %u is gone (%s): stopping", d->o.domid, strerror(-rc));
		evloop_stop(loop);
	}
}

/* $rundir/devmodel.<domid>.pid: how a restarted xld finds us. */
static int pid_publish(struct devmodel *d)
{
	char name[64], pid[24];
	char *path;
	int n, rc;

	snprintf(name, sizeof(name), "devmodel.%u.pid", d->o.domid);
	path = path_join(d->o.rundir, name);
	if (!path)
		return -ENOMEM;
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	rc = write_file_atomic(path, pid, (size_t)n, 0644);
	free(path);
	return rc;
}

/* The control socket xld sends cd-insert/cd-eject to (include/vmctl/dmctl.h). */
static int ctl_start(struct devmodel *d)
{
	char name[64];
	char *path;
	int rc;

	snprintf(name, sizeof(name), "devmodel.%u.ctl", d->o.domid);
	path = path_join(d->o.rundir, name);
	if (!path)
		return -ENOMEM;
	rc = dmctl_open(&d->ctl, &d->dm, d->loop, path);
	free(path);
	return rc;
}

static int setup(struct devmodel *d)
{
	struct dm_host host = { &vmhv_host_ops, d };
	int rc;

	d->loop = evloop_new();
	if (!d->loop)
		return -ENOMEM;
	rc = watch_signals(d);
	rc = rc ? rc : hv_open(d->o.rundir, &d->hv);
	if (rc < 0) {
		log_error("vmhv at %s: %s", d->o.rundir, strerror(-rc));
		return rc;
	}
	rc = map_guest(d);
	rc = rc ? rc : serial_open(&d->serial, d->o.serial, d->o.rundir, d->o.domid);
	rc = rc ? rc : open_debug_log(d);
	if (rc < 0)
		return rc;
	d->o.cfg.serial_fd = d->serial.fd;
	dm_init(&d->dm, &d->o.cfg, &host, &d->mem, d->loop);
	rc = dm_devices_create(&d->dm);
	if (rc < 0)
		return rc;
	d->dm_made = true;
	rc = display_start(d);
	rc = rc ? rc : ctl_start(d);
	rc = rc ? rc : pid_publish(d);
	if (rc == 0 && !evloop_timer(d->loop, DOMAIN_CHECK_NS, DOMAIN_CHECK_NS, domain_check, d))
		rc = -ENOMEM;
	if (rc < 0)
		return rc;
	rc = ioserv_open(&d->io, d->hv, &d->dm, d->o.domid);
	d->io_made = rc == 0;
	d->io.linger = d->o.linger;
	rc = rc ? rc : ioserv_claim_all(&d->io);
	return rc ? rc : ioserv_start(&d->io, d->loop);
}

static void teardown(struct devmodel *d)
{
	if (d->io_made)
		ioserv_close(&d->io);
	dmctl_close(&d->ctl);
	if (d->display_made)
		display_close(&d->display);
	if (d->dm_made)
		dm_dispose(&d->dm);
	serial_close(&d->serial);
	if (d->debug_fd >= 0)
		close(d->debug_fd);
	if (d->mem.base)
		munmap(d->mem.base, d->map_len);
	if (d->hv)
		hv_close(d->hv);
	if (d->loop)
		evloop_free(d->loop);
	if (d->sigfd >= 0)
		close(d->sigfd);
}

/* --ready-fd: one line once ioreqs are served, then the descriptor closes
 * (whoever started us may unpause the domain now). */
static void tell_ready(struct devmodel *d)
{
	if (d->o.ready_fd < 0)
		return;
	if (write_all(d->o.ready_fd, "ready\n", 6) < 0)
		log_warn("ready fd: %s", strerror(errno));
	close(d->o.ready_fd);
	d->o.ready_fd = -1;
}

int main(int argc, char **argv)
{
	struct devmodel d = { .sigfd = -1, .debug_fd = -1, .ctl.listen_fd = -1 };
	int rc;

	serial_init(&d.serial);
	if (opts_parse(&d.o, argc, argv) < 0)
		return 2;
	/* no supervisor_follow(): we live as long as the domain, not xld */
	if (log_open("vmctl-devmodel", d.o.log) < 0)
		return 1;
	rc = setup(&d);
	if (rc == 0 && d.o.sandbox)
		rc = sandbox_enter(d.o.uid, d.o.gid);
	if (rc == 0) {
		log_info("domain %u: serving (%u vCPUs, %llu MiB low, %llu MiB high)", d.o.domid,
			 d.io.nr_vcpus, (unsigned long long)(d.o.cfg.lowmem >> 20),
			 (unsigned long long)(d.o.cfg.highmem >> 20));
		tell_ready(&d);
		rc = evloop_run(d.loop);
		log_info("served %llu ioreqs, refused %llu", (unsigned long long)d.io.served,
			 (unsigned long long)d.io.refused);
	}
	teardown(&d);
	log_close();
	return rc < 0 ? 1 : 0;
}
