/* What xl's device commands (block-*, network-*) share: the params of the
 * device.* calls and the spec made of the command's words. */
#include "xl/device.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

char *xl_device_params(const char *kind, const char *dom, const char *key, const char *value,
		       unsigned with)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	char dir[PATH_MAX], *out = NULL;
	size_t len;

	if (!g)
		return NULL;
	yajl_gen_map_open(g);
	yajl_gen_string(g, (const unsigned char *)"domain", 6);
	yajl_gen_string(g, (const unsigned char *)dom, strlen(dom));
	yajl_gen_string(g, (const unsigned char *)"kind", 4);
	yajl_gen_string(g, (const unsigned char *)kind, strlen(kind));
	if (key) {
		yajl_gen_string(g, (const unsigned char *)key, strlen(key));
		yajl_gen_string(g, (const unsigned char *)value, strlen(value));
	}
	if ((with & XL_DEV_CWD) && getcwd(dir, sizeof(dir))) {
		yajl_gen_string(g, (const unsigned char *)"cwd", 3);
		yajl_gen_string(g, (const unsigned char *)dir, strlen(dir));
	}
	if (with & XL_DEV_FORCE) {
		yajl_gen_string(g, (const unsigned char *)"force", 5);
		yajl_gen_bool(g, 1);
	}
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		out = strndup((const char *)buf, len);
	yajl_gen_free(g);
	return out;
}

char *xl_device_join_spec(int argc, char **argv)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	for (int i = 0; s && i < argc; i++) {
		if (i)
			strcat(s, ",");
		strcat(s, argv[i]);
	}
	return s;
}


long long xl_device_num(yajl_val obj, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(obj, path, yajl_t_any);
	char *end;
	long long n;

	if (v && YAJL_IS_INTEGER(v))
		return YAJL_GET_INTEGER(v);
	if (!v || !YAJL_IS_STRING(v) || !*v->u.string)
		return -1;
	n = strtoll(v->u.string, &end, 10);
	return *end ? -1 : n;
}

const char *xl_device_str(yajl_val obj, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(obj, path, yajl_t_string);

	return v ? v->u.string : "";
}
