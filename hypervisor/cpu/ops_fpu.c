/* x87 as far as detection and state handling go (FNINIT, FNSTSW, FNSTCW,
 * FLDCW, FNCLEX, FWAIT) and the 0F AE group: FXSAVE/FXRSTOR, LDMXCSR/STMXCSR,
 * fences, CLFLUSH. x87 arithmetic is not implemented (#UD); the register
 * stack contents are kept only so that FXSAVE/FXRSTOR round-trip them. */
#include "hypervisor/cpu/sse.h"

#define MXCSR_MASK 0xffffu

static int fpu_check(struct cpu *cpu)
{
	if (cpu->s.cr0 & (CR0_EM | CR0_TS))
		return excp_raise(cpu, EXC_NM, false, 0);
	return X_OK;
}

static void fninit(struct cpu *cpu)
{
	cpu->s.fcw = 0x37f;
	cpu->s.fsw = 0;
	cpu->s.ftw = 0;
}

/* D9: /5 FLDCW m16, /7 FNSTCW m16 */
int op_x87_d9(struct cpu *cpu, const struct insn *in)
{
	uint64_t v;

	if (fpu_check(cpu))
		return X_EXC;
	if (in->mod == 3 || ((in->reg & 7) != 5 && (in->reg & 7) != 7))
		return excp_ud(cpu);
	if ((in->reg & 7) == 7)
		return mem_write_u(cpu, in->seg, op_ea(cpu, in), 2, cpu->s.fcw);
	if (mem_read_u(cpu, in->seg, op_ea(cpu, in), 2, &v))
		return X_EXC;
	cpu->s.fcw = (v & 0x1f3f) | 0x40;   /* reserved bits read as the host shows */
	return X_OK;
}

/* DB E2 FNCLEX, DB E3 FNINIT */
int op_x87_db(struct cpu *cpu, const struct insn *in)
{
	if (fpu_check(cpu))
		return X_EXC;
	if (in->modrm == 0xe3)
		fninit(cpu);
	else if (in->modrm == 0xe2)
		cpu->s.fsw &= 0x7f00;
	else
		return excp_ud(cpu);
	return X_OK;
}

/* DD /7 FNSTSW m16 */
int op_x87_dd(struct cpu *cpu, const struct insn *in)
{
	if (fpu_check(cpu))
		return X_EXC;
	if (in->mod == 3 || (in->reg & 7) != 7)
		return excp_ud(cpu);
	return mem_write_u(cpu, in->seg, op_ea(cpu, in), 2, cpu->s.fsw);
}

/* DF E0 FNSTSW AX */
int op_x87_df(struct cpu *cpu, const struct insn *in)
{
	if (fpu_check(cpu))
		return X_EXC;
	if (in->modrm != 0xe0)
		return excp_ud(cpu);
	reg_write(cpu, in, RAX, 2, cpu->s.fsw);
	return X_OK;
}

/* 9B FWAIT */
int op_fwait(struct cpu *cpu, const struct insn *in)
{
	if ((cpu->s.cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS))
		return excp_raise(cpu, EXC_NM, false, 0);
	return X_OK;
}

static int fxsave(struct cpu *cpu, const struct insn *in, uint64_t ea)
{
	uint8_t img[512];
	int nxmm = cpu->mode == 64 ? 16 : 8;

	memset(img, 0, sizeof(img));
	memcpy(img, &cpu->s.fcw, 2);
	memcpy(img + 2, &cpu->s.fsw, 2);
	img[4] = cpu->s.ftw;
	memcpy(img + 24, &cpu->s.mxcsr, 4);
	img[28] = MXCSR_MASK & 0xff;
	img[29] = MXCSR_MASK >> 8;
	for (int i = 0; i < 8; i++)
		memcpy(img + 32 + 16 * i, cpu->st[i], 10);
	memcpy(img + 160, cpu->s.xmm, 16 * nxmm);
	/* the OS-available bytes 464-511 are left as they are in memory */
	return mem_write(cpu, in->seg, ea, 464, img);
}

static int fxrstor(struct cpu *cpu, const struct insn *in, uint64_t ea)
{
	uint8_t img[464];
	uint32_t mxcsr;
	int nxmm = cpu->mode == 64 ? 16 : 8;

	if (mem_read(cpu, in->seg, ea, sizeof(img), img))
		return X_EXC;
	memcpy(&mxcsr, img + 24, 4);
	if (mxcsr & ~MXCSR_MASK)
		return excp_gp(cpu, 0);
	memcpy(&cpu->s.fcw, img, 2);
	memcpy(&cpu->s.fsw, img + 2, 2);
	cpu->s.ftw = img[4];
	cpu->s.mxcsr = mxcsr;
	for (int i = 0; i < 8; i++)
		memcpy(cpu->st[i], img + 32 + 16 * i, 10);
	memcpy(cpu->s.xmm, img + 160, 16 * nxmm);
	return X_OK;
}

static int mxcsr_op(struct cpu *cpu, const struct insn *in, bool load)
{
	uint64_t v;

	if (sse_check(cpu))
		return X_EXC;
	if (!load)
		return mem_write_u(cpu, in->seg, op_ea(cpu, in), 4, cpu->s.mxcsr);
	if (mem_read_u(cpu, in->seg, op_ea(cpu, in), 4, &v))
		return X_EXC;
	if (v & ~(uint64_t)MXCSR_MASK)
		return excp_gp(cpu, 0);
	cpu->s.mxcsr = v;
	return X_OK;
}

/* 0F AE: /0 FXSAVE /1 FXRSTOR /2 LDMXCSR /3 STMXCSR /7 CLFLUSH; with mod 3
 * /5 LFENCE /6 MFENCE /7 SFENCE */
int op_grp15(struct cpu *cpu, const struct insn *in)
{
	int r = in->reg & 7;
	uint64_t ea;

	if (in->mod == 3)
		return (r >= 5 && in->pfx == PFX_NP) ? X_OK : excp_ud(cpu);
	if (in->pfx != PFX_NP)
		return excp_ud(cpu);
	ea = op_ea(cpu, in);
	switch (r) {
	case 0: case 1:
		if (cpu->s.cr0 & (CR0_EM | CR0_TS))
			return excp_raise(cpu, cpu->s.cr0 & CR0_EM ? EXC_UD : EXC_NM, false, 0);
		if ((ea + (cpu->mode == 64 && in->seg < SEG_FS ? 0 : cpu->s.seg[in->seg].base)) & 15)
			return excp_gp(cpu, 0);
		return r == 0 ? fxsave(cpu, in, ea) : fxrstor(cpu, in, ea);
	case 2: case 3:
		return mxcsr_op(cpu, in, r == 2);
	case 7: {
		uint64_t v;

		return mem_read_u(cpu, in->seg, ea, 1, &v);
	}
	default:
		return excp_ud(cpu);
	}
}
