/* xl's entry point: global options, then one command from the table. */
#include "config.h"
#include "xl/xl.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct xl_cmd commands[] = {
#define XL_CMD(name, fn, usage, help) { name, fn, usage, help },
#include "xl/cmdtable.def"
#undef XL_CMD
};

static const struct xl_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int xl_usage(const char *name)
{
	const struct xl_cmd *c = find_cmd(name);

	if (c)
		fprintf(stderr, "Usage: xl [-vfN] %s %s\n\n%s.\n", c->name, c->usage, c->help);
	return 2;
}

static void list_commands(FILE *f)
{
	fprintf(f, "Usage xl [-vfNtT] <subcommand> [args]\n\nxl full list of subcommands:\n\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, " %-19s %s\n", commands[i].name, commands[i].help);
}

int cmd_help(struct xl *xl, int argc, char **argv)
{
	if (argc > 1) {
		if (!find_cmd(argv[1])) {
			fprintf(stderr, "xl: no command '%s'\n", argv[1]);
			return 2;
		}
		xl_usage(argv[1]);
		return 0;
	}
	list_commands(stdout);
	return 0;
}

struct vmctl *xl_conn(struct xl *xl)
{
	struct vmctl_error err;

	if (!xl->vm) {
		xl->vm = vmctl_open(NULL, &err);
		if (!xl->vm) {
			fprintf(stderr, "xl: %s\n", err.message);
			exit(1);
		}
	}
	return xl->vm;
}

int xl_call(struct xl *xl, const char *method, const char *params, yajl_val *result)
{
	struct vmctl_error err;

	if (vmctl_call(xl_conn(xl), method, params, result, &err) < 0) {
		fprintf(stderr, "xl: %s\n", err.message);
		return -1;
	}
	return 0;
}

const char *xl_json_text(yajl_val v, char *buf, size_t cap)
{
	if (!v || YAJL_IS_NULL(v))
		return "";
	if (YAJL_IS_STRING(v))
		return v->u.string;
	if (YAJL_IS_NUMBER(v))
		return v->u.number.r;
	if (YAJL_IS_TRUE(v))
		return "true";
	if (YAJL_IS_FALSE(v))
		return "false";
	snprintf(buf, cap, "(complex)");
	return buf;
}

int main(int argc, char **argv)
{
	struct xl xl = { 0 };
	int c, rc;

	/* Global options stop at the subcommand ('+'). */
	while ((c = getopt(argc, argv, "+vfNtTh")) != -1) {
		switch (c) {
		case 'v': xl.verbose++; break;
		case 'f': xl.force = true; break;
		case 'N': xl.dry_run = true; break;
		case 't': case 'T': break; /* progress and timestamp styles: accepted */
		case 'h': list_commands(stdout); return 0;
		default: list_commands(stderr); return 2;
		}
	}
	if (optind >= argc) {
		list_commands(stderr);
		return 2;
	}
	const struct xl_cmd *cmd = find_cmd(argv[optind]);
	if (!cmd) {
		fprintf(stderr, "xl: unknown command '%s'\n", argv[optind]);
		list_commands(stderr);
		return 2;
	}
	argc -= optind;
	argv += optind;
	optind = 1; /* commands parse their own options with getopt */
	rc = cmd->fn(&xl, argc, argv);
	vmctl_close(xl.vm);
	return rc;
}
