/* Counters of the soft CPU's slow paths (page walks by kind, translations
 * the TLB answered, string elements one by one or a page at once), to
 * tell which speed idea pays. Always counted (each increment sits on a
 * slow path); written out only with VMCTL_CPU_STATS set in the
 * environment when the CPU is created: then a file
 * /tmp/vmctl-cpu-stats.PID.N (N: the process's Nth CPU) gets a line of
 * `name=value` pairs (these, then the run loop's, jit_stats.h) every
 * STATS_EVERY retired instructions (at a return from cpu_run()) and at
 * cpu_destroy(): the last line is the count (the
 * HVM sandbox never destroys its CPUs). The file is opened at creation,
 * before any sandbox filter, and only write(2) is used after. */
#ifndef VMCTL_HV_CPU_STATS_H
#define VMCTL_HV_CPU_STATS_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

/* Leaf sizes of a walk: 4 KiB, 2 or 4 MiB, 1 GiB; paging off. */
enum { STAT_4K, STAT_2M, STAT_1G, STAT_FLAT, STAT_SIZES };

struct cpu_stats {
	int fd;                          /* -1: not written out */
	uint64_t next;                   /* cpu->retired of the next rewrite */
	/* mmu_translate()s that walked: [TLB_R/W/X][user][leaf size] */
	uint64_t walk[3][2][STAT_SIZES];
	uint64_t walk_tlb[3];            /* answered by the TLB: no walk */
	uint64_t fault;                  /* walks that ended in #PF */
	uint64_t str_elems[2];           /* REP MOVS/STOS/...: one by one, a page at once */
	uint64_t invlpg[2];              /* INVLPGs; those that swept large-page entries */
};

/* cpu_create(): open the file when VMCTL_CPU_STATS is set. */
void stats_init(struct cpu_stats *st);
/* Rewrite the file if due (or always when `now`). */
void stats_write(struct cpu *cpu, bool now);
void stats_close(struct cpu_stats *st);

#endif
