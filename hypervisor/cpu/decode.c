/* The decoder. Two format tables (one-byte map and 0F map) say for every
 * opcode whether a ModRM byte follows, which immediate it carries and whether
 * it exists in 64-bit mode; the 0F38 and 0F3A maps are regular (ModRM, and an
 * imm8 for 0F3A). The handler comes from the dispatch table built from
 * optab.def, selected by ModRM.reg for opcode groups and by the mandatory
 * prefix for SSE opcodes. */
#include "hypervisor/cpu/decode.h"
#include "hypervisor/cpu/cpu.h"
#include "hypervisor/cpu/optab.h"

#include <string.h>

enum {
	F_MODRM = 0x01,
	F_INV64 = 0x02,   /* invalid in 64-bit mode (#UD) */
	F_D64 = 0x04,     /* operand size defaults to 64 bits in 64-bit mode */
	F_F64 = 0x08,     /* operand size is always 64 bits in 64-bit mode */
	F_I_SHIFT = 4,
};
enum { I_NONE, I_B, I_W, I_Z, I_V, I_WB, I_AP, I_MO, I_G3 };
#define M F_MODRM
#define I(k) ((k) << F_I_SHIFT)

static const uint8_t fmt_1b[256] = {
	[0x00 ... 0x03] = M, [0x04] = I(I_B), [0x05] = I(I_Z),
	[0x08 ... 0x0b] = M, [0x0c] = I(I_B), [0x0d] = I(I_Z),
	[0x10 ... 0x13] = M, [0x14] = I(I_B), [0x15] = I(I_Z),
	[0x18 ... 0x1b] = M, [0x1c] = I(I_B), [0x1d] = I(I_Z),
	[0x20 ... 0x23] = M, [0x24] = I(I_B), [0x25] = I(I_Z),
	[0x28 ... 0x2b] = M, [0x2c] = I(I_B), [0x2d] = I(I_Z),
	[0x30 ... 0x33] = M, [0x34] = I(I_B), [0x35] = I(I_Z),
	[0x38 ... 0x3b] = M, [0x3c] = I(I_B), [0x3d] = I(I_Z),
	[0x06] = F_INV64, [0x07] = F_INV64, [0x0e] = F_INV64,
	[0x16] = F_INV64, [0x17] = F_INV64, [0x1e] = F_INV64, [0x1f] = F_INV64,
	[0x27] = F_INV64, [0x2f] = F_INV64, [0x37] = F_INV64, [0x3f] = F_INV64,
	[0x50 ... 0x5f] = F_D64,
	[0x60] = F_INV64, [0x61] = F_INV64, [0x62] = M | F_INV64, [0x63] = M,
	[0x68] = I(I_Z) | F_D64, [0x69] = M | I(I_Z), [0x6a] = I(I_B) | F_D64,
	[0x6b] = M | I(I_B),
	[0x70 ... 0x7f] = I(I_B) | F_F64,
	[0x80] = M | I(I_B), [0x81] = M | I(I_Z), [0x82] = M | I(I_B) | F_INV64,
	[0x83] = M | I(I_B), [0x84 ... 0x8e] = M, [0x8f] = M | F_D64,
	[0x9a] = I(I_AP) | F_INV64, [0x9c] = F_D64, [0x9d] = F_D64,
	[0xa0 ... 0xa3] = I(I_MO), [0xa8] = I(I_B), [0xa9] = I(I_Z),
	[0xb0 ... 0xb7] = I(I_B), [0xb8 ... 0xbf] = I(I_V),
	[0xc0] = M | I(I_B), [0xc1] = M | I(I_B), [0xc2] = I(I_W) | F_F64,
	[0xc3] = F_F64, [0xc4] = M | F_INV64, [0xc5] = M | F_INV64,
	[0xc6] = M | I(I_B), [0xc7] = M | I(I_Z), [0xc8] = I(I_WB) | F_D64,
	[0xc9] = F_D64, [0xca] = I(I_W), [0xcd] = I(I_B), [0xce] = F_INV64,
	[0xd0 ... 0xd3] = M, [0xd4] = I(I_B) | F_INV64, [0xd5] = I(I_B) | F_INV64,
	[0xd6] = F_INV64, [0xd8 ... 0xdf] = M,
	[0xe0 ... 0xe3] = I(I_B) | F_F64, [0xe4 ... 0xe7] = I(I_B),
	[0xe8] = I(I_Z) | F_F64, [0xe9] = I(I_Z) | F_F64, [0xea] = I(I_AP) | F_INV64,
	[0xeb] = I(I_B) | F_F64,
	[0xf6] = M | I(I_G3), [0xf7] = M | I(I_G3), [0xfe] = M, [0xff] = M,
};

static const uint8_t fmt_0f[256] = {
	[0x00 ... 0x03] = M, [0x0d] = M, [0x0f] = M | I(I_B),
	[0x10 ... 0x1f] = M, [0x20 ... 0x23] = M, [0x28 ... 0x2f] = M,
	[0x40 ... 0x6f] = M, [0x70 ... 0x73] = M | I(I_B), [0x74 ... 0x76] = M,
	[0x78 ... 0x79] = M, [0x7c ... 0x7f] = M,
	[0x80 ... 0x8f] = I(I_Z) | F_F64, [0x90 ... 0x9f] = M,
	[0xa0] = F_D64, [0xa1] = F_D64, [0xa8] = F_D64, [0xa9] = F_D64,
	[0xa3] = M, [0xa4] = M | I(I_B), [0xa5] = M, [0xa6] = M, [0xa7] = M, [0xab] = M,
	[0xac] = M | I(I_B), [0xad ... 0xaf] = M, [0xb0 ... 0xb9] = M,
	[0xba] = M | I(I_B), [0xbb ... 0xc1] = M, [0xc2] = M | I(I_B), [0xc3] = M,
	[0xc4 ... 0xc6] = M | I(I_B), [0xc7] = M, [0xd0 ... 0xff] = M,
};
#undef M
#undef I

struct dec {
	const uint8_t *p;
	size_t avail, pos;
	bool ok;
};

static uint64_t fetch(struct dec *d, int n)
{
	uint64_t v = 0;

	if (d->pos + n > d->avail || d->pos + n > 15) {
		d->ok = false;
		d->pos += n;
		return 0;
	}
	for (int i = 0; i < n; i++)
		v |= (uint64_t)d->p[d->pos + i] << (8 * i);
	d->pos += n;
	return v;
}

static int64_t sext(uint64_t v, int bytes)
{
	int sh = 64 - 8 * bytes;

	return bytes >= 8 ? (int64_t)v : (int64_t)(v << sh) >> sh;
}

static const int8_t modrm16_base[8] = { RBX, RBX, RBP, RBP, RSI, RDI, RBP, RBX };
static const int8_t modrm16_index[8] = { RSI, RDI, RSI, RDI, -1, -1, -1, -1 };

static void decode_ea16(struct insn *in, struct dec *d)
{
	in->base = modrm16_base[in->rm & 7];
	in->index = modrm16_index[in->rm & 7];
	if (in->mod == 0 && (in->rm & 7) == 6) {
		in->base = -1;
		in->disp = sext(fetch(d, 2), 2);
	} else if (in->mod == 1) {
		in->disp = sext(fetch(d, 1), 1);
	} else if (in->mod == 2) {
		in->disp = sext(fetch(d, 2), 2);
	}
	if (!in->seg_override && in->base == RBP)
		in->seg = SEG_SS;
}

static void decode_ea32(struct insn *in, struct dec *d)
{
	int rm = in->rm & 7;

	in->base = in->rm;
	if (rm == 4) {
		uint8_t sib = fetch(d, 1);
		int idx = ((sib >> 3) & 7) | ((in->rex & 2) << 2);

		in->scale = sib >> 6;
		in->index = idx == 4 ? -1 : idx;
		in->base = (sib & 7) | ((in->rex & 1) << 3);
		if ((sib & 7) == 5 && in->mod == 0) {
			in->base = -1;
			in->disp = sext(fetch(d, 4), 4);
		}
	} else if (rm == 5 && in->mod == 0) {
		in->base = -1;
		in->riprel = in->mode == 64;
		in->disp = sext(fetch(d, 4), 4);
	}
	if (in->mod == 1)
		in->disp = sext(fetch(d, 1), 1);
	else if (in->mod == 2)
		in->disp = sext(fetch(d, 4), 4);
	if (!in->seg_override && (in->base == RSP || in->base == RBP))
		in->seg = SEG_SS;
}

static void decode_modrm(struct insn *in, struct dec *d)
{
	in->modrm = fetch(d, 1);
	in->mod = in->modrm >> 6;
	in->reg = ((in->modrm >> 3) & 7) | ((in->rex & 4) << 1);
	in->rm = (in->modrm & 7) | ((in->rex & 1) << 3);
	/* MOV to/from control and debug registers ignores mod: always registers */
	if (in->map == MAP_0F && in->op >= 0x20 && in->op <= 0x23)
		in->mod = 3;
	if (in->mod == 3)
		return;
	if (in->adsz == 2)
		decode_ea16(in, d);
	else
		decode_ea32(in, d);
}

static int imm_size(const struct insn *in, int kind)
{
	switch (kind) {
	case I_B: return 1;
	case I_W: return 2;
	case I_Z: return in->opsz == 2 ? 2 : 4;
	case I_V: return in->opsz;
	case I_MO: return in->adsz;
	case I_G3:
		if ((in->reg & 7) > 1)
			return 0;
		return in->op == 0xf6 ? 1 : (in->opsz == 2 ? 2 : 4);
	default: return 0;
	}
}

static void decode_imm(struct insn *in, struct dec *d, int kind)
{
	int n;

	if (kind == I_WB) {
		in->imm = fetch(d, 2);
		in->imm2 = fetch(d, 1);
		return;
	}
	if (kind == I_AP) {
		in->imm = fetch(d, in->opsz == 2 ? 2 : 4);
		in->imm2 = fetch(d, 2);
		return;
	}
	n = imm_size(in, kind);
	if (n)
		in->imm = (uint64_t)sext(fetch(d, n), n);
	/* addresses and MOV's full-size immediates are not sign-extended */
	if ((kind == I_MO || kind == I_V) && n < 8)
		in->imm &= (1ull << (8 * n)) - 1;
}

static const uint8_t seg_prefix[8] = {
	[0] = SEG_ES, [1] = SEG_CS, [2] = SEG_SS, [3] = SEG_DS,
};

/* Legacy prefixes and REX. REX only counts when it comes last. */
static void decode_prefixes(struct insn *in, struct dec *d, bool *p66, bool *p67)
{
	for (;;) {
		uint8_t b = d->pos < d->avail ? d->p[d->pos] : 0;

		if (d->pos >= d->avail || d->pos >= 15) {
			d->ok = false;
			return;
		}
		if (in->mode == 64 && (b & 0xf0) == 0x40) {
			in->rex = b;
			d->pos++;
			continue;
		}
		switch (b) {
		case 0x26: case 0x2e: case 0x36: case 0x3e:
			if (in->mode != 64) {
				in->seg = seg_prefix[(b >> 3) & 3];
				in->seg_override = true;
			}
			break;
		case 0x64: case 0x65:
			in->seg = b == 0x64 ? SEG_FS : SEG_GS;
			in->seg_override = true;
			break;
		case 0x66: *p66 = true; break;
		case 0x67: *p67 = true; break;
		case 0xf0: in->lock = true; break;
		case 0xf2: case 0xf3: in->rep = b; break;
		default:
			return;
		}
		in->rex = 0;
		d->pos++;
	}
}

static void decode_sizes(struct insn *in, unsigned fmt, bool p66, bool p67)
{
	if (in->mode == 64) {
		in->adsz = p67 ? 4 : 8;
		if (in->rex & 8)
			in->opsz = 8;
		else if (fmt & F_F64)
			in->opsz = 8;
		else if (p66)
			in->opsz = 2;
		else
			in->opsz = (fmt & F_D64) ? 8 : 4;
		return;
	}
	in->adsz = (in->mode == 16) != p67 ? 2 : 4;
	in->opsz = (in->mode == 16) != p66 ? 2 : 4;
}

static int decode_opcode(struct insn *in, struct dec *d)
{
	uint8_t b = fetch(d, 1);

	in->map = MAP_1B;
	if (b == 0x0f) {
		b = fetch(d, 1);
		in->map = MAP_0F;
		if (b == 0x38 || b == 0x3a) {
			in->map = b == 0x38 ? MAP_0F38 : MAP_0F3A;
			b = fetch(d, 1);
		}
	}
	in->op = b;
	if (in->map == MAP_1B)
		return fmt_1b[b];
	if (in->map == MAP_0F)
		return fmt_0f[b];
	return F_MODRM | (in->map == MAP_0F3A ? I_B << F_I_SHIFT : 0);
}

static bool is_vex(const struct insn *in, const struct dec *d)
{
	uint8_t next;

	if (in->map != MAP_1B || (in->op != 0xc4 && in->op != 0xc5 && in->op != 0x62))
		return in->map == MAP_1B && in->op == 0x8f && d->pos < d->avail &&
		       (d->p[d->pos] & 0x38) != 0;   /* AMD XOP */
	if (in->mode == 64)
		return true;
	/* outside 64-bit mode LES/LDS/BOUND with a memory operand stay legacy */
	next = d->pos < d->avail ? d->p[d->pos] : 0;
	return (next & 0xc0) == 0xc0;
}

/* Faster handlers for common register forms with 32/64-bit operands. */
static void insn_specialize(struct insn *in)
{
	op_fn fast = fast_form(in);

	if (fast) {
		in->fn = fast;
		return;
	}
	if (in->mod != 3 || in->opsz < 4 || in->map != MAP_1B || in->lock)
		return;
	if ((in->fn == op_alu_rm_r || in->fn == op_alu_r_rm) && (in->op & 1))
		in->fn = alu_fast(in->op >> 3, in->opsz, false);
	else if (in->fn == op_alu_rm_i && in->op != 0x80)
		in->fn = alu_fast(in->reg & 7, in->opsz, true);
	else if ((in->fn == op_mov_rm_r || in->fn == op_mov_r_rm) && (in->op & 1))
		in->fn = op_mov_rr;
	else if (in->fn == op_shift && shift_fast(in->op, in->reg & 7, in->opsz))
		in->fn = shift_fast(in->op, in->reg & 7, in->opsz);
}

/* LOCK is allowed only on read-modify-write instructions with a memory
 * destination (and as AMD's CR8 alias on MOV CR). */
static bool lock_ok(const struct insn *in)
{
	unsigned r = in->reg & 7;

	if (in->map == MAP_0F && (in->op == 0x20 || in->op == 0x22))
		return true;
	if (in->mod == 3)
		return false;
	if (in->map == MAP_1B) {
		if (in->op < 0x38)
			return (in->op & 7) < 2;
		switch (in->op) {
		case 0x80: case 0x81: case 0x82: case 0x83: return r != 7;
		case 0x86: case 0x87: return true;
		case 0xf6: case 0xf7: return r == 2 || r == 3;
		case 0xfe: case 0xff: return r < 2;
		default: return false;
		}
	}
	if (in->map != MAP_0F)
		return false;
	switch (in->op) {
	case 0xab: case 0xb3: case 0xbb: case 0xb0: case 0xb1: case 0xc0: case 0xc1: return true;
	case 0xba: return r >= 5;
	case 0xc7: return r == 1;
	default: return false;
	}
}

op_fn insn_plain_handler(const struct insn *in)
{
	unsigned sel = 0;

	switch (optab_select[in->map][in->op]) {
	case SEL_REG: sel = in->reg & 7; break;
	case SEL_PFX: sel = in->pfx; break;
	case SEL_PFX_REG: sel = in->pfx == PFX_66 ? 8 + (in->reg & 7) : (in->reg & 7); break;
	default: break;
	}
	return optab_lookup(in->map, in->op, sel);
}

/* A read-modify-write of memory that must be atomic between vCPUs: LOCK
 * on a memory operand, or XCHG with memory (ops_lock.c). */
static bool insn_atomic(const struct insn *in)
{
	if (in->mod == 3 || (in->map == MAP_0F && (in->op == 0x20 || in->op == 0x22)))
		return false;
	return in->lock || (in->map == MAP_1B && (in->op == 0x86 || in->op == 0x87));
}

static void select_handler(struct insn *in)
{
	in->fn = insn_plain_handler(in);
	if (in->lock && !lock_ok(in))
		in->fn = op_ud;
	insn_specialize(in);
	if (in->fn != op_ud && insn_atomic(in))
		in->fn = op_locked;
}

static int decode_one(struct insn *in, struct dec *d, bool for_vex)
{
	bool p66 = false, p67 = false;
	unsigned fmt;

	decode_prefixes(in, d, &p66, &p67);
	fmt = decode_opcode(in, d);
	if (!d->ok)
		return d->pos > 15 ? DECODE_GP : DECODE_SHORT;
	if (is_vex(in, d))
		return for_vex ? 1 : DECODE_UD;
	if (for_vex)
		return 0;
	if (in->mode == 64 && (fmt & F_INV64))
		return DECODE_UD;
	in->pfx = in->rep == 0xf3 ? PFX_F3 : in->rep == 0xf2 ? PFX_F2 : p66 ? PFX_66 : PFX_NP;
	decode_sizes(in, fmt, p66, p67);
	in->has_modrm = fmt & F_MODRM;
	if (in->has_modrm)
		decode_modrm(in, d);
	decode_imm(in, d, fmt >> F_I_SHIFT);
	/* AMD SSE4a EXTRQ/INSERTQ (66/F2 0F 78, register forms) carry two imm8 */
	if (in->map == MAP_0F && in->op == 0x78 && in->mod == 3 &&
	    (in->pfx == PFX_66 || in->pfx == PFX_F2)) {
		in->imm = fetch(d, 1);
		in->imm2 = fetch(d, 1);
	}
	if (d->pos > 15)
		return DECODE_GP;
	if (!d->ok)
		return DECODE_SHORT;
	in->len = d->pos;
	select_handler(in);
	return in->len;
}

int insn_decode(struct insn *in, const uint8_t *buf, size_t avail, int mode)
{
	struct dec d = { .p = buf, .avail = avail, .ok = true };

	memset(in, 0, sizeof(*in));
	in->mode = mode;
	in->seg = SEG_DS;
	in->base = in->index = -1;
	return decode_one(in, &d, false);
}

int insn_length(const uint8_t *buf, size_t avail, int mode)
{
	struct insn in;

	return insn_decode(&in, buf, avail, mode);
}

bool insn_is_vex(const uint8_t *buf, size_t avail, int mode)
{
	struct dec d = { .p = buf, .avail = avail, .ok = true };
	struct insn in;

	memset(&in, 0, sizeof(in));
	in.mode = mode;
	return decode_one(&in, &d, true) == 1;
}
