/* The slow-path counters' file (stats.h). */
#include "hypervisor/cpu/cpu_int.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define STATS_EVERY (1ull << 26)

void stats_init(struct cpu_stats *st)
{
	static atomic_uint seq;
	char path[64];

	st->fd = -1;
	if (!getenv("VMCTL_CPU_STATS"))
		return;
	snprintf(path, sizeof(path), "/tmp/vmctl-cpu-stats.%d.%u", (int)getpid(),
		 atomic_fetch_add(&seq, 1));
	st->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
}

/* One `name=value` per counter, the walk counters named by kind, privilege
 * and leaf size (r.k.4k = kernel reads that walked to a 4 KiB page;
 * tlb.x = fetch translations the TLB answered), then the run loop's
 * (jit_stats.def). */
static int stats_format(const struct cpu *cpu, char *buf, size_t len)
{
	static const char acc[] = "rwx", *const size[] = { "4k", "2m", "1g", "flat" };
	const struct cpu_stats *st = &cpu->stats;
	size_t n = 0;

	n += (size_t)snprintf(buf + n, len - n, "retired=%llu fault=%llu str_one=%llu str_bulk=%llu "
			      "invlpg=%llu invlpg_big=%llu",
			      (unsigned long long)cpu->retired, (unsigned long long)st->fault,
			      (unsigned long long)st->str_elems[0],
			      (unsigned long long)st->str_elems[1],
			      (unsigned long long)st->invlpg[0], (unsigned long long)st->invlpg[1]);
	for (int a = 0; a < 3 && n < len; a++) {
		n += (size_t)snprintf(buf + n, len - n, " tlb.%c=%llu", acc[a],
				      (unsigned long long)st->walk_tlb[a]);
		for (int u = 0; u < 2 && n < len; u++)
			for (int s = 0; s < STAT_SIZES && n < len; s++)
				n += (size_t)snprintf(buf + n, len - n, " %c.%c.%s=%llu", acc[a],
						      u ? 'u' : 'k', size[s],
						      (unsigned long long)st->walk[a][u][s]);
	}
	if (n < len)
		n += jit_stats_format(&cpu->icache.stats, buf + n, len - n);
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n, "\n");
	return n < len ? (int)n : (int)len - 1;
}

void stats_write(struct cpu *cpu, bool now)
{
	struct cpu_stats *st = &cpu->stats;
	char buf[4096];
	int n;

	if (st->fd < 0 || (!now && cpu->retired < st->next))
		return;
	st->next = cpu->retired + STATS_EVERY;
	n = stats_format(cpu, buf, sizeof(buf));
	if (write(st->fd, buf, (size_t)n) != n)
		stats_close(st);   /* nowhere to write: stop trying */
}

void stats_close(struct cpu_stats *st)
{
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
}
