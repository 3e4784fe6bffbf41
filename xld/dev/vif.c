/* The vif device kind: a guest NIC served by xld's netback, bridged like
 * Xen's vif-bridge script does it: a tap vif<domid>.<devid> (or vifname=)
 * on the bridge that bridge= names (default xenbr0, created if missing).
 * The tap is made at attach, so the host side exists before the guest
 * connects; its rings are served from connect() on (netback.c). */
#include "xld/dev/dev.h"
#include "xld/dev/dev_xs.h"
#include "xld/dev/netback.h"
#include "xld/dev/tap.h"
#include "xld/dev/bridge.h"
#include "xld/domain.h"
#include "libvmctl/domcfg.h"
#include "common/log.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

struct vif {
	struct dev_xs xs;         /* first: see dev_xs.h */
	int tapfd;
	char ifname[16];
	struct netback *nb;      /* while connected */
};
_Static_assert(offsetof(struct vif, xs) == 0, "dev_xs.h: priv starts with the dev_xs");

static void vif_free(struct vif *v)
{
	if (v->tapfd >= 0)
		close(v->tapfd);
	free(v);
}

/* The host side: bridge, tap, port. */
static int plug(struct vif *v, const struct domcfg_nic *cfg, char *err, size_t cap)
{
	/* Xen's vif-bridge gives the host end fe:ff:ff:ff:ff:ff, so the
	 * bridge never takes the guest's MAC as its own. */
	static const uint8_t host_mac[6] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };
	const char *bridge = cfg->bridge && *cfg->bridge ? cfg->bridge : "xenbr0";
	int rc = bridge_ensure(bridge);

	if (rc < 0) {
		snprintf(err, cap, "vif %d: cannot create bridge %s: %s", cfg->devid, bridge,
			 strerror(-rc));
		return rc;
	}
	v->tapfd = tap_open(v->ifname, cfg->mtu > 0 ? (unsigned)cfg->mtu : 0);
	if (v->tapfd < 0) {
		rc = v->tapfd;
		snprintf(err, cap, "vif %d: cannot create tap %s: %s", cfg->devid, v->ifname,
			 rc == -EBUSY ? "an interface of that name exists" : strerror(-rc));
		return rc;
	}
	rc = tap_set_mac(v->ifname, host_mac);
	if (rc == 0)
		rc = bridge_add(bridge, v->ifname);
	if (rc < 0)
		snprintf(err, cap, "vif %d: cannot add %s to bridge %s: %s", cfg->devid, v->ifname,
			 bridge, rc == -ENOTDIR ? "it is not a bridge" : strerror(-rc));
	return rc;
}

static void mac_text(const struct domcfg_nic *cfg, char out[18])
{
	const uint8_t *m = cfg->mac;

	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void write_nodes(struct vif *v, const struct domcfg_nic *cfg, const char *mac)
{
	struct dev_xs *x = &v->xs;
	const char *bridge = cfg->bridge && *cfg->bridge ? cfg->bridge : "xenbr0";

	dev_xs_be(x, "script", "%s", cfg->script ? cfg->script : "vif-bridge");
	dev_xs_be(x, "mac", "%s", mac);
	dev_xs_be(x, "bridge", "%s", bridge);
	dev_xs_be(x, "handle", "%d", x->devid);
	dev_xs_be(x, "type", "vif");
	dev_xs_be(x, "vifname", "%s", v->ifname);
	if (cfg->ip)
		dev_xs_be(x, "ip", "%s", cfg->ip);
	if (cfg->mtu > 0)
		dev_xs_be(x, "mtu", "%d", cfg->mtu);
	if (cfg->rate_bytes_per_interval)
		dev_xs_be(x, "rate", "%llu,%u", (unsigned long long)cfg->rate_bytes_per_interval,
			  cfg->rate_interval_usecs);
	dev_xs_be(x, "feature-rx-copy", "1");
	dev_xs_be(x, "feature-rx-flip", "0");
	dev_xs_be(x, "feature-sg", "1");
	dev_xs_be(x, "feature-gso-tcpv4", "0");
	dev_xs_be(x, "hotplug-status", "connected");   /* we are the script */
	dev_xs_fe(x, "handle", "%d", x->devid);
	dev_xs_fe(x, "mac", "%s", mac);
	if (cfg->mtu > 0)
		dev_xs_fe(x, "mtu", "%d", cfg->mtu);
	dev_xs_fe(x, "trusted", "1");
	dev_xs_lx(x, "mac", "%s", mac);
	dev_xs_lx(x, "bridge", "%s", bridge);
	dev_xs_lx(x, "handle", "%d", x->devid);
	dev_xs_lx(x, "vifname", "%s", v->ifname);
}

static int vif_connect(void *arg)
{
	struct vif *v = arg;
	long long tx = dev_xs_fe_num(&v->xs, "tx-ring-ref");
	long long rx = dev_xs_fe_num(&v->xs, "rx-ring-ref");
	long long port = dev_xs_fe_num(&v->xs, "event-channel");
	struct netback_rings r;

	if (tx < 0 || rx < 0 || port < 0 || tx > UINT32_MAX || rx > UINT32_MAX || port > UINT32_MAX)
		return -EINVAL;   /* split channels or multi-queue: not offered */
	if (dev_xs_fe_num(&v->xs, "request-rx-copy") != 1)
		return -EPROTONOSUPPORT;   /* rx-flip is gone from Xen too */
	r = (struct netback_rings){ (uint32_t)tx, (uint32_t)rx, (uint32_t)port };
	v->nb = netback_connect(v->xs.xld, v->xs.domid, v->tapfd, &r);
	return v->nb ? 0 : -errno;
}

static void vif_disconnect(void *arg)
{
	struct vif *v = arg;

	netback_disconnect(v->nb);
	v->nb = NULL;
}

static const struct dev_xs_ops vif_xs_ops = {
	.connect = vif_connect,
	.disconnect = vif_disconnect,
};

static struct vif *vif_new(struct xld_domain *d, struct xld_dev *dev, const struct domcfg_nic *cfg,
			   char *err, size_t cap, int *rc)
{
	struct vif *v;

	*rc = 0;
	if (cfg->devid < 0) {
		snprintf(err, cap, "vif: no device number");
		*rc = -EINVAL;
	}
	for (struct xld_dev *o = d->devs; *rc == 0 && o; o = o->next) {
		if (o->ops == dev->ops && o->devid == cfg->devid) {
			snprintf(err, cap, "vif %d: the domain already has this device", cfg->devid);
			*rc = -EEXIST;
		}
	}
	if (*rc < 0)
		return NULL;
	v = calloc(1, sizeof(*v));
	if (!v) {
		snprintf(err, cap, "out of memory");
		*rc = -ENOMEM;
		return NULL;
	}
	v->tapfd = -1;
	if (cfg->ifname && *cfg->ifname)
		snprintf(v->ifname, sizeof(v->ifname), "%s", cfg->ifname);
	else
		snprintf(v->ifname, sizeof(v->ifname), "vif%u.%d", d->domid, cfg->devid);
	dev->devid = cfg->devid;
	return v;
}

static int vif_attach(struct xld *xld, struct xld_domain *d, struct xld_dev *dev,
		      const void *cfgp, char *err, size_t cap)
{
	const struct domcfg_nic *cfg = cfgp;
	char mac[18];
	int rc;
	struct vif *v = vif_new(d, dev, cfg, err, cap, &rc);

	if (!v)
		return rc;
	rc = plug(v, cfg, err, cap);
	if (rc < 0) {
		vif_free(v);
		return rc;
	}
	mac_text(cfg, mac);
	dev_xs_init(&v->xs, xld, d->domid, "vif", dev->devid);
	dev_xs_make(&v->xs);
	write_nodes(v, cfg, mac);
	rc = v->xs.rc;
	if (rc == 0)
		rc = dev_xs_start(&v->xs, &vif_xs_ops, v, false);
	if (rc < 0) {
		snprintf(err, cap, "vif %d: cannot write its xenstore nodes: %s", dev->devid,
			 strerror(-rc));
		dev_xs_stop(&v->xs);
		dev_xs_remove(&v->xs);
		vif_free(v);
		return rc;
	}
	dev->priv = v;
	log_info("domain %u: vif %d (%s, mac %s) on bridge %s", d->domid, dev->devid, v->ifname, mac,
		 cfg->bridge ? cfg->bridge : "xenbr0");
	return 0;
}

static void vif_detach(struct xld *xld, struct xld_domain *d, struct xld_dev *dev)
{
	struct vif *v = dev->priv;

	if (!v)
		return;
	dev_xs_stop(&v->xs);
	dev_xs_remove(&v->xs);
	vif_free(v);   /* closing the tap removes the interface */
	dev->priv = NULL;
}

static void vif_release(struct xld *xld, struct xld_domain *d, struct xld_dev *dev)
{
	struct vif *v = dev->priv;

	if (!v)
		return;
	dev_xs_stop(&v->xs);
	vif_free(v);
	dev->priv = NULL;
}

static int vif_recover(struct xld *xld, struct xld_domain *d, struct xld_dev *dev,
		       const void *cfgp)
{
	const struct domcfg_nic *cfg = cfgp;
	char err[256], *state = NULL;
	int rc;
	struct vif *v = vif_new(d, dev, cfg, err, sizeof(err), &rc);

	if (v) {
		dev_xs_init(&v->xs, xld, d->domid, "vif", dev->devid);
		state = dev_xs_read_be(&v->xs, "state");
		/* The old tap went with the old xld: plug a new one. */
		rc = state ? plug(v, cfg, err, sizeof(err)) : -ENOENT;
	}
	if (rc == 0)
		rc = dev_xs_start(&v->xs, &vif_xs_ops, v, true);
	free(state);
	if (rc < 0) {
		log_error("domain %u: vif %d: %s", d->domid, cfg->devid, v ? err : "cannot recover");
		if (v) {
			dev_xs_stop(&v->xs);
			vif_free(v);
		}
		return rc;
	}
	dev->priv = v;
	return 0;
}

const struct dev_ops dev_vif_ops = {
	.kind = "vif",
	.attach = vif_attach,
	.detach = vif_detach,
	.release = vif_release,
	.recover = vif_recover,
};
