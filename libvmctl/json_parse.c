/* json_parse: JSON -> any described struct, with yajl's tree parser.
 * Unknown keys are skipped as libxl does (a newer writer may know more
 * fields); a known key with a value of the wrong type is an error that names
 * the path to it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>
#include <yajl/yajl_tree.h>

#include "libvmctl/cfg_type.h"
#include "libvmctl/json_type.h"

struct jp {
	char path[256];         /* "b_info.type.pv.kernel" while descending */
	char *err;
};

static int jp_fail(struct jp *jp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int jp_fail(struct jp *jp, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!jp->err && asprintf(&jp->err, "%s: %s", jp->path[0] ? jp->path : "(top)", msg) < 0)
		jp->err = NULL;
	return -EINVAL;
}

static int parse_struct(struct jp *jp, const struct type_struct *t, void *p, yajl_val v);

static int parse_int(struct jp *jp, const struct type_field *f, void *p, yajl_val v)
{
	long long x;

	if (!YAJL_IS_INTEGER(v))
		return jp_fail(jp, "expected an integer");
	x = YAJL_GET_INTEGER(v);
	if ((f->kind == TK_INT && (x < INT32_MIN || x > INT32_MAX)) ||
	    (f->kind == TK_U32 && (x < 0 || x > UINT32_MAX)) ||
	    (f->kind == TK_U64 && x < -1))
		return jp_fail(jp, "%lld is out of range", x);
	type_field_set(f, p, x);
	return 0;
}

static int parse_enum(struct jp *jp, const struct type_field *f, void *p, yajl_val v)
{
	int x;

	if (!YAJL_IS_STRING(v))
		return jp_fail(jp, "expected a string");
	if (type_enum_value(f->en, YAJL_GET_STRING(v), &x))
		return jp_fail(jp, "\"%s\" is not a %s", YAJL_GET_STRING(v), f->en->name);
	type_field_set(f, p, x);
	return 0;
}

static int parse_defbool(struct jp *jp, const struct type_field *f, void *p, yajl_val v)
{
	const char *s = YAJL_GET_STRING(v);

	if (s && strcmp(s, "True") == 0)
		type_field_set(f, p, DOMCFG_DEFBOOL_TRUE);
	else if (s && strcmp(s, "False") == 0)
		type_field_set(f, p, DOMCFG_DEFBOOL_FALSE);
	else if (s && strcmp(s, "<default>") == 0)
		type_field_set(f, p, DOMCFG_DEFBOOL_DEFAULT);
	else
		return jp_fail(jp, "expected \"True\" or \"False\"");
	return 0;
}

static int parse_string(struct jp *jp, char **dst, yajl_val v)
{
	char *s;

	if (YAJL_IS_NULL(v))
		return 0;
	if (!YAJL_IS_STRING(v))
		return jp_fail(jp, "expected a string");
	s = strdup(v->u.string);
	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

static int parse_uuid(struct jp *jp, unsigned char *u, yajl_val v)
{
	if (!YAJL_IS_STRING(v) || uuid_parse(YAJL_GET_STRING(v), u))
		return jp_fail(jp, "expected a UUID string");
	return 0;
}

static int parse_mac(struct jp *jp, unsigned char *m, yajl_val v)
{
	unsigned int b[6];
	char end;

	if (!YAJL_IS_STRING(v) ||
	    sscanf(YAJL_GET_STRING(v), "%2x:%2x:%2x:%2x:%2x:%2x%c",
		   &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &end) != 6)
		return jp_fail(jp, "expected a MAC address xx:xx:xx:xx:xx:xx");
	for (int i = 0; i < 6; i++)
		m[i] = (unsigned char)b[i];
	return 0;
}

static int parse_bitmap(struct jp *jp, struct domcfg_bitmap *bm, yajl_val v)
{
	if (!YAJL_IS_ARRAY(v))
		return jp_fail(jp, "expected a list of numbers");
	for (size_t i = 0; i < v->u.array.len; i++) {
		yajl_val e = v->u.array.values[i];

		if (!YAJL_IS_INTEGER(e) || YAJL_GET_INTEGER(e) < 0 ||
		    YAJL_GET_INTEGER(e) > 65535)
			return jp_fail(jp, "expected a list of numbers 0..65535");
		if (domcfg_bitmap_set(bm, (uint32_t)YAJL_GET_INTEGER(e)))
			return -ENOMEM;
	}
	return 0;
}

static int parse_strlist(struct jp *jp, char ***dst, yajl_val v)
{
	size_t n;
	char **l;

	if (!YAJL_IS_ARRAY(v))
		return jp_fail(jp, "expected a list of strings");
	n = v->u.array.len;
	l = calloc(n + 1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	type_strlist_free(*dst);
	*dst = l;
	for (size_t i = 0; i < n; i++) {
		const char *s = YAJL_GET_STRING(v->u.array.values[i]);

		if (!s)
			return jp_fail(jp, "expected a list of strings");
		l[i] = strdup(s);
		if (!l[i])
			return -ENOMEM;
	}
	return 0;
}

static int parse_array(struct jp *jp, const struct type_field *f, void *p, yajl_val v)
{
	char **elems = (char **)((char *)p + f->off);
	int *count = (int *)((char *)p + f->count_off);
	size_t n;
	int rc = 0;

	if (!YAJL_IS_ARRAY(v))
		return jp_fail(jp, "expected a list");
	n = v->u.array.len;
	if (n > 4096)
		return jp_fail(jp, "more than 4096 entries");
	for (int i = 0; i < *count; i++)
		type_dispose(f->sub, *elems + (size_t)i * f->sub->size);
	free(*elems);
	*count = 0;
	*elems = calloc(n ? n : 1, f->sub->size);
	if (!*elems)
		return -ENOMEM;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		size_t plen = strlen(jp->path);

		type_init(f->sub, *elems + i * f->sub->size);
		*count = (int)i + 1;
		snprintf(jp->path + plen, sizeof(jp->path) - plen, "[%zu]", i);
		rc = parse_struct(jp, f->sub, *elems + i * f->sub->size,
				  v->u.array.values[i]);
		jp->path[plen] = '\0';
	}
	return rc;
}

static int parse_value(struct jp *jp, const struct type_field *f, void *p, yajl_val v)
{
	void *dst = (char *)p + f->off;

	switch (f->kind) {
	case TK_STRING: return parse_string(jp, dst, v);
	case TK_INT: case TK_U32: case TK_U64: return parse_int(jp, f, p, v);
	case TK_BOOL:
		if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
			return jp_fail(jp, "expected true or false");
		*(bool *)dst = YAJL_IS_TRUE(v);
		return 0;
	case TK_DEFBOOL: return parse_defbool(jp, f, p, v);
	case TK_ENUM: return parse_enum(jp, f, p, v);
	case TK_UUID: return parse_uuid(jp, dst, v);
	case TK_MAC: return parse_mac(jp, dst, v);
	case TK_BITMAP: return parse_bitmap(jp, dst, v);
	case TK_STRLIST: return parse_strlist(jp, dst, v);
	case TK_STRUCT: return parse_struct(jp, f->sub, dst, v);
	case TK_UNION:
		*(int *)((char *)p + f->key_off) = f->key_val;
		return parse_struct(jp, f->sub, dst, v);
	case TK_ARRAY: return parse_array(jp, f, p, v);
	default: return 0;
	}
}

static const struct type_field *field_find(const struct type_struct *t, const char *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->fields[i].kind != TK_UNIONKEY && strcmp(t->fields[i].name, key) == 0)
			return &t->fields[i];
	return NULL;
}

static int parse_struct(struct jp *jp, const struct type_struct *t, void *p, yajl_val v)
{
	size_t plen = strlen(jp->path);
	int rc = 0;

	if (!YAJL_IS_OBJECT(v))
		return jp_fail(jp, "expected an object");
	for (size_t i = 0; rc == 0 && i < v->u.object.len; i++) {
		const struct type_field *f = field_find(t, v->u.object.keys[i]);

		if (!f)
			continue;
		snprintf(jp->path + plen, sizeof(jp->path) - plen, "%s%s",
			 plen ? "." : "", f->name);
		rc = parse_value(jp, f, p, v->u.object.values[i]);
		jp->path[plen] = '\0';
	}
	return rc;
}

int json_parse_struct(const struct type_struct *t, void *p, const char *json,
		      char **err)
{
	char ebuf[256] = "";
	struct jp jp = { .err = NULL };
	yajl_val tree = yajl_tree_parse(json, ebuf, sizeof(ebuf));
	int rc;

	if (!tree) {
		char *nl = strchr(ebuf, '\n');

		if (nl)
			*nl = '\0';
		rc = jp_fail(&jp, "invalid JSON: %s", ebuf[0] ? ebuf : "parse error");
	} else {
		rc = parse_struct(&jp, t, p, tree);
		yajl_tree_free(tree);
	}
	if (rc == -ENOMEM)
		free(jp.err), jp.err = NULL;
	if (err)
		*err = jp.err;
	else
		free(jp.err);
	return rc;
}

#define TYPE_ENUM_BEGIN(e)
#define TYPE_ENUM_VAL(e, cname, v, str)
#define TYPE_ENUM_END(e)
#define TYPE_STRUCT_BEGIN(s) \
	int domcfg_##s##_from_json(struct domcfg_##s *p, const char *json, char **err) \
	{ \
		return json_parse_struct(&type_struct_##s, p, json, err); \
	}
#include "libvmctl/cfg_type_none.h"
#include "libvmctl/types.def"
