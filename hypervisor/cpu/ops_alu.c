/* ALU group: ADD OR ADC SBB AND SUB XOR CMP in all their encodings, TEST,
 * INC/DEC, NOT/NEG and the direct flag instructions. Flags are lazy. */
#include "hypervisor/cpu/cpu_int.h"

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

/* Compute `a op b`, record the flags; the result is written unless CMP. */
static inline uint64_t alu_do(struct cpu *cpu, int kind, int size, uint64_t a, uint64_t b)
{
	uint64_t m = size_mask(size), r;
	bool c;

	switch (kind) {
	case ALU_ADD: r = (a + b) & m; flags_lazy(&cpu->lf, LF_ADD, size, a, b, r); break;
	case ALU_OR: r = a | b; flags_lazy(&cpu->lf, LF_LOGIC, size, a, b, r); break;
	case ALU_ADC:
		c = flags_cf(cpu);
		r = (a + b + c) & m;
		flags_lazy(&cpu->lf, LF_ADC, size, a, b, r);
		cpu->lf.cf = c;
		break;
	case ALU_SBB:
		c = flags_cf(cpu);
		r = (a - b - c) & m;
		flags_lazy(&cpu->lf, LF_SBB, size, a, b, r);
		cpu->lf.cf = c;
		break;
	case ALU_AND: r = a & b; flags_lazy(&cpu->lf, LF_LOGIC, size, a, b, r); break;
	case ALU_XOR: r = a ^ b; flags_lazy(&cpu->lf, LF_LOGIC, size, a, b, r); break;
	default: r = (a - b) & m; flags_lazy(&cpu->lf, LF_SUB, size, a, b, r); break;
	}
	return r;
}

/* ADC/SBB read CF before the lazy state is replaced: keep that order. */
static int alu_rm(struct cpu *cpu, const struct insn *in, int kind, int size, uint64_t b)
{
	uint64_t a, r;

	struct lflags save = cpu->lf;

	if (rm_read(cpu, in, size, &a))
		return X_EXC;
	r = alu_do(cpu, kind, size, a, b);
	if (kind == ALU_CMP)
		return X_OK;
	if (in->mod == 3) {
		reg_write(cpu, in, in->rm, size, r);
		return X_OK;
	}
	if (mem_write_u(cpu, in->seg, op_ea(cpu, in), size, r)) {
		cpu->lf = save;   /* a faulting instruction leaves the flags alone */
		return X_EXC;
	}
	return X_OK;
}

/* 00-3D, even: Eb/Ev op= Gb/Gv */
int op_alu_rm_r(struct cpu *cpu, const struct insn *in)
{
	int size = op_size_w(in);

	return alu_rm(cpu, in, in->op >> 3, size, reg_read(cpu, in, in->reg, size));
}

int op_alu_r_rm(struct cpu *cpu, const struct insn *in)
{
	int size = op_size_w(in), kind = in->op >> 3;
	uint64_t b, r;

	if (rm_read(cpu, in, size, &b))
		return X_EXC;
	r = alu_do(cpu, kind, size, reg_read(cpu, in, in->reg, size), b);
	if (kind != ALU_CMP)
		reg_write(cpu, in, in->reg, size, r);
	return X_OK;
}

int op_alu_a_i(struct cpu *cpu, const struct insn *in)
{
	int size = op_size_w(in), kind = in->op >> 3;
	uint64_t r = alu_do(cpu, kind, size, reg_read(cpu, in, RAX, size), in->imm & size_mask(size));

	if (kind != ALU_CMP)
		reg_write(cpu, in, RAX, size, r);
	return X_OK;
}

/* 80, 81, 83: group 1 with an immediate (83: sign-extended imm8) */
int op_alu_rm_i(struct cpu *cpu, const struct insn *in)
{
	int size = in->op == 0x80 ? 1 : in->opsz;

	return alu_rm(cpu, in, in->reg & 7, size, in->imm & size_mask(size));
}

int op_test_rm_r(struct cpu *cpu, const struct insn *in)
{
	int size = op_size_w(in);
	uint64_t a;

	if (rm_read(cpu, in, size, &a))
		return X_EXC;
	alu_do(cpu, ALU_AND, size, a, reg_read(cpu, in, in->reg, size));
	return X_OK;
}

int op_test_a_i(struct cpu *cpu, const struct insn *in)
{
	int size = op_size_w(in);

	alu_do(cpu, ALU_AND, size, reg_read(cpu, in, RAX, size), in->imm);
	return X_OK;
}

int op_test_rm_i(struct cpu *cpu, const struct insn *in)
{
	int size = op_size_w(in);
	uint64_t a;

	if (rm_read(cpu, in, size, &a))
		return X_EXC;
	alu_do(cpu, ALU_AND, size, a, in->imm & size_mask(size));
	return X_OK;
}

static void inc_dec_flags(struct cpu *cpu, bool dec, int size, uint64_t a, uint64_t r)
{
	bool cf = flags_cf(cpu);

	flags_lazy(&cpu->lf, dec ? LF_DEC : LF_INC, size, a, 1, r);
	cpu->lf.cf = cf;
}

/* FE/FF /0 /1 */
int op_inc_dec_rm(struct cpu *cpu, const struct insn *in)
{
	int size = op_size_w(in);
	bool dec = in->reg & 1;
	uint64_t a, r;

	if (rm_read(cpu, in, size, &a))
		return X_EXC;
	r = (dec ? a - 1 : a + 1) & size_mask(size);
	if (rm_write(cpu, in, size, r))
		return X_EXC;
	inc_dec_flags(cpu, dec, size, a, r);
	return X_OK;
}

/* 40-4F outside 64-bit mode */
int op_inc_dec_r(struct cpu *cpu, const struct insn *in)
{
	int r = in->op & 7, size = in->opsz;
	bool dec = in->op & 8;
	uint64_t a = reg_read(cpu, in, r, size), v = (dec ? a - 1 : a + 1) & size_mask(size);

	inc_dec_flags(cpu, dec, size, a, v);
	reg_write(cpu, in, r, size, v);
	return X_OK;
}

/* F6/F7 /2 */
int op_not(struct cpu *cpu, const struct insn *in)
{
	int size = op_size_w(in);
	uint64_t a;

	if (rm_read(cpu, in, size, &a))
		return X_EXC;
	return rm_write(cpu, in, size, ~a);
}

/* F6/F7 /3 */
int op_neg(struct cpu *cpu, const struct insn *in)
{
	int size = op_size_w(in);
	uint64_t a, r;

	if (rm_read(cpu, in, size, &a))
		return X_EXC;
	r = (0 - a) & size_mask(size);
	if (rm_write(cpu, in, size, r))
		return X_EXC;
	flags_lazy(&cpu->lf, LF_SUB, size, 0, a, r);
	return X_OK;
}

/* CMC CLC STC CLD STD */
int op_flag_op(struct cpu *cpu, const struct insn *in)
{
	switch (in->op) {
	case 0xf5: flags_update(cpu, FL_CF, flags_cf(cpu) ? 0 : FL_CF); break;
	case 0xf8: flags_update(cpu, FL_CF, 0); break;
	case 0xf9: flags_update(cpu, FL_CF, FL_CF); break;
	case 0xfc: cpu->s.rflags &= ~(uint64_t)FL_DF; break;
	default: cpu->s.rflags |= FL_DF; break;
	}
	return X_OK;
}

int op_lahf(struct cpu *cpu, const struct insn *in)
{
	uint64_t f = flags_get(cpu);

	cpu->s.gpr[RAX] = (cpu->s.gpr[RAX] & ~0xff00ull) | ((f & 0xd5) << 8) | 0x200;
	return X_OK;
}

int op_sahf(struct cpu *cpu, const struct insn *in)
{
	flags_update(cpu, FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF, cpu->s.gpr[RAX] >> 8);
	return X_OK;
}

/* Specialized forms chosen by the decoder (insn_specialize): register to
 * register with a 32- or 64-bit operand, the bulk of integer code. */
int op_alu_rr(struct cpu *cpu, const struct insn *in)
{
	int size = in->opsz, kind = in->op >> 3;
	int dst = (in->op & 2) ? in->reg : in->rm, src = (in->op & 2) ? in->rm : in->reg;
	uint64_t m = size_mask(size);
	uint64_t r = alu_do(cpu, kind, size, cpu->s.gpr[dst] & m, cpu->s.gpr[src] & m);

	if (kind != ALU_CMP)
		cpu->s.gpr[dst] = r;   /* masked: a 32-bit result zero-extends */
	return X_OK;
}

int op_alu_ri(struct cpu *cpu, const struct insn *in)
{
	int size = in->opsz, kind = in->reg & 7;
	uint64_t m = size_mask(size);
	uint64_t r = alu_do(cpu, kind, size, cpu->s.gpr[in->rm] & m, in->imm & m);

	if (kind != ALU_CMP)
		cpu->s.gpr[in->rm] = r;
	return X_OK;
}
