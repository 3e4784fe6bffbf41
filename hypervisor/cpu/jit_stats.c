/* The run loop's counters (jit_stats.h): the file and its lines. Counting
 * itself is inline in run.c and in the translations (jit.c). */
#include "hypervisor/cpu/jit_stats.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const stat_names[JS_COUNT] = {
#define X(name, what) #name,
#include "hypervisor/cpu/jit_stats.def"
#undef X
};

void jit_stats_init(struct jit_stats *s)
{
	char path[64];

	*s = (struct jit_stats){ .fd = -1, .next_note = JIT_STATS_EVERY };
	if (!getenv("VMCTL_CPU_STATS"))
		return;
	s->on = true;
	snprintf(path, sizeof(path), "/tmp/vmctl-jit-stats-%d.txt", (int)getpid());
	s->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

void jit_stats_note(const struct jit_stats *s, const void *cpu)
{
	char line[64 + JS_COUNT * 40];
	size_t n;

	if (!s->on || s->fd < 0)
		return;
	n = (size_t)snprintf(line, sizeof(line), "vmctl-jit-stats cpu=%p retired=%" PRIu64, cpu,
			     s->retired);
	for (int i = 0; i < JS_COUNT; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s=%" PRIu64, stat_names[i],
				      s->n[i]);
	n += (size_t)snprintf(line + n, sizeof(line) - n, "\n");
	/* write(), not dprintf(): a sandbox's filter kills the latter's lseek */
	if (write(s->fd, line, n) < 0)
		return;   /* counts are a diagnosis aid: a lost line is no error */
}

void jit_stats_dispose(struct jit_stats *s, const void *cpu)
{
	jit_stats_note(s, cpu);
	if (s->fd >= 0)
		close(s->fd);
	*s = (struct jit_stats){ .fd = -1 };
}

int jit_stats_index(const char *name)
{
	for (int i = 0; i < JS_COUNT; i++)
		if (!strcmp(stat_names[i], name))
			return i;
	return -1;
}
