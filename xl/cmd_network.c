/* xl network-attach, network-list, network-detach: device.* calls for "vif",
 * printed the way Xen's xl prints them. */
#include "xl/xl.h"
#include "xl/device.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

int cmd_network_attach(struct xl *xl, int argc, char **argv)
{
	char *spec, *p;
	int rc;

	if (argc < 2)
		return xl_usage("network-attach");
	spec = xl_device_join_spec(argc - 2, argv + 2);
	p = spec ? xl_device_params("vif", argv[1], "spec", spec, 0) : NULL;
	rc = p && xl_call(xl, "device.attach", p, NULL) == 0 ? 0 : 1;
	free(spec);
	free(p);
	return rc;
}

int cmd_network_detach(struct xl *xl, int argc, char **argv)
{
	char *p;
	int rc;

	if (argc != 3)
		return xl_usage("network-detach");
	p = xl_device_params("vif", argv[1], "device", argv[2], 0);
	rc = p && xl_call(xl, "device.detach", p, NULL) == 0 ? 0 : 1;
	free(p);
	return rc;
}

int cmd_network_list(struct xl *xl, int argc, char **argv)
{
	if (argc < 2)
		return xl_usage("network-list");
	printf("%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n",
	       "Idx", "BE", "Mac Addr.", "handle", "state", "evt-ch", "tx-", "rx-ring-ref", "BE-path");
	for (int a = 1; a < argc; a++) {
		char *p = xl_device_params("vif", argv[a], NULL, NULL, 0);
		yajl_val list = NULL;

		if (p && xl_call(xl, "device.list", p, &list) == 0 && YAJL_IS_ARRAY(list)) {
			for (size_t i = 0; i < list->u.array.len; i++) {
				yajl_val d = list->u.array.values[i];
				printf("%-3lld %-2lld %-17s %6lld %5lld %6lld %5lld/%-11lld %-30s\n",
				       xl_device_num(d, "devid"), xl_device_num(d, "backend_id"), xl_device_str(d, "mac"), xl_device_num(d, "devid"),
				       xl_device_num(d, "state"), xl_device_num(d, "evtch"), xl_device_num(d, "tx_ring_ref"),
				       xl_device_num(d, "rx_ring_ref"), xl_device_str(d, "backend"));
			}
		}
		yajl_tree_free(list);
		free(p);
	}
	return 0;
}
