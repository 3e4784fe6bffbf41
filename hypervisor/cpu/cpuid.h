/* CPUID leaves of the soft CPU (cpuid.c holds the table). */
#ifndef VMCTL_HV_CPU_CPUID_H
#define VMCTL_HV_CPU_CPUID_H

#include <stdint.h>

struct cpu;

/* EAX, EBX, ECX, EDX for (leaf, subleaf); zeros for unknown leaves. */
void cpuid_query(const struct cpu *cpu, uint32_t leaf, uint32_t sub, uint32_t out[4]);

#endif
