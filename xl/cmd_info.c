/* xl info, and the other commands that describe the host. */
#include "xl/xl.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* `xl info [field]`: "%-23s: value" lines in the order xld sends them; with
 * a field, only the values of keys starting with it (as xl does). */
int cmd_info(struct xl *xl, int argc, char **argv)
{
	yajl_val info;
	const char *field = NULL;
	char buf[64];
	int c;

	while ((c = getopt(argc, argv, "nh")) != -1)
		if (c != 'n')
			return xl_usage("info");
	if (optind < argc)
		field = argv[optind];
	if (xl_call(xl, "host.info", NULL, &info) < 0)
		return 1;
	for (size_t i = 0; YAJL_IS_OBJECT(info) && i < info->u.object.len; i++) {
		const char *key = info->u.object.keys[i];
		const char *val = xl_json_text(info->u.object.values[i], buf, sizeof(buf));
		if (!field)
			printf("%-23s: %s\n", key, val);
		else if (strncmp(key, field, strlen(field)) == 0)
			printf("%s\n", val);
	}
	yajl_tree_free(info);
	return 0;
}
