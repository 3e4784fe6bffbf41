/* Decimal arithmetic (DAA DAS AAA AAS AAM AAD) and SALC: 16/32-bit code only. */
#include "hypervisor/cpu/cpu_int.h"

static void set_al(struct cpu *cpu, uint64_t al)
{
	cpu->s.gpr[RAX] = (cpu->s.gpr[RAX] & ~0xffull) | (al & 0xff);
}

/* 27 DAA, 2F DAS */
int op_daa_das(struct cpu *cpu, const struct insn *in)
{
	uint64_t f = flags_get(cpu), al = cpu->s.gpr[RAX] & 0xff, old = al, nf = 0;
	bool sub = in->op == 0x2f, cf = f & FL_CF;

	if ((al & 0xf) > 9 || (f & FL_AF)) {
		al = sub ? al - 6 : al + 6;
		nf |= FL_AF;
		cf = cf || (sub ? old < 6 : (old + 6) > 0xff);
	}
	if (old > 0x99 || (f & FL_CF)) {
		al = sub ? al - 0x60 : al + 0x60;
		cf = true;
	}
	al &= 0xff;
	set_al(cpu, al);
	nf |= flags_szp(al, 1) | (cf ? FL_CF : 0);
	flags_update(cpu, FL_ARITH, nf);
	return X_OK;
}

/* 37 AAA, 3F AAS */
int op_aaa_aas(struct cpu *cpu, const struct insn *in)
{
	uint64_t f = flags_get(cpu), ax = cpu->s.gpr[RAX] & 0xffff;
	bool adj = (ax & 0xf) > 9 || (f & FL_AF);

	if (adj)
		ax = in->op == 0x37 ? ax + 0x106 : ax - 0x106;
	ax = (ax & 0xff0f);
	cpu->s.gpr[RAX] = (cpu->s.gpr[RAX] & ~0xffffull) | ax;
	flags_update(cpu, FL_ARITH, flags_szp(ax, 1) | (adj ? FL_AF | FL_CF : 0));
	return X_OK;
}

/* D4 AAM ib */
int op_aam(struct cpu *cpu, const struct insn *in)
{
	uint64_t al = cpu->s.gpr[RAX] & 0xff, base = in->imm & 0xff;

	if (!base)
		return excp_raise(cpu, EXC_DE, false, 0);
	cpu->s.gpr[RAX] = (cpu->s.gpr[RAX] & ~0xffffull) | ((al / base) << 8) | (al % base);
	flags_update(cpu, FL_ARITH, flags_szp(al % base, 1));
	return X_OK;
}

/* D5 AAD ib */
int op_aad(struct cpu *cpu, const struct insn *in)
{
	uint64_t ax = cpu->s.gpr[RAX];
	uint64_t al = ((ax & 0xff) + ((ax >> 8) & 0xff) * (in->imm & 0xff)) & 0xff;

	cpu->s.gpr[RAX] = (ax & ~0xffffull) | al;
	flags_update(cpu, FL_ARITH, flags_szp(al, 1));
	return X_OK;
}

/* D6 SALC: AL = CF ? 0xFF : 0 */
int op_salc(struct cpu *cpu, const struct insn *in)
{
	set_al(cpu, flags_cf(cpu) ? 0xff : 0);
	return X_OK;
}
