/* json_gen: any described struct -> JSON with yajl, in libxl's shape:
 * fields at their default are left out, nested structs are always written,
 * enums are lowercase names, defbools "True"/"False", bitmaps the list of
 * their members, and the b_info union under "type.<kind>". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "libvmctl/cfg_type.h"
#include "libvmctl/json_type.h"

static int gen_struct(yajl_gen g, const struct type_struct *t, const void *p);

static int gen_str(yajl_gen g, const char *s)
{
	return yajl_gen_string(g, (const unsigned char *)s, strlen(s)) == yajl_gen_status_ok
		? 0 : -EINVAL;
}

static int gen_bitmap(yajl_gen g, const struct domcfg_bitmap *bm)
{
	int rc = yajl_gen_array_open(g);

	for (uint32_t i = 0; rc == 0 && i < bm->size; i++)
		if (domcfg_bitmap_test(bm, i))
			rc = yajl_gen_integer(g, i);
	return rc == 0 ? (int)yajl_gen_array_close(g) : rc;
}

static int gen_strlist(yajl_gen g, char *const *l)
{
	int rc = yajl_gen_array_open(g);

	for (size_t i = 0; rc == 0 && l[i]; i++)
		rc = gen_str(g, l[i]);
	return rc == 0 ? (int)yajl_gen_array_close(g) : rc;
}

static int gen_array(yajl_gen g, const struct type_field *f, const void *p)
{
	const char *elems = *(char *const *)((const char *)p + f->off);
	int count = *(const int *)((const char *)p + f->count_off);
	int rc = yajl_gen_array_open(g);

	for (int i = 0; rc == 0 && i < count; i++)
		rc = gen_struct(g, f->sub, elems + (size_t)i * f->sub->size);
	return rc == 0 ? (int)yajl_gen_array_close(g) : rc;
}

static int gen_uuid(yajl_gen g, const unsigned char *u)
{
	char buf[37];

	uuid_unparse_lower(u, buf);
	return gen_str(g, buf);
}

static int gen_mac(yajl_gen g, const unsigned char *m)
{
	char buf[18];

	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	return gen_str(g, buf);
}

static int gen_value(yajl_gen g, const struct type_field *f, const void *p)
{
	const void *v = (const char *)p + f->off;

	switch (f->kind) {
	case TK_STRING: return gen_str(g, *(char *const *)v);
	case TK_INT: case TK_U32: case TK_U64:
		return yajl_gen_integer(g, type_field_get(f, p)) ? -EINVAL : 0;
	case TK_BOOL: return yajl_gen_bool(g, *(const bool *)v) ? -EINVAL : 0;
	case TK_DEFBOOL:
		return gen_str(g, *(const domcfg_defbool *)v > 0 ? "True" : "False");
	case TK_ENUM: {
		const char *name = type_enum_name(f->en, (int)type_field_get(f, p));

		return name ? gen_str(g, name) : -EINVAL;
	}
	case TK_UUID: return gen_uuid(g, v);
	case TK_MAC: return gen_mac(g, v);
	case TK_BITMAP: return gen_bitmap(g, v);
	case TK_STRLIST: return gen_strlist(g, *(char **const *)v);
	case TK_STRUCT: case TK_UNION: return gen_struct(g, f->sub, v);
	case TK_ARRAY: return gen_array(g, f, p);
	default: return -EINVAL;
	}
}

/* Whether field `f` of the struct at `p` appears in the JSON at all. */
static int field_present(const struct type_field *f, const void *p)
{
	if (f->kind == TK_UNIONKEY)
		return 0;
	if (f->kind == TK_UNION)
		return *(const int *)((const char *)p + f->key_off) == f->key_val;
	if (f->kind == TK_STRUCT)
		return 1;
	return !type_field_is_default(f, p);
}

static int gen_struct(yajl_gen g, const struct type_struct *t, const void *p)
{
	int rc = yajl_gen_map_open(g) ? -EINVAL : 0;

	for (size_t i = 0; rc == 0 && i < t->n; i++) {
		if (!field_present(&t->fields[i], p))
			continue;
		rc = gen_str(g, t->fields[i].name);
		if (rc == 0)
			rc = gen_value(g, &t->fields[i], p);
	}
	if (rc == 0 && yajl_gen_map_close(g))
		rc = -EINVAL;
	return rc;
}

int json_gen_struct(yajl_gen g, const struct type_struct *t, const void *p)
{
	return gen_struct(g, t, p);
}

char *json_struct_to_string(const struct type_struct *t, const void *p)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	char *out = NULL;

	if (!g)
		return NULL;
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "    ");
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	if (gen_struct(g, t, p) == 0 &&
	    yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		out = strndup((const char *)buf, len);
	yajl_gen_free(g);
	return out;
}

#define TYPE_ENUM_BEGIN(e)
#define TYPE_ENUM_VAL(e, cname, v, str)
#define TYPE_ENUM_END(e)
#define TYPE_STRUCT_BEGIN(s) \
	char *domcfg_##s##_to_json(const struct domcfg_##s *p) \
	{ \
		return json_struct_to_string(&type_struct_##s, p); \
	} \
	int domcfg_##s##_gen_json(yajl_gen g, const struct domcfg_##s *p) \
	{ \
		return json_gen_struct(g, &type_struct_##s, p); \
	}
#include "libvmctl/cfg_type_none.h"
#include "libvmctl/types.def"
