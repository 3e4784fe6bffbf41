/* cfg_devlist: the device lists of xl.cfg (disk=, vif=, vfb=, vkb=) and
 * the top-level display keys (vnc=, sdl=, keymap=, ...). Each list item is a
 * spec string handed to its mini-language parser; errors point at the item. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "libvmctl/cfg_xl.h"

void *cfg_array_add(void *arr, int *count, const struct type_struct *t)
{
	char **p = arr;
	char *n = realloc(*p, (size_t)(*count + 1) * t->size);

	if (!n)
		return NULL;
	*p = n;
	type_init(t, n + (size_t)*count * t->size);
	return n + (size_t)(*count)++ * t->size;
}

typedef int (*spec_fn)(struct cfg_conv *c, const char *spec, char **err,
		       struct domcfg_msgs *warn);

static int item_disk(struct cfg_conv *c, const char *spec, char **err, struct domcfg_msgs *w)
{
	struct domcfg_config *cfg = c->cfg;
	struct domcfg_disk *d = cfg_array_add(&cfg->disks, &cfg->num_disks, &type_struct_disk);

	return d ? domcfg_disk_parse(d, spec, err) : -ENOMEM;
}

/* A NIC's devid is its index in the list, as in xl. */
static int item_vif(struct cfg_conv *c, const char *spec, char **err, struct domcfg_msgs *w)
{
	struct domcfg_config *cfg = c->cfg;
	struct domcfg_nic *n = cfg_array_add(&cfg->nics, &cfg->num_nics, &type_struct_nic);

	if (!n)
		return -ENOMEM;
	n->devid = cfg->num_nics - 1;
	return domcfg_nic_parse(n, spec, err, w);
}

static struct domcfg_vkb *add_vkb(struct domcfg_config *cfg)
{
	struct domcfg_vkb *k = cfg_array_add(&cfg->vkbs, &cfg->num_vkbs, &type_struct_vkb);

	if (k)
		k->devid = cfg->num_vkbs - 1;
	return k;
}

/* xl gives every framebuffer a keyboard/pointer of its own. */
static int item_vfb(struct cfg_conv *c, const char *spec, char **err, struct domcfg_msgs *w)
{
	struct domcfg_config *cfg = c->cfg;
	struct domcfg_vfb *f = cfg_array_add(&cfg->vfbs, &cfg->num_vfbs, &type_struct_vfb);

	if (!f || !add_vkb(cfg))
		return -ENOMEM;
	f->devid = cfg->num_vfbs - 1;
	return domcfg_vfb_parse(f, spec, err, w);
}

static int item_vkb(struct cfg_conv *c, const char *spec, char **err, struct domcfg_msgs *w)
{
	struct domcfg_vkb *k = add_vkb(c->cfg);

	return k ? domcfg_vkb_parse(k, spec, err, w) : -ENOMEM;
}

/* Parse one list item, re-issuing the parser's messages at its position. */
static int list_item(struct cfg_conv *c, struct cfg_setting *s, const struct cfg_value *v,
		     spec_fn fn)
{
	struct domcfg_msgs w;
	char *err = NULL;
	int rc;

	if (v->kind == CFG_LIST)
		return cfg_error(c->msgs, &v->pos, s->key,
				 "expected a device spec string, found a list");
	domcfg_msgs_init(&w);
	rc = fn(c, v->str, &err, &w);
	for (size_t i = 0; i < w.num_warnings; i++)
		cfg_warn(c->msgs, &v->pos, s->key, "%s", w.warnings[i]);
	if (rc == -EINVAL)
		cfg_error(c->msgs, &v->pos, s->key, "%s", err ? err : "invalid spec");
	free(err);
	domcfg_msgs_dispose(&w);
	return rc;
}

static int device_list(struct cfg_conv *c, struct cfg_setting *s, spec_fn fn)
{
	int rc = 0;

	if (s->value->kind != CFG_LIST)
		return cfg_error(c->msgs, &s->value->pos, s->key,
				 "expected a list of device specs, e.g. [ \"...\" ]");
	for (size_t i = 0; rc == 0 && i < s->value->n; i++)
		rc = list_item(c, s, s->value->items[i], fn);
	return rc;
}

int cfg_key_disk(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	return device_list(c, s, item_disk);
}

int cfg_key_vif(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	return device_list(c, s, item_vif);
}

int cfg_key_vfb(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	return device_list(c, s, item_vfb);
}

int cfg_key_vkb(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	return device_list(c, s, item_vkb);
}

/* ---- top-level display keys ---- */

enum disp_kind { DISP_DEFBOOL, DISP_STRING, DISP_INT };

/* They land in b_info.hvm's vnc/sdl/keymap; for PV guests
 * cfg_keys_finish() moves them into a vfb. */
static const struct { const char *key; enum disp_kind kind; size_t off; } disp_keys[] = {
	{ "vnc", DISP_DEFBOOL, offsetof(struct domcfg_hvm, vnc.enable) },
	{ "vnclisten", DISP_STRING, offsetof(struct domcfg_hvm, vnc.listen) },
	{ "vncpasswd", DISP_STRING, offsetof(struct domcfg_hvm, vnc.passwd) },
	{ "vncdisplay", DISP_INT, offsetof(struct domcfg_hvm, vnc.display) },
	{ "vncunused", DISP_DEFBOOL, offsetof(struct domcfg_hvm, vnc.findunused) },
	{ "sdl", DISP_DEFBOOL, offsetof(struct domcfg_hvm, sdl.enable) },
	{ "opengl", DISP_DEFBOOL, offsetof(struct domcfg_hvm, sdl.opengl) },
	{ "display", DISP_STRING, offsetof(struct domcfg_hvm, sdl.display) },
	{ "xauthority", DISP_STRING, offsetof(struct domcfg_hvm, sdl.xauthority) },
	{ "keymap", DISP_STRING, offsetof(struct domcfg_hvm, keymap) },
};

int cfg_key_display(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	char *hvm = (char *)&c->cfg->b_info.hvm;
	const char *str;
	long long x;
	bool b;
	int rc = -EINVAL;

	c->top_display = true;
	for (size_t i = 0; i < ARRAY_SIZE(disp_keys); i++) {
		void *dst = hvm + disp_keys[i].off;

		if (strcmp(disp_keys[i].key, s->key) != 0)
			continue;
		if (disp_keys[i].kind == DISP_DEFBOOL && (rc = cfg_get_bool(c, s, &b)) == 0)
			domcfg_defbool_set(dst, b);
		else if (disp_keys[i].kind == DISP_INT &&
			 (rc = cfg_get_number(c, s, s->value, 0, 59635, &x)) == 0)
			*(int *)dst = (int)x;
		else if (disp_keys[i].kind == DISP_STRING && (rc = cfg_get_string(c, s, &str)) == 0)
			rc = cfg_set_string(dst, str);
		break;
	}
	return rc;
}
