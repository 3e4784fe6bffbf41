/* xl block-attach, block-list, block-detach: device.* calls for "vbd",
 * printed the way Xen's xl prints them. */
#include "xl/xl.h"
#include "xl/device.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

int cmd_block_attach(struct xl *xl, int argc, char **argv)
{
	char *spec, *p;
	int rc;

	if (argc < 3)
		return xl_usage("block-attach");
	spec = xl_device_join_spec(argc - 2, argv + 2);
	p = spec ? xl_device_params("vbd", argv[1], "spec", spec, XL_DEV_CWD) : NULL;
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
	p = xl_device_params("vbd", argv[1], "device", argv[2], force ? XL_DEV_FORCE : 0);
	rc = p && xl_call(xl, "device.detach", p, NULL) == 0 ? 0 : 1;
	free(p);
	return rc;
}

int cmd_block_list(struct xl *xl, int argc, char **argv)
{
	if (argc < 2)
		return xl_usage("block-list");
	printf("%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n",
	       "Vdev", "BE", "handle", "state", "evt-ch", "ring-ref", "BE-path");
	for (int a = 1; a < argc; a++) {
		char *p = xl_device_params("vbd", argv[a], NULL, NULL, 0);
		yajl_val list = NULL;

		if (p && xl_call(xl, "device.list", p, &list) == 0 && YAJL_IS_ARRAY(list)) {
			for (size_t i = 0; i < list->u.array.len; i++) {
				yajl_val d = list->u.array.values[i];
				printf("%-5lld %-3lld %-6lld %-5lld %-6lld %-8lld %-30s\n", xl_device_num(d, "devid"),
				       xl_device_num(d, "backend_id"), xl_device_num(d, "frontend_id"), xl_device_num(d, "state"),
				       xl_device_num(d, "evtch"), xl_device_num(d, "ring_ref"), xl_device_str(d, "backend"));
			}
		}
		yajl_tree_free(list);
		free(p);
	}
	return 0;
}
