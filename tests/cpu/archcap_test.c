/* What the soft CPU tells a guest about speculation side channels: none
 * apply (it does not speculate), so Linux needs neither page table
 * isolation nor retpolines nor its return thunks nor its software branch
 * history clearing. 32-bit guest code reads CPUID leaf 7 (subleaves 0, 1,
 * 2, 3) and IA32_ARCH_CAPABILITIES, writes IA32_SPEC_CTRL (IBRS, then
 * IBRS + BHI_DIS_S) and reads it back, then writes a reserved SPEC_CTRL
 * bit (#GP). */
#include "hypervisor/cpu/cpu.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "tests/tap.h"
#pragma GCC diagnostic pop

#include <stdlib.h>
#include <string.h>

#define RAM_SIZE (64u << 10)

static const uint8_t prog[] = {
	0xb8, 0x07, 0x00, 0x00, 0x00,             /* mov eax, 7 */
	0x31, 0xc9,                               /* xor ecx, ecx */
	0x0f, 0xa2,                               /* cpuid */
	0x89, 0x15, 0x00, 0x20, 0x00, 0x00,       /* mov [0x2000], edx */
	0xb9, 0x0a, 0x01, 0x00, 0x00,             /* mov ecx, 0x10a */
	0x0f, 0x32,                               /* rdmsr */
	0xa3, 0x04, 0x20, 0x00, 0x00,             /* mov [0x2004], eax */
	0x89, 0x15, 0x08, 0x20, 0x00, 0x00,       /* mov [0x2008], edx */
	0xb9, 0x48, 0x00, 0x00, 0x00,             /* mov ecx, 0x48 */
	0xb8, 0x01, 0x00, 0x00, 0x00,             /* mov eax, 1 (IBRS) */
	0x31, 0xd2,                               /* xor edx, edx */
	0x0f, 0x30,                               /* wrmsr */
	0x31, 0xc0,                               /* xor eax, eax */
	0x0f, 0x32,                               /* rdmsr */
	0xa3, 0x0c, 0x20, 0x00, 0x00,             /* mov [0x200c], eax */
	0xb8, 0x01, 0x04, 0x00, 0x00,             /* mov eax, 0x401 (IBRS, BHI_DIS_S) */
	0x0f, 0x30,                               /* wrmsr */
	0x31, 0xc0,                               /* xor eax, eax */
	0x0f, 0x32,                               /* rdmsr */
	0xa3, 0x10, 0x20, 0x00, 0x00,             /* mov [0x2010], eax */
	0xb8, 0x07, 0x00, 0x00, 0x00,             /* mov eax, 7 */
	0xb9, 0x02, 0x00, 0x00, 0x00,             /* mov ecx, 2 */
	0x0f, 0xa2,                               /* cpuid */
	0x89, 0x15, 0x14, 0x20, 0x00, 0x00,       /* mov [0x2014], edx */
	0xb8, 0x07, 0x00, 0x00, 0x00,             /* mov eax, 7 */
	0xb9, 0x01, 0x00, 0x00, 0x00,             /* mov ecx, 1 */
	0x0f, 0xa2,                               /* cpuid */
	0x09, 0xd8,                               /* or eax, ebx */
	0x09, 0xd0,                               /* or eax, edx */
	0xa3, 0x18, 0x20, 0x00, 0x00,             /* mov [0x2018], eax */
	0xb8, 0x07, 0x00, 0x00, 0x00,             /* mov eax, 7 */
	0xb9, 0x03, 0x00, 0x00, 0x00,             /* mov ecx, 3 */
	0x0f, 0xa2,                               /* cpuid */
	0x09, 0xd8,                               /* or eax, ebx */
	0x09, 0xd0,                               /* or eax, edx */
	0xa3, 0x1c, 0x20, 0x00, 0x00,             /* mov [0x201c], eax */
	0xb8, 0x07, 0x00, 0x00, 0x00,             /* mov eax, 7 */
	0x31, 0xc9,                               /* xor ecx, ecx */
	0x0f, 0xa2,                               /* cpuid */
	0xa3, 0x20, 0x20, 0x00, 0x00,             /* mov [0x2020], eax */
	0xb9, 0x48, 0x00, 0x00, 0x00,             /* mov ecx, 0x48 */
	0xb8, 0x00, 0x08, 0x00, 0x00,             /* mov eax, 0x800 (reserved) */
	0x31, 0xd2,                               /* xor edx, edx */
	0x0f, 0x30,                               /* wrmsr: #GP */
	0xf4,                                     /* hlt */
};

static uint32_t word(const uint8_t *ram, uint32_t pa)
{
	uint32_t v;

	memcpy(&v, ram + pa, 4);
	return v;
}

int main(void)
{
	uint8_t *ram = calloc(1, RAM_SIZE);
	struct cpu_ram cr = { .gpa = 0, .size = RAM_SIZE, .host = ram };
	struct cpu_state st;
	struct cpu_exit ex;
	struct cpu *cpu;
	uint64_t cap;

	if (!ok(ram != NULL, "guest RAM"))
		return tap_done();
	memcpy(ram + 0x1000, prog, sizeof(prog));
	cpu = cpu_create(&cr, 1, NULL, NULL);
	if (!ok(cpu != NULL, "a soft CPU"))
		return tap_done();
	cpu_get_state(cpu, &st);
	st.cr0 = 0x11;            /* ET PE, no paging */
	for (int i = 0; i < SEG_COUNT; i++)
		if (i != SEG_LDTR && i != SEG_TR)
			st.seg[i] = (struct cpu_seg){ .sel = 0x10, .limit = 0xffffffff, .attr = 0xc093 };
	st.seg[SEG_CS] = (struct cpu_seg){ .sel = 0x08, .limit = 0xffffffff, .attr = 0xc09b };
	st.rip = 0x1000;
	st.gpr[RSP] = 0x8000;
	cpu_set_state(cpu, &st);
	cpu_set_exit_bitmap(cpu, 1u << 13);
	is_int(cpu_run(cpu, 1000, &ex), CPU_EXIT_FAULT, "the program runs to its last WRMSR");
	is_int(ex.fault.vector, 13, "which raises #GP (a reserved SPEC_CTRL bit)");
	ok(word(ram, 0x2000) & (1u << 29), "CPUID.(7,0):EDX announces IA32_ARCH_CAPABILITIES");
	cap = word(ram, 0x2004) | (uint64_t)word(ram, 0x2008) << 32;
	diag("IA32_ARCH_CAPABILITIES = %#llx", (unsigned long long)cap);
	ok(!!(cap & 1), "RDCL_NO: no Meltdown (Linux skips page table isolation)");
	ok(!!(cap & 2), "IBRS_ALL: enhanced IBRS (Linux skips retpolines)");
	ok((cap & (1u << 5)) && (cap & (1u << 8)), "MDS_NO and TAA_NO (no VERW at each return to user)");
	ok(!!(cap & (1ull << 20)), "BHI_NO");
	ok(!!(cap & (1ull << 62)), "ITS_NO (Linux keeps plain RETs, no return thunk)");
	is_int(word(ram, 0x200c), 1, "SPEC_CTRL reads back the IBRS bit written");
	is_int(word(ram, 0x2010), 0x401, "SPEC_CTRL takes and reads back BHI_DIS_S (bit 10)");
	ok(word(ram, 0x2014) & (1u << 4),
	   "CPUID.(7,2):EDX[4] BHI_CTRL (Linux sets BHI_DIS_S, no BHB clearing loop per syscall)");
	is_int(word(ram, 0x2018), 0, "CPUID.(7,1) has no feature (not subleaf 0's answer)");
	is_int(word(ram, 0x201c), 0, "CPUID.(7,3), beyond the last subleaf, reads zeros");
	is_int(word(ram, 0x2020), 2, "CPUID.(7,0):EAX names subleaf 2 the last");
	cpu_destroy(cpu);
	free(ram);
	return tap_done();
}
