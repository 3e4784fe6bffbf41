/* Helpers of xl's device commands (xl/cmd_block.c, xl/cmd_network.c). */
#ifndef VMCTL_XL_DEVICE_H
#define VMCTL_XL_DEVICE_H

#include <yajl/yajl_tree.h>

#define XL_DEV_CWD 1     /* add "cwd": the current directory */
#define XL_DEV_FORCE 2   /* add "force": true */

/* {"domain": dom, "kind": kind[, key: value][, "cwd": dir][, "force": true]}
 * as a new JSON string (NULL on ENOMEM). */
char *xl_device_params(const char *kind, const char *dom, const char *key, const char *value,
		       unsigned with);

/* The spec's words joined by commas, as xl joins them (a new string). */
char *xl_device_join_spec(int argc, char **argv);

/* Fields of a device.list entry: a number (given as a number or as text;
 * -1 if absent or not a number) and a string ("" if absent). */
long long xl_device_num(yajl_val obj, const char *key);
const char *xl_device_str(yajl_val obj, const char *key);

#endif
