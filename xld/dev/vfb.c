/* The vfb device kind: a PV framebuffer shown by VNC. xld writes the nodes
 * as libxl does (the display settings in the backend directory) and starts
 * one pvfb-vnc process per framebuffer under supervision; that process is
 * the backend of the vfb and of the vkbd with the same number: it drives
 * their XenbusState handshake, maps the framebuffer, serves RFB and
 * publishes console/vnc-port and console/vnc-listen (docs/vnc.md). */
#include "xld/dev/dev.h"
#include "xld/dev/dev_xs.h"
#include "xld/dev/vfb.h"
#include "xld/domain.h"
#include "xld/supervise.h"
#include "xld/xld.h"
#include "xld/xenstore/xenstored.h"
#include "libvmctl/domcfg.h"
#include "common/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vfb {
	struct dev_xs xs;
	struct xld_child *server;   /* pvfb-vnc */
	bool hvm;                   /* an HVM domain's VGA (vfb.h), not a vfb */
};

/* A node only dom0 may read (the password). */
static int write_private(struct xld *xld, const char *path, const char *val)
{
	int rc = xenstored_write(xld->xs, path, val, strlen(val));

	return rc < 0 ? rc : xenstored_set_perms(xld->xs, path, "n0");
}

static int write_password(struct vfb *f, const char *pw)
{
	char path[160];
	int rc;

	snprintf(path, sizeof(path), "%s/vncpasswd", f->xs.be);
	rc = write_private(f->xs.xld, path, pw);
	/* xl vncviewer --autopass reads it here (device 0, as with Xen). */
	if (rc == 0 && f->xs.devid == 0) {
		snprintf(path, sizeof(path), "/local/domain/%u/console/vnc-pass", f->xs.domid);
		rc = write_private(f->xs.xld, path, pw);
	}
	return rc;
}

static int write_nodes(struct vfb *f, const struct domcfg_vfb *cfg)
{
	struct dev_xs *x = &f->xs;
	const struct domcfg_vnc *vnc = &cfg->vnc;

	dev_xs_be(x, "vnc", "1");
	dev_xs_be(x, "vnclisten", "%s", vnc->listen && *vnc->listen ? vnc->listen : "127.0.0.1");
	dev_xs_be(x, "vncdisplay", "%d", vnc->display);
	dev_xs_be(x, "vncunused", "%d", domcfg_defbool_val(vnc->findunused, true) ? 1 : 0);
	dev_xs_be(x, "sdl", "0");
	dev_xs_be(x, "opengl", "0");
	if (cfg->keymap)
		dev_xs_be(x, "keymap", "%s", cfg->keymap);
	if (x->rc == 0 && vnc->passwd && *vnc->passwd)
		x->rc = write_password(f, vnc->passwd);
	return x->rc;
}

static char *log_path(struct xld *xld, struct dev_xs *x)
{
	char *p;

	if (asprintf(&p, "%s/pvfb-vnc.%u.%d.log", xld->opt.logdir, x->domid, x->devid) < 0)
		return NULL;
	return p;
}

/* Start pvfb-vnc for this device; its settings are in the backend nodes. */
static int server_start(struct xld *xld, struct vfb *f)
{
	char *prog = supervise_program("VMCTL_PVFB_VNC", "pvfb-vnc", "pvfb-vnc");
	char *logp = log_path(xld, &f->xs), domid[16], devid[16], name[48];
	char *argv[] = { prog, "--domid", domid, "--devid", devid,
			 "--rundir", (char *)xld->opt.rundir, NULL };

	if (f->hvm) {   /* --hvm in place of --devid 0 */
		argv[3] = "--hvm";
		argv[4] = "--rundir";
		argv[5] = (char *)xld->opt.rundir;
		argv[6] = NULL;
	}

	snprintf(domid, sizeof(domid), "%u", f->xs.domid);
	snprintf(devid, sizeof(devid), "%d", f->xs.devid);
	int rc = -ENOMEM;

	snprintf(name, sizeof(name), "pvfb-vnc %u.%d", f->xs.domid, f->xs.devid);
	if (prog && logp) {
		f->server = supervise_start(xld, name, argv, logp);
		rc = f->server ? 0 : -errno;
	}
	free(prog);
	free(logp);
	return rc;
}

static void vfb_free(struct xld *xld, struct vfb *f, bool remove_nodes)
{
	char path[128];

	supervise_stop(f->server);
	if (remove_nodes) {
		if (f->hvm) {
			snprintf(path, sizeof(path), "/local/domain/0/device-model/%u",
				 f->xs.domid);
			xenstored_rm(xld->xs, path);
		} else {
			dev_xs_remove(&f->xs);
		}
		if (f->xs.devid == 0) {
			static const char *const keys[] = { "vnc-port", "vnc-listen", "vnc-pass" };
			for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
				snprintf(path, sizeof(path), "/local/domain/%u/console/%s",
					 f->xs.domid, keys[i]);
				xenstored_rm(xld->xs, path);
			}
		}
	}
	free(f);
}

static int vfb_attach(struct xld *xld, struct xld_domain *d, struct xld_dev *dev,
		      const void *cfg_, char *err, size_t cap)
{
	const struct domcfg_vfb *cfg = cfg_;
	struct vfb *f;
	int rc;

	if (!domcfg_defbool_val(cfg->vnc.enable, true)) {
		snprintf(err, cap, "vfb %d: only VNC displays are supported (vnc=0%s)", cfg->devid,
			 domcfg_defbool_val(cfg->sdl.enable, false) ? ", sdl=1: no SDL here" : "");
		return -ENOSYS;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		snprintf(err, cap, "out of memory");
		return -ENOMEM;
	}
	dev->devid = cfg->devid < 0 ? 0 : cfg->devid;
	dev_xs_init(&f->xs, xld, d->domid, "vfb", dev->devid);
	rc = dev_xs_make(&f->xs);
	if (rc == 0)
		rc = write_nodes(f, cfg);
	if (rc < 0)
		snprintf(err, cap, "vfb %d: cannot write its xenstore nodes: %s", dev->devid,
			 strerror(-rc));
	else if ((rc = server_start(xld, f)) < 0)
		snprintf(err, cap, "vfb %d: cannot start pvfb-vnc: %s", dev->devid, strerror(-rc));
	if (rc < 0) {
		vfb_free(xld, f, true);
		return rc;
	}
	dev->priv = f;
	return 0;
}

static void vfb_detach(struct xld *xld, struct xld_domain *d, struct xld_dev *dev)
{
	if (dev->priv)
		vfb_free(xld, dev->priv, true);
	dev->priv = NULL;
}

/* xld is stopping, the domain stays: stop its server, keep the nodes for
 * the next xld's recovery. */
static void vfb_release(struct xld *xld, struct xld_domain *d, struct xld_dev *dev)
{
	if (dev->priv)
		vfb_free(xld, dev->priv, false);
	dev->priv = NULL;
}

/* xld restarted: the old pvfb-vnc died with it; a new one picks up the
 * connected frontend where it is. */
static int vfb_recover(struct xld *xld, struct xld_domain *d, struct xld_dev *dev,
		       const void *cfg_)
{
	const struct domcfg_vfb *cfg = cfg_;
	struct vfb *f = calloc(1, sizeof(*f));
	char *state;

	if (!f)
		return -ENOMEM;
	dev->devid = cfg->devid < 0 ? 0 : cfg->devid;
	dev_xs_init(&f->xs, xld, d->domid, "vfb", dev->devid);
	state = dev_xs_read_be(&f->xs, "state");
	if (!state || server_start(xld, f) < 0) {
		free(state);
		vfb_free(xld, f, false);
		return -ENOENT;
	}
	free(state);
	dev->priv = f;
	return 0;
}

const struct dev_ops dev_vfb_ops = {
	.kind = "vfb",
	.attach = vfb_attach,
	.detach = vfb_detach,
	.release = vfb_release,
	.recover = vfb_recover,
};

int vfb_hvm_start(struct xld *xld, uint32_t domid, const struct domcfg_hvm *hvm,
		  struct vfb **out, char *err, size_t cap)
{
	struct domcfg_vfb cfg = { .devid = 0, .vnc = hvm->vnc, .keymap = hvm->keymap };
	struct vfb *f = calloc(1, sizeof(*f));
	int rc;

	if (!f) {
		snprintf(err, cap, "out of memory");
		return -ENOMEM;
	}
	dev_xs_init(&f->xs, xld, domid, "vfb", 0);
	f->hvm = true;
	snprintf(f->xs.be, sizeof(f->xs.be), "/local/domain/0/device-model/%u/vnc", domid);
	rc = write_nodes(f, &cfg);
	if (rc < 0)
		snprintf(err, cap, "vnc: cannot write its xenstore nodes: %s", strerror(-rc));
	else if ((rc = server_start(xld, f)) < 0)
		snprintf(err, cap, "vnc: cannot start pvfb-vnc: %s", strerror(-rc));
	if (rc < 0) {
		vfb_free(xld, f, true);
		return rc;
	}
	*out = f;
	return 0;
}

void vfb_hvm_stop(struct xld *xld, struct vfb *f, int keep_nodes)
{
	if (f)
		vfb_free(xld, f, !keep_nodes);
}
