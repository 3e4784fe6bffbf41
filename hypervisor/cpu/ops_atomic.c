/* Exchange-and-compare family: XADD, CMPXCHG, CMPXCHG8B/16B, as plain
 * read-modify-writes; with LOCK, ops_lock.c runs them atomically between
 * vCPUs. */
#include "hypervisor/cpu/cpu_int.h"

/* 0F C0/C1 */
int op_xadd(struct cpu *cpu, const struct insn *in)
{
	int size = op_size_w(in);
	uint64_t a, b = reg_read(cpu, in, in->reg, size), r;

	if (rm_read(cpu, in, size, &a))
		return X_EXC;
	r = (a + b) & size_mask(size);
	if (in->mod != 3 && rm_write(cpu, in, size, r))
		return X_EXC;
	reg_write(cpu, in, in->reg, size, a);
	if (in->mod == 3)   /* XADD r, r: the sum wins */
		reg_write(cpu, in, in->rm, size, r);
	flags_lazy(&cpu->lf, LF_ADD, size, a, b, r);
	return X_OK;
}

/* 0F B0/B1: the destination is written in both cases (as the CPU does) */
int op_cmpxchg(struct cpu *cpu, const struct insn *in)
{
	int size = op_size_w(in);
	uint64_t a, acc = reg_read(cpu, in, RAX, size);

	if (rm_read(cpu, in, size, &a))
		return X_EXC;
	if (a == acc) {
		if (rm_write(cpu, in, size, reg_read(cpu, in, in->reg, size)))
			return X_EXC;
	} else {
		if (in->mod != 3 && rm_write(cpu, in, size, a))
			return X_EXC;
		reg_write(cpu, in, RAX, size, a);
	}
	flags_lazy(&cpu->lf, LF_SUB, size, acc, a, (acc - a) & size_mask(size));
	return X_OK;
}

/* 0F C7 /1: CMPXCHG8B, with REX.W CMPXCHG16B (16-byte aligned) */
int op_cmpxchg8b(struct cpu *cpu, const struct insn *in)
{
	int half = in->opsz == 8 ? 8 : 4;
	uint64_t ea, m = size_mask(half), cur[2] = { 0, 0 }, val[2];
	bool eq;

	if (in->mod == 3)
		return excp_ud(cpu);
	ea = op_ea(cpu, in);
	if (half == 8 && (ea & 15))
		return excp_gp(cpu, 0);
	if (mem_read(cpu, in->seg, ea, 2 * half, cur))
		return X_EXC;
	if (half == 4) {
		cur[1] = cur[0] >> 32;
		cur[0] &= m;
	}
	eq = cur[0] == (cpu->s.gpr[RAX] & m) && cur[1] == (cpu->s.gpr[RDX] & m);
	val[0] = eq ? cpu->s.gpr[RBX] & m : cur[0];
	val[1] = eq ? cpu->s.gpr[RCX] & m : cur[1];
	if (half == 4)
		val[0] |= val[1] << 32;
	if (mem_write(cpu, in->seg, ea, 2 * half, val))
		return X_EXC;
	if (!eq) {
		reg_write(cpu, in, RAX, half, cur[0]);
		reg_write(cpu, in, RDX, half, cur[1]);
	}
	flags_update(cpu, FL_ZF, eq ? FL_ZF : 0);
	return X_OK;
}
