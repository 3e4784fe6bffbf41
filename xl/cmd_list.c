/* xl list, domid, domname, uptime: commands that read the domain list. */
#include "xl/xl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static yajl_val field(yajl_val obj, const char *key, yajl_type t)
{
	const char *path[] = { key, NULL };

	return yajl_tree_get(obj, path, t);
}

static long long field_int(yajl_val obj, const char *key)
{
	yajl_val v = field(obj, key, yajl_t_number);

	return v && YAJL_IS_INTEGER(v) ? v->u.number.i : 0;
}

static const char *field_str(yajl_val obj, const char *key)
{
	yajl_val v = field(obj, key, yajl_t_string);

	return v ? v->u.string : "";
}

/* Does `dom` match one of the names or ids in argv? (all when argc == 0) */
static bool wanted(yajl_val dom, int argc, char **argv)
{
	char id[16];

	if (argc == 0)
		return true;
	snprintf(id, sizeof(id), "%lld", field_int(dom, "domid"));
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], id) == 0 || strcmp(argv[i], field_str(dom, "name")) == 0)
			return true;
	return false;
}

static void print_row(yajl_val dom, int verbose)
{
	yajl_val t = field(dom, "cpu_time", yajl_t_number);

	printf("%-40s %5lld %5lld %5lld     %s  %8.1f", field_str(dom, "name"),
	       field_int(dom, "domid"), field_int(dom, "mem_kb") / 1024,
	       field_int(dom, "vcpus"), field_str(dom, "state"), t ? t->u.number.d : 0.0);
	if (verbose) {
		long long reason = field_int(dom, "shutdown_reason");
		printf(" %s %8llx     -", field_str(dom, "uuid"),
		       (unsigned long long)(reason < 0 ? 0 : reason));
	}
	printf("\n");
}

/* xl list -l: a JSON array of {"domid": N, "config": {...}}, pretty-printed. */
static void print_long(yajl_val doms, int argc, char **argv)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "    ");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < doms->u.array.len; i++) {
		yajl_val d = doms->u.array.values[i];
		if (field_int(d, "domid") == 0 || !wanted(d, argc, argv))
			continue;
		yajl_gen_map_open(g);
		yajl_gen_string(g, (const unsigned char *)"domid", 5);
		yajl_gen_integer(g, field_int(d, "domid"));
		yajl_gen_string(g, (const unsigned char *)"config", 6);
		vmctl_json_gen_tree(g, field(d, "config", yajl_t_any));
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	fwrite(buf, 1, len, stdout);
	yajl_gen_free(g);
}

int cmd_list(struct xl *xl, int argc, char **argv)
{
	int c, verbose = 0, longfmt = 0, rc = 1;
	yajl_val doms;

	while ((c = getopt(argc, argv, "lvZcnh")) != -1) {
		switch (c) {
		case 'l': longfmt = 1; break;
		case 'v': verbose = 1; break;
		case 'Z': case 'c': case 'n': break; /* labels, cpupools, NUMA: one of each here */
		default: return xl_usage("list");
		}
	}
	if (xl_call(xl, "domain.list", longfmt ? "{\"config\":true}" : NULL, &doms) < 0)
		return 1;
	argc -= optind;
	argv += optind;
	for (int i = 0; i < argc; i++) {
		bool found = false;
		for (size_t k = 0; k < doms->u.array.len; k++)
			found = found || wanted(doms->u.array.values[k], 1, &argv[i]);
		if (!found) {
			fprintf(stderr, "%s is an invalid domain identifier (rc=-6)\n", argv[i]);
			goto out;
		}
	}
	if (longfmt) {
		print_long(doms, argc, argv);
	} else {
		printf("Name                                        ID   Mem VCPUs\tState\tTime(s)");
		if (verbose)
			printf("   UUID                            Reason-Code\tSecurity Label");
		printf("\n");
		for (size_t i = 0; i < doms->u.array.len; i++)
			if (wanted(doms->u.array.values[i], argc, argv))
				print_row(doms->u.array.values[i], verbose);
	}
	rc = 0;
out:
	yajl_tree_free(doms);
	return rc;
}

/* Find one domain in the list by name or id; NULL (message printed) if none. */
static yajl_val find_domain(yajl_val doms, const char *which)
{
	for (size_t k = 0; k < doms->u.array.len; k++)
		if (wanted(doms->u.array.values[k], 1, (char **)&which))
			return doms->u.array.values[k];
	fprintf(stderr, "%s is an invalid domain identifier\n", which);
	return NULL;
}

static int print_field_of(struct xl *xl, int argc, char **argv, const char *cmd, bool want_id)
{
	yajl_val doms, d;
	int rc = 1;

	if (argc != 2)
		return xl_usage(cmd);
	if (xl_call(xl, "domain.list", NULL, &doms) < 0)
		return 1;
	d = find_domain(doms, argv[1]);
	if (d) {
		if (want_id)
			printf("%lld\n", field_int(d, "domid"));
		else
			printf("%s\n", field_str(d, "name"));
		rc = 0;
	}
	yajl_tree_free(doms);
	return rc;
}

int cmd_domid(struct xl *xl, int argc, char **argv)
{
	return print_field_of(xl, argc, argv, "domid", true);
}

int cmd_domname(struct xl *xl, int argc, char **argv)
{
	return print_field_of(xl, argc, argv, "domname", false);
}

/* "3 days, 1:02:03" or " 1:02:03", as Xen's xl uptime prints. */
static void uptime_text(long long secs, char *buf, size_t cap)
{
	long long days = secs / 86400;
	int h = (int)(secs / 3600 % 24), m = (int)(secs / 60 % 60), s = (int)(secs % 60);

	if (days)
		snprintf(buf, cap, "%lld day%s, %2d:%02d:%02d", days, days == 1 ? "" : "s", h, m, s);
	else
		snprintf(buf, cap, "%2d:%02d:%02d", h, m, s);
}

int cmd_uptime(struct xl *xl, int argc, char **argv)
{
	yajl_val doms;
	int c, shortfmt = 0;
	char up[64];
	time_t now = time(NULL);

	while ((c = getopt(argc, argv, "sh")) != -1) {
		if (c != 's')
			return xl_usage("uptime");
		shortfmt = 1;
	}
	if (xl_call(xl, "domain.list", NULL, &doms) < 0)
		return 1;
	argc -= optind;
	argv += optind;
	if (!shortfmt)
		printf("%-33s %4s %s\n", "Name", "ID", "Uptime");
	for (size_t i = 0; i < doms->u.array.len; i++) {
		yajl_val d = doms->u.array.values[i];
		if (!wanted(d, argc, argv))
			continue;
		uptime_text(now - field_int(d, "start_time"), up, sizeof(up));
		if (shortfmt)
			printf("up %s, %s (%lld)\n", up, field_str(d, "name"), field_int(d, "domid"));
		else
			printf("%-33s %4lld %s\n", field_str(d, "name"), field_int(d, "domid"), up);
	}
	yajl_tree_free(doms);
	return 0;
}
