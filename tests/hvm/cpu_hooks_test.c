/* The soft CPU's platform hooks the hvm engine uses: CPUID post-processing,
 * unknown MSRs, the INTR line with interrupt acknowledge (IF respected, HLT
 * ended, the vector chosen at acknowledge time), and VMCALL as an exit. */
#include "hypervisor/cpu/cpu.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "tests/tap.h"
#pragma GCC diagnostic pop

#include <stdlib.h>
#include <string.h>

/* Real-mode code at 0000:1000; the IVT entry 0x30 points at 0000:1100. */
static const uint8_t prog[] = {
	0x66, 0xb8, 0x00, 0x00, 0x00, 0x40, /* mov eax, 0x40000000 */
	0x0f, 0xa2,                 /* cpuid */
	0x66, 0x89, 0xde,           /* mov esi, ebx */
	0x66, 0xb9, 0x34, 0x12, 0x00, 0x40, /* mov ecx, 0x40001234 */
	0x66, 0xb8, 0x78, 0x56, 0x34, 0x12, /* mov eax, 0x12345678 */
	0x66, 0x31, 0xd2,           /* xor edx, edx */
	0x0f, 0x30,                 /* wrmsr  -> hook */
	0x66, 0xb9, 0x35, 0x12, 0x00, 0x40, /* mov ecx, 0x40001235 */
	0x0f, 0x32,                 /* rdmsr  -> hook answers 0xabc */
	0x66, 0x89, 0xc7,           /* mov edi, eax */
	0xfa,                       /* cli */
	0xf4,                       /* hlt    -> halt (IF=0: no interrupt) */
	0xfb,                       /* sti */
	0xf4,                       /* hlt    -> interrupt 0x30 then on */
	0x0f, 0x01, 0xc1,           /* vmcall -> hypercall exit */
	0xf4,
};

static const uint8_t handler[] = {
	0xbd, 0x77, 0x00,           /* mov bp, 0x77 */
	0xcf,                       /* iret */
};

struct plat {
	uint64_t msr_written;
	int inta_calls;
	int vector;
};

static void hook_cpuid(void *opaque, struct cpu *cpu, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	if (leaf == 0x40000000)
		r[1] = 0x566e6558; /* "XenV" */
}

static int hook_msr(void *opaque, struct cpu *cpu, uint32_t idx, bool write, uint64_t *v)
{
	struct plat *p = opaque;

	if (write && idx == 0x40001234) {
		p->msr_written = *v;
		return 0;
	}
	if (!write && idx == 0x40001235) {
		*v = 0xabc;
		return 0;
	}
	return -1;
}

static int hook_inta(void *opaque, struct cpu *cpu)
{
	struct plat *p = opaque;

	p->inta_calls++;
	return p->vector;
}

static const struct cpu_io_ops ops = {
	.cpuid = hook_cpuid, .msr = hook_msr, .inta = hook_inta,
};

int main(void)
{
	size_t ram_size = 64 << 10;
	uint8_t *ram = aligned_alloc(4096, ram_size);
	struct cpu_ram r = { .gpa = 0, .size = ram_size, .host = ram };
	struct plat p = { .vector = -1 };
	struct cpu_state st;
	struct cpu_exit ex;
	struct cpu *cpu;

	memset(ram, 0, ram_size);
	memcpy(ram + 0x1000, prog, sizeof(prog));
	memcpy(ram + 0x1100, handler, sizeof(handler));
	ram[0x30 * 4] = 0x00;
	ram[0x30 * 4 + 1] = 0x11;
	cpu = cpu_create(&r, 1, &ops, &p);
	cpu_get_state(cpu, &st);
	st.seg[SEG_CS].sel = 0;
	st.seg[SEG_CS].base = 0;
	st.seg[SEG_SS].base = 0;
	st.gpr[RSP] = 0x8000;
	st.rip = 0x1000;
	cpu_set_state(cpu, &st);

	cpu_intr_request(cpu);   /* IF is 0 at reset: must not be acknowledged */
	is_int(cpu_run(cpu, 0, &ex), CPU_EXIT_HALT, "HLT with IF=0 halts despite INTR");
	is_int(p.inta_calls, 0, "no acknowledge while IF=0");
	cpu_get_state(cpu, &st);
	is_int((uint32_t)st.gpr[RSI], 0x566e6558, "the CPUID hook changed EBX");
	is_int((uint32_t)p.msr_written, 0x12345678, "WRMSR of an unknown MSR reached the hook");
	is_int((uint32_t)st.gpr[RDI], 0xabc, "RDMSR of an unknown MSR answered by the hook");

	is_int(cpu_run(cpu, 0, &ex), CPU_EXIT_HALT, "and stays halted (IF=0)");
	cpu_set_state(cpu, &st); /* leave the halt, as an NMI would */
	p.vector = 0x30;
	is_int(cpu_run(cpu, 0, &ex), CPU_EXIT_HYPERCALL, "after STI the interrupt ran, then VMCALL exits");
	is_int(p.inta_calls, 1, "acknowledged exactly once");
	cpu_get_state(cpu, &st);
	is_int(st.gpr[RBP] & 0xffff, 0x77, "the vector given at acknowledge was delivered");

	cpu_intr_request(cpu);
	p.vector = -1;
	cpu_get_state(cpu, &st);
	st.rflags |= 0x200;
	cpu_set_state(cpu, &st);           /* the controller has nothing any more */
	is_int(cpu_run(cpu, 0, &ex), CPU_EXIT_HALT, "a request withdrawn at acknowledge delivers nothing");
	is_int(p.inta_calls, 2, "but it was asked");
	cpu_destroy(cpu);
	free(ram);
	return tap_done();
}
