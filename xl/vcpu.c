/* xl vcpu-list: the vCPUs of all or some domains, in Xen's columns. */
#include "xl/xl.h"
#include "xl/device.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool flag(yajl_val obj, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(obj, path, yajl_t_any);

	return v && YAJL_IS_TRUE(v);
}

static double seconds(yajl_val obj, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(obj, path, yajl_t_number);

	return v ? v->u.number.d : 0.0;
}

/* One row as Xen's xl prints it: an offline vCPU shows CPU "-" and state
 * "--p"; an online one its CPU and r (running) / b (blocked). */
static void print_vcpu(yajl_val v)
{
	long long cpu = xl_device_num(v, "cpu");
	char cpus[24] = "-";

	if (cpu >= 0)   /* -1: vmhv does not know where it runs */
		snprintf(cpus, sizeof(cpus), "%lld", cpu);
	printf("%-32s %5lld %5lld", xl_device_str(v, "name"), xl_device_num(v, "domid"),
	       xl_device_num(v, "vcpu"));
	if (!flag(v, "online"))
		printf("%5c %3c%cp ", '-', '-', '-');
	else
		printf("%5s %3c%c- ", cpus, flag(v, "running") ? 'r' : '-',
		       flag(v, "blocked") ? 'b' : '-');
	printf("%9.1f  %s / %s\n", seconds(v, "cpu_time"), xl_device_str(v, "affinity"),
	       xl_device_str(v, "affinity_soft"));
}

static int list_one(struct xl *xl, const char *dom)
{
	char params[300] = "{\"domain\":";
	yajl_val list = NULL;

	if (dom && vmctl_json_quote(params, sizeof(params) - 2, dom) < 0)
		return -1;
	strcat(params, "}");
	if (xl_call(xl, "domain.vcpu_list", dom ? params : NULL, &list) < 0)
		return -1;
	for (size_t i = 0; YAJL_IS_ARRAY(list) && i < list->u.array.len; i++)
		print_vcpu(list->u.array.values[i]);
	yajl_tree_free(list);
	return 0;
}

int cmd_vcpu_list(struct xl *xl, int argc, char **argv)
{
	int rc = 0;

	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-')
			return xl_usage("vcpu-list");
	printf("%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU", "State", "Time(s)",
	       "Affinity (Hard / Soft)");
	if (argc < 2)
		return list_one(xl, NULL) < 0 ? 1 : 0;
	for (int i = 1; i < argc; i++)
		if (list_one(xl, argv[i]) < 0)
			rc = 1;
	return rc;
}
