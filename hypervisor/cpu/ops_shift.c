/* Shifts and rotates (group 2: ROL ROR RCL RCR SHL SHR SAL SAR), SHLD/SHRD.
 * Flags are computed at once: their rules depend on the count. */
#include "hypervisor/cpu/cpu_int.h"

struct shift {
	uint64_t res;
	uint64_t flags;          /* new values of the bits in `mask` */
	uint64_t mask;
};

static uint64_t msb(uint64_t v, int bits)
{
	return (v >> (bits - 1)) & 1;
}

static void sh_rotate(struct shift *s, int kind, uint64_t a, unsigned cnt, int bits, bool cf)
{
	uint64_t m = size_mask(bits / 8), r = a;
	unsigned n;

	s->mask = FL_CF | FL_OF;
	if (kind <= 1) {                         /* ROL, ROR */
		n = cnt % bits;
		if (kind == 0)
			r = n ? ((a << n) | (a >> (bits - n))) & m : a;
		else
			r = n ? ((a >> n) | (a << (bits - n))) & m : a;
		cf = kind == 0 ? (r & 1) : msb(r, bits);
		s->flags = (cf ? FL_CF : 0) |
			   ((kind == 0 ? msb(r, bits) ^ cf : msb(r, bits) ^ msb(r, bits - 1)) ? FL_OF : 0);
	} else {                                 /* RCL, RCR */
		n = bits < 32 ? cnt % (bits + 1) : cnt;
		for (unsigned i = 0; i < n; i++) {
			bool out = kind == 2 ? msb(r, bits) : (r & 1);

			r = kind == 2 ? ((r << 1) | cf) & m : (r >> 1) | ((uint64_t)cf << (bits - 1));
			cf = out;
		}
		s->flags = (cf ? FL_CF : 0) |
			   ((kind == 2 ? msb(r, bits) ^ cf : msb(r, bits) ^ msb(r, bits - 1)) ? FL_OF : 0);
	}
	s->res = r;
}

static void sh_shift(struct shift *s, int kind, uint64_t a, unsigned cnt, int bits)
{
	uint64_t m = size_mask(bits / 8), r;
	int64_t sa = sext_to64(a, bits / 8);
	bool cf, of;

	if (kind == 4 || kind == 6) {            /* SHL/SAL */
		r = cnt >= 64 ? 0 : (a << cnt) & m;
		cf = cnt <= (unsigned)bits ? (a >> (bits - cnt)) & 1 : 0;
		of = msb(r, bits) ^ cf;
	} else if (kind == 5) {                  /* SHR */
		r = cnt >= 64 ? 0 : a >> cnt;
		cf = cnt <= 64 ? (a >> (cnt - 1)) & 1 : 0;
		of = msb(a, bits);
	} else {                                 /* SAR */
		r = (uint64_t)(sa >> (cnt > 63 ? 63 : cnt)) & m;
		cf = (sa >> (cnt - 1 > 63 ? 63 : cnt - 1)) & 1;
		of = 0;
	}
	s->res = r;
	s->mask = FL_ARITH;         /* recorded lazily: see shift_apply */
	s->flags = (cf ? FL_CF : 0) | (of ? FL_OF : 0);
}

static int shift_apply(struct cpu *cpu, const struct insn *in, unsigned cnt)
{
	int size = op_size_w(in), bits = size * 8, kind = in->reg & 7;
	struct shift s;
	uint64_t a;

	cnt &= size == 8 ? 63 : 31;
	if (rm_read(cpu, in, size, &a))
		return X_EXC;
	/* a zero count changes nothing, but a 32-bit register is still
	 * zero-extended and a memory operand is still checked for writing */
	if (!cnt)
		return size == 4 || in->mod != 3 ? rm_write(cpu, in, size, a) : X_OK;
	if (kind < 4)
		sh_rotate(&s, kind, a, cnt, bits, flags_cf(cpu));
	else
		sh_shift(&s, kind, a, cnt, bits);
	if (rm_write(cpu, in, size, s.res))
		return X_EXC;
	if (kind < 4)    /* rotates keep SF/ZF/PF/AF */
		flags_update(cpu, s.mask, s.flags);
	else
		flags_lazy_res(&cpu->lf, size, s.res, s.flags & FL_CF, s.flags & FL_OF);
	return X_OK;
}

/* C0/C1 (imm8), D0/D1 (1), D2/D3 (CL) */
int op_shift(struct cpu *cpu, const struct insn *in)
{
	unsigned cnt = in->op >= 0xd2 ? cpu->s.gpr[RCX] & 0xff : in->op >= 0xd0 ? 1 : in->imm & 0xff;

	return shift_apply(cpu, in, cnt);
}

/* 0F A4/A5 SHLD, 0F AC/AD SHRD */
int op_shld_shrd(struct cpu *cpu, const struct insn *in)
{
	int size = in->opsz, bits = size * 8;
	bool left = in->op < 0xa8;
	unsigned cnt = ((in->op & 1) ? cpu->s.gpr[RCX] : in->imm) & (size == 8 ? 63 : 31);
	uint64_t a, b = reg_read(cpu, in, in->reg, size), r, m = size_mask(size);
	unsigned __int128 w;
	bool cf;

	if (rm_read(cpu, in, size, &a))
		return X_EXC;
	if (!cnt)   /* see shift_apply */
		return size == 4 || in->mod != 3 ? rm_write(cpu, in, size, a) : X_OK;
	if (size == 8) {
		r = left ? (a << cnt) | (b >> (64 - cnt)) : (a >> cnt) | (b << (64 - cnt));
		cf = left ? (a >> (64 - cnt)) & 1 : (a >> (cnt - 1)) & 1;
	} else {
		/* a:b:a (16-bit counts above 16 show the destination again) */
		w = ((unsigned __int128)a << (2 * bits)) | ((unsigned __int128)b << bits) | a;
		r = (uint64_t)(w >> (left ? 2 * bits - cnt : cnt)) & m;
		cf = (uint64_t)(w >> (left ? 3 * bits - cnt : cnt - 1)) & 1;
	}
	if (rm_write(cpu, in, size, r))
		return X_EXC;
	flags_update(cpu, FL_ARITH, flags_szp(r, size) | (cf ? FL_CF : 0) |
		     ((msb(r, bits) ^ msb(a, bits)) ? FL_OF : 0));
	return X_OK;
}

/* Specialized SHL/SHR/SAR on a 4- or 8-byte register (insn_specialize):
 * the count is always below the operand width here, so the C shifts are
 * exact and the flags are the ones sh_shift computes. */
static inline __attribute__((always_inline)) int shift_reg(struct cpu *cpu, const struct insn *in,
							   int kind, int size, unsigned cnt)
{
	int bits = size * 8;
	uint64_t m = size_mask(size), a = cpu->s.gpr[in->rm] & m, r;
	bool cf, of;

	cnt &= size == 8 ? 63 : 31;
	if (!cnt) {
		cpu->s.gpr[in->rm] = a;    /* a 32-bit register is still zero-extended */
		return X_OK;
	}
	if (kind == 5) {                   /* SHR */
		r = a >> cnt;
		cf = (a >> (cnt - 1)) & 1;
		of = a >> (bits - 1);
	} else if (kind == 7) {            /* SAR */
		int64_t sa = sext_to64(a, size);

		r = (uint64_t)(sa >> cnt) & m;
		cf = (sa >> (cnt - 1)) & 1;
		of = false;
	} else {                           /* SHL, SAL */
		r = (a << cnt) & m;
		cf = (a >> (bits - cnt)) & 1;
		of = (r >> (bits - 1)) ^ cf;
	}
	cpu->s.gpr[in->rm] = r;
	flags_lazy_res(&cpu->lf, size, r, cf, of);
	return X_OK;
}

#define SHIFT_FAST(name, kind, size)                                             \
	static int op_sh_i_##name(struct cpu *cpu, const struct insn *in)        \
	{                                                                        \
		return shift_reg(cpu, in, kind, size, in->imm & 0xff);           \
	}                                                                        \
	static int op_sh_1_##name(struct cpu *cpu, const struct insn *in)        \
	{                                                                        \
		return shift_reg(cpu, in, kind, size, 1);                        \
	}                                                                        \
	static int op_sh_cl_##name(struct cpu *cpu, const struct insn *in)       \
	{                                                                        \
		return shift_reg(cpu, in, kind, size, cpu->s.gpr[RCX] & 0xff);  \
	}

SHIFT_FAST(shl32, 4, 4)
SHIFT_FAST(shl64, 4, 8)
SHIFT_FAST(shr32, 5, 4)
SHIFT_FAST(shr64, 5, 8)
SHIFT_FAST(sar32, 7, 4)
SHIFT_FAST(sar64, 7, 8)

/* [source: imm, 1, CL][kind: SHL, SHR, SAR][size 4, 8] */
static const op_fn shift_fast_tab[3][3][2] = {
	{ { op_sh_i_shl32, op_sh_i_shl64 }, { op_sh_i_shr32, op_sh_i_shr64 },
	  { op_sh_i_sar32, op_sh_i_sar64 } },
	{ { op_sh_1_shl32, op_sh_1_shl64 }, { op_sh_1_shr32, op_sh_1_shr64 },
	  { op_sh_1_sar32, op_sh_1_sar64 } },
	{ { op_sh_cl_shl32, op_sh_cl_shl64 }, { op_sh_cl_shr32, op_sh_cl_shr64 },
	  { op_sh_cl_sar32, op_sh_cl_sar64 } },
};

op_fn shift_fast(int op, int kind, int size)
{
	int src = op == 0xc1 ? 0 : op == 0xd1 ? 1 : op == 0xd3 ? 2 : -1;
	int k = (kind == 4 || kind == 6) ? 0 : kind == 5 ? 1 : kind == 7 ? 2 : -1;

	if (src < 0 || k < 0 || (size != 4 && size != 8))
		return NULL;
	return shift_fast_tab[src][k][size == 8];
}
