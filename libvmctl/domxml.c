/* domxml: the tables the XML formatter and parser share, and libvirt's
 * "native format" conversions (virsh domxml-from-native / -to-native). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "libvmctl/cfg_tree.h"
#include "libvmctl/domxml_int.h"

const struct domxml_name domxml_actions[] = {
	{ DOMCFG_ACTION_DESTROY, "destroy" },
	{ DOMCFG_ACTION_RESTART, "restart" },
	{ DOMCFG_ACTION_RESTART_RENAME, "rename-restart" },
	{ DOMCFG_ACTION_PRESERVE, "preserve" },
	{ DOMCFG_ACTION_COREDUMP_DESTROY, "coredump-destroy" },
	{ DOMCFG_ACTION_COREDUMP_RESTART, "coredump-restart" },
	{ 0, NULL },
};

/* libvirt's libxl driver: qemu = qdisk, phy and tap as themselves. */
const struct domxml_name domxml_disk_drivers[] = {
	{ DOMCFG_DISK_BACKEND_QDISK, "qemu" },
	{ DOMCFG_DISK_BACKEND_PHY, "phy" },
	{ DOMCFG_DISK_BACKEND_TAP, "tap" },
	{ DOMCFG_DISK_BACKEND_UNKNOWN, "file" },
	{ 0, NULL },
};

const struct domxml_name domxml_vgas[] = {
	{ DOMCFG_VGA_CIRRUS, "cirrus" },
	{ DOMCFG_VGA_STD, "vga" },
	{ DOMCFG_VGA_NONE, "none" },
	{ DOMCFG_VGA_QXL, "qxl" },
	{ 0, NULL },
};

const struct domxml_name domxml_boot_devs[] = {
	{ 'c', "hd" }, { 'd', "cdrom" }, { 'n', "network" }, { 'a', "fd" },
	{ 0, NULL },
};

const char *domxml_name_of(const struct domxml_name *t, int value)
{
	for (; t->name; t++)
		if (t->value == value)
			return t->name;
	return NULL;
}

int domxml_value_of(const struct domxml_name *t, const char *name, int *value)
{
	for (; t->name; t++) {
		if (strcmp(t->name, name) == 0) {
			*value = t->value;
			return 0;
		}
	}
	return -EINVAL;
}

/* The xl.cfg keys that have an element or attribute of their own
 * (docs/domxml.md has the mapping). */
static const char *const xml_keys[] = {
	"type", "builder", "name", "uuid", "memory", "maxmem", "vcpus", "maxvcpus", "cpus",
	"on_poweroff", "on_reboot", "on_crash", "kernel", "ramdisk", "cmdline", "root",
	"extra", "bootloader", "bootloader_args", "firmware_override", "boot", "e820_host",
	"hap", "acpi", "apic", "pae", "viridian", "hpet", "localtime", "rtc_timeoffset",
	"disk", "vif", "vfb", "vnc", "vnclisten", "vncpasswd", "vncdisplay", "vncunused",
	"sdl", "opengl", "display", "xauthority", "keymap", "vga", "stdvga", "videoram",
	"serial", "device_model_override", "device_model_args",
};

bool domxml_key_in_xml(const char *key, void *arg)
{
	for (size_t i = 0; i < ARRAY_SIZE(xml_keys); i++)
		if (strcmp(xml_keys[i], key) == 0)
			return true;
	return false;
}

bool domxml_key_in_metadata(const char *key, void *arg)
{
	return !domxml_key_in_xml(key, arg);
}

/* ---- native formats ---- */

static int native_known(const char *format, struct domcfg_msgs *msgs)
{
	if (format && (strcasecmp(format, "xen-xl") == 0 || strcasecmp(format, "xen-xm") == 0))
		return 0;
	cfg_error(msgs, NULL, NULL, "unsupported native format '%s' (vmctl has xen-xl)",
		  format ? format : "(none)");
	return -EOPNOTSUPP;
}

int vmctl_domxml_from_native(const char *format, const char *native,
			     size_t len, char **xml_out,
			     struct domcfg_msgs *msgs)
{
	struct domcfg_config cfg;
	int rc = native_known(format, msgs);

	*xml_out = NULL;
	if (rc)
		return rc;
	domcfg_config_init(&cfg);
	rc = domcfg_parse_buffer(&cfg, "xl.cfg", native, len, NULL, msgs);
	if (rc == 0)
		rc = vmctl_domxml_format(&cfg, NULL, VMCTL_DOMXML_SECURE, xml_out, msgs);
	domcfg_config_dispose(&cfg);
	return rc;
}

int vmctl_domxml_to_native(const char *format, const char *xml, size_t len,
			   char **native_out, struct domcfg_msgs *msgs)
{
	struct domcfg_config cfg;
	int rc = native_known(format, msgs);

	*native_out = NULL;
	if (rc)
		return rc;
	domcfg_config_init(&cfg);
	rc = vmctl_domxml_parse(xml, len, &cfg, msgs);
	if (rc == 0)
		rc = vmctl_cfg_format_xl(&cfg, native_out, msgs);
	domcfg_config_dispose(&cfg);
	return rc;
}
