/* pvfb-vnc: one VNC server for one guest framebuffer.
 *
 *   pvfb-vnc --domid N [--devid D | --hvm] [--rundir DIR] [--log FILE]
 *
 * Started and supervised by xld (one per vfb device, or one per HVM domain
 * with vnc=1: --hvm serves the device model's VGA, src_dmdisplay.c, with
 * the settings in /local/domain/0/device-model/<domid>/vnc); everything else it
 * needs is in xenstore, in the device's backend directory: vnc, vnclisten,
 * vncdisplay, vncunused, vncpasswd (xl.cfg's meaning). It publishes where it
 * listens in console/vnc-port and console/vnc-listen (device 0, as Xen's
 * device model does) and in the backend directory (every device), then
 * enters its sandbox and serves until the device is removed. */
#include "pvfb-vnc/vnc.h"
#include "pvfb-vnc/fbsrc.h"
#include "pvfb-vnc/pvfb.h"
#include "pvfb-vnc/sandbox.h"
#include "pvfb-vnc/src_dmdisplay.h"
#include "pvfb-vnc/xs_client.h"
#include "libvmctl/hv.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define POLL_MAX 64

struct opts {
	unsigned domid;
	int devid;
	const char *rundir;
	const char *log;
	bool have_domid;
	bool hvm;                  /* the device model's display, not a vfb */
};

struct pvfb_vnc {
	struct opts o;
	struct hv *hv;
	struct xsc *xs;
	struct vnc *vnc;
	struct fbsrc *src;
	char be[96];
	char *listen, *passwd;
	long long display, unused, enabled;
};

static int parse_opts(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "domid", required_argument, NULL, 'd' },
		{ "devid", required_argument, NULL, 'i' },
		{ "rundir", required_argument, NULL, 'r' },
		{ "log", required_argument, NULL, 'l' },
		{ "hvm", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->rundir = getenv("VMCTL_RUNDIR") ? getenv("VMCTL_RUNDIR") : "/run/vmctl";
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->domid = (unsigned)strtoul(optarg, NULL, 10); o->have_domid = true; break;
		case 'i': o->devid = atoi(optarg); break;
		case 'r': o->rundir = optarg; break;
		case 'l': o->log = optarg; break;
		case 'h': o->hvm = true; break;
		default: return -1;
		}
	}
	if (!o->have_domid || o->domid == 0 || o->devid < 0 || (o->hvm && o->devid) ||
	    optind != argc) {
		fprintf(stderr, "usage: pvfb-vnc --domid N [--devid D | --hvm] [--rundir DIR] "
			"[--log FILE]\n");
		return -1;
	}
	return 0;
}

static int xs_connect(struct pvfb_vnc *p)
{
	const char *env = getenv("XENSTORED_PATH");
	char *path = env && *env ? strdup(env) : path_join(p->o.rundir, "xenstored/socket");
	int rc = path ? xsc_open(path, &p->xs) : -ENOMEM;

	if (rc < 0)
		log_error("cannot reach xenstored at %s: %s", path ? path : "?", strerror(-rc));
	free(path);
	return rc;
}

static long long be_num(struct pvfb_vnc *p, const char *key, long long dflt)
{
	char path[160];
	long long v;

	snprintf(path, sizeof(path), "%s/%s", p->be, key);
	return xsc_read_num(p->xs, path, &v) == 0 ? v : dflt;
}

static char *be_str(struct pvfb_vnc *p, const char *key)
{
	char path[160], *v = NULL;

	snprintf(path, sizeof(path), "%s/%s", p->be, key);
	return xsc_read(p->xs, path, &v) == 0 ? v : NULL;
}

/* The display settings xld wrote into the backend directory. */
static int read_config(struct pvfb_vnc *p)
{
	if (p->o.hvm)
		snprintf(p->be, sizeof(p->be), "/local/domain/0/device-model/%u/vnc", p->o.domid);
	else
		snprintf(p->be, sizeof(p->be), "/local/domain/0/backend/vfb/%u/%d", p->o.domid,
			 p->o.devid);
	p->enabled = be_num(p, "vnc", -1);
	if (p->enabled < 0) {
		log_error("%s: no such device (or no vnc key)", p->be);
		return -ENOENT;
	}
	p->listen = be_str(p, "vnclisten");
	p->passwd = be_str(p, "vncpasswd");
	p->display = be_num(p, "vncdisplay", 0);
	p->unused = be_num(p, "vncunused", 1);
	return 0;
}

/* Where viewers find us: console/ for device 0 (xl vncviewer), and the
 * backend directory. */
static int publish(struct pvfb_vnc *p)
{
	char path[160];
	int rc = 0;

	if (p->o.devid == 0) {
		snprintf(path, sizeof(path), "/local/domain/%u/console/vnc-port", p->o.domid);
		rc = xsc_printf(p->xs, path, "%d", vnc_port(p->vnc));
		snprintf(path, sizeof(path), "/local/domain/%u/console/vnc-listen", p->o.domid);
		if (rc == 0)
			rc = xsc_write(p->xs, path, vnc_listen_addr(p->vnc));
	}
	snprintf(path, sizeof(path), "%s/vnc-port", p->be);
	if (rc == 0)
		rc = xsc_printf(p->xs, path, "%d", vnc_port(p->vnc));
	snprintf(path, sizeof(path), "%s/vnc-listen", p->be);
	if (rc == 0)
		rc = xsc_write(p->xs, path, vnc_listen_addr(p->vnc));
	return rc;
}

static int start(struct pvfb_vnc *p)
{
	char name[64];
	struct vnc_options vo;
	int rc = read_config(p);

	if (rc < 0)
		return rc;
	if (!p->enabled) {
		log_error("%s: vnc=0: nothing to serve", p->be);
		return -EINVAL;
	}
	snprintf(name, sizeof(name), "domain %u", p->o.domid);
	vo = (struct vnc_options){ p->listen, (int)p->display, p->unused != 0, p->passwd, name };
	rc = vnc_open(&p->vnc, &vo);
	if (p->passwd)
		explicit_bzero(p->passwd, strlen(p->passwd));
	if (rc == 0 && p->o.hvm)
		rc = dmdisplay_open(&p->src, p->o.rundir, p->o.domid);
	else if (rc == 0)
		rc = pvfb_open(&p->src, p->hv, p->xs, p->o.domid, p->o.devid);
	if (rc == 0) {
		vnc_set_source(p->vnc, p->src);
		rc = publish(p);
	}
	return rc;
}

/* Poll the source's and the server's descriptors; let both work. */
static int serve(struct pvfb_vnc *p)
{
	struct pollfd pfd[POLL_MAX];

	for (;;) {
		int n, rc = p->src->ops->dispatch(p->src);

		if (rc < 0)
			return rc == -ENODEV ? 0 : rc;
		vnc_dispatch(p->vnc);
		n = p->src->ops->pollfds(p->src, pfd, POLL_MAX);
		n += vnc_pollfds(p->vnc, pfd + n, POLL_MAX - n);
		if (poll(pfd, (nfds_t)n, p->src->ops->timeout(p->src)) < 0 && errno != EINTR)
			return -errno;
	}
}

static void cleanup(struct pvfb_vnc *p)
{
	if (p->src)
		p->src->ops->close(p->src);
	vnc_close(p->vnc);
	xsc_close(p->xs);
	hv_close(p->hv);
	free(p->listen);
	free(p->passwd);
}

int main(int argc, char **argv)
{
	struct pvfb_vnc p = { 0 };
	int rc;

	/* Only what we open ourselves: nothing inherited by mistake. */
	syscall(SYS_close_range, 3, ~0u, 0);
	if (parse_opts(&p.o, argc, argv) < 0)
		return 2;
	if (supervisor_follow() < 0)
		return 1;
	if (log_open("pvfb-vnc", p.o.log) < 0)
		fprintf(stderr, "pvfb-vnc: cannot open %s; logging to stderr\n", p.o.log);
	signal(SIGPIPE, SIG_IGN);
	rc = hv_open(p.o.rundir, &p.hv);
	if (rc < 0)
		log_error("cannot reach vmhv in %s: %s", p.o.rundir, strerror(-rc));
	if (rc == 0)
		rc = xs_connect(&p);
	if (rc == 0)
		rc = start(&p);
	if (rc == 0 && !getenv("PVFB_VNC_NO_SANDBOX"))
		rc = sandbox_enter();
	if (rc == 0) {
		log_info("domain %u device %d: serving", p.o.domid, p.o.devid);
		rc = serve(&p);
	}
	if (rc < 0)
		log_error("domain %u device %d: stopping: %s", p.o.domid, p.o.devid, strerror(-rc));
	cleanup(&p);
	return rc < 0 ? 1 : 0;
}
