/* json_type: JSON (yajl) for any struct described in types.def. */
#ifndef VMCTL_LIBVMCTL_JSON_TYPE_H
#define VMCTL_LIBVMCTL_JSON_TYPE_H

#include <yajl/yajl_gen.h>

#include "libvmctl/cfg_type.h"

/* Emit the struct at `p` as one JSON object into `g`; 0 or -EINVAL. */
int json_gen_struct(yajl_gen g, const struct type_struct *t, const void *p);

/* The struct as pretty-printed JSON (4-space indent, as libxl); NULL on
 * ENOMEM. */
char *json_struct_to_string(const struct type_struct *t, const void *p);

/* Fill the initialised struct at `p` from the JSON text `json`. 0, or
 * -EINVAL with *err set to a malloc'd "path: problem" message. */
int json_parse_struct(const struct type_struct *t, void *p, const char *json,
		      char **err);

#endif
