/* The device model device of an hvm domain (see hvm_dm.h). */
#include "xld/hvm_dm.h"

#include "xld/console.h"
#include "xld/dev/dev.h"
#include "xld/domain.h"
#include "xld/supervise.h"
#include "xld/xld.h"
#include "xld/xenstore/xenstored.h"
#include "common/evloop.h"
#include "common/log.h"
#include "common/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct hvm_dm {
	struct xld_child *child;
	struct xld_console *pv_console;   /* the ring, while d->console is the serial line */
	bool serial;                      /* d->console is the serial line */
	struct xld *xld;
	uint32_t domid;
	struct ev_timer *serial_wait;     /* a restarted device model's pty: not named yet */
	unsigned serial_tries;
};

#define SERIAL_POLL_NS 100000000ull   /* look for a restarted one's pty this often, */
#define SERIAL_POLL_TRIES 600         /* for a minute */

static void dm_restarting(void *arg);

/* What a device model leaves in the run directory ($rundir/devmodel.<domid>.*:
 * its display and control sockets, its serial pty's name, its pid): its
 * sandbox cannot remove them. */
static void dm_remove_files(struct xld *xld, uint32_t domid)
{
	char prefix[32];
	DIR *dir = opendir(xld->opt.rundir);
	struct dirent *e;

	if (!dir)
		return;
	snprintf(prefix, sizeof(prefix), "devmodel.%u.", domid);
	while ((e = readdir(dir)))
		if (!strncmp(e->d_name, prefix, strlen(prefix)))
			unlinkat(dirfd(dir), e->d_name, 0);
	closedir(dir);
}

static void dm_detach(struct xld *xld, struct xld_domain *d, struct xld_dev *dev)
{
	struct hvm_dm *dm = dev->priv;

	(void)d;
	supervise_stop(dm->child);
	evloop_timer_cancel(xld->loop, dm->serial_wait);
	console_close(dm->pv_console);
	free(dm);
	dev->priv = NULL;
	dm_remove_files(xld, dev->domid);
}

/* Not in kinds.def: made by create_hvm_devmodel or hvm_dm_recover,
 * stopped with the domain's devices (also when xld stops: a device model
 * outlives only an xld that is killed). */
static const struct dev_ops dm_ops = {
	.kind = "devmodel",
	.detach = dm_detach,
	.release = dm_detach,
};

static struct hvm_dm *dm_of(struct xld_domain *d)
{
	for (struct xld_dev *dev = d->devs; dev; dev = dev->next)
		if (dev->ops == &dm_ops)
			return dev->priv;
	return NULL;
}

int hvm_dm_add(struct xld *xld, struct xld_domain *d, struct xld_child *c)
{
	struct xld_dev *dev = calloc(1, sizeof(*dev));
	struct hvm_dm *dm = calloc(1, sizeof(*dm));

	if (!dev || !dm) {
		free(dev);
		free(dm);
		supervise_stop(c);
		return -ENOMEM;
	}
	dm->child = c;
	dm->xld = xld;
	dm->domid = d->domid;
	supervise_on_restart(c, dm_restarting, dm);
	dev->ops = &dm_ops;
	dev->domid = d->domid;
	dev->devid = -1;
	dev->priv = dm;
	dev->next = d->devs;
	d->devs = dev;
	return 0;
}

/* A file of the run directory, "devmodel.<domid>.<what>": its first line. */
static int dm_file_line(struct xld *xld, uint32_t domid, const char *what, char *buf, size_t cap)
{
	char name[64];
	char *path;
	int fd;
	ssize_t n;

	snprintf(name, sizeof(name), "devmodel.%u.%s", domid, what);
	path = path_join(xld->opt.rundir, name);
	fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	free(path);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n <= 1)
		return -ENODATA;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* ~/serial/0/tty, where Xen's device model publishes its pty (xenconsole
 * -t serial reads it). */
static void publish_tty(struct xld *xld, uint32_t domid, const char *pts)
{
	char path[64];
	int rc;

	snprintf(path, sizeof(path), "/local/domain/%u/serial/0/tty", domid);
	rc = xenstored_write(xld->xs, path, pts, strlen(pts));
	if (rc < 0)
		log_warn("domain %u: %s: %s", domid, path, strerror(-rc));
}

/* Its serial line: the pty it published as $rundir/devmodel.<domid>.serial. */
void hvm_dm_serial(struct xld *xld, struct xld_domain *d)
{
	struct hvm_dm *dm = dm_of(d);
	struct xld_console *serial;
	char pts[256];
	int fd;

	if (!dm || dm_file_line(xld, d->domid, "serial", pts, sizeof(pts)) < 0)
		return;
	fd = open(pts, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	serial = fd < 0 ? NULL : console_open_fd(xld, d->domid, d->name, fd);
	if (!serial)
		return;
	publish_tty(xld, d->domid, pts);
	if (dm->serial) {
		console_close(d->console);      /* an earlier serial line */
	} else if (d->console) {
		/* the ring (create_hvm_pv.h): hvc0, logged apart from the line */
		dm->pv_console = d->console;
		if (console_relog(dm->pv_console, d->name, ".pv") < 0)
			log_warn("domain %u: cannot open its PV console's log", d->domid);
	}
	dm->serial = true;
	d->console = serial;
}

/* A device model restarted after a crash opens a new pty: the serial line
 * (the console log, xl console) moves to it once the new one names it.
 * Before, the line stayed on the dead one's pty and the log went quiet
 * for good while the guest ran on (#13's stall looked so). */
static void dm_serial_poll(struct evloop *loop, struct ev_timer *t, void *arg)
{
	struct hvm_dm *dm = arg;
	struct xld_domain *d = xld_domain_by_id(dm->xld, dm->domid);
	struct xld_console *old = d ? d->console : NULL;

	if (d)
		hvm_dm_serial(dm->xld, d);
	if (d && d->console == old && ++dm->serial_tries < SERIAL_POLL_TRIES)
		return;   /* not published yet */
	if (d && d->console == old)
		log_warn("domain %u: the restarted device model named no serial line", dm->domid);
	evloop_timer_cancel(loop, t);
	dm->serial_wait = NULL;
}

/* Before the restart: the dead one's pty name must not be taken for the
 * new one's. */
static void dm_restarting(void *arg)
{
	struct hvm_dm *dm = arg;
	char name[64], *path;

	snprintf(name, sizeof(name), "devmodel.%u.serial", dm->domid);
	path = path_join(dm->xld->opt.rundir, name);
	if (path)
		unlink(path);
	free(path);
	dm->serial_tries = 0;
	if (!dm->serial_wait)
		dm->serial_wait = evloop_timer(dm->xld->loop, SERIAL_POLL_NS, SERIAL_POLL_NS,
					       dm_serial_poll, dm);
}

struct xld_console *hvm_dm_console(struct xld_domain *d, bool serial)
{
	struct hvm_dm *dm = dm_of(d);

	if (!dm || !dm->serial)
		return serial ? NULL : d->console;
	return serial ? d->console : dm->pv_console;
}

void hvm_dm_cd_arg(struct xld_domain *d, unsigned index, const char *path)
{
	struct hvm_dm *dm = dm_of(d);
	char prefix[16], *arg;

	snprintf(prefix, sizeof(prefix), "%u:", index);
	if (!dm || asprintf(&arg, "%u:%s:cdrom:ro", index, path) < 0)
		return;
	if (supervise_set_arg(dm->child, "--disk", prefix, arg) < 0)
		log_warn("domain %u: a restarted device model would not have %s", d->domid, path);
	free(arg);
}

void hvm_dm_vcpus_arg(struct xld_domain *d, unsigned n)
{
	struct hvm_dm *dm = dm_of(d);
	char arg[16];

	snprintf(arg, sizeof(arg), "%u", n);
	/* -ENOENT: an adopted device model (not restarted by this xld) */
	if (dm && supervise_set_arg(dm->child, "--vcpus-online", "", arg) == -ENOMEM)
		log_warn("domain %u: a restarted device model would start with its first vCPU set",
			 d->domid);
}

/* Is `pid` a vmctl-devmodel serving domid? Its command line says. */
static bool dm_is_ours(pid_t pid, uint32_t domid)
{
	char path[64], cmd[4096], want[32];
	int fd, n;
	bool prog = false;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = (int)read(fd, cmd, sizeof(cmd) - 1);
	close(fd);
	if (n <= 0)
		return false;
	cmd[n] = 0;
	prog = strstr(cmd, "vmctl-devmodel") != NULL;
	snprintf(want, sizeof(want), "%u", domid);
	for (int i = 0; i < n; i += (int)strlen(cmd + i) + 1)
		if (!strcmp(cmd + i, "--domid") && i + 8 < n && !strcmp(cmd + i + 8, want))
			return prog;
	return false;
}

int hvm_dm_recover(struct xld *xld, struct xld_domain *d)
{
	char line[32], label[96];
	struct xld_child *c;
	long pid;
	int rc;

	if (dm_of(d) || dm_file_line(xld, d->domid, "pid", line, sizeof(line)) < 0)
		return 0;
	pid = strtol(line, NULL, 10);
	if (pid <= 1 || !dm_is_ours((pid_t)pid, d->domid)) {
		log_warn("domain %u: its device model (pid %s) is gone", d->domid, line);
		dm_remove_files(xld, d->domid);
		return 0;
	}
	snprintf(label, sizeof(label), "devmodel %s", d->name);
	c = supervise_adopt(xld, label, (pid_t)pid);
	if (!c)
		return -errno;
	rc = hvm_dm_add(xld, d, c);
	if (rc < 0)
		return rc;
	hvm_dm_serial(xld, d);
	log_info("domain %u: re-adopted its device model (pid %ld)", d->domid, pid);
	return 1;
}
