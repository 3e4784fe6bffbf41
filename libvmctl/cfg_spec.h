/* cfg_spec: the "key=value,key=value" device specs of vif=, vfb= and vkb=,
 * driven by a table per device. */
#ifndef VMCTL_LIBVMCTL_CFG_SPEC_H
#define VMCTL_LIBVMCTL_CFG_SPEC_H

#include <stddef.h>

#include "libvmctl/domcfg.h"

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
};

/* Parse `spec` into `dev` with `keys` (n entries). `what` names the device
 * kind in messages ("vif"). Unknown keys and SK_IGNORE keys become warnings
 * in `warn` (may be NULL). 0, -EINVAL (*err set) or -ENOMEM. */
int spec_parse(const char *what, const struct spec_key *keys, size_t n, void *dev,
	       const char *spec, char **err, struct domcfg_msgs *warn);

/* Set *err to a malloc'd message (if err and *err is unset); -EINVAL. */
int spec_fail(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
