/* The run loop's counters (jit_stats.h): their names. Counting itself is
 * inline in run.c and in the translations (jit.c); stats.c writes them. */
#include "hypervisor/cpu/jit_stats.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const stat_names[JS_COUNT] = {
#define X(name, what) #name,
#include "hypervisor/cpu/jit_stats.def"
#undef X
};

void jit_stats_init(struct jit_stats *s)
{
	*s = (struct jit_stats){ .on = getenv("VMCTL_CPU_STATS") != NULL };
}

size_t jit_stats_format(const struct jit_stats *s, char *buf, size_t len)
{
	size_t n = 0;

	for (int i = 0; s->on && i < JS_COUNT && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, " %s=%" PRIu64, stat_names[i], s->n[i]);
	return n < len ? n : len - 1;
}

int jit_stats_index(const char *name)
{
	for (int i = 0; i < JS_COUNT; i++)
		if (!strcmp(stat_names[i], name))
			return i;
	return -1;
}
