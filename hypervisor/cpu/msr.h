/* Model-specific registers of the soft CPU (the list is msr.def). */
#ifndef VMCTL_HV_CPU_MSR_H
#define VMCTL_HV_CPU_MSR_H

#include <stdint.h>

struct cpu;

/* 0, or -1 for an MSR that does not exist or a bad value (#GP). */
int msr_read(struct cpu *cpu, uint32_t idx, uint64_t *v);
int msr_write(struct cpu *cpu, uint32_t idx, uint64_t v);

#endif
