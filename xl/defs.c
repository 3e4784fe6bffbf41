/* xl define, undefine, start, autostart, list-defined: vmctl's persistent
 * definitions (the same set virsh define/undefine/start/autostart use). */
#include "xl/xl.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#define DEF_MAX_FILE (1 << 20)

static char *file_contents(const char *path)
{
	struct stat st;
	char *text = NULL;
	ssize_t n = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size <= DEF_MAX_FILE &&
	    (text = malloc((size_t)st.st_size + 1)))
		n = read(fd, text, (size_t)st.st_size);
	if (fd >= 0)
		close(fd);
	if (n < 0 || (text && n != st.st_size)) {
		free(text);
		return NULL;
	}
	text[n] = '\0';
	return text;
}

static void put_str(yajl_gen g, const char *key, const char *val)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
	yajl_gen_string(g, (const unsigned char *)val, strlen(val));
}

/* {"config"|"xml": text, "config_name": file, "cwd": dir} */
static char *define_params(const char *file, const char *text, bool xml)
{
	char cwd[PATH_MAX], *out;
	const unsigned char *buf;
	size_t len;
	yajl_gen g = yajl_gen_alloc(NULL);

	yajl_gen_map_open(g);
	put_str(g, xml ? "xml" : "config", text);
	put_str(g, "config_name", file);
	if (getcwd(cwd, sizeof(cwd)))
		put_str(g, "cwd", cwd);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	out = strndup((const char *)buf, len);
	yajl_gen_free(g);
	return out;
}

int cmd_define(struct xl *xl, int argc, char **argv)
{
	bool xml = argc == 3 && strcmp(argv[1], "--xml") == 0;
	const char *file = argv[argc - 1];
	char *text, *params;
	yajl_val res;
	int rc = 1;

	if (argc != 2 && !xml)
		return xl_usage("define");
	xml = xml || (strlen(file) > 4 && strcmp(file + strlen(file) - 4, ".xml") == 0);
	text = file_contents(file);
	if (!text) {
		fprintf(stderr, "Failed to read config file: %s: %m\n", file);
		return 1;
	}
	params = define_params(file, text, xml);
	if (params && xl_call(xl, "domain.define", params, &res) == 0) {
		const char *np[] = { "name", NULL }, *up[] = { "uuid", NULL };
		yajl_val name = yajl_tree_get(res, np, yajl_t_string), uuid = yajl_tree_get(res, up, yajl_t_string);
		printf("Domain %s defined (uuid %s)\n", name ? name->u.string : "?", uuid ? uuid->u.string : "?");
		yajl_tree_free(res);
		rc = 0;
	}
	free(params);
	free(text);
	return rc;
}

/* {"domain": name} plus `extra` (",\"key\":value" or ""). */
static int def_call(struct xl *xl, const char *cmd, const char *method, const char *dom,
		    const char *extra, yajl_val *res)
{
	char params[512] = "{\"domain\":";

	if (vmctl_json_quote(params, sizeof(params) - strlen(extra) - 2, dom) < 0)
		return xl_usage(cmd);
	strcat(params, extra);
	strcat(params, "}");
	return xl_call(xl, method, params, res) < 0 ? 1 : 0;
}

int cmd_undefine(struct xl *xl, int argc, char **argv)
{
	if (argc != 2)
		return xl_usage("undefine");
	return def_call(xl, "undefine", "domain.undefine", argv[1], "", NULL);
}

int cmd_start(struct xl *xl, int argc, char **argv)
{
	bool paused = argc == 3 && strcmp(argv[1], "-p") == 0;

	if (argc != 2 && !paused)
		return xl_usage("start");
	return def_call(xl, "start", "domain.start", argv[argc - 1], paused ? ",\"paused\":true" : "", NULL);
}

int cmd_autostart(struct xl *xl, int argc, char **argv)
{
	const char *extra = "";
	const char *ap[] = { "autostart", NULL };
	yajl_val res = NULL, v;
	int rc;

	if (argc == 3 && strcmp(argv[2], "on") == 0)
		extra = ",\"enable\":true";
	else if (argc == 3 && strcmp(argv[2], "off") == 0)
		extra = ",\"enable\":false";
	else if (argc != 2)
		return xl_usage("autostart");
	rc = def_call(xl, "autostart", "domain.autostart", argv[1], extra, &res);
	if (rc == 0 && argc == 2) {
		v = yajl_tree_get(res, ap, yajl_t_any);
		printf("%s\n", v && YAJL_IS_TRUE(v) ? "on" : "off");
	}
	yajl_tree_free(res);
	return rc;
}

int cmd_list_defined(struct xl *xl, int argc, char **argv)
{
	const char *dp[] = { "domid", NULL }, *np[] = { "name", NULL }, *up[] = { "uuid", NULL };
	const char *ap[] = { "autostart", NULL };
	yajl_val list;

	(void)argv;
	if (argc != 1)
		return xl_usage("list-defined");
	if (xl_call(xl, "domain.list", "{\"all\":true}", &list) < 0)
		return 1;
	printf("%-32s %-36s %s\n", "Name", "UUID", "Autostart");
	for (size_t i = 0; YAJL_IS_ARRAY(list) && i < list->u.array.len; i++) {
		yajl_val d = list->u.array.values[i], name = yajl_tree_get(d, np, yajl_t_string);
		yajl_val uuid = yajl_tree_get(d, up, yajl_t_string), a = yajl_tree_get(d, ap, yajl_t_any);
		yajl_val id = yajl_tree_get(d, dp, yajl_t_any);
		if (!id || !YAJL_IS_NULL(id) || !name || !uuid)
			continue;
		printf("%-32s %-36s %s\n", name->u.string, uuid->u.string, a && YAJL_IS_TRUE(a) ? "on" : "off");
	}
	yajl_tree_free(list);
	return 0;
}
