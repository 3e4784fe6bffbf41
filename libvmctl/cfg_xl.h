/* cfg_xl: from a parsed xl.cfg tree to a struct domcfg_config, driven by
 * the key table cfg_keys.def. This header is shared by the driver
 * (cfg_xl.c) and the handlers of keys that need more than a store
 * (cfg_keys.c). */
#ifndef VMCTL_LIBVMCTL_CFG_XL_H
#define VMCTL_LIBVMCTL_CFG_XL_H

#include <stdbool.h>

#include "libvmctl/cfg_tree.h"
#include "libvmctl/cfg_type.h"

struct cfg_conv {
	struct cfg_tree *tree;
	struct domcfg_config *cfg;
	struct domcfg_msgs *msgs;
	bool top_display;       /* a top-level vnc/sdl key was seen */
};

/* Guest types a key applies to (a key given for another type is ignored
 * with a warning, where xl ignores it silently). */
#define CFG_PV   (1u << 0)
#define CFG_HVM  (1u << 1)
#define CFG_PVH  (1u << 2)
#define CFG_ANY  (CFG_PV | CFG_HVM | CFG_PVH)
#define CFG_PVX  (CFG_PV | CFG_PVH)

/* The CFG_* bit of a guest type (CFG_PV for an unset type). */
unsigned cfg_type_bit(enum domcfg_domain_type t);

enum cfg_key_kind {
	KEY_K_STRING,   /* string (or number) -> char * */
	KEY_K_INT,      /* number -> the integer field */
	KEY_K_MB,       /* number of MiB -> uint64 KiB */
	KEY_K_DEFBOOL,  /* number, 0 = false -> defbool */
	KEY_K_ENUM,     /* string naming an enum value (libxl's names) */
	KEY_K_STRLIST,  /* list of strings (or one string) -> char ** */
	KEY_K_FN,       /* a handler */
	KEY_K_IGNORE,   /* known to Xen, not implemented here: warn */
};

struct cfg_key;
struct cfg_writer;
typedef int (*cfg_key_fn)(struct cfg_conv *c, const struct cfg_key *k,
			  struct cfg_setting *s);
/* The inverse of a KEY_K_FN handler: write the key's line(s) for the
 * config in w (nothing when the config holds the parser's result for an
 * absent key). Named <handler>_write; see cfg_write.h. */
typedef int (*cfg_key_write_fn)(struct cfg_writer *w, const struct cfg_key *k);

struct cfg_key {
	const char *name;
	unsigned types;
	enum cfg_key_kind kind;
	size_t off;                     /* of the target in struct domcfg_config */
	enum type_kind tkind;           /* the target's C type */
	long long min, max;             /* KEY_K_INT range */
	const struct type_enum *en;     /* KEY_K_ENUM */
	cfg_key_fn fn;                  /* KEY_K_FN */
	cfg_key_write_fn write;         /* KEY_K_FN */
};

/* The key table (cfg_keys.def), in the order keys are applied. */
extern const struct cfg_key cfg_keys[];
extern const size_t cfg_num_keys;

/* Parse `text` as xl.cfg and apply only the keys for which want(key, arg)
 * is true on top of `cfg` (no defaults, no cross-key finishing): other
 * keys are warned about as ignored. Used for the xl.cfg keys that domain
 * XML carries in its <metadata>. 0, -EINVAL or -ENOMEM. */
int cfg_apply_some(struct domcfg_config *cfg, const char *name, const char *text,
		   size_t len, bool (*want)(const char *key, void *arg), void *arg,
		   struct domcfg_msgs *msgs);

/* Value accessors: each reports a positioned error naming the key. */
int cfg_get_string(struct cfg_conv *c, struct cfg_setting *s, const char **out);
int cfg_get_number(struct cfg_conv *c, struct cfg_setting *s, const struct cfg_value *v,
		   long long min, long long max, long long *out);
int cfg_get_bool(struct cfg_conv *c, struct cfg_setting *s, bool *out);
int cfg_get_strlist(struct cfg_conv *c, struct cfg_setting *s, char ***out);
/* Replace the string at *dst with a copy of `v`; 0 or -ENOMEM. */
int cfg_set_string(char **dst, const char *v);

/* Grow the array whose pointer is at `arr` (a `struct domcfg_X **`) by one
 * element initialised for `t`, bump *count, return the element; NULL on
 * ENOMEM (array unchanged). */
void *cfg_array_add(void *arr, int *count, const struct type_struct *t);

/* The handlers named by cfg_keys.def. */
#define KEY_STRING(name, types, field)
#define KEY_INT(name, types, field, min, max)
#define KEY_MB(name, types, field)
#define KEY_DEFBOOL(name, types, field)
#define KEY_ENUM(name, types, field, e)
#define KEY_STRLIST(name, types, field)
#define KEY_FN(name, types, fn) int fn(struct cfg_conv *c, const struct cfg_key *k, \
				      struct cfg_setting *s); \
	int fn##_write(struct cfg_writer *w, const struct cfg_key *k);
#define KEY_IGNORE(name)
#include "libvmctl/cfg_keys.def"
#undef KEY_STRING
#undef KEY_INT
#undef KEY_MB
#undef KEY_DEFBOOL
#undef KEY_ENUM
#undef KEY_STRLIST
#undef KEY_FN
#undef KEY_IGNORE

/* Work done after all keys are read: cmdline from root/extra, memory and
 * vCPU consistency, top-level vnc/sdl into a vfb for PV, on_* defaults. */
int cfg_keys_finish(struct cfg_conv *c);

#endif
