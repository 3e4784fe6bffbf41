/* cfg_default: the defaults libxl applies when a domain is created
 * (libxl__domain_config_setdefault and the per-device setdefaults),
 * for the fields vmctl describes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "libvmctl/cfg_type.h"

static int fail(char **err, const char *msg)
{
	if (err && !*err)
		*err = strdup(msg);
	return -EINVAL;
}

static int set_str(char **dst, const char *v)
{
	if (*dst)
		return 0;
	*dst = strdup(v);
	return *dst ? 0 : -ENOMEM;
}

static void set_defbool(domcfg_defbool *b, bool v)
{
	if (*b == DOMCFG_DEFBOOL_DEFAULT)
		domcfg_defbool_set(b, v);
}

static int memory_default(struct domcfg_b_info *b, char **err)
{
	const uint64_t unset = (uint64_t)DOMCFG_MEMKB_DEFAULT;

	if (b->max_memkb == unset)
		b->max_memkb = b->target_memkb != unset ? b->target_memkb : 32 * 1024;
	if (b->target_memkb == unset)
		b->target_memkb = b->max_memkb;
	if (b->target_memkb > b->max_memkb)
		return fail(err, "memory: larger than maxmem");
	if (b->target_memkb == 0)
		return fail(err, "memory: must not be 0");
	return 0;
}

/* As libxl: one vCPU at least, and only vCPU 0 online if nobody said. */
static int vcpus_default(struct domcfg_b_info *b)
{
	if (b->max_vcpus <= 0)
		b->max_vcpus = 1;
	if (type_field_is_default(&(struct type_field){ .kind = TK_BITMAP,
			.off = offsetof(struct domcfg_b_info, avail_vcpus) }, b))
		return domcfg_bitmap_set(&b->avail_vcpus, 0);
	return 0;
}

static int vnc_default(struct domcfg_vnc *vnc)
{
	set_defbool(&vnc->enable, true);
	if (!domcfg_defbool_val(vnc->enable, true))
		return 0;
	set_defbool(&vnc->findunused, true);
	return set_str(&vnc->listen, "127.0.0.1");
}

static int hvm_default(struct domcfg_b_info *b)
{
	struct domcfg_hvm *h = &b->hvm;

	if (h->vga.kind == DOMCFG_VGA_UNKNOWN)
		h->vga.kind = DOMCFG_VGA_CIRRUS;
	if (b->video_memkb == (uint64_t)DOMCFG_MEMKB_DEFAULT)
		b->video_memkb = h->vga.kind == DOMCFG_VGA_STD ? 16 * 1024 :
				 h->vga.kind == DOMCFG_VGA_NONE ? 0 : 8 * 1024;
	set_defbool(&h->xen_platform_pci, true);
	set_defbool(&b->acpi, true);
	set_defbool(&b->apic, true);
	set_defbool(&h->pae, true);
	set_defbool(&h->nx, true);
	set_defbool(&b->localtime, false);      /* the RTC keeps UTC (libxl) */
	set_defbool(&h->sdl.enable, false);
	if (h->bios == DOMCFG_BIOS_UNKNOWN)
		h->bios = DOMCFG_BIOS_SEABIOS;
	return vnc_default(&h->vnc) ? -ENOMEM : set_str(&h->boot, "cd");
}

static int nic_default(struct domcfg_nic *n, int index, enum domcfg_domain_type t)
{
	static const domcfg_mac zero;

	if (n->devid < 0)
		n->devid = index;
	if (!memcmp(n->mac, zero, sizeof(zero))) {
		uuid_t r;       /* 16 random bytes from libuuid's generator */

		uuid_generate_random(r);
		n->mac[0] = 0x00, n->mac[1] = 0x16, n->mac[2] = 0x3e;
		n->mac[3] = r[0] & 0x7f, n->mac[4] = r[1], n->mac[5] = r[2];
	}
	if (n->nictype == DOMCFG_NIC_TYPE_UNKNOWN)
		n->nictype = t == DOMCFG_TYPE_HVM ? DOMCFG_NIC_TYPE_VIF_IOEMU : DOMCFG_NIC_TYPE_VIF;
	if (n->mtu == 0)
		n->mtu = 1500;
	return set_str(&n->bridge, "xenbr0") ? -ENOMEM : set_str(&n->script, "vif-bridge");
}

static int devices_default(struct domcfg_config *cfg)
{
	int rc = 0;

	for (int i = 0; rc == 0 && i < cfg->num_nics; i++)
		rc = nic_default(&cfg->nics[i], i, cfg->c_info.type);
	for (int i = 0; rc == 0 && i < cfg->num_vfbs; i++) {
		if (cfg->vfbs[i].devid < 0)
			cfg->vfbs[i].devid = i;
		set_defbool(&cfg->vfbs[i].sdl.enable, false);
		rc = vnc_default(&cfg->vfbs[i].vnc);
	}
	for (int i = 0; i < cfg->num_vkbs; i++) {
		if (cfg->vkbs[i].devid < 0)
			cfg->vkbs[i].devid = i;
		if (cfg->vkbs[i].backend_type == DOMCFG_VKB_BACKEND_UNKNOWN)
			cfg->vkbs[i].backend_type = DOMCFG_VKB_BACKEND_QEMU;
	}
	for (int i = 0; i < cfg->num_disks; i++) {
		struct domcfg_disk *d = &cfg->disks[i];

		if (d->backend == DOMCFG_DISK_BACKEND_UNKNOWN)
			d->backend = d->format == DOMCFG_DISK_FORMAT_RAW ||
				     d->format == DOMCFG_DISK_FORMAT_EMPTY
				     ? DOMCFG_DISK_BACKEND_PHY : DOMCFG_DISK_BACKEND_QDISK;
	}
	return rc;
}

int domcfg_config_setdefault(struct domcfg_config *cfg, char **err)
{
	struct domcfg_c_info *c = &cfg->c_info;
	int rc;

	if (err)
		*err = NULL;
	if (!c->name || !*c->name)
		return fail(err, "name: every domain needs a name");
	if (c->type == DOMCFG_TYPE_INVALID)
		c->type = DOMCFG_TYPE_PV;
	cfg->b_info.type = c->type;
	if (!memcmp(c->uuid, (domcfg_uuid){ 0 }, sizeof(c->uuid)))
		uuid_generate_random(c->uuid);
	if (c->type != DOMCFG_TYPE_HVM && !cfg->b_info.kernel && !cfg->b_info.bootloader)
		return fail(err, "kernel: a PV or PVH guest needs a kernel (or a bootloader)");
	rc = memory_default(&cfg->b_info, err);
	if (rc == 0)
		rc = vcpus_default(&cfg->b_info);
	if (rc == 0 && c->type == DOMCFG_TYPE_HVM)
		rc = hvm_default(&cfg->b_info);
	if (rc == 0)
		rc = devices_default(cfg);
	return rc;
}
