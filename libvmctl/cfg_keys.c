/* cfg_keys: the xl.cfg keys that need more than a store into one field,
 * and the work done once all keys are read. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "common/util.h"
#include "libvmctl/cfg_write.h"

static void set_type(struct cfg_conv *c, enum domcfg_domain_type t)
{
	c->cfg->c_info.type = t;
	c->cfg->b_info.type = t;
}

/* xl compares with strncmp(value, name, strlen(value)) in the order hvm,
 * pv, pvh: so any prefix selects, "p" is pv and "" is hvm. Kept, with a
 * warning when the value is not spelt out. */
int cfg_key_type(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	static const struct { const char *name; enum domcfg_domain_type t; } types[] = {
		{ "hvm", DOMCFG_TYPE_HVM }, { "pv", DOMCFG_TYPE_PV }, { "pvh", DOMCFG_TYPE_PVH },
	};
	const char *v;
	int rc = cfg_get_string(c, s, &v);

	for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(types); i++) {
		if (strncmp(v, types[i].name, strlen(v)) != 0)
			continue;
		if (strcmp(v, types[i].name) != 0)
			cfg_warn(c->msgs, &s->value->pos, s->key,
				 "'%s' taken as '%s' (xl matches prefixes)", v, types[i].name);
		set_type(c, types[i].t);
		return 0;
	}
	return rc ? rc : cfg_error(c->msgs, &s->value->pos, s->key,
				   "unknown guest type '%s' (pv, pvh or hvm)", v);
}

int cfg_key_builder(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	struct cfg_setting *type = cfg_tree_find(c->tree, "type");
	enum domcfg_domain_type t;
	const char *v;
	int rc = cfg_get_string(c, s, &v);

	if (rc)
		return rc;
	if (strcmp(v, "hvm") == 0)
		t = DOMCFG_TYPE_HVM;
	else if (strcmp(v, "generic") == 0)
		t = DOMCFG_TYPE_PV;
	else
		return cfg_error(c->msgs, &s->value->pos, s->key,
				 "unknown builder '%s' (hvm or generic)", v);
	if (type && c->cfg->c_info.type != t)
		return cfg_error(c->msgs, &s->value->pos, s->key,
				 "builder=\"%s\" contradicts type=\"%s\"", v, type->value->str);
	cfg_warn(c->msgs, &s->pos, s->key, "deprecated; use type=\"%s\"",
		 t == DOMCFG_TYPE_HVM ? "hvm" : "pv");
	set_type(c, t);
	return 0;
}

int cfg_key_uuid(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	const char *v;
	int rc = cfg_get_string(c, s, &v);

	if (rc == 0 && uuid_parse(v, c->cfg->c_info.uuid))
		rc = cfg_error(c->msgs, &s->value->pos, s->key, "'%s' is not a UUID", v);
	return rc;
}

/* The vCPU limit of a domain (HVM_MAX_VCPUS in Xen). */
#define CFG_MAX_VCPUS 128

int cfg_key_vcpus(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	struct domcfg_b_info *b = &c->cfg->b_info;
	long long n;
	int rc = cfg_get_number(c, s, s->value, 1, CFG_MAX_VCPUS, &n);

	free(b->avail_vcpus.map);
	b->avail_vcpus = (struct domcfg_bitmap){ 0 };
	for (long long i = 0; rc == 0 && i < n; i++)
		rc = domcfg_bitmap_set(&b->avail_vcpus, (uint32_t)i);
	if (rc == 0)
		b->max_vcpus = (int)n;
	return rc;
}

int cfg_key_maxvcpus(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	long long n;
	int rc = cfg_get_number(c, s, s->value, 1, CFG_MAX_VCPUS, &n);

	if (rc == 0 && n < c->cfg->b_info.max_vcpus)
		rc = cfg_error(c->msgs, &s->value->pos, s->key,
			       "maxvcpus (%lld) is less than vcpus (%d)", n,
			       c->cfg->b_info.max_vcpus);
	if (rc == 0)
		c->cfg->b_info.max_vcpus = (int)n;
	return rc;
}

/* One item of a CPU list: "N", "N-M", "all", each optionally "^"-negated. */
static int cpus_item(struct cfg_conv *c, struct cfg_setting *s, const struct cfg_value *v,
		     const char *item, struct domcfg_bitmap *bm)
{
	bool neg = item[0] == '^';
	unsigned long lo, hi;
	char *end;

	item += neg;
	if (strcmp(item, "all") == 0) {
		lo = 0;
		hi = 127;
	} else {
		lo = hi = strtoul(item, &end, 10);
		if (end != item && *end == '-')
			hi = strtoul(end + 1, &end, 10);
		if (end == item || *end || hi < lo || hi > 4095 || item[0] == '-')
			return cfg_error(c->msgs, &v->pos, s->key, "invalid CPU list item '%s'",
					 item);
	}
	for (unsigned long i = lo; i <= hi; i++) {
		if (!neg && domcfg_bitmap_set(bm, (uint32_t)i))
			return -ENOMEM;
		if (neg && i < bm->size)
			bm->map[i / 8] &= (uint8_t)~(1u << (i % 8));
	}
	return 0;
}

static int cpus_string(struct cfg_conv *c, struct cfg_setting *s, const struct cfg_value *v,
		       struct domcfg_bitmap *bm)
{
	char *copy = strdup(v->str), *save = NULL, *tok;
	int rc = copy ? 0 : -ENOMEM;

	for (tok = copy ? strtok_r(copy, ",", &save) : NULL; rc == 0 && tok;
	     tok = strtok_r(NULL, ",", &save))
		rc = cpus_item(c, s, v, tok + strspn(tok, " "), bm);
	free(copy);
	return rc;
}

/* cpus="0-3,^1" or cpus=["2", "3"]: all vCPUs may run on those CPUs.
 * (xl can also give each vCPU its own list; vmctl keeps one map.) */
int cfg_key_cpus(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	struct domcfg_bitmap *bm = &c->cfg->b_info.cpumap;
	const struct cfg_value *v = s->value;
	int rc = 0;

	if (v->kind != CFG_LIST)
		return cpus_string(c, s, v, bm);
	for (size_t i = 0; rc == 0 && i < v->n; i++) {
		if (v->items[i]->kind == CFG_LIST)
			return cfg_error(c->msgs, &v->items[i]->pos, s->key,
					 "expected a CPU list string, found a list");
		rc = cpus_string(c, s, v->items[i], bm);
	}
	return rc;
}

/* xl's spellings of the shutdown actions; libxl's (with '_') also work. */
static const struct { const char *name; enum domcfg_action_on_shutdown a; } xl_actions[] = {
	{ "destroy", DOMCFG_ACTION_DESTROY },
	{ "restart", DOMCFG_ACTION_RESTART },
	{ "rename-restart", DOMCFG_ACTION_RESTART_RENAME },
	{ "preserve", DOMCFG_ACTION_PRESERVE },
	{ "coredump-destroy", DOMCFG_ACTION_COREDUMP_DESTROY },
	{ "coredump-restart", DOMCFG_ACTION_COREDUMP_RESTART },
	{ "soft-reset", DOMCFG_ACTION_SOFT_RESET },
};

static enum domcfg_action_on_shutdown *action_field(struct domcfg_config *cfg, const char *key)
{
	if (strcmp(key, "on_poweroff") == 0)
		return &cfg->on_poweroff;
	if (strcmp(key, "on_reboot") == 0)
		return &cfg->on_reboot;
	if (strcmp(key, "on_watchdog") == 0)
		return &cfg->on_watchdog;
	if (strcmp(key, "on_crash") == 0)
		return &cfg->on_crash;
	return &cfg->on_soft_reset;
}

int cfg_key_action(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	enum domcfg_action_on_shutdown *dst = action_field(c->cfg, s->key);
	const char *v;
	int rc = cfg_get_string(c, s, &v);

	for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(xl_actions); i++) {
		if (strcmp(v, xl_actions[i].name) == 0) {
			*dst = xl_actions[i].a;
			return 0;
		}
	}
	if (rc == 0 && domcfg_action_on_shutdown_from_string(v, dst) != 0)
		rc = cfg_error(c->msgs, &s->value->pos, s->key,
			       "unknown action '%s' (destroy, restart, rename-restart, preserve, "
			       "coredump-destroy, coredump-restart, soft-reset)", v);
	return rc;
}

int cfg_key_noop(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	return cfg_get_string(c, s, &(const char *){ NULL });
}

/* HVM: bios|uefi|seabios|rombios|ovmf select the firmware, anything else is
 * a path to it. PV: pvgrub32/pvgrub64 need a PV GRUB that vmctl does not ship. */
int cfg_key_firmware(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	struct domcfg_hvm *hvm = &c->cfg->b_info.hvm;
	const char *v;
	int rc = cfg_get_string(c, s, &v);

	if (rc)
		return rc;
	if (c->cfg->c_info.type != DOMCFG_TYPE_HVM) {
		cfg_warn(c->msgs, &s->pos, s->key, "PV firmware '%s' is not supported by vmctl; "
			 "ignored", v);
		return 0;
	}
	if (strcmp(v, "bios") == 0)
		return 0;
	if (strcmp(v, "uefi") == 0)
		v = "ovmf";
	if (domcfg_bios_type_from_string(v, &hvm->bios) == 0 && hvm->bios != DOMCFG_BIOS_UNKNOWN)
		return 0;
	return cfg_set_string(&hvm->system_firmware, v);
}

static const struct { const char *name; enum domcfg_vga_interface_type t; } vgas[] = {
	{ "stdvga", DOMCFG_VGA_STD }, { "cirrus", DOMCFG_VGA_CIRRUS },
	{ "none", DOMCFG_VGA_NONE }, { "qxl", DOMCFG_VGA_QXL },
};

int cfg_key_vga(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	struct domcfg_vga *vga = &c->cfg->b_info.hvm.vga;
	const char *v;
	bool b;
	int rc;

	if (strcmp(s->key, "stdvga") == 0) {
		rc = cfg_get_bool(c, s, &b);
		if (rc == 0 && cfg_tree_find(c->tree, "vga"))
			cfg_warn(c->msgs, &s->pos, s->key, "ignored because vga= is set");
		else if (rc == 0)
			vga->kind = b ? DOMCFG_VGA_STD : DOMCFG_VGA_CIRRUS;
		return rc;
	}
	rc = cfg_get_string(c, s, &v);
	for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(vgas); i++) {
		if (strcmp(v, vgas[i].name) == 0) {
			vga->kind = vgas[i].t;
			return 0;
		}
	}
	return rc ? rc : cfg_error(c->msgs, &s->value->pos, s->key,
				   "unknown vga '%s' (stdvga, cirrus, none, qxl)", v);
}

/* timer_mode, tsc_mode, altp2m: libxl's name, or (deprecated) its number. */
static int *numeric_enum_field(struct domcfg_config *cfg, const char *key,
			       const struct type_enum **en)
{
	struct domcfg_b_info *b = &cfg->b_info;

	if (strcmp(key, "tsc_mode") == 0) {
		*en = &type_enum_tsc_mode;
		return (int *)&b->tsc_mode;
	}
	if (strcmp(key, "altp2m") == 0) {
		*en = &type_enum_altp2m_mode;
		return (int *)&b->altp2m;
	}
	*en = &type_enum_timer_mode;
	return (int *)&b->timer_mode;
}

int cfg_key_numeric_enum(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	const struct type_enum *en;
	int *dst = numeric_enum_field(c->cfg, s->key, &en), v;
	long long x;

	if (s->value->kind == CFG_LIST)
		return cfg_error(c->msgs, &s->value->pos, s->key,
				 "expected a name or a number, found a list");
	if (type_enum_value(en, s->value->str, &v) == 0) {
		*dst = v;
		return 0;
	}
	if (s->value->kind != CFG_NUMBER)
		return cfg_error(c->msgs, &s->value->pos, s->key, "unknown value '%s'",
				 s->value->str);
	if (cfg_get_number(c, s, s->value, 0, INT_MAX, &x))
		return -EINVAL;
	if (!type_enum_name(en, (int)x))
		return cfg_error(c->msgs, &s->value->pos, s->key, "unknown value %lld", x);
	cfg_warn(c->msgs, &s->value->pos, s->key, "numeric value is deprecated; use \"%s\"",
		 type_enum_name(en, (int)x));
	*dst = (int)x;
	return 0;
}

/* Kept in the config (libxl has it), but vmctl offers no Hyper-V
 * enlightenments, so turning them on is worth a word. */
int cfg_key_viridian(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	bool b;
	int rc = cfg_get_bool(c, s, &b);

	if (rc == 0)
		domcfg_defbool_set(&c->cfg->b_info.hvm.viridian, b);
	if (rc == 0 && b)
		cfg_warn(c->msgs, &s->pos, s->key, "Hyper-V enlightenments are not supported "
			 "by vmctl; the guest runs without them");
	return rc;
}

int cfg_key_serial(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	struct domcfg_hvm *hvm = &c->cfg->b_info.hvm;

	if (s->value->kind == CFG_LIST)
		return cfg_get_strlist(c, s, &hvm->serial_list);
	return cfg_set_string(&hvm->serial, s->value->str);
}

int cfg_key_usbdevice(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	struct domcfg_hvm *hvm = &c->cfg->b_info.hvm;

	if (s->value->kind == CFG_LIST)
		return cfg_get_strlist(c, s, &hvm->usbdevice_list);
	return cfg_set_string(&hvm->usbdevice, s->value->str);
}

int cfg_key_dm_version(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	const char *v;
	int rc = cfg_get_string(c, s, &v);

	if (rc == 0 && strcmp(v, "qemu-xen") == 0)
		c->cfg->b_info.device_model_version = DOMCFG_DM_QEMU_XEN;
	else if (rc == 0 && strcmp(v, "qemu-xen-traditional") == 0)
		rc = cfg_error(c->msgs, &s->value->pos, s->key,
			       "qemu-xen-traditional is no longer supported; use qemu-xen");
	else if (rc == 0)
		rc = cfg_error(c->msgs, &s->value->pos, s->key,
			       "unknown device model version '%s' (qemu-xen)", v);
	return rc;
}

/* ---- the writers: each the inverse of the handler above it ---- */

int cfg_key_type_write(struct cfg_writer *w, const struct cfg_key *k)
{
	const char *t = domcfg_domain_type_to_string(w->cfg->c_info.type);

	if (t && w->cfg->c_info.type != DOMCFG_TYPE_INVALID)
		cfg_write_string(w, k->name, t);
	return 0;
}

int cfg_key_builder_write(struct cfg_writer *w, const struct cfg_key *k)
{
	return 0;       /* type= says it */
}

int cfg_key_uuid_write(struct cfg_writer *w, const struct cfg_key *k)
{
	char s[37];

	if (uuid_is_null(w->cfg->c_info.uuid))
		return 0;
	uuid_unparse_lower(w->cfg->c_info.uuid, s);
	cfg_write_string(w, k->name, s);
	return 0;
}

/* vcpus=N means vCPUs 0..N-1 online. */
static int online_vcpus(const struct domcfg_bitmap *bm)
{
	int n = 0;

	for (uint32_t i = 0; i < bm->size; i++)
		n += domcfg_bitmap_test(bm, i);
	return n;
}

int cfg_key_vcpus_write(struct cfg_writer *w, const struct cfg_key *k)
{
	const struct domcfg_bitmap *bm = &w->cfg->b_info.avail_vcpus;
	int n = online_vcpus(bm);

	if (n == 0)
		return 0;
	for (int i = 0; i < n; i++)
		if (!domcfg_bitmap_test(bm, (uint32_t)i))
			cfg_warn(w->msgs, NULL, k->name, "online vCPUs are not 0..%d; "
				 "written as vcpus = %d", n - 1, n);
	fprintf(w->out, "%s = %d\n", k->name, n);
	return 0;
}

int cfg_key_maxvcpus_write(struct cfg_writer *w, const struct cfg_key *k)
{
	int max = w->cfg->b_info.max_vcpus;

	if (max > 0 && max != online_vcpus(&w->cfg->b_info.avail_vcpus))
		fprintf(w->out, "%s = %d\n", k->name, max);
	return 0;
}

int cfg_key_cpus_write(struct cfg_writer *w, const struct cfg_key *k)
{
	const struct domcfg_bitmap *bm = &w->cfg->b_info.cpumap;
	char *s = cfg_bitmap_format(bm);

	if (!s)
		return -ENOMEM;
	if (*s)
		cfg_write_string(w, k->name, s);
	free(s);
	return 0;
}

/* What the parser leaves in an action whose key is absent (cfg_finish.c). */
static enum domcfg_action_on_shutdown action_absent(const char *key)
{
	if (strcmp(key, "on_reboot") == 0)
		return DOMCFG_ACTION_RESTART;
	if (strcmp(key, "on_soft_reset") == 0)
		return DOMCFG_ACTION_SOFT_RESET;
	return DOMCFG_ACTION_DESTROY;
}

int cfg_key_action_write(struct cfg_writer *w, const struct cfg_key *k)
{
	enum domcfg_action_on_shutdown a =
		*action_field((struct domcfg_config *)w->cfg, k->name);

	if (a == action_absent(k->name))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(xl_actions); i++)
		if (xl_actions[i].a == a)
			cfg_write_string(w, k->name, xl_actions[i].name);
	return 0;
}

int cfg_key_noop_write(struct cfg_writer *w, const struct cfg_key *k)
{
	return 0;       /* root/extra: cmdline is written instead */
}

int cfg_key_firmware_write(struct cfg_writer *w, const struct cfg_key *k)
{
	return 0;       /* bios= and bios_path_override= hold what it sets */
}

int cfg_key_vga_write(struct cfg_writer *w, const struct cfg_key *k)
{
	enum domcfg_vga_interface_type t = w->cfg->b_info.hvm.vga.kind;

	if (strcmp(k->name, "vga") != 0 || t == DOMCFG_VGA_UNKNOWN)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(vgas); i++)
		if (vgas[i].t == t)
			cfg_write_string(w, k->name, vgas[i].name);
	return 0;
}

int cfg_key_numeric_enum_write(struct cfg_writer *w, const struct cfg_key *k)
{
	const struct type_enum *en;
	int v = *numeric_enum_field((struct domcfg_config *)w->cfg, k->name, &en);
	int d = *numeric_enum_field(&w->dflt, k->name, &en);

	if (v != d && type_enum_name(en, v))
		cfg_write_string(w, k->name, type_enum_name(en, v));
	return 0;
}

/* A key that is a string or a list of strings (serial=, usbdevice=). */
static int write_str_or_list(struct cfg_writer *w, const struct cfg_key *k, const char *s,
			     char *const *l)
{
	if (s && l)
		cfg_warn(w->msgs, NULL, k->name, "both a string and a list; the list is written");
	if (l)
		cfg_write_strlist(w, k->name, l);
	else if (s)
		cfg_write_string(w, k->name, s);
	return 0;
}

int cfg_key_viridian_write(struct cfg_writer *w, const struct cfg_key *k)
{
	domcfg_defbool v = w->cfg->b_info.hvm.viridian;

	if (v != DOMCFG_DEFBOOL_DEFAULT)
		fprintf(w->out, "%s = %d\n", k->name, v == DOMCFG_DEFBOOL_TRUE);
	return 0;
}

int cfg_key_serial_write(struct cfg_writer *w, const struct cfg_key *k)
{
	const struct domcfg_hvm *hvm = &w->cfg->b_info.hvm;

	return write_str_or_list(w, k, hvm->serial, hvm->serial_list);
}

int cfg_key_usbdevice_write(struct cfg_writer *w, const struct cfg_key *k)
{
	const struct domcfg_hvm *hvm = &w->cfg->b_info.hvm;

	return write_str_or_list(w, k, hvm->usbdevice, hvm->usbdevice_list);
}

int cfg_key_dm_version_write(struct cfg_writer *w, const struct cfg_key *k)
{
	switch (w->cfg->b_info.device_model_version) {
	case DOMCFG_DM_UNKNOWN: return 0;
	case DOMCFG_DM_QEMU_XEN:
		cfg_write_string(w, k->name, "qemu-xen");
		return 0;
	default:
		return cfg_error(w->msgs, NULL, k->name, "only qemu-xen can be written");
	}
}
