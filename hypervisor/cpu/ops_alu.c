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
 * register or register and immediate, with a 32- or 64-bit operand, the bulk
 * of integer code. One small function per operation and size, so that the
 * compiler folds alu_do's switch away. */
static inline __attribute__((always_inline)) int alu_reg(struct cpu *cpu, int dst, int kind,
							 int size, uint64_t b)
{
	uint64_t m = size_mask(size);
	uint64_t r = alu_do(cpu, kind, size, cpu->s.gpr[dst] & m, b & m);

	if (kind != ALU_CMP)
		cpu->s.gpr[dst] = r;   /* masked: a 32-bit result zero-extends */
	return X_OK;
}

#define RR_DST(in) (((in)->op & 2) ? (in)->reg : (in)->rm)
#define RR_SRC(in) (((in)->op & 2) ? (in)->rm : (in)->reg)
#define ALU_FAST(name, kind, size)                                                     \
	static int op_rr_##name(struct cpu *cpu, const struct insn *in)                 \
	{                                                                               \
		return alu_reg(cpu, RR_DST(in), kind, size, cpu->s.gpr[RR_SRC(in)]);  \
	}                                                                               \
	static int op_ri_##name(struct cpu *cpu, const struct insn *in)                 \
	{                                                                               \
		return alu_reg(cpu, in->rm, kind, size, in->imm);                       \
	}

ALU_FAST(add32, ALU_ADD, 4)
ALU_FAST(add64, ALU_ADD, 8)
ALU_FAST(or32, ALU_OR, 4)
ALU_FAST(or64, ALU_OR, 8)
ALU_FAST(and32, ALU_AND, 4)
ALU_FAST(and64, ALU_AND, 8)
ALU_FAST(sub32, ALU_SUB, 4)
ALU_FAST(sub64, ALU_SUB, 8)
ALU_FAST(xor32, ALU_XOR, 4)
ALU_FAST(xor64, ALU_XOR, 8)
ALU_FAST(cmp32, ALU_CMP, 4)
ALU_FAST(cmp64, ALU_CMP, 8)

/* ADC and SBB keep the generic path (they read CF first). */
int op_alu_rr(struct cpu *cpu, const struct insn *in)
{
	return alu_reg(cpu, RR_DST(in), in->op >> 3, in->opsz, cpu->s.gpr[RR_SRC(in)]);
}

int op_alu_ri(struct cpu *cpu, const struct insn *in)
{
	return alu_reg(cpu, in->rm, in->reg & 7, in->opsz, in->imm);
}

static const op_fn alu_fast_rr[8][2] = {
	[ALU_ADD] = { op_rr_add32, op_rr_add64 }, [ALU_OR] = { op_rr_or32, op_rr_or64 },
	[ALU_ADC] = { op_alu_rr, op_alu_rr }, [ALU_SBB] = { op_alu_rr, op_alu_rr },
	[ALU_AND] = { op_rr_and32, op_rr_and64 }, [ALU_SUB] = { op_rr_sub32, op_rr_sub64 },
	[ALU_XOR] = { op_rr_xor32, op_rr_xor64 }, [ALU_CMP] = { op_rr_cmp32, op_rr_cmp64 },
};

static const op_fn alu_fast_ri[8][2] = {
	[ALU_ADD] = { op_ri_add32, op_ri_add64 }, [ALU_OR] = { op_ri_or32, op_ri_or64 },
	[ALU_ADC] = { op_alu_ri, op_alu_ri }, [ALU_SBB] = { op_alu_ri, op_alu_ri },
	[ALU_AND] = { op_ri_and32, op_ri_and64 }, [ALU_SUB] = { op_ri_sub32, op_ri_sub64 },
	[ALU_XOR] = { op_ri_xor32, op_ri_xor64 }, [ALU_CMP] = { op_ri_cmp32, op_ri_cmp64 },
};

op_fn alu_fast(int kind, int size, bool imm)
{
	return (imm ? alu_fast_ri : alu_fast_rr)[kind & 7][size == 8];
}

/* Specialized memory-operand forms for 64-bit code (picked through
 * alu_mem_fast() by fast_form()): `r op= [m]`, CMP [m], r / imm and
 * TEST [m], imm, one function per shape, size and address form. A TLB miss,
 * a page crossing or a possible alignment check goes to the generic handler. */
enum { AM_RM, AM_CMP_MR, AM_CMP_MI, AM_TEST_MI };

ALWAYS_INLINE int alu_mem(struct cpu *cpu, const struct insn *in, int form, int shape, int size)
{
	uint8_t *h = fast_host(cpu, in, form, size, TLB_R);
	uint64_t m = size_mask(size), v, r;
	int kind;

	if (!h) {
		switch (shape) {
		case AM_RM: return op_alu_r_rm(cpu, in);
		case AM_CMP_MR: return op_alu_rm_r(cpu, in);
		case AM_CMP_MI: return op_alu_rm_i(cpu, in);
		default: return op_test_rm_i(cpu, in);
		}
	}
	v = host_load(h, size);
	switch (shape) {
	case AM_RM:
		kind = in->op >> 3;
		r = alu_do(cpu, kind, size, cpu->s.gpr[in->reg] & m, v);
		if (kind != ALU_CMP)
			cpu->s.gpr[in->reg] = r;   /* masked: 32-bit results zero-extend */
		break;
	case AM_CMP_MR: alu_do(cpu, ALU_CMP, size, v, cpu->s.gpr[in->reg] & m); break;
	case AM_CMP_MI: alu_do(cpu, ALU_CMP, size, v, in->imm & m); break;
	default: alu_do(cpu, ALU_AND, size, v, in->imm & m); break;
	}
	return X_OK;
}

FAST_FORMS(op_am_, rm32, alu_mem, AM_RM, 4)
FAST_FORMS(op_am_, rm64, alu_mem, AM_RM, 8)
FAST_FORMS(op_am_, cmp_mr32, alu_mem, AM_CMP_MR, 4)
FAST_FORMS(op_am_, cmp_mr64, alu_mem, AM_CMP_MR, 8)
FAST_FORMS(op_am_, cmp_mi32, alu_mem, AM_CMP_MI, 4)
FAST_FORMS(op_am_, cmp_mi64, alu_mem, AM_CMP_MI, 8)
FAST_FORMS(op_am_, test_mi8, alu_mem, AM_TEST_MI, 1)
FAST_FORMS(op_am_, test_mi32, alu_mem, AM_TEST_MI, 4)

#define AM_FORMS(name) { op_am_##name##_b, op_am_##name##_bi, op_am_##name##_rip }
static const op_fn am_tab[8][3] = {
	AM_FORMS(rm32), AM_FORMS(rm64), AM_FORMS(cmp_mr32), AM_FORMS(cmp_mr64),
	AM_FORMS(cmp_mi32), AM_FORMS(cmp_mi64), AM_FORMS(test_mi8), AM_FORMS(test_mi32),
};

op_fn alu_mem_fast(const struct insn *in, int form)
{
	bool wide = in->opsz >= 4, q = in->opsz == 8;
	unsigned r = in->reg & 7;

	if (in->map != MAP_1B)
		return NULL;
	switch (in->op) {
	case 0x03: case 0x0b: case 0x23: case 0x2b: case 0x33: case 0x3b:
		return wide ? am_tab[0 + q][form] : NULL;
	case 0x39: return wide ? am_tab[2 + q][form] : NULL;
	case 0x81: case 0x83: return wide && r == ALU_CMP ? am_tab[4 + q][form] : NULL;
	case 0xf6: return r == 0 ? am_tab[6][form] : NULL;
	case 0xf7: return r == 0 && in->opsz == 4 ? am_tab[7][form] : NULL;
	default: return NULL;
	}
}
