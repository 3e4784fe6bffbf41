/* ModRM operands: effective addresses and r/m reads and writes. */
#include "hypervisor/cpu/cpu_int.h"

uint64_t op_ea(const struct cpu *cpu, const struct insn *in)
{
	uint64_t a = (uint64_t)in->disp;

	if (in->base >= 0)
		a += cpu->s.gpr[in->base];
	if (in->index >= 0)
		a += cpu->s.gpr[in->index] << in->scale;
	if (in->riprel)
		a += cpu->next_rip;
	return addr_mask(in->adsz, a);
}

int rm_read(struct cpu *cpu, const struct insn *in, int size, uint64_t *v)
{
	if (in->mod == 3) {
		*v = reg_read(cpu, in, in->rm, size);
		return X_OK;
	}
	return mem_read_u(cpu, in->seg, op_ea(cpu, in), size, v);
}

int rm_write(struct cpu *cpu, const struct insn *in, int size, uint64_t v)
{
	if (in->mod == 3) {
		reg_write(cpu, in, in->rm, size, v);
		return X_OK;
	}
	return mem_write_u(cpu, in->seg, op_ea(cpu, in), size, v);
}
