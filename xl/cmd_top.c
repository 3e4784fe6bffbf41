/* xl top: a live view of the domains (like xentop), refreshed every few
 * seconds; -b prints plain frames one after the other (batch mode). */
#include "xl/xl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_TRACKED 4096

struct sample {
	long long domid;
	double cpu;
};

static double jnum(yajl_val obj, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(obj, path, yajl_t_number);

	return v ? v->u.number.d : 0.0;
}

static const char *jstr(yajl_val obj, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(obj, path, yajl_t_string);

	return v ? v->u.string : "";
}

/* CPU seconds of `domid` in the previous frame, or -1. */
static double previous(const struct sample *prev, size_t n, long long domid)
{
	for (size_t i = 0; i < n; i++)
		if (prev[i].domid == domid)
			return prev[i].cpu;
	return -1;
}

static size_t frame(yajl_val doms, const struct sample *prev, size_t nprev,
		    struct sample *cur, double interval, double host_mem_kb)
{
	size_t n = 0;
	time_t now = time(NULL);
	char when[32];

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	printf("xl top - %s   %zu domains\n", when, doms->u.array.len);
	printf("%10s %5s %10s %6s %10s %6s %5s\n", "NAME", "STATE", "CPU(sec)", "CPU(%)",
	       "MEM(k)", "MEM(%)", "VCPUS");
	for (size_t i = 0; i < doms->u.array.len; i++) {
		yajl_val d = doms->u.array.values[i];
		long long id = (long long)jnum(d, "domid");
		double cpu = jnum(d, "cpu_time"), before = previous(prev, nprev, id);
		double pct = before >= 0 && interval > 0 ? 100.0 * (cpu - before) / interval : 0.0;
		double mem = jnum(d, "mem_kb");
		printf("%10.10s %5.5s %10.0f %6.1f %10.0f %6.1f %5.0f\n", jstr(d, "name"),
		       jstr(d, "state"), cpu, pct, mem, host_mem_kb > 0 ? 100.0 * mem / host_mem_kb : 0.0,
		       jnum(d, "vcpus"));
		if (n < MAX_TRACKED)
			cur[n++] = (struct sample){ id, cpu };
	}
	return n;
}

int cmd_top(struct xl *xl, int argc, char **argv)
{
	static struct sample a[MAX_TRACKED], b[MAX_TRACKED];
	struct sample *prev = a, *cur = b;
	size_t nprev = 0;
	double delay = 3.0;
	long iterations = -1;
	int c, batch = 0;

	while ((c = getopt(argc, argv, "bd:i:h")) != -1) {
		switch (c) {
		case 'b': batch = 1; break;
		case 'd': delay = atof(optarg); break;
		case 'i': iterations = atol(optarg); break;
		default: return xl_usage("top");
		}
	}
	if (delay <= 0)
		return xl_usage("top");
	for (long it = 0; iterations < 0 || it < iterations; it++) {
		yajl_val doms;
		if (xl_call(xl, "domain.list", NULL, &doms) < 0)
			return 1;
		if (!batch)
			printf("\033[H\033[2J");
		/* Domain-0's memory is the host's. */
		double host_kb = doms->u.array.len ? jnum(doms->u.array.values[0], "mem_kb") : 0;
		size_t n = frame(doms, prev, nprev, cur, it ? delay : 0, host_kb);
		yajl_tree_free(doms);
		fflush(stdout);
		struct sample *t = prev;
		prev = cur;
		cur = t;
		nprev = n;
		if (iterations < 0 || it + 1 < iterations)
			usleep((useconds_t)(delay * 1e6));
		if (batch)
			printf("\n");
	}
	return 0;
}
