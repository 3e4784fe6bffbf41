/* Bit instructions: BT/BTS/BTR/BTC (register and immediate offsets),
 * BSF/BSR, TZCNT/LZCNT, POPCNT. */
#include "hypervisor/cpu/cpu_int.h"

/* BT family: kind 0 test, 1 set, 2 reset, 3 complement */
static int bt_apply(struct cpu *cpu, const struct insn *in, int64_t off, bool reg_off, int kind)
{
	int size = in->opsz, bits = size * 8;
	uint64_t v, ea = 0, bit;
	bool cf;

	if (in->mod == 3) {
		v = reg_read(cpu, in, in->rm, size);
	} else {
		ea = op_ea(cpu, in);
		if (reg_off)   /* a register offset reaches any bit in memory */
			ea = addr_mask(in->adsz, ea + (off >> (size == 8 ? 6 : size == 4 ? 5 : 4)) * size);
		if (mem_read_u(cpu, in->seg, ea, size, &v))
			return X_EXC;
	}
	bit = 1ull << (off & (bits - 1));
	cf = v & bit;
	v = kind == 1 ? v | bit : kind == 2 ? v & ~bit : v ^ bit;
	if (kind && in->mod == 3)
		reg_write(cpu, in, in->rm, size, v);
	else if (kind && mem_write_u(cpu, in->seg, ea, size, v))
		return X_EXC;
	flags_update(cpu, FL_CF, cf ? FL_CF : 0);
	return X_OK;
}

static const int bt_kind[4] = { 0, 1, 2, 3 };

/* 0F A3 BT, AB BTS, B3 BTR, BB BTC */
int op_bt_r(struct cpu *cpu, const struct insn *in)
{
	int64_t off = sext_to64(reg_read(cpu, in, in->reg, in->opsz), in->opsz);

	return bt_apply(cpu, in, off, true, bt_kind[(in->op >> 3) & 3]);
}

/* 0F BA /4-/7 */
int op_bt_i(struct cpu *cpu, const struct insn *in)
{
	return bt_apply(cpu, in, in->imm & 0xff, false, (in->reg & 7) - 4);
}

/* 0F BC BSF / 0F BD BSR: a zero source sets ZF and leaves the destination */
int op_bsf_bsr(struct cpu *cpu, const struct insn *in)
{
	int size = in->opsz;
	uint64_t v, r;

	if (rm_read(cpu, in, size, &v))
		return X_EXC;
	if (!v) {
		flags_update(cpu, FL_ARITH, FL_ZF);
		return X_OK;
	}
	r = in->op == 0xbc ? (uint64_t)__builtin_ctzll(v) : (uint64_t)(63 - __builtin_clzll(v));
	reg_write(cpu, in, in->reg, size, r);
	flags_update(cpu, FL_ARITH, flags_szp(r, size) & ~(uint64_t)FL_ZF);
	return X_OK;
}

/* F3 0F BC TZCNT / F3 0F BD LZCNT */
int op_tzcnt_lzcnt(struct cpu *cpu, const struct insn *in)
{
	int size = in->opsz, bits = size * 8;
	uint64_t v, r;

	if (rm_read(cpu, in, size, &v))
		return X_EXC;
	if (!v)
		r = bits;
	else if (in->op == 0xbc)
		r = __builtin_ctzll(v);
	else
		r = __builtin_clzll(v) - (64 - bits);
	reg_write(cpu, in, in->reg, size, r);
	flags_update(cpu, FL_ARITH, (v ? 0 : FL_CF) | (r ? 0 : FL_ZF));
	return X_OK;
}

/* F3 0F B8 */
int op_popcnt(struct cpu *cpu, const struct insn *in)
{
	uint64_t v;

	if (rm_read(cpu, in, in->opsz, &v))
		return X_EXC;
	reg_write(cpu, in, in->reg, in->opsz, __builtin_popcountll(v));
	flags_update(cpu, FL_ARITH, v ? 0 : FL_ZF);
	return X_OK;
}
