/* domxml_parse_os: <os>, <features> and <clock> of domain XML. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libvmctl/domxml_parse.h"

/* ---- <os> ---- */

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !c->ns && !strcmp((const char *)c->name, name))
			return c;
	return NULL;
}

/* <type machine='xenpv|xenpvh|xenfv'>linux|xen|xenpvh|hvm</type> */
int dx_os_type(struct dx *p, xmlNodePtr os)
{
	xmlNodePtr t = child(os, "type");
	const char *v = t ? dx_text(p, t) : NULL;
	const char *machine = t ? dx_prop(p, t, "machine") : NULL;
	const char *arch = t ? dx_prop(p, t, "arch") : NULL;
	enum domcfg_domain_type type;

	if (!v)
		return p->oom ? -ENOMEM : dx_error(p, os, "missing <type>");
	if (!strcmp(v, "hvm"))
		type = DOMCFG_TYPE_HVM;
	else if (!strcmp(v, "xenpvh") || ((!strcmp(v, "linux") || !strcmp(v, "xen")) &&
					  machine && !strcmp(machine, "xenpvh")))
		type = DOMCFG_TYPE_PVH;
	else if (!strcmp(v, "linux") || !strcmp(v, "xen"))
		type = DOMCFG_TYPE_PV;
	else
		return dx_error(p, t, "unknown OS type '%s' (linux, xen, xenpvh or hvm)", v);
	if (arch && strcmp(arch, "x86_64") && strcmp(arch, "i686")) {
		dx_error(p, t, "architecture '%s' is not supported by vmctl (x86_64)", arch);
		return -EOPNOTSUPP;
	}
	p->cfg->c_info.type = p->cfg->b_info.type = type;
	return 0;
}

static int os_type(struct dx *p, xmlNodePtr n)
{
	return 0;       /* read first, by dx_os_type() */
}

/* <loader type='rom'> is hvmloader's place (firmware_override); a
 * 'pflash' loader is OVMF. */
static int os_loader(struct dx *p, xmlNodePtr n)
{
	struct domcfg_hvm *hvm = &p->cfg->b_info.hvm;
	const char *type = dx_prop(p, n, "type");

	if (!dx_only(p, n, CFG_HVM))
		return 0;
	if (type && !strcmp(type, "pflash")) {
		hvm->bios = DOMCFG_BIOS_OVMF;
		return dx_set(p, &hvm->system_firmware, dx_text(p, n));
	}
	return dx_set(p, &hvm->firmware, dx_text(p, n));
}

static int os_kernel(struct dx *p, xmlNodePtr n)
{
	return dx_set(p, &p->cfg->b_info.kernel, dx_text(p, n));
}

static int os_initrd(struct dx *p, xmlNodePtr n)
{
	return dx_set(p, &p->cfg->b_info.ramdisk, dx_text(p, n));
}

static int os_cmdline(struct dx *p, xmlNodePtr n)
{
	return dx_set(p, &p->cfg->b_info.cmdline, dx_text(p, n));
}

/* Each <boot dev=...> adds its letter to xl's boot= string. */
static int os_boot(struct dx *p, xmlNodePtr n)
{
	struct domcfg_hvm *hvm = &p->cfg->b_info.hvm;
	const char *dev = dx_prop(p, n, "dev");
	size_t len = hvm->boot ? strlen(hvm->boot) : 0;
	char *s;
	int v;

	if (!dx_only(p, n, CFG_HVM))
		return 0;
	if (!dev || domxml_value_of(domxml_boot_devs, dev, &v))
		return dx_error(p, n, "unknown boot device '%s' (hd, cdrom, network, fd)",
				dev ? dev : "");
	if (len >= 8)
		return dx_error(p, n, "too many boot devices");
	s = realloc(hvm->boot, len + 2);
	if (!s)
		return -ENOMEM;
	s[len] = (char)v;
	s[len + 1] = '\0';
	hvm->boot = s;
	return 0;
}

static const struct dx_elem os_elems[] = {
	{ "type", os_type }, { "loader", os_loader }, { "kernel", os_kernel },
	{ "initrd", os_initrd }, { "cmdline", os_cmdline }, { "boot", os_boot },
	{ NULL, NULL },
};

static const char *const os_skip[] = {
	"nvram", "bootmenu", "smbios", "bios", "dtb", "acpi", "init", "initarg", "initenv",
	"initdir", "inituser", "initgroup", "root", "firmware", NULL,
};

int dx_os(struct dx *p, xmlNodePtr n)
{
	return dx_children(p, n, os_elems, os_skip);
}

/* ---- <features> ---- */

static domcfg_defbool *feature_field(struct dx *p, const char *name)
{
	struct domcfg_b_info *b = &p->cfg->b_info;

	if (!strcmp(name, "pae"))
		return &b->hvm.pae;
	if (!strcmp(name, "acpi"))
		return &b->acpi;
	if (!strcmp(name, "apic"))
		return &b->apic;
	return &b->hvm.viridian;
}

/* Present means on (libvirt has no "off" for these). */
static int feat_flag(struct dx *p, xmlNodePtr n)
{
	unsigned types = !strcmp((const char *)n->name, "acpi") ? CFG_HVM | CFG_PVH : CFG_HVM;

	if (!dx_only(p, n, types))
		return 0;
	domcfg_defbool_set(feature_field(p, (const char *)n->name), true);
	if (!strcmp((const char *)n->name, "viridian"))
		dx_warn(p, n, "Hyper-V enlightenments are not supported by vmctl; "
			"the guest runs without them");
	return 0;
}

/* state='on|off', on when absent (libvirt's featurestate). */
static int feat_state(struct dx *p, xmlNodePtr n, domcfg_defbool *dst)
{
	const char *s = dx_prop(p, n, "state");

	if (s && strcmp(s, "on") && strcmp(s, "off"))
		return dx_error(p, n, "state must be 'on' or 'off', not '%s'", s);
	domcfg_defbool_set(dst, !s || !strcmp(s, "on"));
	return 0;
}

static int feat_hap(struct dx *p, xmlNodePtr n)
{
	return dx_only(p, n, CFG_HVM | CFG_PVH) ? feat_state(p, n, &p->cfg->c_info.hap) : 0;
}

static int xen_e820_host(struct dx *p, xmlNodePtr n)
{
	return dx_only(p, n, CFG_PV) ? feat_state(p, n, &p->cfg->b_info.pv.e820_host) : 0;
}

static const struct dx_elem xen_feature_elems[] = {
	{ "e820_host", xen_e820_host }, { NULL, NULL },
};

static const char *const xen_feature_skip[] = { "passthrough", NULL };

static int feat_xen(struct dx *p, xmlNodePtr n)
{
	return dx_children(p, n, xen_feature_elems, xen_feature_skip);
}

static const struct dx_elem feature_elems[] = {
	{ "pae", feat_flag }, { "acpi", feat_flag }, { "apic", feat_flag },
	{ "viridian", feat_flag }, { "hap", feat_hap }, { "xen", feat_xen },
	{ NULL, NULL },
};

static const char *const feature_skip[] = {
	"hyperv", "kvm", "pvspinlock", "privnet", "vmport", "gic", "smm", "ioapic", "hpt",
	"vmcoreinfo", "htm", "nested-hv", "ccf-assist", "msrs", "cfpc", "sbbc", "ibs",
	"tcg", "async-teardown", "pmu", "vmcoreinfo", NULL,
};

int dx_features(struct dx *p, xmlNodePtr n)
{
	return dx_children(p, n, feature_elems, feature_skip);
}

/* ---- <clock> ---- */

static int clock_timer(struct dx *p, xmlNodePtr n)
{
	const char *name = dx_prop(p, n, "name"), *present = dx_prop(p, n, "present");

	if (!name || strcmp(name, "hpet")) {
		dx_warn(p, n, "timer '%s' is not supported by vmctl; ignored", name ? name : "");
		return 0;
	}
	if (!dx_only(p, n, CFG_HVM))
		return 0;
	if (present && strcmp(present, "yes") && strcmp(present, "no"))
		return dx_error(p, n, "present must be 'yes' or 'no'");
	domcfg_defbool_set(&p->cfg->b_info.hvm.hpet, !present || !strcmp(present, "yes"));
	return 0;
}

static const struct dx_elem clock_elems[] = { { "timer", clock_timer }, { NULL, NULL } };

/* offset='utc|localtime', or 'variable' with adjustment= seconds and
 * basis='utc|localtime' (xl's rtc_timeoffset and localtime). */
int dx_clock(struct dx *p, xmlNodePtr n)
{
	struct domcfg_b_info *b = &p->cfg->b_info;
	const char *offset = dx_prop(p, n, "offset"), *basis = dx_prop(p, n, "basis");
	const char *adj = dx_prop(p, n, "adjustment");
	long long x;
	int rc;

	if (!dx_only(p, n, CFG_HVM))
		return 0;
	if (!offset || !strcmp(offset, "utc") || !strcmp(offset, "localtime")) {
		domcfg_defbool_set(&b->localtime, offset && !strcmp(offset, "localtime"));
	} else if (!strcmp(offset, "variable")) {
		rc = dx_number(p, n, "adjustment", adj ? adj : "0", INT32_MIN, INT32_MAX, &x);
		if (rc)
			return rc;
		b->rtc_timeoffset = (uint32_t)(int32_t)x;
		if (basis)
			domcfg_defbool_set(&b->localtime, !strcmp(basis, "localtime"));
	} else {
		dx_warn(p, n, "offset '%s' is not supported by vmctl; ignored", offset);
	}
	return dx_children(p, n, clock_elems, NULL);
}
