/* cfg_type: types.def expanded into descriptor tables, and the generic
 * init/dispose/enum functions that walk them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "libvmctl/cfg_type.h"

/* ---- enum tables ---- */

#define TYPE_ENUM_BEGIN(e) static const struct type_enum_val e##_vals[] = {
#define TYPE_ENUM_VAL(e, cname, v, str) { (v), (str) },
#define TYPE_ENUM_END(e) }; \
	const struct type_enum type_enum_##e = { #e, e##_vals, ARRAY_SIZE(e##_vals) };
#define TYPE_STRUCT_BEGIN(s)
#include "libvmctl/cfg_type_none.h"
#include "libvmctl/types.def"
#include "types_undef.h"

/* ---- struct tables ---- */

#define OFF(s, n) offsetof(struct domcfg_##s, n)
#define FIELD(s, n, k) .name = #n, .kind = (k), .off = OFF(s, n)

#define TYPE_ENUM_BEGIN(e)
#define TYPE_ENUM_VAL(e, cname, v, str)
#define TYPE_ENUM_END(e)
#define TYPE_STRUCT_BEGIN(s) static const struct type_field s##_fields[] = {
#define TYPE_STRUCT_END(s) }; \
	const struct type_struct type_struct_##s = { \
		#s, sizeof(struct domcfg_##s), s##_fields, ARRAY_SIZE(s##_fields) };
#define F_STRING(s, n) { FIELD(s, n, TK_STRING) },
#define F_INT(s, n, d) { FIELD(s, n, TK_INT), .dflt = (d) },
#define F_U32(s, n, d) { FIELD(s, n, TK_U32), .dflt = (d) },
#define F_U64(s, n, d) { FIELD(s, n, TK_U64), .dflt = (d) },
#define F_BOOL(s, n) { FIELD(s, n, TK_BOOL) },
#define F_DEFBOOL(s, n) { FIELD(s, n, TK_DEFBOOL) },
#define F_ENUM(s, n, e, d) { FIELD(s, n, TK_ENUM), .dflt = (d), .en = &type_enum_##e },
#define F_UUID(s, n) { FIELD(s, n, TK_UUID) },
#define F_MAC(s, n) { FIELD(s, n, TK_MAC) },
#define F_BITMAP(s, n) { FIELD(s, n, TK_BITMAP) },
#define F_STRLIST(s, n) { FIELD(s, n, TK_STRLIST) },
#define F_STRUCT(s, n, t) { FIELD(s, n, TK_STRUCT), .sub = &type_struct_##t },
#define F_ARRAY(s, n, t) { FIELD(s, n, TK_ARRAY), .sub = &type_struct_##t, \
	.count_off = OFF(s, num_##n) },
#define F_UNIONKEY(s, n, e, d) { FIELD(s, n, TK_UNIONKEY), .dflt = (d), .en = &type_enum_##e },
#define F_UNION(s, n, t, key, v, json) { .name = (json), .kind = TK_UNION, \
	.off = OFF(s, n), .sub = &type_struct_##t, .key_off = OFF(s, key), .key_val = (v) },
#include "libvmctl/types.def"
#include "types_undef.h"

/* ---- generic walks ---- */

static void *at(void *p, size_t off)
{
	return (char *)p + off;
}

static const void *cat(const void *p, size_t off)
{
	return (const char *)p + off;
}

int64_t type_field_get(const struct type_field *f, const void *p)
{
	const void *v = cat(p, f->off);

	switch (f->kind) {
	case TK_INT: case TK_ENUM: case TK_UNIONKEY:
		return *(const int *)v;
	case TK_U32: return *(const uint32_t *)v;
	case TK_U64: return (int64_t)*(const uint64_t *)v;
	case TK_BOOL: return *(const bool *)v;
	case TK_DEFBOOL: return *(const domcfg_defbool *)v;
	default: return 0;
	}
}

void type_field_set(const struct type_field *f, void *p, int64_t x)
{
	void *v = at(p, f->off);

	switch (f->kind) {
	case TK_INT: case TK_ENUM: case TK_UNIONKEY:
		*(int *)v = (int)x;
		break;
	case TK_U32: *(uint32_t *)v = (uint32_t)x; break;
	case TK_U64: *(uint64_t *)v = (uint64_t)x; break;
	case TK_BOOL: *(bool *)v = x != 0; break;
	case TK_DEFBOOL: *(domcfg_defbool *)v = (domcfg_defbool)x; break;
	default: break;
	}
}

static int all_zero(const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

int type_field_is_default(const struct type_field *f, const void *p)
{
	const void *v = cat(p, f->off);
	const struct domcfg_bitmap *bm = v;
	char **const *sl = v;

	switch (f->kind) {
	case TK_STRING: return *(char *const *)v == NULL;
	case TK_U32: return *(const uint32_t *)v == (uint32_t)f->dflt;
	case TK_U64: return *(const uint64_t *)v == (uint64_t)f->dflt;
	case TK_INT: case TK_ENUM: case TK_UNIONKEY:
		return *(const int *)v == (int)f->dflt;
	case TK_BOOL: return !*(const bool *)v;
	case TK_DEFBOOL: return *(const domcfg_defbool *)v == DOMCFG_DEFBOOL_DEFAULT;
	case TK_UUID: return all_zero(v, sizeof(domcfg_uuid));
	case TK_MAC: return all_zero(v, sizeof(domcfg_mac));
	case TK_BITMAP: return !bm->map || all_zero(bm->map, bm->size / 8);
	case TK_STRLIST: return !*sl || !(*sl)[0];
	case TK_ARRAY: return *(const int *)cat(p, f->count_off) == 0;
	default: return 0;
	}
}

void type_init(const struct type_struct *t, void *p)
{
	memset(p, 0, t->size);
	for (size_t i = 0; i < t->n; i++) {
		const struct type_field *f = &t->fields[i];

		if (f->kind == TK_STRUCT || f->kind == TK_UNION)
			type_init(f->sub, at(p, f->off));
		else if (f->dflt)
			type_field_set(f, p, f->dflt);
	}
}

void type_strlist_free(char **l)
{
	for (size_t i = 0; l && l[i]; i++)
		free(l[i]);
	free(l);
}

static void array_dispose(const struct type_field *f, void *p)
{
	char *elems = *(char **)at(p, f->off);
	int *count = at(p, f->count_off);

	for (int i = 0; i < *count; i++)
		type_dispose(f->sub, elems + (size_t)i * f->sub->size);
	free(elems);
}

void type_dispose(const struct type_struct *t, void *p)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct type_field *f = &t->fields[i];
		void *v = at(p, f->off);

		switch (f->kind) {
		case TK_STRING: free(*(char **)v); break;
		case TK_BITMAP: free(((struct domcfg_bitmap *)v)->map); break;
		case TK_STRLIST: type_strlist_free(*(char ***)v); break;
		case TK_STRUCT: case TK_UNION: type_dispose(f->sub, v); break;
		case TK_ARRAY: array_dispose(f, p); break;
		default: break;
		}
	}
	type_init(t, p);
}

const char *type_enum_name(const struct type_enum *e, int v)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->vals[i].value == v)
			return e->vals[i].name;
	return NULL;
}

int type_enum_value(const struct type_enum *e, const char *s, int *v)
{
	for (size_t i = 0; s && i < e->n; i++) {
		if (strcasecmp(e->vals[i].name, s) == 0) {
			*v = e->vals[i].value;
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- the public per-type functions ---- */

#define TYPE_ENUM_BEGIN(e) \
	const char *domcfg_##e##_to_string(enum domcfg_##e v) \
	{ \
		return type_enum_name(&type_enum_##e, (int)v); \
	} \
	int domcfg_##e##_from_string(const char *s, enum domcfg_##e *out) \
	{ \
		int v, rc = type_enum_value(&type_enum_##e, s, &v); \
		if (rc == 0) \
			*out = (enum domcfg_##e)v; \
		return rc; \
	}
#define TYPE_ENUM_VAL(e, cname, v, str)
#define TYPE_ENUM_END(e)
#define TYPE_STRUCT_BEGIN(s) \
	void domcfg_##s##_init(struct domcfg_##s *p) \
	{ \
		type_init(&type_struct_##s, p); \
	} \
	void domcfg_##s##_dispose(struct domcfg_##s *p) \
	{ \
		type_dispose(&type_struct_##s, p); \
	}
#include "libvmctl/cfg_type_none.h"
#include "libvmctl/types.def"

/* ---- bitmaps ---- */

int domcfg_bitmap_set(struct domcfg_bitmap *bm, uint32_t bit)
{
	if (bit >= (1u << 20))
		return -EINVAL;
	if (bit >= bm->size) {
		uint32_t size = ALIGN_UP(bit + 1, 64u);
		uint8_t *map = realloc(bm->map, size / 8);

		if (!map)
			return -ENOMEM;
		memset(map + bm->size / 8, 0, (size - bm->size) / 8);
		bm->map = map;
		bm->size = size;
	}
	bm->map[bit / 8] |= (uint8_t)(1u << (bit % 8));
	return 0;
}

bool domcfg_bitmap_test(const struct domcfg_bitmap *bm, uint32_t bit)
{
	return bit < bm->size && (bm->map[bit / 8] & (1u << (bit % 8)));
}
