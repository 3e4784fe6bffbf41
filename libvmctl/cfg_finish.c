/* cfg_finish: what xl works out from several keys together, after every
 * key has been read. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvmctl/cfg_xl.h"

/* cmdline wins; otherwise "root=<root> <extra>", "root=<root>" or extra. */
static int finish_cmdline(struct cfg_conv *c)
{
	struct cfg_setting *root = cfg_tree_find(c->tree, "root");
	struct cfg_setting *extra = cfg_tree_find(c->tree, "extra");
	struct domcfg_b_info *b = &c->cfg->b_info;
	char *line = NULL;
	int r;

	if (!root && !extra)
		return 0;
	if (b->cmdline) {
		cfg_warn(c->msgs, &(root ? root : extra)->pos, root ? "root" : "extra",
			 "ignored because cmdline is set");
		return 0;
	}
	if (root && extra)
		r = asprintf(&line, "root=%s %s", root->value->str, extra->value->str);
	else if (root)
		r = asprintf(&line, "root=%s", root->value->str);
	else
		r = asprintf(&line, "%s", extra->value->str);
	if (r < 0)
		return -ENOMEM;
	b->cmdline = line;
	return 0;
}

static int finish_memory(struct cfg_conv *c)
{
	struct domcfg_b_info *b = &c->cfg->b_info;
	struct cfg_setting *maxmem = cfg_tree_find(c->tree, "maxmem");

	if (b->max_memkb == (uint64_t)DOMCFG_MEMKB_DEFAULT)
		b->max_memkb = b->target_memkb;
	if (maxmem && b->target_memkb != (uint64_t)DOMCFG_MEMKB_DEFAULT &&
	    b->max_memkb < b->target_memkb)
		return cfg_error(c->msgs, &maxmem->value->pos, "maxmem",
				 "maxmem (%llu MB) is less than memory (%llu MB)",
				 (unsigned long long)b->max_memkb / 1024,
				 (unsigned long long)b->target_memkb / 1024);
	return 0;
}

static void swap_display(struct domcfg_vfb *f, struct domcfg_hvm *hvm)
{
	struct domcfg_vnc vnc = f->vnc;
	struct domcfg_sdl sdl = f->sdl;
	char *keymap = f->keymap;

	f->vnc = hvm->vnc;
	f->sdl = hvm->sdl;
	f->keymap = hvm->keymap;
	hvm->vnc = vnc;
	hvm->sdl = sdl;
	hvm->keymap = keymap;
}

/* PV and PVH guests have no emulated display: top-level vnc=1 or sdl=1
 * asks for a vfb (and its vkb), as xl does. */
static int finish_display(struct cfg_conv *c)
{
	struct domcfg_config *cfg = c->cfg;
	struct domcfg_hvm *hvm = &cfg->b_info.hvm;
	struct domcfg_vfb *f;
	struct domcfg_vkb *k;

	if (!c->top_display || cfg->c_info.type == DOMCFG_TYPE_HVM)
		return 0;
	if (!domcfg_defbool_val(hvm->vnc.enable, false) &&
	    !domcfg_defbool_val(hvm->sdl.enable, false))
		return 0;
	if (cfg->num_vfbs) {
		cfg_warn(c->msgs, &cfg_tree_find(c->tree, "vfb")->pos, "vfb",
			 "top-level vnc/sdl keys are ignored when vfb= is given");
		return 0;
	}
	f = cfg_array_add(&cfg->vfbs, &cfg->num_vfbs, &type_struct_vfb);
	k = f ? cfg_array_add(&cfg->vkbs, &cfg->num_vkbs, &type_struct_vkb) : NULL;
	if (!k)
		return -ENOMEM;
	f->devid = 0;
	k->devid = cfg->num_vkbs - 1;
	swap_display(f, hvm);
	return 0;
}

/* xl's own defaults for the actions differ from libxl's (all destroy). */
static void finish_actions(struct cfg_conv *c)
{
	if (!cfg_tree_find(c->tree, "on_reboot"))
		c->cfg->on_reboot = DOMCFG_ACTION_RESTART;
	if (!cfg_tree_find(c->tree, "on_soft_reset"))
		c->cfg->on_soft_reset = DOMCFG_ACTION_SOFT_RESET;
}

int cfg_keys_finish(struct cfg_conv *c)
{
	int rc = finish_cmdline(c);

	if (rc == 0)
		rc = finish_memory(c);
	if (rc == 0)
		rc = finish_display(c);
	if (rc == 0)
		finish_actions(c);
	return rc;
}
