/* Multiply and divide: MUL/IMUL/DIV/IDIV (group 3), the two- and three-
 * operand IMUL forms. #DE on a zero divisor or a quotient that overflows. */
#include "hypervisor/cpu/cpu_int.h"

/* MUL/IMUL: CF = OF = "the high half is significant"; SF/ZF/PF/AF are
 * undefined; we set SF/ZF/PF from the low half and clear AF, as AMD does. */
static void mul_flags(struct cpu *cpu, int size, uint64_t lo, bool wide)
{
	flags_lazy_res(&cpu->lf, size, lo, wide, wide);
}

static void mul_store(struct cpu *cpu, const struct insn *in, int size, uint64_t lo, uint64_t hi)
{
	if (size == 1) {
		reg_write(cpu, in, RAX, 2, (lo & 0xff) | ((hi & 0xff) << 8));
		return;
	}
	reg_write(cpu, in, RAX, size, lo);
	reg_write(cpu, in, RDX, size, hi);
}

static int do_mul(struct cpu *cpu, const struct insn *in, int size, uint64_t b, bool sign)
{
	uint64_t a = reg_read(cpu, in, RAX, size), lo, hi, m = size_mask(size);
	int bits = size * 8;
	bool wide;

	if (sign) {
		__int128 p = (__int128)sext_to64(a, size) * sext_to64(b, size);

		lo = (uint64_t)p & m;
		hi = (uint64_t)(p >> bits) & m;
		wide = p != (__int128)sext_to64(lo, size);
	} else {
		unsigned __int128 p = (unsigned __int128)a * b;

		lo = (uint64_t)p & m;
		hi = (uint64_t)(p >> bits) & m;
		wide = hi != 0;
	}
	mul_store(cpu, in, size, lo, hi);
	mul_flags(cpu, size, lo, wide);
	return X_OK;
}

static int do_div(struct cpu *cpu, const struct insn *in, int size, uint64_t d, bool sign)
{
	int bits = size * 8;
	uint64_t m = size_mask(size), lo, hi, q, r;
	unsigned __int128 n;

	if (size == 1) {
		lo = cpu->s.gpr[RAX] & 0xff;
		hi = (cpu->s.gpr[RAX] >> 8) & 0xff;
	} else {
		lo = reg_read(cpu, in, RAX, size);
		hi = reg_read(cpu, in, RDX, size);
	}
	if (!d)
		return excp_raise(cpu, EXC_DE, false, 0);
	n = ((unsigned __int128)hi << bits) | lo;
	if (sign) {
		__int128 sn = (__int128)(n << (128 - 2 * bits)) >> (128 - 2 * bits);
		__int128 sd = sext_to64(d, size), sq;

		/* the most negative dividend: its quotient by -1 overflows */
		__int128 most_neg = (__int128)((unsigned __int128)1 << (2 * bits - 1));

		if (bits < 64)
			most_neg = -((__int128)1 << (2 * bits - 1));
		if (sd == -1 && sn == most_neg)
			return excp_raise(cpu, EXC_DE, false, 0);
		sq = sn / sd;
		if (sq > (__int128)(m >> 1) || sq < -(__int128)(m >> 1) - 1)
			return excp_raise(cpu, EXC_DE, false, 0);
		q = (uint64_t)sq & m;
		r = (uint64_t)(sn % sd) & m;
	} else {
		unsigned __int128 uq = n / d;

		if (uq > m)
			return excp_raise(cpu, EXC_DE, false, 0);
		q = (uint64_t)uq;
		r = (uint64_t)(n % d);
	}
	if (size == 1)
		reg_write(cpu, in, RAX, 2, q | (r << 8));
	else
		mul_store(cpu, in, size, q, r);
	return X_OK;
}

/* F6/F7 /4-/7 */
int op_muldiv(struct cpu *cpu, const struct insn *in)
{
	int size = op_size_w(in), kind = in->reg & 7;
	uint64_t b;

	if (rm_read(cpu, in, size, &b))
		return X_EXC;
	if (kind < 6)
		return do_mul(cpu, in, size, b, kind == 5);
	return do_div(cpu, in, size, b, kind == 7);
}

static int imul_to(struct cpu *cpu, const struct insn *in, uint64_t a, uint64_t b)
{
	int size = in->opsz;
	__int128 p = (__int128)sext_to64(a, size) * sext_to64(b, size);
	uint64_t lo = (uint64_t)p & size_mask(size);

	reg_write(cpu, in, in->reg, size, lo);
	mul_flags(cpu, size, lo, p != (__int128)sext_to64(lo, size));
	return X_OK;
}

/* 0F AF */
int op_imul_r_rm(struct cpu *cpu, const struct insn *in)
{
	uint64_t b;

	if (rm_read(cpu, in, in->opsz, &b))
		return X_EXC;
	return imul_to(cpu, in, reg_read(cpu, in, in->reg, in->opsz), b);
}

/* 69, 6B */
int op_imul_r_rm_i(struct cpu *cpu, const struct insn *in)
{
	uint64_t a;

	if (rm_read(cpu, in, in->opsz, &a))
		return X_EXC;
	return imul_to(cpu, in, a, in->imm);
}
