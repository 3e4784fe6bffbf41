/* cfg_vfb: the vfb and vkb specs (reference §2.6). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "libvmctl/cfg_spec.h"

/* type=vnc|sdl: the older way to pick the display kind. */
static int vfb_type(void *dev, const char *v, char **err)
{
	struct domcfg_vfb *vfb = dev;

	if (!strcmp(v, "vnc"))
		domcfg_defbool_set(&vfb->vnc.enable, true);
	else if (!strcmp(v, "sdl"))
		domcfg_defbool_set(&vfb->sdl.enable, true);
	else
		return spec_fail(err, "invalid type '%s' (vnc or sdl)", v);
	return 0;
}

#define VFB(f) offsetof(struct domcfg_vfb, f)

static const struct spec_key vfb_keys[] = {
	{ "vnc", SK_DEFBOOL, VFB(vnc.enable), NULL, NULL },
	{ "vnclisten", SK_STRING, VFB(vnc.listen), NULL, NULL },
	{ "vncpasswd", SK_STRING, VFB(vnc.passwd), NULL, NULL },
	{ "vncdisplay", SK_INT, VFB(vnc.display), NULL, NULL },
	{ "vncunused", SK_DEFBOOL, VFB(vnc.findunused), NULL, NULL },
	{ "sdl", SK_DEFBOOL, VFB(sdl.enable), NULL, NULL },
	{ "opengl", SK_DEFBOOL, VFB(sdl.opengl), NULL, NULL },
	{ "display", SK_STRING, VFB(sdl.display), NULL, NULL },
	{ "xauthority", SK_STRING, VFB(sdl.xauthority), NULL, NULL },
	{ "keymap", SK_STRING, VFB(keymap), NULL, NULL },
	{ "type", SK_FN, 0, vfb_type, NULL },
	{ "backend", SK_STRING, VFB(backend_domname), NULL, NULL },
};

int domcfg_vfb_parse(struct domcfg_vfb *vfb, const char *spec, char **err,
		     struct domcfg_msgs *warn)
{
	int rc = spec_parse("vfb", vfb_keys, ARRAY_SIZE(vfb_keys), vfb, spec, err, warn);

	if (rc == 0 && (vfb->vnc.display < 0 || vfb->vnc.display > 59635))
		rc = spec_fail(err, "vncdisplay %d is out of range (0..59635) in vfb spec '%s'",
			       vfb->vnc.display, spec);
	return rc;
}

static int vkb_backend_type(void *dev, const char *v, char **err)
{
	struct domcfg_vkb *vkb = dev;

	if (domcfg_vkb_backend_from_string(v, &vkb->backend_type) ||
	    vkb->backend_type == DOMCFG_VKB_BACKEND_UNKNOWN)
		return spec_fail(err, "invalid backend-type '%s' (qemu or linux)", v);
	return 0;
}

static int vkb_backend_type_fmt(const void *dev, char **val, char **err)
{
	enum domcfg_vkb_backend b = ((const struct domcfg_vkb *)dev)->backend_type;

	*val = NULL;
	if (b == DOMCFG_VKB_BACKEND_UNKNOWN)
		return 0;
	*val = strdup(domcfg_vkb_backend_to_string(b));
	return *val ? 0 : -ENOMEM;
}

#define VKB(f) offsetof(struct domcfg_vkb, f)

static const struct spec_key vkb_keys[] = {
	{ "unique-id", SK_STRING, VKB(unique_id), NULL, NULL },
	{ "backend", SK_STRING, VKB(backend_domname), NULL, NULL },
	{ "backend-type", SK_FN, 0, vkb_backend_type, vkb_backend_type_fmt },
	{ "feature-disable-keyboard", SK_BOOL, VKB(feature_disable_keyboard), NULL, NULL },
	{ "feature-disable-pointer", SK_BOOL, VKB(feature_disable_pointer), NULL, NULL },
	{ "feature-abs-pointer", SK_BOOL, VKB(feature_abs_pointer), NULL, NULL },
	{ "feature-raw-pointer", SK_BOOL, VKB(feature_raw_pointer), NULL, NULL },
	{ "feature-multi-touch", SK_BOOL, VKB(feature_multi_touch), NULL, NULL },
	{ "width", SK_U32, VKB(width), NULL, NULL },
	{ "height", SK_U32, VKB(height), NULL, NULL },
	{ "multi-touch-width", SK_U32, VKB(multi_touch_width), NULL, NULL },
	{ "multi-touch-height", SK_U32, VKB(multi_touch_height), NULL, NULL },
	{ "multi-touch-num-contacts", SK_U32, VKB(multi_touch_num_contacts), NULL, NULL },
};

int domcfg_vkb_parse(struct domcfg_vkb *vkb, const char *spec, char **err,
		     struct domcfg_msgs *warn)
{
	return spec_parse("vkb", vkb_keys, ARRAY_SIZE(vkb_keys), vkb, spec, err, warn);
}

/* A vfb's devid is its index in the list and its keyboard comes with it
 * (cfg_devlist.c); neither table has a devid key. */
int cfg_vfb_format(const struct domcfg_vfb *vfb, FILE *out, char **err)
{
	return spec_format("vfb", vfb_keys, ARRAY_SIZE(vfb_keys), &type_struct_vfb, vfb, out, err);
}

int cfg_vkb_format(const struct domcfg_vkb *vkb, FILE *out, char **err)
{
	return spec_format("vkb", vkb_keys, ARRAY_SIZE(vkb_keys), &type_struct_vkb, vkb, out, err);
}
