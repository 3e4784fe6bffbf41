/* cfg_devlist: the device lists of xl.cfg (disk=, vif=, vfb=, vkb=) and
 * the top-level display keys (vnc=, sdl=, keymap=, ...). Each list item is a
 * spec string handed to its mini-language parser; errors point at the item. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "libvmctl/cfg_spec.h"
#include "libvmctl/cfg_write.h"

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

/* ---- the writers ---- */

typedef int (*dev_fmt_fn)(const struct domcfg_config *cfg, int i, FILE *out, char **err);

/* key = [ "spec", ... ] for items first..n-1; nothing for no items. */
static int write_devlist(struct cfg_writer *w, const struct cfg_key *k, int first, int n,
			 dev_fmt_fn fn)
{
	char *spec = NULL, *err = NULL;
	size_t len = 0;
	int rc = 0;

	if (first >= n)
		return 0;
	fprintf(w->out, "%s = [\n", k->name);
	for (int i = first; rc == 0 && i < n; i++) {
		FILE *f = open_memstream(&spec, &len);

		if (!f)
			return -ENOMEM;
		rc = fn(w->cfg, i, f, &err);
		if (fclose(f) != 0 && rc == 0)
			rc = -ENOMEM;
		if (rc == 0) {
			fputs("    ", w->out);
			cfg_write_quoted(w->out, spec);
			fputs(",\n", w->out);
		}
		free(spec);
		spec = NULL;
	}
	fputs("]\n", w->out);
	if (rc == -EINVAL)
		cfg_error(w->msgs, NULL, k->name, "%s", err ? err : "cannot be written");
	free(err);
	return rc;
}

static int disk_fmt(const struct domcfg_config *cfg, int i, FILE *out, char **err)
{
	return cfg_disk_format(&cfg->disks[i], out, err);
}

static int nic_fmt(const struct domcfg_config *cfg, int i, FILE *out, char **err)
{
	return cfg_nic_format(&cfg->nics[i], i, out, err);
}

static int vfb_fmt(const struct domcfg_config *cfg, int i, FILE *out, char **err)
{
	return cfg_vfb_format(&cfg->vfbs[i], out, err);
}

static int vkb_fmt(const struct domcfg_config *cfg, int i, FILE *out, char **err)
{
	return cfg_vkb_format(&cfg->vkbs[i], out, err);
}

int cfg_key_disk_write(struct cfg_writer *w, const struct cfg_key *k)
{
	return write_devlist(w, k, 0, w->cfg->num_disks, disk_fmt);
}

int cfg_key_vif_write(struct cfg_writer *w, const struct cfg_key *k)
{
	return write_devlist(w, k, 0, w->cfg->num_nics, nic_fmt);
}

int cfg_key_vfb_write(struct cfg_writer *w, const struct cfg_key *k)
{
	return write_devlist(w, k, 0, w->cfg->num_vfbs, vfb_fmt);
}

/* Each vfb brings its own vkb (item_vfb), so only the ones after those
 * are written; the vfbs' own cannot carry settings. */
int cfg_key_vkb_write(struct cfg_writer *w, const struct cfg_key *k)
{
	int own = w->cfg->num_vfbs < w->cfg->num_vkbs ? w->cfg->num_vfbs : w->cfg->num_vkbs;
	char *spec = NULL;
	size_t len = 0;

	for (int i = 0; i < own; i++) {
		FILE *f = open_memstream(&spec, &len);

		if (!f)
			return -ENOMEM;
		cfg_vkb_format(&w->cfg->vkbs[i], f, NULL);
		fclose(f);
		if (spec && *spec)
			cfg_warn(w->msgs, NULL, k->name, "the settings of vfb %d's keyboard (%s) "
				 "cannot be written", i, spec);
		free(spec);
		spec = NULL;
	}
	return write_devlist(w, k, own, w->cfg->num_vkbs, vkb_fmt);
}

int cfg_key_display_write(struct cfg_writer *w, const struct cfg_key *k)
{
	const char *hvm = (const char *)&w->cfg->b_info.hvm;

	for (size_t i = 0; i < ARRAY_SIZE(disp_keys); i++) {
		const void *p = hvm + disp_keys[i].off;

		if (strcmp(disp_keys[i].key, k->name) != 0)
			continue;
		if (disp_keys[i].kind == DISP_DEFBOOL &&
		    *(const domcfg_defbool *)p != DOMCFG_DEFBOOL_DEFAULT)
			fprintf(w->out, "%s = %d\n", k->name,
				*(const domcfg_defbool *)p == DOMCFG_DEFBOOL_TRUE);
		else if (disp_keys[i].kind == DISP_INT && *(const int *)p)
			fprintf(w->out, "%s = %d\n", k->name, *(const int *)p);
		else if (disp_keys[i].kind == DISP_STRING && *(char *const *)p)
			cfg_write_string(w, k->name, *(char *const *)p);
	}
	return 0;
}
