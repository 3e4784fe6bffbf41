/* SSE/SSE2 floating point: arithmetic (ADD SUB MUL DIV MIN MAX SQRT in PS/
 * PD/SS/SD forms), compares (CMPcc, COMIS, UCOMIS) and conversions. The
 * host is x86-64 (configure insists), so each operation runs as the same
 * host instruction under the guest's rounding, DAZ and FTZ settings with all
 * exceptions masked; the exception flags it raises are merged into the
 * guest's MXCSR, and an exception the guest left unmasked becomes #XM (#UD
 * without CR4.OSXMMEXCPT) with the destination unchanged. Known gap: with
 * underflow unmasked, hardware reports tiny exact results too; computing
 * masked we report only tiny inexact ones (UE then comes with PE). */
#include "hypervisor/cpu/sse.h"

#include <immintrin.h>

#define MXCSR_FLAGS 0x3fu
#define MXCSR_MASKS 0x1f80u

struct fpenv {
	unsigned host;
};


static void fp_begin(struct cpu *cpu, struct fpenv *e)
{
	e->host = _mm_getcsr();
	_mm_setcsr((cpu->s.mxcsr & ~(MXCSR_FLAGS | MXCSR_MASKS)) | MXCSR_MASKS);
}

#define MXCSR_PRE 0x7u    /* IE DE ZE: detected before the computation */

/* Merge the flags raised; X_EXC when one of them is unmasked. An unmasked
 * pre-computation exception stops the instruction before any result, so
 * only the pre-computation flags are recorded then. */
static int fp_end(struct cpu *cpu, struct fpenv *e)
{
	unsigned raised = _mm_getcsr() & MXCSR_FLAGS;
	unsigned unmasked = raised & ~(cpu->s.mxcsr >> 7) & MXCSR_FLAGS;

	_mm_setcsr(e->host);
	if (unmasked & MXCSR_PRE)
		raised &= MXCSR_PRE;
	else if (unmasked & 0x18)    /* unmasked OE/UE: PE is not reported */
		raised &= ~0x20u;
	cpu->s.mxcsr |= raised;
	if (unmasked)
		return (cpu->s.cr4 & CR4_OSXMMEXCPT) ? excp_raise(cpu, EXC_XM, false, 0) : excp_ud(cpu);
	return X_OK;
}

/* Scalar forms read 4 or 8 bytes from memory; packed forms 16 aligned. */
static int fp_src(struct cpu *cpu, const struct insn *in, xmm_t *s)
{
	int size = in->pfx == PFX_F3 ? 4 : in->pfx == PFX_F2 ? 8 : 16;

	if (sse_check(cpu))
		return X_EXC;
	return sse_rm_read(cpu, in, s, size, size == 16);
}

/* Every host FP instruction is volatile asm: the compiler may neither move
 * it out of the MXCSR window nor run an untaken alternative speculatively
 * (which would raise flags the guest's instruction does not). */
#define FP2(insn, d, s) __asm__ volatile(insn " %1, %0" : "+x"(d) : "x"(s))

/* dst op= src for 0F 51/58/59/5C/5D/5E/5F; `sfx` "ps", "pd", "ss", "sd" */
#define ARITH(op, sfx, d, s)                                  \
	do {                                                  \
		switch (op) {                                 \
		case 0x51: FP2("sqrt" sfx, d, s); break;      \
		case 0x52: FP2("rsqrt" sfx, d, s); break;     \
		case 0x53: FP2("rcp" sfx, d, s); break;       \
		case 0x58: FP2("add" sfx, d, s); break;       \
		case 0x59: FP2("mul" sfx, d, s); break;       \
		case 0x5c: FP2("sub" sfx, d, s); break;       \
		case 0x5d: FP2("min" sfx, d, s); break;       \
		case 0x5e: FP2("div" sfx, d, s); break;       \
		default: FP2("max" sfx, d, s); break;         \
		}                                             \
	} while (0)

/* 0F 51 SQRT, 52 RSQRT, 53 RCP (PS/SS only), 58 ADD, 59 MUL, 5C SUB,
 * 5D MIN, 5E DIV, 5F MAX */
int op_sse_fp_arith(struct cpu *cpu, const struct insn *in)
{
	xmm_t s, *d = xmm_reg(cpu, in->reg), r;
	struct fpenv e;
	__m128 a = _mm_loadu_ps((const float *)d), b;

	if (fp_src(cpu, in, &s))
		return X_EXC;
	b = _mm_loadu_ps((const float *)&s);
	fp_begin(cpu, &e);
	switch (in->pfx) {
	case PFX_NP: ARITH(in->op, "ps", a, b); break;
	case PFX_66:
		if (in->op == 0x52 || in->op == 0x53)
			break;   /* no PD forms (the optab does not route them here) */
		ARITH(in->op, "pd", a, b);
		break;
	case PFX_F3: ARITH(in->op, "ss", a, b); break;
	default:
		if (in->op == 0x52 || in->op == 0x53)
			break;
		ARITH(in->op, "sd", a, b);
		break;
	}
	_mm_storeu_ps((float *)&r, a);
	if (fp_end(cpu, &e))
		return X_EXC;
	*d = r;
	return X_OK;
}

#define CMP1(insn, pred, d, s) __asm__ volatile(insn " $" #pred ", %1, %0" : "+x"(d) : "x"(s))
#define CMP(sfx, pred, d, s)                                          \
	do {                                                          \
		switch (pred & 7) {                                   \
		case 0: CMP1("cmp" sfx, 0, d, s); break;              \
		case 1: CMP1("cmp" sfx, 1, d, s); break;              \
		case 2: CMP1("cmp" sfx, 2, d, s); break;              \
		case 3: CMP1("cmp" sfx, 3, d, s); break;              \
		case 4: CMP1("cmp" sfx, 4, d, s); break;              \
		case 5: CMP1("cmp" sfx, 5, d, s); break;              \
		case 6: CMP1("cmp" sfx, 6, d, s); break;              \
		default: CMP1("cmp" sfx, 7, d, s); break;             \
		}                                                     \
	} while (0)

/* 0F C2 CMPPS/CMPPD/CMPSS/CMPSD with a predicate immediate (0-7) */
int op_sse_fp_cmp(struct cpu *cpu, const struct insn *in)
{
	xmm_t s, *d = xmm_reg(cpu, in->reg), r;
	struct fpenv e;
	__m128 a = _mm_loadu_ps((const float *)d), b;
	if (fp_src(cpu, in, &s))
		return X_EXC;
	if ((in->imm & 0xff) > 7)
		return excp_ud(cpu);           /* AVX predicates */
	b = _mm_loadu_ps((const float *)&s);
	fp_begin(cpu, &e);
	switch (in->pfx) {
	case PFX_NP: CMP("ps", in->imm, a, b); break;
	case PFX_66: CMP("pd", in->imm, a, b); break;
	case PFX_F3: CMP("ss", in->imm, a, b); break;
	default: CMP("sd", in->imm, a, b); break;
	}
	_mm_storeu_ps((float *)&r, a);
	if (fp_end(cpu, &e))
		return X_EXC;
	*d = r;
	return X_OK;
}

/* The host's (U)COMIS* on a and b: its ZF, PF and CF (setcc: no stack use). */
#define HOST_COMI(insn, a, b, z, p, c) \
	__asm__ volatile(insn " %3, %4\n\tsetz %0\n\tsetp %1\n\tsetc %2" \
			 : "=q"(z), "=q"(p), "=q"(c) : "x"(b), "x"(a) : "cc")

/* 0F 2E UCOMISS / 0F 2F COMISS (66: SD): ZF PF CF, the rest cleared */
int op_sse_fp_comi(struct cpu *cpu, const struct insn *in)
{
	xmm_t s, *d = xmm_reg(cpu, in->reg);
	struct fpenv e;
	bool dbl = in->pfx == PFX_66;
	uint8_t z, p, c;
	__m128 a = _mm_loadu_ps((const float *)d), b;

	if (sse_check(cpu) || sse_rm_read(cpu, in, &s, dbl ? 8 : 4, false))
		return X_EXC;
	b = _mm_loadu_ps((const float *)&s);
	fp_begin(cpu, &e);
	if (dbl && in->op == 0x2e)
		HOST_COMI("ucomisd", a, b, z, p, c);
	else if (dbl)
		HOST_COMI("comisd", a, b, z, p, c);
	else if (in->op == 0x2e)
		HOST_COMI("ucomiss", a, b, z, p, c);
	else
		HOST_COMI("comiss", a, b, z, p, c);
	if (fp_end(cpu, &e))
		return X_EXC;
	flags_update(cpu, FL_ARITH, (z ? FL_ZF : 0) | (p ? FL_PF : 0) | (c ? FL_CF : 0));
	return X_OK;
}

/* Conversions between integers and floats, and between widths. Each runs
 * as the host instruction; `w64` selects a 64-bit integer (REX.W). */
static int cvt_int_to_fp(struct cpu *cpu, const struct insn *in)
{
	xmm_t *d = xmm_reg(cpu, in->reg), r = *d;
	struct fpenv e;
	uint64_t v;
	__m128 x = _mm_loadu_ps((const float *)d);
	bool w64 = in->opsz == 8;

	if (sse_check(cpu) || rm_read(cpu, in, w64 ? 8 : 4, &v))
		return X_EXC;
	fp_begin(cpu, &e);
	if (in->pfx == PFX_F3 && w64)
		__asm__ volatile("cvtsi2ssq %1, %0" : "+x"(x) : "r"(v));
	else if (in->pfx == PFX_F3)
		__asm__ volatile("cvtsi2ssl %k1, %0" : "+x"(x) : "r"(v));
	else if (w64)
		__asm__ volatile("cvtsi2sdq %1, %0" : "+x"(x) : "r"(v));
	else
		__asm__ volatile("cvtsi2sdl %k1, %0" : "+x"(x) : "r"(v));
	_mm_storeu_ps((float *)&r, x);
	if (fp_end(cpu, &e))
		return X_EXC;
	*d = r;
	return X_OK;
}

static int cvt_fp_to_int(struct cpu *cpu, const struct insn *in, bool trunc)
{
	xmm_t s;
	struct fpenv e;
	uint64_t v;
	bool w64 = in->opsz == 8, dbl = in->pfx == PFX_F2;
	__m128 x;

	if (sse_check(cpu) || sse_rm_read(cpu, in, &s, dbl ? 8 : 4, false))
		return X_EXC;
	x = _mm_loadu_ps((const float *)&s);
	fp_begin(cpu, &e);
	if (dbl && trunc && w64)
		__asm__ volatile("cvttsd2si %1, %0" : "=r"(v) : "x"(x));
	else if (dbl && trunc)
		__asm__ volatile("cvttsd2si %1, %k0" : "=r"(v) : "x"(x));
	else if (dbl && w64)
		__asm__ volatile("cvtsd2si %1, %0" : "=r"(v) : "x"(x));
	else if (dbl)
		__asm__ volatile("cvtsd2si %1, %k0" : "=r"(v) : "x"(x));
	else if (trunc && w64)
		__asm__ volatile("cvttss2si %1, %0" : "=r"(v) : "x"(x));
	else if (trunc)
		__asm__ volatile("cvttss2si %1, %k0" : "=r"(v) : "x"(x));
	else if (w64)
		__asm__ volatile("cvtss2si %1, %0" : "=r"(v) : "x"(x));
	else
		__asm__ volatile("cvtss2si %1, %k0" : "=r"(v) : "x"(x));
	if (!w64)
		v = (uint32_t)v;
	if (fp_end(cpu, &e))
		return X_EXC;
	reg_write(cpu, in, in->reg, w64 ? 8 : 4, v);
	return X_OK;
}

/* F3/F2 0F 2A: CVTSI2SS/SD */
int op_sse_cvt_si2fp(struct cpu *cpu, const struct insn *in)
{
	return cvt_int_to_fp(cpu, in);
}

/* F3/F2 0F 2C: CVTTSS2SI/CVTTSD2SI; 0F 2D: CVTSS2SI/CVTSD2SI */
int op_sse_cvt_fp2si(struct cpu *cpu, const struct insn *in)
{
	return cvt_fp_to_int(cpu, in, in->op == 0x2c);
}

/* Packed and width conversions: 0F 5A (PS2PD, PD2PS, SS2SD, SD2SS),
 * 0F 5B (DQ2PS, PS2DQ, TPS2DQ), 0F E6 (TPD2DQ, DQ2PD, PD2DQ). */
/* 0F 5A / 5B / E6 by mandatory prefix (NULL: #UD) */
static void cvt_packed(int op, int pfx, __m128 *d, __m128 s)
{
	int row = op == 0x5a ? 0 : op == 0x5b ? 1 : 2;

	switch (row * 4 + pfx) {
	case 0: FP2("cvtps2pd", *d, s); break;
	case 1: FP2("cvtpd2ps", *d, s); break;
	case 2: FP2("cvtss2sd", *d, s); break;
	case 3: FP2("cvtsd2ss", *d, s); break;
	case 4: FP2("cvtdq2ps", *d, s); break;
	case 5: FP2("cvtps2dq", *d, s); break;
	case 6: FP2("cvttps2dq", *d, s); break;
	case 9: FP2("cvttpd2dq", *d, s); break;
	case 10: FP2("cvtdq2pd", *d, s); break;
	default: FP2("cvtpd2dq", *d, s); break;
	}
}

int op_sse_cvt_packed(struct cpu *cpu, const struct insn *in)
{
	xmm_t s, *d = xmm_reg(cpu, in->reg), r;
	struct fpenv e;
	/* memory operand sizes: half-width sources read 8 bytes, scalars 4/8 */
	int size = 16;
	__m128 x, dv;

	if (in->op == 0x5a)
		size = in->pfx == PFX_NP ? 8 : in->pfx == PFX_F3 ? 4 : in->pfx == PFX_F2 ? 8 : 16;
	else if (in->op == 0xe6 && in->pfx == PFX_F3)
		size = 8;
	if (in->op == 0x5b && in->pfx == PFX_F2)
		return excp_ud(cpu);
	if (in->op == 0xe6 && in->pfx == PFX_NP)
		return excp_ud(cpu);
	if (sse_check(cpu) || sse_rm_read(cpu, in, &s, size, size == 16))
		return X_EXC;
	x = _mm_loadu_ps((const float *)&s);
	dv = _mm_loadu_ps((const float *)d);
	fp_begin(cpu, &e);
	cvt_packed(in->op, in->pfx, &dv, x);
	_mm_storeu_ps((float *)&r, dv);
	if (fp_end(cpu, &e))
		return X_EXC;
	*d = r;
	return X_OK;
}
