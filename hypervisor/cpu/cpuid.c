/* CPUID: a table describing exactly what this CPU implements. Features that
 * are not implemented are not announced (no x87 arithmetic beyond detection
 * is a known gap: FPU stays set because x86-64 software assumes it). */
#include "hypervisor/cpu/cpu_int.h"
#include "hypervisor/cpu/cpuid.h"

struct cpuid_leaf {
	uint32_t leaf;
	uint32_t sub;             /* ECX, for the leaves cpuid_indexed() names */
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

/* Leaf 7 subleaf 2 EDX: BHI_CTRL (IA32_SPEC_CTRL bit 10, BHI_DIS_S, msr.c).
 * Linux 6.1 turns on its software BHB clearing loop at every syscall
 * entry unless the CPU offers BHI_DIS_S (BHI_NO alone does not stop it),
 * and this CPU has no branch history to clear. */
#define L7_2_EDX (1u << 4)

static const struct cpuid_leaf cpuid_table[] = {
	{ 0x00000000, 0, { 0x7, 0x756e6547, 0x6c65746e, 0x49656e69 } },   /* GenuineIntel */
	{ 0x00000001, 0, { 0x000306a9, 0x00010800, L1_ECX, L1_EDX } },
	/* EAX: the last subleaf; BMI1 (TZCNT); EDX: IA32_ARCH_CAPABILITIES (msr.c) */
	{ 0x00000007, 0, { 2, 1u << 3, 0, 1u << 29 } },
	{ 0x00000007, 1, { 0, 0, 0, 0 } },
	{ 0x00000007, 2, { 0, 0, 0, L7_2_EDX } },
	{ 0x40000000, 0, { 0x40000001, 0x74636d76, 0x66746f73, 0x20757063 } }, /* "vmctsoftcpu " */
	{ 0x40000001, 0, { 0, 0, 0, 0 } },
	{ 0x80000000, 0, { 0x80000008, 0, 0, 0 } },
	{ 0x80000001, 0, { 0, 0, E1_ECX, E1_EDX } },
	{ 0x80000002, 0, { 0x74636d76, 0x666f7320, 0x43782074, 0x00005550 } }, /* "vmctl soft x86 CPU" */
	{ 0x80000003, 0, { 0, 0, 0, 0 } },
	{ 0x80000004, 0, { 0, 0, 0, 0 } },
	{ 0x80000008, 0, { 0x00003028, 0, 0, 0 } },                       /* 40-bit phys, 48 virt */
};

/* Leaves whose answer depends on ECX; a subleaf without a row reads as
 * zeros (SDM: an invalid subleaf of leaf 7). Other leaves ignore ECX. */
static bool cpuid_indexed(uint32_t leaf)
{
	return leaf == 7;
}

void cpuid_query(const struct cpu *cpu, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	const struct cpuid_leaf *best = NULL;

	memset(out, 0, 4 * sizeof(uint32_t));
	if (!cpuid_indexed(leaf))
		sub = 0;
	for (size_t i = 0; i < ARRAY_SIZE_(cpuid_table); i++)
		if (cpuid_table[i].leaf == leaf && cpuid_table[i].sub == sub)
			best = &cpuid_table[i];
	if (!best)
		return;
	memcpy(out, best->r, 4 * sizeof(uint32_t));
	if (leaf == 1)   /* initial APIC id: from the APIC base MSR's owner later */
		out[1] &= 0x00ffffff;
}
