/* domxml_int: what the domain XML formatter (domxml_format.c) and parser
 * (domxml_parse.c) share: namespaces, name tables, and which xl.cfg keys
 * the XML itself carries. Everything else of a config travels as xl.cfg
 * text in <metadata><vmctl:xl>, so a config survives XML unchanged. */
#ifndef VMCTL_LIBVMCTL_DOMXML_INT_H
#define VMCTL_LIBVMCTL_DOMXML_INT_H

#include <stdbool.h>

#include "libvmctl/domxml.h"

/* libvirt's namespace for the libxl driver's <xen:commandline>. */
#define DOMXML_NS_XEN "http://libvirt.org/schemas/domain/xen/1.0"
/* Ours, for the xl.cfg keys that have no element of their own. */
#define DOMXML_NS_VMCTL "urn:vmctl:domain-xml:xl-cfg:1"

/* A value and its name in domain XML. */
struct domxml_name {
	int value;
	const char *name;
};

/* on_poweroff/on_reboot/on_crash values; ends with { 0, NULL }. */
extern const struct domxml_name domxml_actions[];
/* <driver name=...> <-> disk backend; ends with { 0, NULL }. */
extern const struct domxml_name domxml_disk_drivers[];
/* <video><model type=...> <-> VGA kind; ends with { 0, NULL }. */
extern const struct domxml_name domxml_vgas[];
/* <boot dev=...> <-> a letter of xl's boot= string; ends with { 0, NULL }. */
extern const struct domxml_name domxml_boot_devs[];

/* The name of `value` in `t`, or NULL; the value of `name`: 0 or -EINVAL. */
const char *domxml_name_of(const struct domxml_name *t, int value);
int domxml_value_of(const struct domxml_name *t, const char *name, int *value);

/* Whether the XML proper carries xl.cfg key `key` (else <metadata> does).
 * Signatures fit cfg_write_keys() / cfg_apply_some(). */
bool domxml_key_in_xml(const char *key, void *arg);
bool domxml_key_in_metadata(const char *key, void *arg);

/* Messages name the source so: "domain XML:LINE: <elem>: ...". */
#define DOMXML_SOURCE "domain XML"

#endif
