/* xl pause, unpause, destroy, rename, dmesg: one JSON-RPC call each. */
#include "xl/xl.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Call `method` with {"domain": argv[1]} and report only errors. */
static int domain_call(struct xl *xl, int argc, char **argv, const char *cmd, const char *method)
{
	char params[512] = "{\"domain\":";

	if (argc != 2)
		return xl_usage(cmd);
	if (vmctl_json_quote(params, sizeof(params) - 2, argv[1]) < 0)
		return xl_usage(cmd);
	strcat(params, "}");
	return xl_call(xl, method, params, NULL) < 0 ? 1 : 0;
}

int cmd_pause(struct xl *xl, int argc, char **argv)
{
	return domain_call(xl, argc, argv, "pause", "domain.pause");
}

int cmd_unpause(struct xl *xl, int argc, char **argv)
{
	return domain_call(xl, argc, argv, "unpause", "domain.unpause");
}

int cmd_destroy(struct xl *xl, int argc, char **argv)
{
	/* -f (force) is accepted: destroy is always forceful here. */
	if (argc == 3 && strcmp(argv[1], "-f") == 0) {
		argv[1] = argv[2];
		argc = 2;
	}
	return domain_call(xl, argc, argv, "destroy", "domain.destroy");
}

int cmd_rename(struct xl *xl, int argc, char **argv)
{
	char params[512] = "{\"domain\":";

	if (argc != 3)
		return xl_usage("rename");
	if (vmctl_json_quote(params, sizeof(params), argv[1]) < 0)
		return xl_usage("rename");
	strcat(params, ",\"name\":");
	if (vmctl_json_quote(params, sizeof(params) - 2, argv[2]) < 0)
		return xl_usage("rename");
	strcat(params, "}");
	return xl_call(xl, "domain.rename", params, NULL) < 0 ? 1 : 0;
}

int cmd_dmesg(struct xl *xl, int argc, char **argv)
{
	yajl_val text;
	int c, clear = 0;

	while ((c = getopt(argc, argv, "ch")) != -1) {
		if (c != 'c')
			return xl_usage("dmesg");
		clear = 1;
	}
	if (xl_call(xl, "host.dmesg", clear ? "{\"clear\":true}" : NULL, &text) < 0)
		return 1;
	if (YAJL_IS_STRING(text))
		fputs(text->u.string, stdout);
	yajl_tree_free(text);
	return 0;
}
