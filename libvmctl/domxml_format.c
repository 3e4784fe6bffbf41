/* domxml_format: struct domcfg_config -> libvirt domain XML, in the shape
 * libvirt's libxl driver gives Xen guests (docs/domxml.md). The xl.cfg keys
 * with no element of their own go into <metadata> as xl.cfg text, so
 * vmctl_domxml_parse() gives back the same config. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "libvmctl/cfg_tree.h"
#include "libvmctl/cfg_write.h"
#include "libvmctl/domxml_int.h"

struct fmt {
	const struct domcfg_config *cfg;
	const struct vmctl_domxml_runtime *rt;
	unsigned flags;
	struct domcfg_msgs *msgs;
	bool hvm;
	int rc;                 /* the first failure */
};

#define X(s) ((const xmlChar *)(s))

static void fmt_fail(struct fmt *f, int rc)
{
	if (f->rc == 0)
		f->rc = rc;
}

/* XML 1.0 has no place for control characters other than tab and line
 * ends, which an xl.cfg string may hold ("\x01"). */
static bool xml_ok(struct fmt *f, const char *name, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x20 || *p == '\t' || *p == '\n' || *p == '\r')
			continue;
		if (f->rc == 0)
			cfg_error(f->msgs, NULL, name, "control character 0x%02x cannot be written "
				  "in XML", *p);
		fmt_fail(f, -EINVAL);
		return false;
	}
	return true;
}

/* The builders tolerate a NULL parent (after a failed allocation) so the
 * callers need not check every step; f->rc says how it went. */
static xmlNodePtr el(struct fmt *f, xmlNodePtr parent, const char *name)
{
	xmlNodePtr n = parent ? xmlNewChild(parent, NULL, X(name), NULL) : NULL;

	if (!n)
		fmt_fail(f, -ENOMEM);
	return n;
}

static xmlNodePtr el_text(struct fmt *f, xmlNodePtr parent, const char *name,
			  const char *text)
{
	xmlNodePtr n;

	if (!xml_ok(f, name, text))
		return NULL;
	n = parent ? xmlNewTextChild(parent, NULL, X(name), X(text)) : NULL;
	if (!n)
		fmt_fail(f, -ENOMEM);
	return n;
}

static void attr(struct fmt *f, xmlNodePtr n, const char *name, const char *val)
{
	if (!xml_ok(f, name, val))
		return;
	if (!n || !xmlNewProp(n, X(name), X(val)))
		fmt_fail(f, -ENOMEM);
}

static void attr_num(struct fmt *f, xmlNodePtr n, const char *name, long long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", v);
	attr(f, n, name, buf);
}

static xmlNodePtr el_num(struct fmt *f, xmlNodePtr parent, const char *name,
			 unsigned long long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", v);
	return el_text(f, parent, name, buf);
}

/* Things a config holds that the XML cannot say. */
static void lost(struct fmt *f, const char *what, const char *field)
{
	cfg_warn(f->msgs, NULL, NULL, "%s: %s has no domain XML form; left out", what, field);
}

/* ---- identity, memory, vCPUs ---- */

static void fmt_identity(struct fmt *f, xmlNodePtr root)
{
	const struct domcfg_c_info *c = &f->cfg->c_info;
	char uuid[37];

	attr(f, root, "type", "xen");
	if (f->rt && f->rt->domid >= 0)
		attr_num(f, root, "id", f->rt->domid);
	el_text(f, root, "name", c->name ? c->name : "");
	if (!uuid_is_null(c->uuid)) {
		uuid_unparse_lower(c->uuid, uuid);
		el_text(f, root, "uuid", uuid);
	}
}

static void fmt_memory(struct fmt *f, xmlNodePtr root)
{
	const struct domcfg_b_info *b = &f->cfg->b_info;
	const uint64_t unset = (uint64_t)DOMCFG_MEMKB_DEFAULT;
	uint64_t max = b->max_memkb != unset ? b->max_memkb : b->target_memkb;

	/* libvirt requires <memory>: an unset size is libxl's default. */
	attr(f, el_num(f, root, "memory", max != unset ? max : 32 * 1024), "unit", "KiB");
	if (b->target_memkb != unset)
		attr(f, el_num(f, root, "currentMemory", b->target_memkb), "unit", "KiB");
}

static int count_bits(const struct domcfg_bitmap *bm)
{
	int n = 0;

	for (uint32_t i = 0; i < bm->size; i++)
		n += domcfg_bitmap_test(bm, i);
	return n;
}

static void fmt_vcpu(struct fmt *f, xmlNodePtr root)
{
	const struct domcfg_b_info *b = &f->cfg->b_info;
	int online = count_bits(&b->avail_vcpus);
	xmlNodePtr n;
	char *cpus;

	if (b->max_vcpus <= 0)
		return;
	n = el_num(f, root, "vcpu", (unsigned long long)b->max_vcpus);
	attr(f, n, "placement", "static");
	cpus = cfg_bitmap_format(&b->cpumap);
	if (!cpus)
		fmt_fail(f, -ENOMEM);
	else if (*cpus)
		attr(f, n, "cpuset", cpus);
	free(cpus);
	if (online && online != b->max_vcpus)
		attr_num(f, n, "current", online);
}

/* ---- booting ---- */

static void fmt_bootloader(struct fmt *f, xmlNodePtr root)
{
	const struct domcfg_b_info *b = &f->cfg->b_info;
	char *args = NULL;
	size_t len = 0;
	FILE *m;

	if (b->bootloader)
		el_text(f, root, "bootloader", b->bootloader);
	if (!b->bootloader_args)
		return;
	m = open_memstream(&args, &len);
	if (!m) {
		fmt_fail(f, -ENOMEM);
		return;
	}
	for (size_t i = 0; b->bootloader_args[i]; i++)
		fprintf(m, "%s%s", i ? " " : "", b->bootloader_args[i]);
	if (fclose(m) == 0)
		el_text(f, root, "bootloader_args", args);
	else
		fmt_fail(f, -ENOMEM);
	free(args);
}

static void fmt_os_type(struct fmt *f, xmlNodePtr os)
{
	static const struct { enum domcfg_domain_type t; const char *machine, *text; } types[] = {
		{ DOMCFG_TYPE_PV, "xenpv", "linux" },
		{ DOMCFG_TYPE_PVH, "xenpvh", "xenpvh" },
		{ DOMCFG_TYPE_HVM, "xenfv", "hvm" },
	};
	enum domcfg_domain_type t = f->cfg->c_info.type;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		xmlNodePtr n;

		if (types[i].t != t && !(i == 0 && t == DOMCFG_TYPE_INVALID))
			continue;
		n = el_text(f, os, "type", types[i].text);
		attr(f, n, "arch", "x86_64");
		attr(f, n, "machine", types[i].machine);
	}
}

static void fmt_boot_order(struct fmt *f, xmlNodePtr os, const char *boot)
{
	for (; *boot; boot++) {
		const char *dev = domxml_name_of(domxml_boot_devs, *boot);

		if (dev)
			attr(f, el(f, os, "boot"), "dev", dev);
		else
			cfg_warn(f->msgs, NULL, "boot", "unknown boot device '%c'; left out", *boot);
	}
}

static void fmt_os(struct fmt *f, xmlNodePtr root)
{
	const struct domcfg_b_info *b = &f->cfg->b_info;
	xmlNodePtr os = el(f, root, "os");

	fmt_os_type(f, os);
	if (f->hvm && b->hvm.firmware)
		attr(f, el_text(f, os, "loader", b->hvm.firmware), "type", "rom");
	if (b->kernel)
		el_text(f, os, "kernel", b->kernel);
	if (b->ramdisk)
		el_text(f, os, "initrd", b->ramdisk);
	if (b->cmdline)
		el_text(f, os, "cmdline", b->cmdline);
	if (f->hvm && b->hvm.boot)
		fmt_boot_order(f, os, b->hvm.boot);
}

/* ---- features, clock, lifecycle ---- */

/* libvirt's <acpi/>, <apic/>, <pae/> have no "off" form: absent is off,
 * so an unset one (on, once defaults apply) is written present. */
static void fmt_state(struct fmt *f, xmlNodePtr parent, const char *name, domcfg_defbool v)
{
	if (v != DOMCFG_DEFBOOL_DEFAULT)
		attr(f, el(f, parent, name), "state", v == DOMCFG_DEFBOOL_TRUE ? "on" : "off");
}

static void fmt_features(struct fmt *f, xmlNodePtr root)
{
	const struct domcfg_config *cfg = f->cfg;
	const struct domcfg_b_info *b = &cfg->b_info;
	bool pvh = cfg->c_info.type == DOMCFG_TYPE_PVH;
	bool pv = !f->hvm && !pvh;
	xmlNodePtr fe = el(f, root, "features");

	if (f->hvm && domcfg_defbool_val(b->hvm.pae, true))
		el(f, fe, "pae");
	if ((f->hvm || pvh) && domcfg_defbool_val(b->acpi, f->hvm))
		el(f, fe, "acpi");
	if (pvh && b->acpi == DOMCFG_DEFBOOL_FALSE)
		lost(f, "acpi", "acpi=0 of a PVH guest");
	if (f->hvm && domcfg_defbool_val(b->apic, true))
		el(f, fe, "apic");
	if (!pv)
		fmt_state(f, fe, "hap", cfg->c_info.hap);
	if (f->hvm && b->hvm.viridian == DOMCFG_DEFBOOL_TRUE)
		el(f, fe, "viridian");
	if (pv && b->pv.e820_host != DOMCFG_DEFBOOL_DEFAULT)
		fmt_state(f, el(f, fe, "xen"), "e820_host", b->pv.e820_host);
	if (fe && !fe->children) {
		xmlUnlinkNode(fe);
		xmlFreeNode(fe);
	}
}

static void fmt_clock(struct fmt *f, xmlNodePtr root)
{
	const struct domcfg_b_info *b = &f->cfg->b_info;
	xmlNodePtr clock;

	if (!f->hvm || (b->localtime == DOMCFG_DEFBOOL_DEFAULT && !b->rtc_timeoffset &&
			b->hvm.hpet == DOMCFG_DEFBOOL_DEFAULT))
		return;
	clock = el(f, root, "clock");
	if (b->rtc_timeoffset) {
		attr(f, clock, "offset", "variable");
		attr_num(f, clock, "adjustment", (int32_t)b->rtc_timeoffset);
		if (b->localtime != DOMCFG_DEFBOOL_DEFAULT)
			attr(f, clock, "basis", b->localtime == DOMCFG_DEFBOOL_TRUE ?
			     "localtime" : "utc");
	} else {
		attr(f, clock, "offset", b->localtime == DOMCFG_DEFBOOL_TRUE ? "localtime" : "utc");
	}
	if (b->hvm.hpet != DOMCFG_DEFBOOL_DEFAULT) {
		xmlNodePtr t = el(f, clock, "timer");

		attr(f, t, "name", "hpet");
		attr(f, t, "present", b->hvm.hpet == DOMCFG_DEFBOOL_TRUE ? "yes" : "no");
	}
}

static void fmt_action(struct fmt *f, xmlNodePtr root, const char *name,
		       enum domcfg_action_on_shutdown a)
{
	const char *s = domxml_name_of(domxml_actions, a);

	if (s)
		el_text(f, root, name, s);
	else
		cfg_warn(f->msgs, NULL, name, "'%s' has no domain XML form; left out",
			 domcfg_action_on_shutdown_to_string(a));
}

static void fmt_lifecycle(struct fmt *f, xmlNodePtr root)
{
	fmt_action(f, root, "on_poweroff", f->cfg->on_poweroff);
	fmt_action(f, root, "on_reboot", f->cfg->on_reboot);
	fmt_action(f, root, "on_crash", f->cfg->on_crash);
}

/* ---- the Xen namespace and our metadata ---- */

static void fmt_xen_ns(struct fmt *f, xmlNodePtr root)
{
	char **args = f->cfg->b_info.extra;
	xmlNsPtr ns;
	xmlNodePtr cl;

	if (!args || !args[0] || !root)
		return;
	ns = xmlNewNs(root, X(DOMXML_NS_XEN), X("xen"));
	cl = ns ? xmlNewChild(root, ns, X("commandline"), NULL) : NULL;
	for (size_t i = 0; cl && args[i]; i++) {
		xmlNodePtr a = xmlNewChild(cl, ns, X("arg"), NULL);

		attr(f, a, "value", args[i]);
	}
	if (!cl)
		fmt_fail(f, -ENOMEM);
}

/* The metadata's own messages are about xl.cfg syntax (a vfb's keyboard
 * settings): only its error is passed on. */
static void fmt_metadata(struct fmt *f, xmlNodePtr root)
{
	struct domcfg_msgs m;
	char *text = NULL;
	xmlNodePtr md, xl;
	xmlNsPtr ns;
	int rc;

	domcfg_msgs_init(&m);
	rc = cfg_write_keys(f->cfg, domxml_key_in_metadata, NULL, &text, &m);
	if (rc && f->msgs && !f->msgs->error && m.error)
		cfg_error(f->msgs, NULL, NULL, "%s", m.error);
	domcfg_msgs_dispose(&m);
	if (rc == 0 && *text) {
		md = el(f, root, "metadata");
		xl = md ? xmlNewChild(md, NULL, X("xl"), X("")) : NULL;
		ns = xl ? xmlNewNs(xl, X(DOMXML_NS_VMCTL), X("vmctl")) : NULL;
		if (ns)
			xmlSetNs(xl, ns);
		if (!ns || !xmlNewTextChild(xl, ns, X("cfg"), X(text)))
			fmt_fail(f, -ENOMEM);
	}
	free(text);
	if (rc)
		fmt_fail(f, rc);
}

/* ---- devices ---- */

static const char *disk_bus(const char *vdev)
{
	if (!strncmp(vdev, "hd", 2))
		return "ide";
	if (!strncmp(vdev, "sd", 2))
		return "scsi";
	return "xen";
}

/* xl's "nbd:" style disks run the block-<protocol> script. */
static const char *disk_protocol(const char *script)
{
	static const char *const protos[] = { "nbd", "iscsi", "drbd" };

	for (size_t i = 0; script && i < sizeof(protos) / sizeof(protos[0]); i++)
		if (!strncmp(script, "block-", 6) && !strcmp(script + 6, protos[i]))
			return protos[i];
	return NULL;
}

/* "host:port" (what xl's nbd: disks name) becomes a <host>, anything
 * else the source's name. */
static void fmt_disk_host(struct fmt *f, xmlNodePtr src, const char *target)
{
	const char *colon = strrchr(target, ':');
	char *host;
	xmlNodePtr h;

	if (!colon || colon == target || !colon[1] ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1)) {
		attr(f, src, "name", target);
		return;
	}
	host = strndup(target, (size_t)(colon - target));
	if (!host) {
		fmt_fail(f, -ENOMEM);
		return;
	}
	h = el(f, src, "host");
	attr(f, h, "name", host);
	attr(f, h, "port", colon + 1);
	free(host);
}

static void fmt_disk_source(struct fmt *f, xmlNodePtr disk, const struct domcfg_disk *d,
			    const char *proto, bool block)
{
	xmlNodePtr src;

	if (!d->pdev_path || !*d->pdev_path)
		return;
	src = el(f, disk, "source");
	if (proto) {
		attr(f, src, "protocol", proto);
		fmt_disk_host(f, src, d->pdev_path);
	} else {
		attr(f, src, block ? "dev" : "file", d->pdev_path);
	}
}

static void fmt_disk_driver(struct fmt *f, xmlNodePtr disk, const struct domcfg_disk *d)
{
	xmlNodePtr drv = el(f, disk, "driver");
	const char *name = domxml_name_of(domxml_disk_drivers, d->backend);

	if (d->backend == DOMCFG_DISK_BACKEND_STANDALONE)
		lost(f, d->vdev, "backendtype=standalone");
	if (name && d->backend != DOMCFG_DISK_BACKEND_UNKNOWN)
		attr(f, drv, "name", name);
	if (d->format != DOMCFG_DISK_FORMAT_UNKNOWN && d->format != DOMCFG_DISK_FORMAT_EMPTY)
		attr(f, drv, "type", domcfg_disk_format_to_string(d->format));
	if (d->discard_enable != DOMCFG_DEFBOOL_DEFAULT)
		attr(f, drv, "discard", d->discard_enable == DOMCFG_DEFBOOL_TRUE ? "unmap" : "ignore");
	if (drv && !drv->properties) {
		xmlUnlinkNode(drv);
		xmlFreeNode(drv);
	}
}

/* libvirt knows disks only as xvdX/hdX/sdX[N]: the dNpM and numeric
 * names of the same xvd disk are written as its xvd name. */
static const char *xml_vdev(struct fmt *f, const char *vdev, char *buf, size_t cap)
{
	int devid = domcfg_vdev_to_devid(vdev, NULL, NULL), disk, part, n = 0;
	char letters[8];

	if (!strncmp(vdev, "xvd", 3) || !strncmp(vdev, "hd", 2) || !strncmp(vdev, "sd", 2))
		return vdev;
	if (devid >= 0 && devid >> 8 == 202) {
		disk = devid >> 4 & 15;
		part = devid & 15;
	} else if (devid >= 0 && devid >> 28 == 1) {
		disk = devid >> 8 & 0xfffff;
		part = devid & 0xff;
	} else {
		return vdev;
	}
	for (int x = disk + 1; x > 0 && n < (int)sizeof(letters); x = (x - 1) / 26)
		letters[n++] = (char)('a' + (x - 1) % 26);
	snprintf(buf, cap, "xvd");
	while (n > 0)
		snprintf(buf + strlen(buf), cap - strlen(buf), "%c", letters[--n]);
	if (part)
		snprintf(buf + strlen(buf), cap - strlen(buf), "%d", part);
	cfg_warn(f->msgs, NULL, "disk", "vdev '%s' written as '%s'", vdev, buf);
	return buf;
}

static void fmt_disk(struct fmt *f, xmlNodePtr devs, const struct domcfg_disk *d)
{
	char vdev[24];
	const char *proto = disk_protocol(d->script);
	bool block = d->backend == DOMCFG_DISK_BACKEND_PHY ||
		     (d->pdev_path && !strncmp(d->pdev_path, "/dev/", 5));
	xmlNodePtr disk = el(f, devs, "disk"), t;

	if (!d->vdev)
		return;
	attr(f, disk, "type", proto ? "network" : block ? "block" : "file");
	attr(f, disk, "device", d->is_cdrom ? "cdrom" : "disk");
	fmt_disk_driver(f, disk, d);
	fmt_disk_source(f, disk, d, proto, block);
	t = el(f, disk, "target");
	attr(f, t, "dev", xml_vdev(f, d->vdev, vdev, sizeof(vdev)));
	attr(f, t, "bus", disk_bus(d->vdev));
	if (!d->readwrite || d->is_cdrom)
		el(f, disk, "readonly");
	if (d->backend_domname)
		attr(f, el(f, disk, "backenddomain"), "name", d->backend_domname);
	if (d->script && !proto)
		lost(f, d->vdev, "script");
	if (d->direct_io_safe)
		lost(f, d->vdev, "direct-io-safe");
	if (d->trusted != DOMCFG_DEFBOOL_DEFAULT)
		lost(f, d->vdev, "trusted");
	if (d->specification != DOMCFG_DISK_SPEC_UNKNOWN)
		lost(f, d->vdev, "specification");
}

/* rate= is bytes per interval; libvirt's average is KiB per second. */
static void fmt_bandwidth(struct fmt *f, xmlNodePtr nif, const struct domcfg_nic *n)
{
	uint64_t us = n->rate_interval_usecs, bps, kib;

	if (!us)
		return;
	bps = n->rate_bytes_per_interval * 1000000 / us;
	kib = bps >= 1024 ? (bps + 1023) / 1024 : 1;    /* libvirt's minimum */
	if (kib * 1024 * 50000 / 1000000 != n->rate_bytes_per_interval || us != 50000)
		cfg_warn(f->msgs, NULL, "vif", "rate of %" PRIu64 " bytes per %" PRIu64
			 " us written as %" PRIu64 " KiB/s", (uint64_t)n->rate_bytes_per_interval,
			 us, kib);
	attr_num(f, el(f, el(f, nif, "bandwidth"), "outbound"), "average", (long long)kib);
}

static void fmt_nic(struct fmt *f, xmlNodePtr devs, const struct domcfg_nic *n, int index)
{
	static const unsigned char zero[6];
	xmlNodePtr nif = el(f, devs, "interface");
	const char *model = n->model;
	char mac[18];

	attr(f, nif, "type", n->bridge ? "bridge" : "ethernet");
	if (memcmp(n->mac, zero, 6)) {
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", n->mac[0], n->mac[1],
			 n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
		attr(f, el(f, nif, "mac"), "address", mac);
	}
	if (n->bridge)
		attr(f, el(f, nif, "source"), "bridge", n->bridge);
	if (n->script)
		attr(f, el(f, nif, "script"), "path", n->script);
	if (n->ifname)
		attr(f, el(f, nif, "target"), "dev", n->ifname);
	if (!model && n->nictype == DOMCFG_NIC_TYPE_VIF)
		model = "netfront";
	if (model)
		attr(f, el(f, nif, "model"), "type", model);
	if (n->ip)
		attr(f, el(f, nif, "ip"), "address", n->ip);
	if (n->mtu)
		attr_num(f, el(f, nif, "mtu"), "size", n->mtu);
	if (n->backend_domname)
		attr(f, el(f, nif, "backenddomain"), "name", n->backend_domname);
	fmt_bandwidth(f, nif, n);
	if (n->devid >= 0 && n->devid != index)
		lost(f, "vif", "a devid other than its index");
	if (n->gatewaydev)
		lost(f, "vif", "gatewaydev");
	if (n->coloft_forwarddev)
		lost(f, "vif", "forwarddev");
}

/* One display: VNC (on unless turned off: libxl's default) and SDL. */
/* xl's vnclisten may end in ":display"; libvirt's listen is an address. */
static char *vnc_address(struct fmt *f, const char *listen, int *display)
{
	const char *colon = listen ? strchr(listen, ':') : NULL;
	char *addr;

	if (!colon || strchr(colon + 1, ':') || !colon[1] ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return listen ? strdup(listen) : NULL;
	addr = strndup(listen, (size_t)(colon - listen));
	if (!*display)
		*display = atoi(colon + 1);
	cfg_warn(f->msgs, NULL, "vnclisten", "'%s' written as address %s, display %d", listen,
		 addr ? addr : "?", *display);
	return addr;
}

static void fmt_vnc(struct fmt *f, xmlNodePtr devs, const struct domcfg_vnc *vnc,
		    const char *keymap)
{
	xmlNodePtr g = el(f, devs, "graphics");
	bool autoport = vnc->findunused != DOMCFG_DEFBOOL_FALSE;
	int display = vnc->display;
	char *listen = vnc_address(f, vnc->listen, &display);

	if (vnc->listen && !listen)
		fmt_fail(f, -ENOMEM);
	attr(f, g, "type", "vnc");
	attr_num(f, g, "port", autoport && !display ? -1 : 5900 + display);
	attr(f, g, "autoport", autoport ? "yes" : "no");
	if (listen)
		attr(f, g, "listen", listen);
	if (keymap)
		attr(f, g, "keymap", keymap);
	if (vnc->passwd && (f->flags & VMCTL_DOMXML_SECURE))
		attr(f, g, "passwd", vnc->passwd);
	if (listen) {
		xmlNodePtr l = el(f, g, "listen");

		attr(f, l, "type", "address");
		attr(f, l, "address", listen);
	}
	free(listen);
}

static void fmt_sdl(struct fmt *f, xmlNodePtr devs, const struct domcfg_sdl *sdl)
{
	xmlNodePtr g = el(f, devs, "graphics");

	attr(f, g, "type", "sdl");
	if (sdl->display)
		attr(f, g, "display", sdl->display);
	if (sdl->xauthority)
		attr(f, g, "xauth", sdl->xauthority);
	if (sdl->opengl != DOMCFG_DEFBOOL_DEFAULT)
		attr(f, el(f, g, "gl"), "enable", sdl->opengl == DOMCFG_DEFBOOL_TRUE ? "yes" : "no");
}

static void fmt_display(struct fmt *f, xmlNodePtr devs, const struct domcfg_vnc *vnc,
			const struct domcfg_sdl *sdl, const char *keymap)
{
	if (vnc->enable != DOMCFG_DEFBOOL_FALSE)
		fmt_vnc(f, devs, vnc, keymap);
	else if (keymap)
		lost(f, "keymap", "a keymap without VNC");
	if (sdl->enable == DOMCFG_DEFBOOL_TRUE)
		fmt_sdl(f, devs, sdl);
}

static void fmt_input(struct fmt *f, xmlNodePtr devs, const char *bus)
{
	static const char *const kinds[] = { "mouse", "keyboard" };

	for (size_t i = 0; i < 2; i++) {
		xmlNodePtr in = el(f, devs, "input");

		attr(f, in, "type", kinds[i]);
		attr(f, in, "bus", bus);
	}
}

static void fmt_video(struct fmt *f, xmlNodePtr devs)
{
	const struct domcfg_b_info *b = &f->cfg->b_info;
	const char *kind = domxml_name_of(domxml_vgas, b->hvm.vga.kind);
	xmlNodePtr m;

	if (!kind && b->video_memkb == (uint64_t)DOMCFG_MEMKB_DEFAULT)
		return;
	m = el(f, el(f, devs, "video"), "model");
	attr(f, m, "type", kind ? kind : "cirrus");
	if (b->video_memkb != (uint64_t)DOMCFG_MEMKB_DEFAULT)
		attr_num(f, m, "vram", (long long)b->video_memkb);
	attr(f, m, "heads", "1");
	attr(f, m, "primary", "yes");
}

/* xl's serial= strings (qemu -serial syntax) that libvirt has a type for. */
static const struct { const char *prefix, *type; bool path; } serial_types[] = {
	{ "pty", "pty", false }, { "null", "null", false }, { "stdio", "stdio", false },
	{ "vc", "vc", false }, { "file:", "file", true }, { "/dev/", "dev", true },
};

static void fmt_serial(struct fmt *f, xmlNodePtr devs, const char *s, int port)
{
	for (size_t i = 0; i < sizeof(serial_types) / sizeof(serial_types[0]); i++) {
		size_t n = strlen(serial_types[i].prefix);
		xmlNodePtr ser;

		if (serial_types[i].path ? strncmp(s, serial_types[i].prefix, n) :
		    strcmp(s, serial_types[i].prefix))
			continue;
		ser = el(f, devs, "serial");
		attr(f, ser, "type", serial_types[i].type);
		if (serial_types[i].path)
			attr(f, el(f, ser, "source"), "path", s + (s[0] == '/' ? 0 : n));
		attr_num(f, el(f, ser, "target"), "port", port);
		return;
	}
	cfg_warn(f->msgs, NULL, "serial", "'%s' has no domain XML form; left out", s);
}

static void fmt_console(struct fmt *f, xmlNodePtr devs, const char *type)
{
	xmlNodePtr c = el(f, devs, "console"), t;

	attr(f, c, "type", "pty");
	t = el(f, c, "target");
	attr(f, t, "type", type);
	attr(f, t, "port", "0");
}

static void fmt_hvm_devices(struct fmt *f, xmlNodePtr devs)
{
	const struct domcfg_hvm *h = &f->cfg->b_info.hvm;
	int port = 0;

	if (h->serial_list)
		for (size_t i = 0; h->serial_list[i]; i++)
			fmt_serial(f, devs, h->serial_list[i], port++);
	else if (h->serial)
		fmt_serial(f, devs, h->serial, port++);
	if (port)
		fmt_console(f, devs, "serial");
	fmt_input(f, devs, "ps2");
	fmt_display(f, devs, &h->vnc, &h->sdl, h->keymap);
	fmt_video(f, devs);
}

static void domxml_format_devices(struct fmt *f, xmlNodePtr root)
{
	const struct domcfg_config *cfg = f->cfg;
	xmlNodePtr devs = el(f, root, "devices");

	if (cfg->b_info.device_model)
		el_text(f, devs, "emulator", cfg->b_info.device_model);
	for (int i = 0; i < cfg->num_disks; i++)
		fmt_disk(f, devs, &cfg->disks[i]);
	for (int i = 0; i < cfg->num_nics; i++)
		fmt_nic(f, devs, &cfg->nics[i], i);
	if (f->hvm)
		fmt_hvm_devices(f, devs);
	else
		fmt_console(f, devs, "xen");
	for (int i = 0; i < cfg->num_vfbs; i++) {
		if (cfg->vfbs[i].backend_domname)
			lost(f, "vfb", "backend");
		fmt_input(f, devs, "xen");
		fmt_display(f, devs, &cfg->vfbs[i].vnc, &cfg->vfbs[i].sdl, cfg->vfbs[i].keymap);
	}
}

/* ---- entry point ---- */

static char *serialize(xmlNodePtr root)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlSaveCtxtPtr save = buf ? xmlSaveToBuffer(buf, "UTF-8",
						    XML_SAVE_FORMAT | XML_SAVE_NO_DECL) : NULL;
	char *out = NULL;

	if (save) {
		xmlSaveTree(save, root);
		if (xmlSaveClose(save) >= 0 &&
		    asprintf(&out, "%s\n", (const char *)xmlBufferContent(buf)) < 0)
			out = NULL;
	}
	if (buf)
		xmlBufferFree(buf);
	return out;
}

int vmctl_domxml_format(const struct domcfg_config *cfg,
			const struct vmctl_domxml_runtime *rt, unsigned flags,
			char **xml_out, struct domcfg_msgs *msgs)
{
	static void (*const sections[])(struct fmt *, xmlNodePtr) = {
		fmt_identity, fmt_metadata, fmt_memory, fmt_vcpu, fmt_bootloader, fmt_os,
		fmt_features, fmt_clock, fmt_lifecycle, domxml_format_devices, fmt_xen_ns,
	};
	struct fmt f = { .cfg = cfg, .rt = rt, .flags = flags, .msgs = msgs,
			 .hvm = cfg->c_info.type == DOMCFG_TYPE_HVM };
	xmlDocPtr doc = xmlNewDoc(X("1.0"));
	xmlNodePtr root = doc ? xmlNewDocNode(doc, NULL, X("domain"), NULL) : NULL;

	*xml_out = NULL;
	if (root)
		xmlDocSetRootElement(doc, root);
	else
		f.rc = -ENOMEM;
	for (size_t i = 0; f.rc == 0 && i < sizeof(sections) / sizeof(sections[0]); i++)
		sections[i](&f, root);
	if (f.rc == 0 && !(*xml_out = serialize(root)))
		f.rc = -ENOMEM;
	if (doc)
		xmlFreeDoc(doc);
	if (f.rc == -ENOMEM && msgs && !msgs->error)
		cfg_error(msgs, NULL, NULL, "out of memory");
	return f.rc;
}
