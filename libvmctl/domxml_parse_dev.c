/* domxml_parse_dev: <devices> of domain XML -> disks, NICs, displays,
 * serial ports and the device model of a struct domcfg_config. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvmctl/domxml_parse.h"

static bool is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !n->ns && !strcmp((const char *)n->name, name);
}

/* ---- <disk> ---- */

static int disk_driver(struct dx *p, xmlNodePtr n, struct domcfg_disk *d)
{
	const char *name = dx_prop(p, n, "name"), *type = dx_prop(p, n, "type");
	const char *discard = dx_prop(p, n, "discard");
	int v;

	if (name && domxml_value_of(domxml_disk_drivers, name, &v))
		return dx_error(p, n, "unknown driver '%s' (qemu, phy, tap or file)", name);
	if (name)
		d->backend = v;
	if (type && (domcfg_disk_format_from_string(type, &d->format) ||
		     d->format == DOMCFG_DISK_FORMAT_UNKNOWN || d->format == DOMCFG_DISK_FORMAT_EMPTY))
		return dx_error(p, n, "unknown disk format '%s' (raw, qcow, qcow2, vhd, qed)", type);
	if (discard)
		domcfg_defbool_set(&d->discard_enable, !strcmp(discard, "unmap"));
	return 0;
}

/* A network disk runs xl's block-<protocol> script on "name" or "host:port". */
static int disk_network_source(struct dx *p, xmlNodePtr n, struct domcfg_disk *d)
{
	static const char *const protos[] = { "nbd", "iscsi", "drbd" };
	const char *proto = dx_prop(p, n, "protocol"), *name = dx_prop(p, n, "name");
	char script[16];
	size_t i;

	for (i = 0; proto && i < sizeof(protos) / sizeof(protos[0]); i++)
		if (!strcmp(proto, protos[i]))
			break;
	if (!proto || i == sizeof(protos) / sizeof(protos[0]))
		return dx_error(p, n, "network protocol '%s' is not supported (nbd, iscsi, drbd)",
				proto ? proto : "");
	snprintf(script, sizeof(script), "block-%s", proto);
	if (dx_set(p, &d->script, script))
		return -ENOMEM;
	for (xmlNodePtr h = n->children; !name && h; h = h->next) {
		const char *host = is(h, "host") ? dx_prop(p, h, "name") : NULL;
		const char *port = host ? dx_prop(p, h, "port") : NULL;
		char *s = NULL;
		int rc;

		if (!host)
			continue;
		if (asprintf(&s, "%s%s%s", host, port ? ":" : "", port ? port : "") < 0)
			return -ENOMEM;
		rc = dx_set(p, &d->pdev_path, s);
		free(s);
		return rc;
	}
	if (!name)
		return dx_error(p, n, "network source without name or <host>");
	return dx_set(p, &d->pdev_path, name);
}

static int disk_source(struct dx *p, xmlNodePtr n, struct domcfg_disk *d, const char *type)
{
	const char *path;

	if (!strcmp(type, "network"))
		return disk_network_source(p, n, d);
	path = dx_prop(p, n, !strcmp(type, "block") ? "dev" : "file");
	if (!path)
		return dx_error(p, n, "missing %s attribute", !strcmp(type, "block") ? "dev" : "file");
	return dx_set(p, &d->pdev_path, path);
}

static int disk_target(struct dx *p, xmlNodePtr n, struct domcfg_disk *d)
{
	const char *dev = dx_prop(p, n, "dev");

	if (!dev || domcfg_vdev_to_devid(dev, NULL, NULL) < 0)
		return dx_error(p, n, "invalid target dev '%s' (xvdX, hdX, sdX)", dev ? dev : "");
	return dx_set(p, &d->vdev, dev);
}

static int disk_child(struct dx *p, xmlNodePtr c, struct domcfg_disk *d, const char *type)
{
	if (is(c, "driver"))
		return disk_driver(p, c, d);
	if (is(c, "source"))
		return disk_source(p, c, d, type);
	if (is(c, "target"))
		return disk_target(p, c, d);
	if (is(c, "readonly"))
		d->readwrite = 0;
	else if (is(c, "backenddomain"))
		return dx_set(p, &d->backend_domname, dx_prop(p, c, "name"));
	else if (c->type == XML_ELEMENT_NODE)
		dx_warn(p, c, "not supported by vmctl in a <disk>; ignored");
	return 0;
}

/* As xl's disk parser finishes a disk (cfg_disk.c). */
static int disk_finish(struct dx *p, xmlNodePtr n, struct domcfg_disk *d, bool cdrom)
{
	if (!d->vdev)
		return dx_error(p, n, "missing <target dev=...>");
	if (d->format == DOMCFG_DISK_FORMAT_UNKNOWN)
		d->format = DOMCFG_DISK_FORMAT_RAW;
	if (cdrom) {
		d->is_cdrom = d->removable = 1;
		d->readwrite = 0;
		if (!d->pdev_path || !*d->pdev_path) {
			d->format = DOMCFG_DISK_FORMAT_EMPTY;
			return dx_set(p, &d->pdev_path, "");
		}
	} else if (!d->pdev_path) {
		return dx_error(p, n, "missing <source> (only a cdrom may be empty)");
	}
	return 0;
}

static int dev_disk(struct dx *p, xmlNodePtr n)
{
	struct domcfg_config *cfg = p->cfg;
	const char *type = dx_prop(p, n, "type"), *device = dx_prop(p, n, "device");
	bool cdrom = device && !strcmp(device, "cdrom");
	struct domcfg_disk *d;
	int rc = 0;

	if (!type)
		type = "file";
	if (strcmp(type, "file") && strcmp(type, "block") && strcmp(type, "network")) {
		dx_error(p, n, "disk type '%s' is not supported by vmctl (file, block, network)",
			 type);
		return -EOPNOTSUPP;
	}
	if (device && !cdrom && strcmp(device, "disk")) {
		dx_error(p, n, "device '%s' is not supported by vmctl (disk, cdrom)", device);
		return -EOPNOTSUPP;
	}
	d = cfg_array_add(&cfg->disks, &cfg->num_disks, &type_struct_disk);
	if (!d)
		return -ENOMEM;
	d->readwrite = 1;
	for (xmlNodePtr c = n->children; rc == 0 && c; c = c->next)
		rc = disk_child(p, c, d, type);
	return rc ? rc : disk_finish(p, n, d, cdrom);
}

/* ---- <interface> ---- */

static int nic_mac(struct dx *p, xmlNodePtr n, struct domcfg_nic *nic)
{
	const char *mac = dx_prop(p, n, "address");
	char *spec = NULL, *err = NULL;
	int rc;

	if (!mac || asprintf(&spec, "mac=%s", mac) < 0)
		return mac ? -ENOMEM : dx_error(p, n, "missing address");
	rc = domcfg_nic_parse(nic, spec, &err, NULL);
	if (rc == -EINVAL)
		dx_error(p, n, "%s", err ? err : "invalid MAC address");
	free(spec);
	free(err);
	return rc;
}

/* libvirt's average is KiB/s; xl keeps bytes per interval (50 ms). */
static int nic_bandwidth(struct dx *p, xmlNodePtr n, struct domcfg_nic *nic)
{
	for (xmlNodePtr c = n->children; c; c = c->next) {
		long long kib;
		int rc;

		if (!is(c, "outbound")) {
			if (is(c, "inbound"))
				dx_warn(p, c, "inbound limits are not supported by vmctl; ignored");
			continue;
		}
		rc = dx_number(p, c, "average", dx_prop(p, c, "average"), 1, 1LL << 32, &kib);
		if (rc)
			return rc;
		nic->rate_interval_usecs = 50000;
		nic->rate_bytes_per_interval = (uint64_t)kib * 1024 * 50000 / 1000000;
	}
	return 0;
}

static int nic_attr(struct dx *p, xmlNodePtr c, const char *attr, char **dst)
{
	const char *v = dx_prop(p, c, attr);

	return v ? dx_set(p, dst, v) : dx_error(p, c, "missing %s attribute", attr);
}

static int nic_model(struct dx *p, xmlNodePtr c, struct domcfg_nic *nic)
{
	const char *type = dx_prop(p, c, "type");

	if (!type)
		return dx_error(p, c, "missing type attribute");
	if (!strcmp(type, "netfront")) {
		nic->nictype = DOMCFG_NIC_TYPE_VIF;
		return 0;
	}
	if (p->cfg->c_info.type == DOMCFG_TYPE_HVM)
		nic->nictype = DOMCFG_NIC_TYPE_VIF_IOEMU;
	return dx_set(p, &nic->model, type);
}

static int nic_child(struct dx *p, xmlNodePtr c, struct domcfg_nic *nic)
{
	long long mtu;
	int rc;

	if (is(c, "mac"))
		return nic_mac(p, c, nic);
	if (is(c, "source"))
		return dx_set(p, &nic->bridge, dx_prop(p, c, "bridge") ? dx_prop(p, c, "bridge") :
			      dx_prop(p, c, "network"));
	if (is(c, "script"))
		return nic_attr(p, c, "path", &nic->script);
	if (is(c, "target"))
		return nic_attr(p, c, "dev", &nic->ifname);
	if (is(c, "model"))
		return nic_model(p, c, nic);
	if (is(c, "ip"))
		return nic_attr(p, c, "address", &nic->ip);
	if (is(c, "backenddomain"))
		return nic_attr(p, c, "name", &nic->backend_domname);
	if (is(c, "bandwidth"))
		return nic_bandwidth(p, c, nic);
	if (is(c, "mtu")) {
		rc = dx_number(p, c, "size", dx_prop(p, c, "size"), 68, 65535, &mtu);
		nic->mtu = (int)mtu;
		return rc;
	}
	if (c->type == XML_ELEMENT_NODE)
		dx_warn(p, c, "not supported by vmctl in an <interface>; ignored");
	return 0;
}

static int dev_interface(struct dx *p, xmlNodePtr n)
{
	struct domcfg_config *cfg = p->cfg;
	const char *type = dx_prop(p, n, "type");
	struct domcfg_nic *nic;
	int rc = 0;

	if (!type || (strcmp(type, "bridge") && strcmp(type, "ethernet") &&
		      strcmp(type, "network"))) {
		dx_error(p, n, "interface type '%s' is not supported by vmctl "
			 "(bridge, ethernet, network)", type ? type : "");
		return -EOPNOTSUPP;
	}
	if (!strcmp(type, "network"))
		dx_warn(p, n, "type='network': the network's name is used as the bridge");
	nic = cfg_array_add(&cfg->nics, &cfg->num_nics, &type_struct_nic);
	if (!nic)
		return -ENOMEM;
	nic->devid = cfg->num_nics - 1;
	for (xmlNodePtr c = n->children; rc == 0 && c; c = c->next)
		rc = nic_child(p, c, nic);
	return rc;
}

/* ---- <graphics> ---- */

struct display {
	struct domcfg_vnc *vnc;
	struct domcfg_sdl *sdl;
	char **keymap;
};

static int graphics_vnc(struct dx *p, xmlNodePtr n, struct display *d)
{
	const char *port = dx_prop(p, n, "port"), *autoport = dx_prop(p, n, "autoport");
	const char *listen = dx_prop(p, n, "listen"), *passwd = dx_prop(p, n, "passwd");
	const char *keymap = dx_prop(p, n, "keymap");
	bool autop = autoport ? !strcmp(autoport, "yes") : !port || !strcmp(port, "-1");
	long long x = -1;
	int rc = 0;

	if (port && strcmp(port, "-1"))
		rc = dx_number(p, n, "port", port, 5900, 5900 + 59635, &x);
	if (rc)
		return rc;
	domcfg_defbool_set(&d->vnc->enable, true);
	domcfg_defbool_set(&d->vnc->findunused, autop);
	d->vnc->display = x >= 5900 ? (int)(x - 5900) : 0;
	for (xmlNodePtr c = n->children; !listen && c; c = c->next)
		if (is(c, "listen"))
			listen = dx_prop(p, c, "address");
	if ((listen && dx_set(p, &d->vnc->listen, listen)) ||
	    (passwd && dx_set(p, &d->vnc->passwd, passwd)) ||
	    (keymap && dx_set(p, d->keymap, keymap)))
		return -ENOMEM;
	return 0;
}

static int graphics_sdl(struct dx *p, xmlNodePtr n, struct display *d)
{
	const char *display = dx_prop(p, n, "display"), *xauth = dx_prop(p, n, "xauth");

	domcfg_defbool_set(&d->sdl->enable, true);
	for (xmlNodePtr c = n->children; c; c = c->next) {
		const char *en = is(c, "gl") ? dx_prop(p, c, "enable") : NULL;

		if (en)
			domcfg_defbool_set(&d->sdl->opengl, !strcmp(en, "yes"));
	}
	if ((display && dx_set(p, &d->sdl->display, display)) ||
	    (xauth && dx_set(p, &d->sdl->xauthority, xauth)))
		return -ENOMEM;
	return 0;
}

/* PV/PVH: a <graphics> fills the last vfb if that has no display of its
 * kind yet, else starts a new vfb (with its vkb, as xl's vfb= does). */
static int pv_display(struct dx *p, bool vnc, struct display *d)
{
	struct domcfg_config *cfg = p->cfg;
	struct domcfg_vfb *f = cfg->num_vfbs ? &cfg->vfbs[cfg->num_vfbs - 1] : NULL;
	struct domcfg_vkb *k;

	if (!f || (vnc ? f->vnc.enable : f->sdl.enable) == DOMCFG_DEFBOOL_TRUE) {
		f = cfg_array_add(&cfg->vfbs, &cfg->num_vfbs, &type_struct_vfb);
		k = f ? cfg_array_add(&cfg->vkbs, &cfg->num_vkbs, &type_struct_vkb) : NULL;
		if (!k)
			return -ENOMEM;
		f->devid = cfg->num_vfbs - 1;
		k->devid = cfg->num_vkbs - 1;
	}
	*d = (struct display){ &f->vnc, &f->sdl, &f->keymap };
	return 0;
}

static int dev_graphics(struct dx *p, xmlNodePtr n)
{
	struct domcfg_hvm *hvm = &p->cfg->b_info.hvm;
	const char *type = dx_prop(p, n, "type");
	bool vnc = type && !strcmp(type, "vnc");
	struct display d = { &hvm->vnc, &hvm->sdl, &hvm->keymap };
	int rc = 0;

	if (!vnc && (!type || strcmp(type, "sdl"))) {
		dx_warn(p, n, "graphics type '%s' is not supported by vmctl (vnc, sdl); ignored",
			type ? type : "");
		return 0;
	}
	if (p->cfg->c_info.type != DOMCFG_TYPE_HVM)
		rc = pv_display(p, vnc, &d);
	else if ((vnc ? hvm->vnc.enable : hvm->sdl.enable) == DOMCFG_DEFBOOL_TRUE)
		return dx_error(p, n, "an HVM guest has one %s display", type);
	if (rc == 0)
		rc = vnc ? graphics_vnc(p, n, &d) : graphics_sdl(p, n, &d);
	return rc;
}

/* ---- <video>, <serial>, <emulator> ---- */

static int dev_video(struct dx *p, xmlNodePtr n)
{
	struct domcfg_b_info *b = &p->cfg->b_info;

	if (!dx_only(p, n, CFG_HVM))
		return 0;
	for (xmlNodePtr c = n->children; c; c = c->next) {
		const char *type = is(c, "model") ? dx_prop(p, c, "type") : NULL;
		const char *vram = type ? dx_prop(p, c, "vram") : NULL;
		long long kib;
		int v;

		if (!type)
			continue;
		if (domxml_value_of(domxml_vgas, type, &v))
			return dx_error(p, c, "video model '%s' is not supported by vmctl "
					"(cirrus, vga, none, qxl)", type);
		b->hvm.vga.kind = v;
		if (vram && dx_number(p, c, "vram", vram, 0, 1 << 30, &kib))
			return -EINVAL;
		if (vram)
			b->video_memkb = (uint64_t)kib;
	}
	return 0;
}

/* As qemu's -serial syntax, which xl's serial= uses. */
static int dev_serial(struct dx *p, xmlNodePtr n)
{
	static const char *const plain[] = { "pty", "null", "stdio", "vc" };
	const char *type = dx_prop(p, n, "type"), *path = NULL;
	char *s = NULL, **l;

	if (!dx_only(p, n, CFG_HVM))
		return 0;
	for (xmlNodePtr c = n->children; c; c = c->next)
		if (is(c, "source"))
			path = dx_prop(p, c, "path");
	for (size_t i = 0; type && !s && i < sizeof(plain) / sizeof(plain[0]); i++)
		if (!strcmp(type, plain[i]) && !(s = strdup(type)))
			return -ENOMEM;
	if (!s && type && path && (!strcmp(type, "file") || !strcmp(type, "dev")) &&
	    asprintf(&s, "%s%s", !strcmp(type, "file") ? "file:" : "", path) < 0)
		return -ENOMEM;
	if (!s) {
		dx_warn(p, n, "serial type '%s' is not supported by vmctl; ignored",
			type ? type : "");
		return 0;
	}
	l = realloc(p->serials, (p->num_serials + 1) * sizeof(*l));
	if (!l) {
		free(s);
		return -ENOMEM;
	}
	p->serials = l;
	l[p->num_serials++] = s;
	return 0;
}

static int dev_emulator(struct dx *p, xmlNodePtr n)
{
	return dx_set(p, &p->cfg->b_info.device_model, dx_text(p, n));
}

/* Mice and keyboards come with every display; a tablet is not kept. */
static int dev_input(struct dx *p, xmlNodePtr n)
{
	const char *type = dx_prop(p, n, "type");

	if (!type || (strcmp(type, "mouse") && strcmp(type, "keyboard")))
		dx_warn(p, n, "input type '%s' is not supported by vmctl; ignored",
			type ? type : "");
	return 0;
}

static const struct dx_elem device_elems[] = {
	{ "emulator", dev_emulator }, { "disk", dev_disk }, { "interface", dev_interface },
	{ "graphics", dev_graphics }, { "video", dev_video }, { "serial", dev_serial },
	/* made from the others when formatting: nothing to keep */
	{ "console", NULL }, { "input", dev_input }, { "controller", NULL },
	{ "memballoon", NULL },
	{ NULL, NULL },
};

static const char *const device_skip[] = {
	"channel", "sound", "hostdev", "redirdev", "redirfilter", "smartcard", "rng", "tpm",
	"watchdog", "hub", "panic", "shmem", "iommu", "vsock", "filesystem", "lease",
	"parallel", "nvram", "audio", "crypto", "memory", NULL,
};

int dx_devices(struct dx *p, xmlNodePtr n)
{
	return dx_children(p, n, device_elems, device_skip);
}

/* One serial port is serial="...", several a list. */
int dx_devices_finish(struct dx *p)
{
	struct domcfg_hvm *hvm = &p->cfg->b_info.hvm;
	char **l;

	if (p->num_serials == 1) {
		hvm->serial = p->serials[0];
		p->num_serials = 0;
	} else if (p->num_serials > 1) {
		l = realloc(p->serials, (p->num_serials + 1) * sizeof(*l));
		if (!l)
			return -ENOMEM;
		l[p->num_serials] = NULL;
		hvm->serial_list = l;
		p->serials = NULL;
		p->num_serials = 0;
	}
	return 0;
}

void dx_devices_dispose(struct dx *p)
{
	for (size_t i = 0; i < p->num_serials; i++)
		free(p->serials[i]);
	free(p->serials);
	p->serials = NULL;
	p->num_serials = 0;
}
