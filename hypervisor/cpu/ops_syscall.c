/* Fast system calls and the 0F 01 register-form group: SYSCALL/SYSRET,
 * SYSENTER/SYSEXIT, SWAPGS, RDTSCP, VMCALL/VMMCALL (hypercalls). */
#include "hypervisor/cpu/cpu_int.h"

/* Flat segment as these instructions load it (no descriptor read). */
static void seg_flat(struct cpu *cpu, int sreg, uint16_t sel, bool code, bool l64)
{
	struct cpu_seg *s = &cpu->s.seg[sreg];
	unsigned dpl = sel & 3;

	s->sel = sel;
	s->base = 0;
	s->limit = 0xffffffff;
	s->attr = (code ? 0x9b : 0x93) | (dpl << 5) | SEG_ATTR_G |
		  (l64 ? SEG_ATTR_L : SEG_ATTR_DB);
}

int op_syscall(struct cpu *cpu, const struct insn *in)
{
	uint16_t sel = (cpu->s.star >> 32) & 0xfffc;
	bool lma = cpu->s.efer & EFER_LMA;

	if (!(cpu->s.efer & EFER_SCE) || !(cpu->s.cr0 & CR0_PE))
		return excp_ud(cpu);
	flags_sync(cpu);
	cpu->s.gpr[RCX] = cpu->next_rip;
	if (lma) {
		cpu->s.gpr[R11] = cpu->s.rflags & ~(uint64_t)FL_RF;
		cpu->next_rip = cpu->mode == 64 ? cpu->s.lstar : cpu->s.cstar;
		cpu->s.rflags &= ~(cpu->s.sfmask | FL_RF);
	} else {
		cpu->next_rip = (uint32_t)cpu->s.star;
		cpu->s.rflags &= ~(uint64_t)(FL_IF | FL_VM | FL_RF);
	}
	seg_flat(cpu, SEG_CS, sel, true, lma);
	seg_flat(cpu, SEG_SS, sel + 8, false, false);
	seg_update_mode(cpu);
	cpu->s.cpl = 0;
	return X_OK;
}

int op_sysret(struct cpu *cpu, const struct insn *in)
{
	uint16_t sel = (cpu->s.star >> 48) & 0xffff;
	bool to64 = in->opsz == 8;

	if (!(cpu->s.efer & EFER_SCE) || !(cpu->s.cr0 & CR0_PE))
		return excp_ud(cpu);
	if (cpu->s.cpl)
		return excp_gp(cpu, 0);
	if ((cpu->s.efer & EFER_LMA) && to64 &&
	    (uint64_t)((int64_t)(cpu->s.gpr[RCX] << 16) >> 16) != cpu->s.gpr[RCX])
		return excp_gp(cpu, 0);
	if (cpu->s.efer & EFER_LMA) {
		flags_update(cpu, ~0ull, (cpu->s.gpr[R11] & 0x3c7fd7) | 2);
		cpu->next_rip = to64 ? cpu->s.gpr[RCX] : (uint32_t)cpu->s.gpr[RCX];
	} else {
		cpu->s.rflags |= FL_IF;
		cpu->next_rip = (uint32_t)cpu->s.gpr[RCX];
	}
	seg_flat(cpu, SEG_CS, ((to64 ? sel + 16 : sel) & 0xfffc) | 3, true, to64);
	cpu->s.seg[SEG_SS].sel = ((sel + 8) & 0xfffc) | 3;   /* SS cache kept, as AMD */
	cpu->s.seg[SEG_SS].attr = (cpu->s.seg[SEG_SS].attr & ~0x60) | 0x60;
	seg_update_mode(cpu);
	cpu->s.cpl = 3;
	return X_OK;
}

int op_sysenter(struct cpu *cpu, const struct insn *in)
{
	uint16_t sel = cpu->s.sysenter_cs & 0xfffc;
	bool lma = cpu->s.efer & EFER_LMA;

	if (!(cpu->s.cr0 & CR0_PE))
		return excp_gp(cpu, 0);
	if (!sel)
		return excp_gp(cpu, 0);
	cpu->s.rflags &= ~(uint64_t)(FL_VM | FL_IF | FL_RF);
	seg_flat(cpu, SEG_CS, sel, true, lma);
	seg_flat(cpu, SEG_SS, sel + 8, false, false);
	seg_update_mode(cpu);
	cpu->s.cpl = 0;
	cpu->next_rip = lma ? cpu->s.sysenter_eip : (uint32_t)cpu->s.sysenter_eip;
	cpu->s.gpr[RSP] = lma ? cpu->s.sysenter_esp : (uint32_t)cpu->s.sysenter_esp;
	return X_OK;
}

int op_sysexit(struct cpu *cpu, const struct insn *in)
{
	uint16_t sel = cpu->s.sysenter_cs & 0xfffc;
	bool to64 = in->opsz == 8;

	if (!(cpu->s.cr0 & CR0_PE) || !sel || cpu->s.cpl)
		return excp_gp(cpu, 0);
	seg_flat(cpu, SEG_CS, (sel + (to64 ? 32 : 16)) | 3, true, to64);
	seg_flat(cpu, SEG_SS, (sel + (to64 ? 40 : 24)) | 3, false, false);
	seg_update_mode(cpu);
	cpu->s.cpl = 3;
	cpu->next_rip = to64 ? cpu->s.gpr[RDX] : (uint32_t)cpu->s.gpr[RDX];
	cpu->s.gpr[RSP] = to64 ? cpu->s.gpr[RCX] : (uint32_t)cpu->s.gpr[RCX];
	return X_OK;
}

static int swapgs(struct cpu *cpu)
{
	uint64_t t = cpu->s.seg[SEG_GS].base;

	if (cpu->mode != 64)
		return excp_ud(cpu);
	if (cpu->s.cpl)
		return excp_gp(cpu, 0);
	cpu->s.seg[SEG_GS].base = cpu->s.kernel_gs_base;
	cpu->s.kernel_gs_base = t;
	return X_OK;
}

static int rdtscp(struct cpu *cpu)
{
	uint64_t t;

	if ((cpu->s.cr4 & 0x4) && cpu->s.cpl)
		return excp_gp(cpu, 0);
	t = cpu_tsc(cpu);
	cpu->s.gpr[RAX] = (uint32_t)t;
	cpu->s.gpr[RDX] = t >> 32;
	cpu->s.gpr[RCX] = (uint32_t)cpu->s.tsc_aux;
	return X_OK;
}

/* VMCALL (Intel) and VMMCALL (AMD) both are hypercalls; RIP moves past.
 * Every CPL exits, as under VMX: the hypervisor answers -EPERM above 0. */
static int hypercall(struct cpu *cpu)
{
	cpu->exit.reason = CPU_EXIT_HYPERCALL;
	return X_EXIT_DONE;
}

/* 0F 01 with mod == 3: one instruction per ModRM byte */
int op_grp7_reg(struct cpu *cpu, const struct insn *in)
{
	if (in->mod != 3)
		return op_grp7(cpu, in);
	switch (in->modrm) {
	case 0xc1: case 0xd9: return hypercall(cpu);
	case 0xf8: return swapgs(cpu);
	case 0xf9: return rdtscp(cpu);
	default: return op_grp7(cpu, in);
	}
}
