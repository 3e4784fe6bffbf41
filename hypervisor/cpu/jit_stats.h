/* Counters of the run loop and of the translations' returns to it, for
 * finding where the time between translations goes (docs/softcpu.md).
 * Off unless VMCTL_CPU_STATS is set in the environment when the CPU is
 * made; then every counter in jit_stats.def is kept, and a line
 * "vmctl-jit-stats cpu=ADDR retired=N name=N ..." is appended to
 * /tmp/vmctl-jit-stats-PID.txt (opened at once, before a sandbox's
 * filter forbids open()) every JIT_STATS_EVERY blocks found and when the
 * CPU is destroyed: the file's last line for a CPU is its latest count
 * (an HVM sandbox is killed, not destroyed). */
#ifndef VMCTL_HV_CPU_JIT_STATS_H
#define VMCTL_HV_CPU_JIT_STATS_H

#include <stdbool.h>
#include <stdint.h>

enum jit_stat {
#define X(name, what) JS_##name,
#include "hypervisor/cpu/jit_stats.def"
#undef X
	JS_COUNT
};

#define JIT_STATS_EVERY (1u << 20)

struct jit_stats {
	bool on;
	int fd;                   /* the counts' file, or -1 */
	uint64_t next_note;       /* blocks found when the next line is due */
	uint64_t retired;         /* the CPU's instruction count, as last told */
	uint64_t n[JS_COUNT];
};

/* Start counting if VMCTL_CPU_STATS asks for it (all counters zero). */
void jit_stats_init(struct jit_stats *s);

/* Append the counts if counting; `cpu` (any address unique to the CPU)
 * names it in the line. */
void jit_stats_note(const struct jit_stats *s, const void *cpu);

/* Note the counts a last time and close the file. */
void jit_stats_dispose(struct jit_stats *s, const void *cpu);

/* The counter called `name`, or -1. */
int jit_stats_index(const char *name);

#endif
