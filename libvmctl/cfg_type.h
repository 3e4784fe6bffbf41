/* cfg_type: run-time descriptions of the types in types.def.
 *
 * types.def is expanded once into these tables; init, dispose, JSON
 * generation and JSON parsing are generic walks over them, so adding a field
 * to types.def is all it takes to carry it everywhere.
 */
#ifndef VMCTL_LIBVMCTL_CFG_TYPE_H
#define VMCTL_LIBVMCTL_CFG_TYPE_H

#include <stddef.h>
#include <stdint.h>

#include "libvmctl/domcfg.h"

enum type_kind {
	TK_STRING, TK_INT, TK_U32, TK_U64, TK_BOOL, TK_DEFBOOL, TK_ENUM,
	TK_UUID, TK_MAC, TK_BITMAP, TK_STRLIST, TK_STRUCT, TK_ARRAY,
	TK_UNIONKEY, TK_UNION,
};

struct type_enum_val {
	int value;
	const char *name;
};

struct type_enum {
	const char *name;
	const struct type_enum_val *vals;
	size_t n;
};

struct type_struct;

struct type_field {
	const char *name;               /* JSON key */
	enum type_kind kind;
	size_t off;
	int64_t dflt;                   /* numbers and enums */
	const struct type_enum *en;     /* TK_ENUM, TK_UNIONKEY */
	const struct type_struct *sub;  /* TK_STRUCT, TK_ARRAY, TK_UNION */
	size_t count_off;               /* TK_ARRAY: offset of num_<name> */
	size_t key_off;                 /* TK_UNION: offset of the key field */
	int key_val;                    /* TK_UNION: key value selecting it */
};

struct type_struct {
	const char *name;
	size_t size;
	const struct type_field *fields;
	size_t n;
};

/* The descriptions: type_enum_<e> and type_struct_<s> for each entry. */
#define TYPE_ENUM_BEGIN(e) extern const struct type_enum type_enum_##e;
#define TYPE_ENUM_VAL(e, cname, v, str)
#define TYPE_ENUM_END(e)
#define TYPE_STRUCT_BEGIN(s) extern const struct type_struct type_struct_##s;
#include "libvmctl/cfg_type_none.h"
#include "libvmctl/types.def"
#include "types_undef.h"

/* Generic operations on any described struct at `p`. */
void type_init(const struct type_struct *t, void *p);
void type_dispose(const struct type_struct *t, void *p);

/* The name of enum value `v`, or NULL. */
const char *type_enum_name(const struct type_enum *e, int v);
/* The value named `s` (case-insensitive); 0 or -EINVAL. */
int type_enum_value(const struct type_enum *e, const char *s, int *v);

/* Whether a scalar field at `p` holds its "not set" value. */
int type_field_is_default(const struct type_field *f, const void *p);

/* Read/write an integer-like field (INT, U32, U64, BOOL, DEFBOOL, ENUM,
 * UNIONKEY) as int64. */
int64_t type_field_get(const struct type_field *f, const void *p);
void type_field_set(const struct type_field *f, void *p, int64_t v);

/* Make the initialised `dst` a deep copy of `src`; 0 or -ENOMEM (dst is
 * then left initialised). */
int type_copy(const struct type_struct *t, void *dst, const void *src);

/* Free a NULL-terminated string list. */
void type_strlist_free(char **l);

#endif
