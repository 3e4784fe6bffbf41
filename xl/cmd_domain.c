/* xl pause, unpause, destroy, rename, dmesg: one JSON-RPC call each. */
#include "xl/xl.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Is `dom` (name or id) still listed? */
static bool domain_listed(struct xl *xl, const char *dom)
{
	struct vmctl_error err;
	yajl_val v;

	if (vmctl_call(xl_conn(xl), "domain.list", NULL, &v, &err) < 0)
		return false;
	bool found = false;
	for (size_t i = 0; YAJL_IS_ARRAY(v) && i < v->u.array.len; i++) {
		yajl_val d = v->u.array.values[i];
		const char *np[] = { "name", NULL }, *ip[] = { "domid", NULL };
		yajl_val name = yajl_tree_get(d, np, yajl_t_string);
		yajl_val id = yajl_tree_get(d, ip, yajl_t_number);
		char idbuf[16];
		snprintf(idbuf, sizeof(idbuf), "%lld", id ? (long long)id->u.number.i : -1);
		found = found || (name && strcmp(name->u.string, dom) == 0) || strcmp(idbuf, dom) == 0;
	}
	yajl_tree_free(v);
	return found;
}

/* xl shutdown [-w] [-F] <Domain>, xl reboot [-F] <Domain>. */
static int shutdown_cmd(struct xl *xl, int argc, char **argv, const char *cmd, const char *action)
{
	char params[512] = "{\"domain\":";
	int c, wait = 0;

	while ((c = getopt(argc, argv, "awFh")) != -1) {
		if (c == 'w')
			wait = 1;
		else if (c != 'F')
			return xl_usage(cmd);
	}
	if (optind + 1 != argc || vmctl_json_quote(params, sizeof(params) - 32, argv[optind]) < 0)
		return xl_usage(cmd);
	strcat(params, ",\"action\":\"");
	strcat(params, action);
	strcat(params, "\"}");
	if (xl_call(xl, "domain.shutdown", params, NULL) < 0)
		return 1;
	if (!wait)
		return 0;
	fprintf(stderr, "Waiting for domain %s to shut down\n", argv[optind]);
	while (domain_listed(xl, argv[optind]))
		usleep(100000);
	fprintf(stderr, "Domain %s has been shut down\n", argv[optind]);
	return 0;
}

int cmd_shutdown(struct xl *xl, int argc, char **argv)
{
	return shutdown_cmd(xl, argc, argv, "shutdown", "poweroff");
}

int cmd_reboot(struct xl *xl, int argc, char **argv)
{
	return shutdown_cmd(xl, argc, argv, "reboot", "reboot");
}

/* "256", "256m", "1g", "524288k", "1073741824b" -> KiB (xl's parse_mem_size_kb:
 * no suffix means MiB). -1 if malformed. */
static long long parse_size_kb(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (end == s || v < 0)
		return -1;
	switch (*end) {
	case '\0': case 'm': case 'M': v <<= 10; break;
	case 'k': case 'K': break;
	case 'g': case 'G': v <<= 20; break;
	case 't': case 'T': v <<= 30; break;
	case 'b': case 'B': v >>= 10; break;
	default: return -1;
	}
	return end[0] && end[1] ? -1 : v;
}

static int mem_cmd(struct xl *xl, int argc, char **argv, const char *cmd, const char *key)
{
	char params[512] = "{\"domain\":";
	long long kb;

	if (argc != 3 || (kb = parse_size_kb(argv[2])) <= 0 ||
	    vmctl_json_quote(params, sizeof(params) - 64, argv[1]) < 0)
		return xl_usage(cmd);
	snprintf(params + strlen(params), 64, ",\"%s\":%lld}", key, kb);
	return xl_call(xl, "domain.set_memory", params, NULL) < 0 ? 1 : 0;
}

int cmd_mem_set(struct xl *xl, int argc, char **argv)
{
	return mem_cmd(xl, argc, argv, "mem-set", "target_kb");
}

int cmd_mem_max(struct xl *xl, int argc, char **argv)
{
	return mem_cmd(xl, argc, argv, "mem-max", "max_kb");
}

int cmd_vcpu_set(struct xl *xl, int argc, char **argv)
{
	char params[512] = "{\"domain\":", *end;
	long n;

	if (argc != 3 || (n = strtol(argv[2], &end, 10)) < 1 || *end ||
	    vmctl_json_quote(params, sizeof(params) - 32, argv[1]) < 0)
		return xl_usage("vcpu-set");
	snprintf(params + strlen(params), 32, ",\"vcpus\":%ld}", n);
	return xl_call(xl, "domain.set_vcpus", params, NULL) < 0 ? 1 : 0;
}
