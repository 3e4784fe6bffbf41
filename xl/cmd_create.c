/* xl create: read the config file here (xl may run where xld cannot read
 * the user's files), send its text to xld, optionally attach the console. */
#include "xl/xl.h"
#include "xl/vnc.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#define MAX_CONFIG (1 << 20)

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(MAX_CONFIG + 1);
	n = buf ? fread(buf, 1, MAX_CONFIG + 1, f) : 0;
	fclose(f);
	if (!buf || n > MAX_CONFIG) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static void gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

struct create_opts {
	const char *file;
	char **overrides;
	int noverrides;
	int paused, dry_run, quiet, console, vnc, autopass;
};

/* {"config": text, "config_name": file, "cwd": dir, "overrides": [...], ...} */
static char *create_params(const struct create_opts *o, const char *text)
{
	char cwd[PATH_MAX];
	const unsigned char *buf;
	size_t len;
	char *out;
	yajl_gen g = yajl_gen_alloc(NULL);

	yajl_gen_map_open(g);
	gen_str(g, "config");
	gen_str(g, text);
	gen_str(g, "config_name");
	gen_str(g, o->file);
	if (getcwd(cwd, sizeof(cwd))) {
		gen_str(g, "cwd");
		gen_str(g, cwd);
	}
	gen_str(g, "overrides");
	yajl_gen_array_open(g);
	for (int i = 0; i < o->noverrides; i++)
		gen_str(g, o->overrides[i]);
	yajl_gen_array_close(g);
	gen_str(g, "paused");
	yajl_gen_bool(g, o->paused);
	gen_str(g, "dry_run");
	yajl_gen_bool(g, o->dry_run);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	out = strndup((const char *)buf, len);
	yajl_gen_free(g);
	return out;
}

static int print_dry_run(yajl_val result)
{
	const char *path[] = { "config", NULL };
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "    ");
	vmctl_json_gen_tree(g, yajl_tree_get(result, path, yajl_t_any));
	yajl_gen_get_buf(g, &buf, &len);
	fwrite(buf, 1, len, stdout);
	yajl_gen_free(g);
	return 0;
}

static int parse_create_opts(int argc, char **argv, struct create_opts *o)
{
	int c;

	while ((c = getopt(argc, argv, "+f:pnqcVdeFAh")) != -1) {
		switch (c) {
		case 'f': o->file = optarg; break;
		case 'p': o->paused = 1; break;
		case 'n': o->dry_run = 1; break;
		case 'q': o->quiet = 1; break;
		case 'c': o->console = 1; break;
		case 'V': o->vnc = 1; break;
		case 'A': o->vnc = o->autopass = 1; break;
		case 'd': case 'e': case 'F': break; /* no daemon here to keep */
		default: return -1;
		}
	}
	/* xl create [-f] FILE [key=value ...] */
	if (!o->file && optind < argc && !strchr(argv[optind], '='))
		o->file = argv[optind++];
	o->overrides = argv + optind;
	o->noverrides = argc - optind;
	for (int i = 0; i < o->noverrides; i++)
		if (!strchr(o->overrides[i], '='))
			return -1;
	return o->file ? 0 : -1;
}

int cmd_create(struct xl *xl, int argc, char **argv)
{
	struct create_opts o = { 0 };
	char *text, *params;
	yajl_val result;
	int rc;

	if (parse_create_opts(argc, argv, &o) < 0)
		return xl_usage("create");
	o.dry_run |= xl->dry_run;
	text = read_file(o.file);
	if (!text) {
		fprintf(stderr, "Failed to read config file: %s: %s\n", o.file, strerror(errno));
		return 1;
	}
	params = create_params(&o, text);
	free(text);
	rc = params ? xl_call(xl, "domain.create", params, &result) : -1;
	free(params);
	if (rc < 0)
		return 1;
	if (o.dry_run) {
		print_dry_run(result);
	} else {
		const char *ip[] = { "domid", NULL }, *np[] = { "name", NULL };
		yajl_val id = yajl_tree_get(result, ip, yajl_t_number);
		yajl_val name = yajl_tree_get(result, np, yajl_t_string);
		if (!o.quiet && id && name)
			fprintf(stderr, "Started domain %s (id=%lld)\n", name->u.string,
				(long long)id->u.number.i);
		if (o.vnc && name && !o.console) {
			/* As xl: start the viewer (it replaces this process). */
			char *dom = strdup(name->u.string);
			yajl_tree_free(result);
			rc = dom ? xl_vncviewer(xl, dom, o.autopass, true) : 1;
			free(dom);
			return rc;
		}
		if (o.console && name) {
			char *dom = strdup(name->u.string);
			char *cargv[] = { "console", dom, NULL };
			yajl_tree_free(result);
			optind = 1;
			rc = dom ? cmd_console(xl, 2, cargv) : 1;
			free(dom);
			return rc;
		}
	}
	yajl_tree_free(result);
	return 0;
}
