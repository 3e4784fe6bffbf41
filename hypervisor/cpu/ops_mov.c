/* Data movement: MOV in its forms, MOVZX/MOVSX/MOVSXD, LEA, XCHG, BSWAP,
 * CMOVcc, SETcc, CBW/CWD families, XLAT and the NOP family. */
#include "hypervisor/cpu/cpu_int.h"

int op_mov_rm_r(struct cpu *cpu, const struct insn *in)
{
	int size = op_size_w(in);

	return rm_write(cpu, in, size, reg_read(cpu, in, in->reg, size));
}

int op_mov_r_rm(struct cpu *cpu, const struct insn *in)
{
	int size = op_size_w(in);
	uint64_t v;

	if (rm_read(cpu, in, size, &v))
		return X_EXC;
	reg_write(cpu, in, in->reg, size, v);
	return X_OK;
}

/* C6/C7 /0 */
int op_mov_rm_i(struct cpu *cpu, const struct insn *in)
{
	return rm_write(cpu, in, op_size_w(in), in->imm);
}

/* B0-BF */
int op_mov_r_i(struct cpu *cpu, const struct insn *in)
{
	int r = (in->op & 7) | ((in->rex & 1) << 3);

	reg_write(cpu, in, r, in->op & 8 ? in->opsz : 1, in->imm);
	return X_OK;
}

/* A0-A3: accumulator <-> absolute offset */
int op_mov_moffs(struct cpu *cpu, const struct insn *in)
{
	int size = op_size_w(in);
	uint64_t v;

	if (in->op & 2)
		return mem_write_u(cpu, in->seg, in->imm, size, reg_read(cpu, in, RAX, size));
	if (mem_read_u(cpu, in->seg, in->imm, size, &v))
		return X_EXC;
	reg_write(cpu, in, RAX, size, v);
	return X_OK;
}

int op_lea(struct cpu *cpu, const struct insn *in)
{
	if (in->mod == 3)
		return excp_ud(cpu);
	reg_write(cpu, in, in->reg, in->opsz, op_ea(cpu, in));
	return X_OK;
}

/* 0F B6/B7/BE/BF */
int op_movzx_sx(struct cpu *cpu, const struct insn *in)
{
	int src = (in->op & 1) ? 2 : 1;
	uint64_t v;

	if (rm_read(cpu, in, src, &v))
		return X_EXC;
	if (in->op & 8)
		v = (uint64_t)sext_to64(v, src);
	reg_write(cpu, in, in->reg, in->opsz, v);
	return X_OK;
}

/* 63 in 64-bit mode (ARPL elsewhere: not implemented, #UD) */
int op_movsxd(struct cpu *cpu, const struct insn *in)
{
	uint64_t v;

	if (in->mode != 64)
		return excp_ud(cpu);
	if (rm_read(cpu, in, 4, &v))
		return X_EXC;
	reg_write(cpu, in, in->reg, in->opsz, (uint64_t)sext_to64(v, 4));
	return X_OK;
}

/* 86/87: the memory form is locked whatever the prefix says */
int op_xchg_rm_r(struct cpu *cpu, const struct insn *in)
{
	int size = op_size_w(in);
	uint64_t a, b = reg_read(cpu, in, in->reg, size);

	if (rm_read(cpu, in, size, &a) || rm_write(cpu, in, size, b))
		return X_EXC;
	reg_write(cpu, in, in->reg, size, a);
	return X_OK;
}

/* 90-97 (90 without REX.B is NOP, and PAUSE with F3) */
int op_xchg_a_r(struct cpu *cpu, const struct insn *in)
{
	int r = (in->op & 7) | ((in->rex & 1) << 3), size = in->opsz;
	uint64_t a = reg_read(cpu, in, RAX, size);

	if (r == RAX)
		return X_OK;
	reg_write(cpu, in, RAX, size, reg_read(cpu, in, r, size));
	reg_write(cpu, in, r, size, a);
	return X_OK;
}

int op_bswap(struct cpu *cpu, const struct insn *in)
{
	int r = (in->op & 7) | ((in->rex & 1) << 3);
	uint64_t v = cpu->s.gpr[r];

	if (in->opsz == 8)
		cpu->s.gpr[r] = __builtin_bswap64(v);
	else if (in->opsz == 4)
		cpu->s.gpr[r] = __builtin_bswap32((uint32_t)v);
	else
		cpu->s.gpr[r] = v & ~0xffffull;   /* undefined; what AMD and Intel do */
	return X_OK;
}

/* 0F 40-4F: the source is read (and may fault) whatever the condition */
int op_cmovcc(struct cpu *cpu, const struct insn *in)
{
	uint64_t v;

	if (rm_read(cpu, in, in->opsz, &v))
		return X_EXC;
	if (cond_fast(cpu, in->op & 15))
		reg_write(cpu, in, in->reg, in->opsz, v);
	else if (in->opsz == 4)
		cpu->s.gpr[in->reg] &= 0xffffffffull;
	return X_OK;
}

int op_setcc(struct cpu *cpu, const struct insn *in)
{
	return rm_write(cpu, in, 1, cond_fast(cpu, in->op & 15));
}

/* 98: CBW/CWDE/CDQE */
int op_cbw(struct cpu *cpu, const struct insn *in)
{
	int half = in->opsz / 2;

	reg_write(cpu, in, RAX, in->opsz, (uint64_t)sext_to64(cpu->s.gpr[RAX], half));
	return X_OK;
}

/* 99: CWD/CDQ/CQO */
int op_cwd(struct cpu *cpu, const struct insn *in)
{
	int64_t a = sext_to64(cpu->s.gpr[RAX], in->opsz);

	reg_write(cpu, in, RDX, in->opsz, a < 0 ? ~0ull : 0);
	return X_OK;
}

int op_xlat(struct cpu *cpu, const struct insn *in)
{
	uint64_t v, a = addr_mask(in->adsz, cpu->s.gpr[RBX] + (cpu->s.gpr[RAX] & 0xff));

	if (mem_read_u(cpu, in->seg, a, 1, &v))
		return X_EXC;
	reg_write(cpu, in, RAX, 1, v);
	return X_OK;
}

/* 0F 0D, 0F 18-1F: prefetches and hint NOPs (the operand is not accessed) */
int op_nop_rm(struct cpu *cpu, const struct insn *in)
{
	return X_OK;
}

/* MOV between 32/64-bit registers (specialized by the decoder). */
int op_mov_rr(struct cpu *cpu, const struct insn *in)
{
	int dst = (in->op & 2) ? in->reg : in->rm, src = (in->op & 2) ? in->rm : in->reg;

	cpu->s.gpr[dst] = cpu->s.gpr[src] & size_mask(in->opsz);
	return X_OK;
}
