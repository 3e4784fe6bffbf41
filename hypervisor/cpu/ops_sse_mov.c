/* SSE/SSE2 data movement: MOVUPS/APS/UPD/APD, MOVSS/SD, MOVLPS/HPS/LPD/HPD,
 * MOVHLPS/MOVLHPS, MOVDQA/DQU, MOVD/MOVQ, MOVNT*, MOVMSKPS/PD, PMOVMSKB,
 * PINSRW/PEXTRW, and the SSE checks and operand helpers. */
#include "hypervisor/cpu/sse.h"

int sse_check(struct cpu *cpu)
{
	if ((cpu->s.cr0 & CR0_EM) || !(cpu->s.cr4 & CR4_OSFXSR))
		return excp_ud(cpu);
	if (cpu->s.cr0 & CR0_TS)
		return excp_raise(cpu, EXC_NM, false, 0);
	return X_OK;
}

int sse_rm_read(struct cpu *cpu, const struct insn *in, xmm_t *v, int size, bool align)
{
	uint64_t ea;

	if (in->mod == 3) {
		*v = *xmm_reg(cpu, in->rm);
		return X_OK;
	}
	ea = op_ea(cpu, in);
	memset(v, 0, sizeof(*v));
	if (align && size == 16 && (ea + (cpu->mode == 64 && in->seg < SEG_FS ? 0 :
					  cpu->s.seg[in->seg].base)) & 15)
		return excp_gp(cpu, 0);
	return mem_read(cpu, in->seg, ea, size, v);
}

int sse_rm_write(struct cpu *cpu, const struct insn *in, const xmm_t *v, int size, bool align)
{
	uint64_t ea;

	if (in->mod == 3) {
		memcpy(xmm_reg(cpu, in->rm), v, size);
		return X_OK;
	}
	ea = op_ea(cpu, in);
	if (align && size == 16 && (ea + (cpu->mode == 64 && in->seg < SEG_FS ? 0 :
					  cpu->s.seg[in->seg].base)) & 15)
		return excp_gp(cpu, 0);
	return mem_write(cpu, in->seg, ea, size, v);
}

/* 0F 10/11 (UPS UPD SS SD), 0F 28/29 (APS APD), 66/F3 0F 6F/7F (DQA DQU),
 * 0F 2B / 66 0F E7 (non-temporal stores) */
int op_sse_mov(struct cpu *cpu, const struct insn *in)
{
	bool store = in->op == 0x11 || in->op == 0x29 || in->op == 0x7f || in->op == 0x2b ||
		     in->op == 0xe7;
	bool align = in->op == 0x28 || in->op == 0x29 || in->op == 0x2b || in->op == 0xe7 ||
		     (in->pfx == PFX_66 && (in->op == 0x6f || in->op == 0x7f));
	int size = (in->op == 0x10 || in->op == 0x11) && in->pfx >= PFX_F3 ? (in->pfx == PFX_F3 ? 4 : 8) : 16;
	xmm_t v, *r = xmm_reg(cpu, in->reg);

	if (sse_check(cpu))
		return X_EXC;
	if ((in->op == 0x2b || in->op == 0xe7) && in->mod == 3)
		return excp_ud(cpu);
	if (store)
		return sse_rm_write(cpu, in, r, size, align);
	if (sse_rm_read(cpu, in, &v, size, align))
		return X_EXC;
	if (size < 16 && in->mod == 3)
		memcpy(r, &v, size);          /* MOVSS/MOVSD reg, reg: merge */
	else
		*r = v;                       /* from memory the rest is zeroed */
	return X_OK;
}

/* 0F 12/13/16/17: MOVLPS/MOVLPD/MOVHPS/MOVHPD, MOVHLPS/MOVLHPS */
int op_sse_movlh(struct cpu *cpu, const struct insn *in)
{
	bool high = in->op >= 0x16, store = in->op & 1;
	xmm_t *r = xmm_reg(cpu, in->reg), v;

	if (sse_check(cpu))
		return X_EXC;
	if (store) {
		if (in->mod == 3)
			return excp_ud(cpu);
		return mem_write(cpu, in->seg, op_ea(cpu, in), 8, &r->q[high]);
	}
	if (in->mod == 3 && in->pfx == PFX_66)
		return excp_ud(cpu);
	if (in->mod == 3) {      /* MOVHLPS / MOVLHPS */
		v = *xmm_reg(cpu, in->rm);
		r->q[high] = v.q[!high];
		return X_OK;
	}
	return mem_read(cpu, in->seg, op_ea(cpu, in), 8, &r->q[high]);
}

/* 66 0F 6E: MOVD/MOVQ xmm, r/m */
int op_movd_to_xmm(struct cpu *cpu, const struct insn *in)
{
	int size = in->opsz == 8 ? 8 : 4;
	uint64_t v;
	xmm_t *r = xmm_reg(cpu, in->reg);

	if (sse_check(cpu) || rm_read(cpu, in, size, &v))
		return X_EXC;
	r->q[0] = v;
	r->q[1] = 0;
	return X_OK;
}

/* 66 0F 7E: MOVD/MOVQ r/m, xmm; F3 0F 7E: MOVQ xmm, xmm/m64 */
int op_movd_from_xmm(struct cpu *cpu, const struct insn *in)
{
	xmm_t v;

	if (sse_check(cpu))
		return X_EXC;
	if (in->pfx == PFX_F3) {
		if (sse_rm_read(cpu, in, &v, 8, false))
			return X_EXC;
		xmm_reg(cpu, in->reg)->q[0] = v.q[0];
		xmm_reg(cpu, in->reg)->q[1] = 0;
		return X_OK;
	}
	return rm_write(cpu, in, in->opsz == 8 ? 8 : 4, xmm_reg(cpu, in->reg)->q[0]);
}

/* 66 0F D6: MOVQ xmm/m64, xmm (a register destination gets its top zeroed) */
int op_movq_store(struct cpu *cpu, const struct insn *in)
{
	xmm_t v = { .q = { xmm_reg(cpu, in->reg)->q[0], 0 } };

	if (sse_check(cpu))
		return X_EXC;
	return sse_rm_write(cpu, in, &v, in->mod == 3 ? 16 : 8, false);
}

/* 0F C3: MOVNTI m, r */
int op_movnti(struct cpu *cpu, const struct insn *in)
{
	if (in->mod == 3)
		return excp_ud(cpu);
	return rm_write(cpu, in, in->opsz == 8 ? 8 : 4, reg_read(cpu, in, in->reg, in->opsz));
}

/* 0F 50: MOVMSKPS / MOVMSKPD */
int op_movmskp(struct cpu *cpu, const struct insn *in)
{
	xmm_t *v = xmm_reg(cpu, in->rm);
	uint64_t m = 0;

	if (sse_check(cpu))
		return X_EXC;
	if (in->mod != 3)
		return excp_ud(cpu);
	if (in->pfx == PFX_66)
		m = (v->q[0] >> 63) | ((v->q[1] >> 63) << 1);
	else
		for (int i = 0; i < 4; i++)
			m |= (uint64_t)(v->d[i] >> 31) << i;
	reg_write(cpu, in, in->reg, 8, m);
	return X_OK;
}

/* 66 0F D7: PMOVMSKB r, xmm */
int op_pmovmskb(struct cpu *cpu, const struct insn *in)
{
	xmm_t *v = xmm_reg(cpu, in->rm);
	uint64_t m = 0;

	if (sse_check(cpu))
		return X_EXC;
	if (in->mod != 3)
		return excp_ud(cpu);
	for (int i = 0; i < 16; i++)
		m |= (uint64_t)(v->b[i] >> 7) << i;
	reg_write(cpu, in, in->reg, 8, m);
	return X_OK;
}

/* 66 0F C4: PINSRW xmm, r32/m16, imm8 */
int op_pinsrw(struct cpu *cpu, const struct insn *in)
{
	uint64_t v;

	if (sse_check(cpu) || rm_read(cpu, in, 2, &v))
		return X_EXC;
	xmm_reg(cpu, in->reg)->w[in->imm & 7] = v;
	return X_OK;
}

/* 66 0F C5: PEXTRW r32, xmm, imm8 */
int op_pextrw(struct cpu *cpu, const struct insn *in)
{
	if (sse_check(cpu))
		return X_EXC;
	if (in->mod != 3)
		return excp_ud(cpu);
	reg_write(cpu, in, in->reg, 8, xmm_reg(cpu, in->rm)->w[in->imm & 7]);
	return X_OK;
}
