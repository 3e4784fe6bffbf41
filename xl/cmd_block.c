/* xl block-attach, block-list, block-detach: device.* calls for "vbd",
 * printed the way Xen's xl prints them. */
#include "xl/xl.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#define WITH_CWD 1     /* add "cwd": the current directory */
#define WITH_FORCE 2   /* add "force": true */

/* {"domain": dom, "kind": "vbd", <key>: value [, "cwd": dir] [, "force": true]} as text. */
static char *params(const char *dom, const char *key, const char *value, unsigned with)
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
	yajl_gen_string(g, (const unsigned char *)"vbd", 3);
	if (key) {
		yajl_gen_string(g, (const unsigned char *)key, strlen(key));
		yajl_gen_string(g, (const unsigned char *)value, strlen(value));
	}
	if ((with & WITH_CWD) && getcwd(dir, sizeof(dir))) {
		yajl_gen_string(g, (const unsigned char *)"cwd", 3);
		yajl_gen_string(g, (const unsigned char *)dir, strlen(dir));
	}
	if (with & WITH_FORCE) {
		yajl_gen_string(g, (const unsigned char *)"force", 5);
		yajl_gen_bool(g, 1);
	}
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		out = strndup((const char *)buf, len);
	yajl_gen_free(g);
	return out;
}

/* The spec's components joined by commas, as xl joins them. */
static char *join(int argc, char **argv)
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

int cmd_block_attach(struct xl *xl, int argc, char **argv)
{
	char *spec, *p;
	int rc;

	if (argc < 3)
		return xl_usage("block-attach");
	spec = join(argc - 2, argv + 2);
	p = spec ? params(argv[1], "spec", spec, WITH_CWD) : NULL;
	rc = p && xl_call(xl, "device.attach", p, NULL) == 0 ? 0 : 1;
	free(spec);
	free(p);
	return rc;
}

int cmd_block_detach(struct xl *xl, int argc, char **argv)
{
	char *p;
	int rc;

	bool force = argc == 4 && (!strcmp(argv[1], "-f") || !strcmp(argv[1], "--force"));

	if (force) {   /* do not wait for the guest to release the disk */
		argv++;
		argc--;
	}
	if (argc != 3)
		return xl_usage("block-detach");
	p = params(argv[1], "device", argv[2], force ? WITH_FORCE : 0);
	rc = p && xl_call(xl, "device.detach", p, NULL) == 0 ? 0 : 1;
	free(p);
	return rc;
}

static long long num(yajl_val obj, const char *key)
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

static const char *str(yajl_val obj, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(obj, path, yajl_t_string);

	return v ? v->u.string : "";
}

int cmd_block_list(struct xl *xl, int argc, char **argv)
{
	if (argc < 2)
		return xl_usage("block-list");
	printf("%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n",
	       "Vdev", "BE", "handle", "state", "evt-ch", "ring-ref", "BE-path");
	for (int a = 1; a < argc; a++) {
		char *p = params(argv[a], NULL, NULL, 0);
		yajl_val list = NULL;

		if (p && xl_call(xl, "device.list", p, &list) == 0 && YAJL_IS_ARRAY(list)) {
			for (size_t i = 0; i < list->u.array.len; i++) {
				yajl_val d = list->u.array.values[i];
				printf("%-5lld %-3lld %-6lld %-5lld %-6lld %-8lld %-30s\n", num(d, "devid"),
				       num(d, "backend_id"), num(d, "frontend_id"), num(d, "state"),
				       num(d, "evtch"), num(d, "ring_ref"), str(d, "backend"));
			}
		}
		yajl_tree_free(list);
		free(p);
	}
	return 0;
}
