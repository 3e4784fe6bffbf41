/* System instructions: HLT, CLI/STI, IN/OUT, CPUID, RDTSC(P), RDMSR/WRMSR,
 * MOV to/from CR and DR, CLTS, INVD/WBINVD, INVLPG, descriptor-table loads
 * and stores, LLDT/LTR, LAR/LSL/VERR/VERW, segment register moves and far
 * pointer loads, SYSCALL/SYSRET, SYSENTER/SYSEXIT, SWAPGS, VMCALL/VMMCALL. */
#include "hypervisor/cpu/cpu_int.h"
#include "hypervisor/cpu/cpuid.h"
#include "hypervisor/cpu/msr.h"

static bool cpl0(const struct cpu *cpu)
{
	return cpu->s.cpl == 0;
}

int op_hlt(struct cpu *cpu, const struct insn *in)
{
	if (!cpl0(cpu))
		return excp_gp(cpu, 0);
	cpu->halted = true;
	return X_OK;
}

static bool iopl_ok(const struct cpu *cpu)
{
	return !(cpu->s.cr0 & CR0_PE) || cpu->s.cpl <= ((cpu->s.rflags & FL_IOPL) >> 12);
}

int op_cli_sti(struct cpu *cpu, const struct insn *in)
{
	if (!iopl_ok(cpu))
		return excp_gp(cpu, 0);
	if (in->op == 0xfa) {
		cpu->s.rflags &= ~(uint64_t)FL_IF;
	} else {
		if (!(cpu->s.rflags & FL_IF))
			cpu->interrupt_shadow = true;
		cpu->s.rflags |= FL_IF;
	}
	return X_OK;
}

/* E4-E7 (imm8 port), EC-EF (DX) */
int op_in_out(struct cpu *cpu, const struct insn *in)
{
	int size = (in->op & 1) ? (in->opsz == 2 ? 2 : 4) : 1;
	uint16_t port = in->op >= 0xec ? (uint16_t)cpu->s.gpr[RDX] : in->imm & 0xff;
	uint64_t v;
	int rc;

	if (io_check_perm(cpu, port, size))
		return X_EXC;
	if (in->op & 2)
		return io_out(cpu, port, size, cpu->s.gpr[RAX]);
	rc = io_in(cpu, port, size, &v);
	if (rc == X_OK)
		reg_write(cpu, in, RAX, size, v);
	return rc;
}

int op_cpuid(struct cpu *cpu, const struct insn *in)
{
	uint32_t r[4];

	cpuid_query(cpu, cpu->s.gpr[RAX], cpu->s.gpr[RCX], r);
	if (cpu->ops && cpu->ops->cpuid)
		cpu->ops->cpuid(cpu->opaque, cpu, cpu->s.gpr[RAX], cpu->s.gpr[RCX], r);
	cpu->s.gpr[RAX] = r[0];
	cpu->s.gpr[RBX] = r[1];
	cpu->s.gpr[RCX] = r[2];
	cpu->s.gpr[RDX] = r[3];
	return X_OK;
}

static int rdtsc_to(struct cpu *cpu)
{
	uint64_t t;

	if ((cpu->s.cr4 & 0x4) && !cpl0(cpu))   /* CR4.TSD */
		return excp_gp(cpu, 0);
	t = cpu_tsc(cpu);
	cpu->s.gpr[RAX] = (uint32_t)t;
	cpu->s.gpr[RDX] = t >> 32;
	return X_OK;
}

int op_rdtsc(struct cpu *cpu, const struct insn *in)
{
	return rdtsc_to(cpu);
}

int op_rdmsr_wrmsr(struct cpu *cpu, const struct insn *in)
{
	uint32_t idx = cpu->s.gpr[RCX];
	uint64_t v;

	if (!cpl0(cpu))
		return excp_gp(cpu, 0);
	if (in->op == 0x30) {
		v = (uint32_t)cpu->s.gpr[RAX] | (cpu->s.gpr[RDX] << 32);
		return msr_write(cpu, idx, v) ? excp_gp(cpu, 0) : X_OK;
	}
	if (msr_read(cpu, idx, &v))
		return excp_gp(cpu, 0);
	cpu->s.gpr[RAX] = (uint32_t)v;
	cpu->s.gpr[RDX] = v >> 32;
	return X_OK;
}

/* CR0 writes switch paging and long mode on and off. */
static int cr0_write(struct cpu *cpu, uint64_t v)
{
	uint64_t old = cpu->s.cr0;

	v |= CR0_ET;
	if ((v >> 32) || ((v & CR0_PG) && !(v & CR0_PE)) || ((v & CR0_NW) && !(v & CR0_CD)))
		return excp_gp(cpu, 0);
	if ((v & CR0_PG) && !(old & CR0_PG) && (cpu->s.efer & EFER_LME)) {
		if (!(cpu->s.cr4 & CR4_PAE) || (cpu->s.seg[SEG_CS].attr & SEG_ATTR_L))
			return excp_gp(cpu, 0);
		cpu->s.efer |= EFER_LMA;
	}
	if (!(v & CR0_PG) && (old & CR0_PG) && (cpu->s.efer & EFER_LMA)) {
		if (cpu->mode == 64)
			return excp_gp(cpu, 0);
		cpu->s.efer &= ~EFER_LMA;
	}
	cpu->s.cr0 = v;
	if ((old ^ v) & (CR0_PG | CR0_WP | CR0_PE))
		cpu_flush_tlb(cpu, true);
	seg_update_mode(cpu);
	if ((v & CR0_PE) && !(cpu->s.rflags & FL_VM))
		cpu->s.cpl = cpu->s.seg[SEG_CS].sel & 3;
	return X_OK;
}

static int cr_write(struct cpu *cpu, int cr, uint64_t v)
{
	switch (cr) {
	case 0: return cr0_write(cpu, v);
	case 2: cpu->s.cr2 = v; return X_OK;
	case 3:
		cpu->s.cr3 = v;
		cpu_flush_tlb(cpu, false);
		return X_OK;
	case 4:
		if (v & ~(0x1fULL | CR4_PSE | CR4_PAE | 0x40 | CR4_PGE | 0x100 | CR4_OSFXSR |
			  CR4_OSXMMEXCPT))
			return excp_gp(cpu, 0);
		if (!(v & CR4_PAE) && (cpu->s.efer & EFER_LMA))
			return excp_gp(cpu, 0);
		cpu->s.cr4 = v;
		cpu_flush_tlb(cpu, true);
		return X_OK;
	case 8: cpu->s.cr8 = v & 15; return X_OK;
	default: return excp_ud(cpu);
	}
}

static int cr_read(struct cpu *cpu, int cr, uint64_t *v)
{
	switch (cr) {
	case 0: *v = cpu->s.cr0; return X_OK;
	case 2: *v = cpu->s.cr2; return X_OK;
	case 3: *v = cpu->s.cr3; return X_OK;
	case 4: *v = cpu->s.cr4; return X_OK;
	case 8: *v = cpu->s.cr8; return X_OK;
	default: return excp_ud(cpu);
	}
}

/* 0F 20 / 0F 22 (LOCK MOV CR0 is AMD's alias for CR8) */
int op_mov_cr(struct cpu *cpu, const struct insn *in)
{
	int cr = in->reg + (in->lock ? 8 : 0), size = cpu->mode == 64 ? 8 : 4;
	uint64_t v = 0;

	if (!cpl0(cpu))
		return excp_gp(cpu, 0);
	if (in->op == 0x22)
		return cr_write(cpu, cr, reg_read(cpu, in, in->rm, size));
	if (cr_read(cpu, cr, &v))
		return X_EXC;
	reg_write(cpu, in, in->rm, size, v);
	return X_OK;
}

/* 0F 21 / 0F 23: debug registers are stored but breakpoints do not fire */
int op_mov_dr(struct cpu *cpu, const struct insn *in)
{
	int dr = in->reg, size = cpu->mode == 64 ? 8 : 4;

	if (!cpl0(cpu))
		return excp_gp(cpu, 0);
	if (dr > 7)
		return excp_ud(cpu);
	if (dr == 4 || dr == 5)
		dr += 2;
	if (in->op == 0x23)
		cpu->dr[dr] = reg_read(cpu, in, in->rm, size);
	else
		reg_write(cpu, in, in->rm, size,
			  dr == 6 ? (cpu->dr[6] | 0xffff0ff0) : dr == 7 ? (cpu->dr[7] | 0x400) : cpu->dr[dr]);
	return X_OK;
}

int op_clts(struct cpu *cpu, const struct insn *in)
{
	if (!cpl0(cpu))
		return excp_gp(cpu, 0);
	cpu->s.cr0 &= ~CR0_TS;
	return X_OK;
}

/* INVD, WBINVD: no caches to write back */
int op_wbinvd(struct cpu *cpu, const struct insn *in)
{
	return cpl0(cpu) ? X_OK : excp_gp(cpu, 0);
}

/* 8C: MOV r/m16, Sreg */
int op_mov_rm_sreg(struct cpu *cpu, const struct insn *in)
{
	int sreg = in->reg & 7;

	if (sreg > SEG_GS)
		return excp_ud(cpu);
	return rm_write(cpu, in, in->mod == 3 ? in->opsz : 2, cpu->s.seg[sreg].sel);
}

/* 8E: MOV Sreg, r/m16 */
int op_mov_sreg_rm(struct cpu *cpu, const struct insn *in)
{
	int sreg = in->reg & 7;
	uint64_t v;

	if (sreg > SEG_GS || sreg == SEG_CS)
		return excp_ud(cpu);
	if (rm_read(cpu, in, 2, &v) || seg_load(cpu, sreg, v))
		return X_EXC;
	if (sreg == SEG_SS)
		cpu->interrupt_shadow = true;
	return X_OK;
}

/* C4 LES, C5 LDS, 0F B2 LSS, 0F B4 LFS, 0F B5 LGS */
int op_load_far_ptr(struct cpu *cpu, const struct insn *in)
{
	static const int sreg_0f[8] = { [2] = SEG_SS, [4] = SEG_FS, [5] = SEG_GS };
	int sreg = in->map == MAP_0F ? sreg_0f[in->op & 7] : in->op == 0xc4 ? SEG_ES : SEG_DS;
	uint64_t off, sel, ea = op_ea(cpu, in);

	if (in->mod == 3)
		return excp_ud(cpu);
	if (mem_read_u(cpu, in->seg, ea, in->opsz, &off) ||
	    mem_read_u(cpu, in->seg, addr_mask(in->adsz, ea + in->opsz), 2, &sel) ||
	    seg_load(cpu, sreg, sel))
		return X_EXC;
	reg_write(cpu, in, in->reg, in->opsz, off);
	return X_OK;
}
