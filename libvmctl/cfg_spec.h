/* cfg_spec: the "key=value,key=value" device specs of vif=, vfb= and vkb=,
 * driven by a table per device. */
#ifndef VMCTL_LIBVMCTL_CFG_SPEC_H
#define VMCTL_LIBVMCTL_CFG_SPEC_H

#include <stddef.h>
#include <stdio.h>

#include "libvmctl/cfg_type.h"

enum spec_kind {
	SK_STRING,      /* char * */
	SK_INT,         /* int, decimal or 0x */
	SK_U32,         /* uint32_t */
	SK_BOOL,        /* bool from a number */
	SK_DEFBOOL,     /* domcfg_defbool from a number */
	SK_FN,          /* parse with fn */
	SK_IGNORE,      /* known to Xen, not to vmctl: warning */
};

struct spec_key {
	const char *key;
	enum spec_kind kind;
	size_t off;                     /* in the device struct */
	int (*fn)(void *dev, const char *val, char **err);
	/* SK_FN: the inverse; *val = malloc'd value, or NULL to write nothing.
	 * 0, -EINVAL (*err set) or -ENOMEM. */
	int (*fmt)(const void *dev, char **val, char **err);
};

/* Parse `spec` into `dev` with `keys` (n entries). `what` names the device
 * kind in messages ("vif"). Unknown keys and SK_IGNORE keys become warnings
 * in `warn` (may be NULL). 0, -EINVAL (*err set) or -ENOMEM. */
int spec_parse(const char *what, const struct spec_key *keys, size_t n, void *dev,
	       const char *spec, char **err, struct domcfg_msgs *warn);

/* The inverse of spec_parse(): write the fields of `dev` (a device of
 * type `t`) that differ from a freshly initialised one as
 * "key=value,key=value" to `out`. The first key of the table wins where
 * two write one field. A string value that spec_parse() could not read
 * back (with a comma) fails: -EINVAL. */
int spec_format(const char *what, const struct spec_key *keys, size_t n,
		const struct type_struct *t, const void *dev, FILE *out, char **err);

/* The device spec writers (cfg_vif.c, cfg_vfb.c, cfg_disk.c): the spec
 * that domcfg_<dev>_parse() reads back to an equal device. A NIC's devid
 * is written only when it is not `index` (xl's default); a vfb's and a
 * vkb's never (their tables have no devid: it is the index). */
int cfg_nic_format(const struct domcfg_nic *nic, int index, FILE *out, char **err);
int cfg_vfb_format(const struct domcfg_vfb *vfb, FILE *out, char **err);
int cfg_vkb_format(const struct domcfg_vkb *vkb, FILE *out, char **err);
int cfg_disk_format(const struct domcfg_disk *disk, FILE *out, char **err);

/* Set *err to a malloc'd message (if err and *err is unset); -EINVAL. */
int spec_fail(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
