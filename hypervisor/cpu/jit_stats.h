/* Counters of the run loop and of the translations' returns to it, for
 * finding where the time between translations goes (docs/softcpu.md).
 * Off unless VMCTL_CPU_STATS is set in the environment when the CPU is
 * made; then every counter in jit_stats.def is kept, and the slow-path
 * counters' file (stats.h) carries them as `name=value` pairs too. */
#ifndef VMCTL_HV_CPU_JIT_STATS_H
#define VMCTL_HV_CPU_JIT_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jit_stat {
#define X(name, what) JS_##name,
#include "hypervisor/cpu/jit_stats.def"
#undef X
	JS_COUNT
};

struct jit_stats {
	bool on;
	uint64_t n[JS_COUNT];
};

/* Start counting if VMCTL_CPU_STATS asks for it (all counters zero). */
void jit_stats_init(struct jit_stats *s);

/* " name=value" for each counter into buf (len bytes, NUL-terminated);
 * the length written, nothing when not counting. */
size_t jit_stats_format(const struct jit_stats *s, char *buf, size_t len);

/* The counter called `name`, or -1. */
int jit_stats_index(const char *name);

#endif
