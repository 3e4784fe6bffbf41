/* CPUID: a table describing exactly what this CPU implements. Features that
 * are not implemented are not announced (no x87 arithmetic beyond detection
 * is a known gap: FPU stays set because x86-64 software assumes it). */
#include "hypervisor/cpu/cpu_int.h"
#include "hypervisor/cpu/cpuid.h"

struct cpuid_leaf {
	uint32_t leaf;
	uint32_t r[4];            /* eax, ebx, ecx, edx */
};

/* leaf 1 EDX: FPU VME- DE- PSE TSC MSR PAE MCE- CX8 APIC SEP MTRR PGE MCA-
 * CMOV PAT PSE36 CLFSH MMX- FXSR SSE SSE2 */
#define L1_EDX ((1u << 0) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 8) | \
		(1u << 9) | (1u << 11) | (1u << 12) | (1u << 13) | (1u << 15) | (1u << 16) | \
		(1u << 17) | (1u << 19) | (1u << 24) | (1u << 25) | (1u << 26))
/* leaf 1 ECX: CX16 POPCNT, bit 31 "running under a hypervisor" */
#define L1_ECX ((1u << 13) | (1u << 23) | (1u << 31))
/* 8000_0001 EDX: SYSCALL NX PDPE1GB- RDTSCP LM; ECX: LAHF/SAHF in 64-bit, ABM (LZCNT) */
#define E1_EDX ((1u << 11) | (1u << 20) | (1u << 27) | (1u << 29))
#define E1_ECX ((1u << 0) | (1u << 5))

static const struct cpuid_leaf cpuid_table[] = {
	{ 0x00000000, { 0x7, 0x756e6547, 0x6c65746e, 0x49656e69 } },   /* GenuineIntel */
	{ 0x00000001, { 0x000306a9, 0x00010800, L1_ECX, L1_EDX } },
	/* BMI1 (TZCNT); EDX: IA32_ARCH_CAPABILITIES (msr.c) */
	{ 0x00000007, { 0, 1u << 3, 0, 1u << 29 } },
	{ 0x40000000, { 0x40000001, 0x74636d76, 0x66746f73, 0x20757063 } }, /* "vmctsoftcpu " */
	{ 0x40000001, { 0, 0, 0, 0 } },
	{ 0x80000000, { 0x80000008, 0, 0, 0 } },
	{ 0x80000001, { 0, 0, E1_ECX, E1_EDX } },
	{ 0x80000002, { 0x74636d76, 0x666f7320, 0x43782074, 0x00005550 } }, /* "vmctl soft x86 CPU" */
	{ 0x80000003, { 0, 0, 0, 0 } },
	{ 0x80000004, { 0, 0, 0, 0 } },
	{ 0x80000008, { 0x00003028, 0, 0, 0 } },                       /* 40-bit phys, 48 virt */
};

void cpuid_query(const struct cpu *cpu, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	const struct cpuid_leaf *best = NULL;

	(void)sub;
	memset(out, 0, 4 * sizeof(uint32_t));
	for (size_t i = 0; i < ARRAY_SIZE_(cpuid_table); i++)
		if (cpuid_table[i].leaf == leaf)
			best = &cpuid_table[i];
	if (!best)
		return;
	memcpy(out, best->r, 4 * sizeof(uint32_t));
	if (leaf == 1)   /* initial APIC id: from the APIC base MSR's owner later */
		out[1] &= 0x00ffffff;
}
