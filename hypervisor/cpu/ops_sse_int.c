/* SSE2 integer instructions on XMM registers (66 prefix): element-wise
 * arithmetic, logic and compares from one table, then shuffles, unpacks,
 * packs, multiplies and shifts. The MMX (no prefix) forms are not
 * implemented; the PS/PD logic ops (ANDPS, XORPS, ...) share the table. */
#include "hypervisor/cpu/sse.h"

typedef uint64_t (*elem_fn)(uint64_t a, uint64_t b, int bits);

static int64_t sx(uint64_t v, int bits)
{
	return bits == 64 ? (int64_t)v : (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static uint64_t sat_s(int64_t v, int bits)
{
	int64_t hi = (1ll << (bits - 1)) - 1, lo = -hi - 1;

	return (uint64_t)(v > hi ? hi : v < lo ? lo : v);
}

static uint64_t sat_u(int64_t v, int bits)
{
	int64_t hi = (1ll << bits) - 1;

	return (uint64_t)(v > hi ? hi : v < 0 ? 0 : v);
}

static uint64_t e_add(uint64_t a, uint64_t b, int n) { return a + b; }
static uint64_t e_sub(uint64_t a, uint64_t b, int n) { return a - b; }
static uint64_t e_adds(uint64_t a, uint64_t b, int n) { return sat_s(sx(a, n) + sx(b, n), n); }
static uint64_t e_subs(uint64_t a, uint64_t b, int n) { return sat_s(sx(a, n) - sx(b, n), n); }
static uint64_t e_addus(uint64_t a, uint64_t b, int n) { return sat_u((int64_t)(a + b), n); }
static uint64_t e_subus(uint64_t a, uint64_t b, int n) { return sat_u((int64_t)a - (int64_t)b, n); }
static uint64_t e_cmpeq(uint64_t a, uint64_t b, int n) { return a == b ? ~0ull : 0; }
static uint64_t e_cmpgt(uint64_t a, uint64_t b, int n) { return sx(a, n) > sx(b, n) ? ~0ull : 0; }
static uint64_t e_minu(uint64_t a, uint64_t b, int n) { return a < b ? a : b; }
static uint64_t e_maxu(uint64_t a, uint64_t b, int n) { return a > b ? a : b; }
static uint64_t e_mins(uint64_t a, uint64_t b, int n) { return sx(a, n) < sx(b, n) ? a : b; }
static uint64_t e_maxs(uint64_t a, uint64_t b, int n) { return sx(a, n) > sx(b, n) ? a : b; }
static uint64_t e_and(uint64_t a, uint64_t b, int n) { return a & b; }
static uint64_t e_andn(uint64_t a, uint64_t b, int n) { return ~a & b; }
static uint64_t e_or(uint64_t a, uint64_t b, int n) { return a | b; }
static uint64_t e_xor(uint64_t a, uint64_t b, int n) { return a ^ b; }
static uint64_t e_mullo(uint64_t a, uint64_t b, int n) { return a * b; }
static uint64_t e_mulhs(uint64_t a, uint64_t b, int n) { return (uint64_t)((sx(a, n) * sx(b, n)) >> n); }
static uint64_t e_mulhu(uint64_t a, uint64_t b, int n) { return (a * b) >> n; }
static uint64_t e_avg(uint64_t a, uint64_t b, int n) { return (a + b + 1) >> 1; }

struct pbin {
	uint8_t bits;
	elem_fn fn;
};

/* 0F-map opcode -> element width and operation (66 prefix, or PS/PD logic) */
static const struct pbin pbin_table[256] = {
	[0x54] = { 64, e_and }, [0x55] = { 64, e_andn }, [0x56] = { 64, e_or }, [0x57] = { 64, e_xor },
	[0x64] = { 8, e_cmpgt }, [0x65] = { 16, e_cmpgt }, [0x66] = { 32, e_cmpgt },
	[0x74] = { 8, e_cmpeq }, [0x75] = { 16, e_cmpeq }, [0x76] = { 32, e_cmpeq },
	[0xd4] = { 64, e_add }, [0xd5] = { 16, e_mullo },
	[0xd8] = { 8, e_subus }, [0xd9] = { 16, e_subus }, [0xda] = { 8, e_minu },
	[0xdb] = { 64, e_and }, [0xdc] = { 8, e_addus }, [0xdd] = { 16, e_addus },
	[0xde] = { 8, e_maxu }, [0xdf] = { 64, e_andn },
	[0xe0] = { 8, e_avg }, [0xe3] = { 16, e_avg }, [0xe4] = { 16, e_mulhu }, [0xe5] = { 16, e_mulhs },
	[0xe8] = { 8, e_subs }, [0xe9] = { 16, e_subs }, [0xea] = { 16, e_mins },
	[0xeb] = { 64, e_or }, [0xec] = { 8, e_adds }, [0xed] = { 16, e_adds },
	[0xee] = { 16, e_maxs }, [0xef] = { 64, e_xor },
	[0xf8] = { 8, e_sub }, [0xf9] = { 16, e_sub }, [0xfa] = { 32, e_sub }, [0xfb] = { 64, e_sub },
	[0xfc] = { 8, e_add }, [0xfd] = { 16, e_add }, [0xfe] = { 32, e_add },
};

static uint64_t lane_get(const xmm_t *v, int bits, int i)
{
	switch (bits) {
	case 8: return v->b[i];
	case 16: return v->w[i];
	case 32: return v->d[i];
	default: return v->q[i];
	}
}

static void lane_set(xmm_t *v, int bits, int i, uint64_t x)
{
	switch (bits) {
	case 8: v->b[i] = x; break;
	case 16: v->w[i] = x; break;
	case 32: v->d[i] = x; break;
	default: v->q[i] = x; break;
	}
}

/* Read the source operand of a two-operand SSE instruction (16 bytes, aligned). */
static int src_read(struct cpu *cpu, const struct insn *in, xmm_t *s)
{
	return sse_check(cpu) || sse_rm_read(cpu, in, s, 16, true);
}

int op_sse_pbin(struct cpu *cpu, const struct insn *in)
{
	const struct pbin *p = &pbin_table[in->op];
	xmm_t s, *d = xmm_reg(cpu, in->reg), r;
	int n = 128 / p->bits;

	if (!p->fn)
		return excp_ud(cpu);
	if (src_read(cpu, in, &s))
		return X_EXC;
	for (int i = 0; i < n; i++)
		lane_set(&r, p->bits, i, p->fn(lane_get(d, p->bits, i), lane_get(&s, p->bits, i), p->bits));
	*d = r;
	return X_OK;
}

/* 66 0F 60-62, 68-6A, 6C, 6D: PUNPCKL/H BW WD DQ QDQ; 0F 14/15 UNPCKL/HPS/PD */
int op_sse_unpack(struct cpu *cpu, const struct insn *in)
{
	static const uint8_t bits_of[16] = { 8, 16, 32, 0, 0, 0, 0, 0, 8, 16, 32, 0, 64, 64 };
	int bits, n, high;
	xmm_t s, *d = xmm_reg(cpu, in->reg), r;

	if (in->op == 0x14 || in->op == 0x15) {
		bits = in->pfx == PFX_66 ? 64 : 32;
		high = in->op == 0x15;
	} else {
		bits = bits_of[in->op & 15];
		high = (in->op & 15) == 0xd || ((in->op & 8) && (in->op & 15) < 0xc);
	}
	if (src_read(cpu, in, &s))
		return X_EXC;
	n = 64 / bits;
	for (int i = 0; i < n; i++) {
		lane_set(&r, bits, 2 * i, lane_get(d, bits, i + high * n));
		lane_set(&r, bits, 2 * i + 1, lane_get(&s, bits, i + high * n));
	}
	*d = r;
	return X_OK;
}

/* 66 0F 63 PACKSSWB, 67 PACKUSWB, 6B PACKSSDW */
int op_sse_pack(struct cpu *cpu, const struct insn *in)
{
	int from = in->op == 0x6b ? 32 : 16, to = from / 2, n = 128 / from;
	bool uns = in->op == 0x67;
	xmm_t s, *d = xmm_reg(cpu, in->reg), r;

	if (src_read(cpu, in, &s))
		return X_EXC;
	for (int i = 0; i < 2 * n; i++) {
		int64_t v = sx(lane_get(i < n ? d : &s, from, i % n), from);

		lane_set(&r, to, i, uns ? sat_u(v, to) : sat_s(v, to));
	}
	*d = r;
	return X_OK;
}

/* 66 0F 70 PSHUFD, F3 0F 70 PSHUFHW, F2 0F 70 PSHUFLW */
int op_sse_pshuf(struct cpu *cpu, const struct insn *in)
{
	xmm_t s, r;
	unsigned imm = in->imm & 0xff;

	if (src_read(cpu, in, &s))
		return X_EXC;
	r = s;
	for (int i = 0; i < 4; i++) {
		unsigned sel = (imm >> (2 * i)) & 3;

		if (in->pfx == PFX_66)
			r.d[i] = s.d[sel];
		else if (in->pfx == PFX_F3)
			r.w[4 + i] = s.w[4 + sel];
		else
			r.w[i] = s.w[sel];
	}
	*xmm_reg(cpu, in->reg) = r;
	return X_OK;
}

/* 0F C6: SHUFPS / 66 SHUFPD */
int op_sse_shufp(struct cpu *cpu, const struct insn *in)
{
	xmm_t s, *d = xmm_reg(cpu, in->reg), r;
	unsigned imm = in->imm & 0xff;

	if (src_read(cpu, in, &s))
		return X_EXC;
	if (in->pfx == PFX_66) {
		r.q[0] = d->q[imm & 1];
		r.q[1] = s.q[(imm >> 1) & 1];
	} else {
		r.d[0] = d->d[imm & 3];
		r.d[1] = d->d[(imm >> 2) & 3];
		r.d[2] = s.d[(imm >> 4) & 3];
		r.d[3] = s.d[(imm >> 6) & 3];
	}
	*d = r;
	return X_OK;
}

/* 66 0F F4 PMULUDQ, F5 PMADDWD, F6 PSADBW */
int op_sse_pmul_wide(struct cpu *cpu, const struct insn *in)
{
	xmm_t s, *d = xmm_reg(cpu, in->reg), r;

	if (src_read(cpu, in, &s))
		return X_EXC;
	for (int i = 0; i < 2; i++) {
		if (in->op == 0xf4) {
			r.q[i] = (uint64_t)d->d[2 * i] * s.d[2 * i];
		} else if (in->op == 0xf5) {
			/* in 64 bits: two products of -32768 overflow an int */
			r.d[2 * i] = (uint32_t)((int64_t)d->sw[4 * i] * s.sw[4 * i] +
						(int64_t)d->sw[4 * i + 1] * s.sw[4 * i + 1]);
			r.d[2 * i + 1] = (uint32_t)((int64_t)d->sw[4 * i + 2] * s.sw[4 * i + 2] +
						    (int64_t)d->sw[4 * i + 3] * s.sw[4 * i + 3]);
		} else {
			uint64_t sum = 0;

			for (int j = 0; j < 8; j++)
				sum += d->b[8 * i + j] > s.b[8 * i + j] ? d->b[8 * i + j] - s.b[8 * i + j]
									: s.b[8 * i + j] - d->b[8 * i + j];
			r.q[i] = sum;
		}
	}
	*d = r;
	return X_OK;
}

/* kind: 0 logical right, 1 arithmetic right, 2 left */
static void shift_lanes(xmm_t *d, int bits, int kind, uint64_t cnt)
{
	for (int i = 0; i < 128 / bits; i++) {
		uint64_t v = lane_get(d, bits, i);

		if (kind == 1)
			v = (uint64_t)(sx(v, bits) >> (cnt >= (uint64_t)bits ? (uint64_t)bits - 1 : cnt));
		else if (cnt >= (uint64_t)bits)
			v = 0;
		else
			v = kind == 0 ? v >> cnt : v << cnt;
		lane_set(d, bits, i, v);
	}
}

static void shift_bytes(xmm_t *d, bool left, uint64_t cnt)
{
	xmm_t r = { .q = { 0, 0 } };

	for (int i = 0; i < 16; i++) {
		int src = left ? i - (int)cnt : i + (int)cnt;

		if (cnt < 16 && src >= 0 && src < 16)
			r.b[i] = d->b[src];
	}
	*d = r;
}

/* 66 0F D1-D3 PSRLW/D/Q, E1/E2 PSRAW/D, F1-F3 PSLLW/D/Q (count in xmm/m128) */
int op_sse_shift(struct cpu *cpu, const struct insn *in)
{
	int bits = 8 << (in->op & 3), kind = (in->op >> 4) == 0xd ? 0 : (in->op >> 4) == 0xe ? 1 : 2;
	xmm_t s;

	if (src_read(cpu, in, &s))
		return X_EXC;
	shift_lanes(xmm_reg(cpu, in->reg), bits, kind, s.q[0]);
	return X_OK;
}

/* 66 0F 71/72/73 with an immediate: /2 SRL, /4 SRA, /6 SLL; 73 /3 PSRLDQ,
 * 73 /7 PSLLDQ */
int op_sse_shift_imm(struct cpu *cpu, const struct insn *in)
{
	int bits = in->op == 0x71 ? 16 : in->op == 0x72 ? 32 : 64, r = in->reg & 7;
	xmm_t *d = xmm_reg(cpu, in->rm);
	uint64_t cnt = in->imm & 0xff;

	if (sse_check(cpu))
		return X_EXC;
	if (in->mod != 3)
		return excp_ud(cpu);
	if (in->op == 0x73 && (r == 3 || r == 7)) {
		shift_bytes(d, r == 7, cnt);
		return X_OK;
	}
	if (r == 4 && bits == 64)
		return excp_ud(cpu);
	if (r != 2 && r != 4 && r != 6)
		return excp_ud(cpu);
	shift_lanes(d, bits, r == 2 ? 0 : r == 4 ? 1 : 2, cnt);
	return X_OK;
}
