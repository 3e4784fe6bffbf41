/* cfg_copy: deep copies of described structs, and adding/removing devices
 * in a config (xl block-attach and friends change the saved config). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libvmctl/cfg_type.h"

/* Duplicate what `v` points to in place. Once a copy has failed, the
 * remaining pointers are cleared instead, so the result can be disposed. */
static int dup_string(char **v, int failed)
{
	if (!*v || failed)
		return *v = NULL, failed;
	*v = strdup(*v);
	return *v ? 0 : -ENOMEM;
}

static int dup_bitmap(struct domcfg_bitmap *bm, int failed)
{
	uint8_t *map;

	if (!bm->map || failed) {
		*bm = (struct domcfg_bitmap){ 0 };
		return failed;
	}
	map = malloc(bm->size / 8 ? bm->size / 8 : 1);
	if (map)
		memcpy(map, bm->map, bm->size / 8);
	bm->map = map;
	if (!map)
		bm->size = 0;
	return map ? 0 : -ENOMEM;
}

static int dup_strlist(char ***v, int failed)
{
	char **src = *v, **l;
	size_t n = 0;

	while (src && src[n])
		n++;
	*v = NULL;
	if (!src || failed)
		return failed;
	l = calloc(n + 1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		l[i] = strdup(src[i]);
		if (!l[i]) {
			type_strlist_free(l);
			return -ENOMEM;
		}
	}
	*v = l;
	return 0;
}

static int dup_struct(const struct type_struct *t, void *p, int failed);

static int dup_array(const struct type_field *f, void *p, int failed)
{
	char **elems = (char **)((char *)p + f->off);
	int *count = (int *)((char *)p + f->count_off);
	size_t size = (size_t)*count * f->sub->size;
	char *copy = failed || !*count ? NULL : malloc(size);

	if (!copy) {
		*elems = NULL;
		*count = 0;
		return failed ? failed : size ? -ENOMEM : 0;
	}
	memcpy(copy, *elems, size);
	*elems = copy;
	for (int i = 0; i < *count; i++)
		failed = dup_struct(f->sub, copy + (size_t)i * f->sub->size, failed);
	return failed;
}

static int dup_struct(const struct type_struct *t, void *p, int failed)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct type_field *f = &t->fields[i];
		void *v = (char *)p + f->off;
		int rc = failed;

		switch (f->kind) {
		case TK_STRING: rc = dup_string(v, failed); break;
		case TK_BITMAP: rc = dup_bitmap(v, failed); break;
		case TK_STRLIST: rc = dup_strlist(v, failed); break;
		case TK_STRUCT: case TK_UNION: rc = dup_struct(f->sub, v, failed); break;
		case TK_ARRAY: rc = dup_array(f, p, failed); break;
		default: break;
		}
		failed = failed ? failed : rc;
	}
	return failed;
}

int type_copy(const struct type_struct *t, void *dst, const void *src)
{
	int rc;

	if (dst == src)
		return 0;
	type_dispose(t, dst);
	memcpy(dst, src, t->size);
	rc = dup_struct(t, dst, 0);
	if (rc)
		type_dispose(t, dst);
	return rc;
}

#define TYPE_ENUM_BEGIN(e)
#define TYPE_ENUM_VAL(e, cname, v, str)
#define TYPE_ENUM_END(e)
#define TYPE_STRUCT_BEGIN(s) \
	int domcfg_##s##_copy(struct domcfg_##s *dst, const struct domcfg_##s *src) \
	{ \
		return type_copy(&type_struct_##s, dst, src); \
	}
#include "libvmctl/cfg_type_none.h"
#include "libvmctl/types.def"

/* ---- devices in a config ---- */

static int array_append(void **arr, int *count, const struct type_struct *t, const void *elem)
{
	char *n = realloc(*arr, (size_t)(*count + 1) * t->size);
	int rc;

	if (!n)
		return -ENOMEM;
	*arr = n;
	type_init(t, n + (size_t)*count * t->size);
	rc = type_copy(t, n + (size_t)*count * t->size, elem);
	if (rc == 0)
		(*count)++;
	return rc;
}

static int array_remove(void *arr, int *count, const struct type_struct *t, int i)
{
	char *a = arr;

	if (i < 0 || i >= *count)
		return -ENOENT;
	type_dispose(t, a + (size_t)i * t->size);
	memmove(a + (size_t)i * t->size, a + (size_t)(i + 1) * t->size,
		(size_t)(*count - i - 1) * t->size);
	(*count)--;
	return 0;
}

#define DEVICE_FNS(kind, arr) \
	int domcfg_config_add_##kind(struct domcfg_config *cfg, const struct domcfg_##kind *dev) \
	{ \
		return array_append((void **)&cfg->arr, &cfg->num_##arr, &type_struct_##kind, dev); \
	} \
	int domcfg_config_remove_##kind(struct domcfg_config *cfg, int index) \
	{ \
		return array_remove(cfg->arr, &cfg->num_##arr, &type_struct_##kind, index); \
	}

DEVICE_FNS(disk, disks)
DEVICE_FNS(nic, nics)
DEVICE_FNS(vfb, vfbs)
DEVICE_FNS(vkb, vkbs)
