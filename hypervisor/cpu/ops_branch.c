/* Control transfer: Jcc, JMP, CALL, RET (near and far), LOOP/JrCXZ, INT n,
 * INT3, INTO, INT1, IRET. Far transfers through call gates and task switches
 * are not implemented (an internal error exit says so). */
#include "hypervisor/cpu/cpu_int.h"

static uint64_t ip_mask(const struct cpu *cpu, int opsz, uint64_t ip)
{
	if (cpu->mode == 64)
		return ip;
	return opsz == 2 ? (uint16_t)ip : (uint32_t)ip;
}

static int jump_near(struct cpu *cpu, int opsz, uint64_t target)
{
	target = ip_mask(cpu, opsz, target);
	if (cpu->mode != 64 && target > cpu->s.seg[SEG_CS].limit)
		return excp_gp(cpu, 0);
	if (cpu->mode == 64 && (uint64_t)((int64_t)(target << 16) >> 16) != target)
		return excp_gp(cpu, 0);
	cpu->next_rip = target;
	return X_OK;
}

/* 70-7F, 0F 80-8F */
int op_jcc(struct cpu *cpu, const struct insn *in)
{
	if (!cond_fast(cpu, in->op & 15))
		return X_OK;
	return jump_near(cpu, in->opsz, cpu->next_rip + in->imm);
}

/* E9, EB */
int op_jmp_rel(struct cpu *cpu, const struct insn *in)
{
	return jump_near(cpu, in->opsz, cpu->next_rip + in->imm);
}

/* E8 */
int op_call_rel(struct cpu *cpu, const struct insn *in)
{
	uint64_t ret = cpu->next_rip, old = cpu->s.gpr[RSP];

	if (jump_near(cpu, in->opsz, ret + in->imm))
		return X_EXC;
	if (stack_push(cpu, in->opsz, ret)) {
		cpu->s.gpr[RSP] = old;
		return X_EXC;
	}
	return X_OK;
}

static int near_size(const struct insn *in)
{
	return in->mode == 64 ? (in->opsz == 2 ? 2 : 8) : in->opsz;
}

/* FF /2 CALL, FF /4 JMP */
int op_jmp_call_rm(struct cpu *cpu, const struct insn *in)
{
	int size = near_size(in);
	uint64_t t, old = cpu->s.gpr[RSP], ret = cpu->next_rip;

	if (rm_read(cpu, in, size, &t) || jump_near(cpu, size, t))
		return X_EXC;
	if ((in->reg & 7) == 2 && stack_push(cpu, size, ret)) {
		cpu->s.gpr[RSP] = old;
		return X_EXC;
	}
	return X_OK;
}

/* C3, C2 iw */
int op_ret(struct cpu *cpu, const struct insn *in)
{
	uint64_t t, old = cpu->s.gpr[RSP];
	int ss = stack_size(cpu);

	if (stack_pop(cpu, in->opsz, &t))
		return X_EXC;
	if (jump_near(cpu, in->opsz, t)) {
		cpu->s.gpr[RSP] = old;
		return X_EXC;
	}
	if (in->op == 0xc2) {
		uint64_t sp = addr_mask(ss, cpu->s.gpr[RSP] + (in->imm & 0xffff));

		cpu->s.gpr[RSP] = ss == 2 ? (cpu->s.gpr[RSP] & ~0xffffull) | sp : sp;
	}
	return X_OK;
}

/* E0 LOOPNE, E1 LOOPE, E2 LOOP, E3 JrCXZ: the count register has the
 * address size */
int op_loop(struct cpu *cpu, const struct insn *in)
{
	uint64_t c = addr_mask(in->adsz, cpu->s.gpr[RCX]);
	bool take;

	if (in->op == 0xe3) {
		take = c == 0;
	} else {
		c = addr_mask(in->adsz, c - 1);
		reg_write(cpu, in, RCX, in->adsz, c);
		take = c != 0;
		if (in->op == 0xe0)
			take = take && !flags_cond(cpu, 4);
		else if (in->op == 0xe1)
			take = take && flags_cond(cpu, 4);
	}
	if (!take)
		return X_OK;
	return jump_near(cpu, in->opsz, cpu->next_rip + in->imm);
}

/* A far transfer to sel:off at the same privilege (the only kind here). */
static int far_to(struct cpu *cpu, int opsz, uint16_t sel, uint64_t off)
{
	struct cpu_seg save = cpu->s.seg[SEG_CS];
	int mode = cpu->mode, cpl = cpu->s.cpl;
	uint64_t desc[2];

	if ((cpu->s.cr0 & CR0_PE) && !(cpu->s.rflags & FL_VM)) {
		if ((sel & 0xfffc) == 0)
			return excp_gp(cpu, 0);
		if (seg_read_desc(cpu, sel, desc, false))
			return X_EXC;
		if (!(desc[0] & (1ull << 44)))
			return cpu_internal_error(cpu, "far transfer through a gate or TSS");
		if ((desc[0] & (1ull << 42)) ? ((desc[0] >> 45) & 3) > (uint64_t)cpl
					     : ((desc[0] >> 45) & 3) != (uint64_t)cpl || (sel & 3) > cpl)
			return excp_gp(cpu, sel & 0xfffc);
	}
	if (seg_load_cs(cpu, sel, cpu->s.cr0 & CR0_PE ? cpl : 0))
		return X_EXC;
	if (cpu->mode != 64 && ip_mask(cpu, opsz, off) > cpu->s.seg[SEG_CS].limit) {
		cpu->s.seg[SEG_CS] = save;
		cpu->mode = mode;
		cpu->s.cpl = cpl;
		return excp_gp(cpu, 0);
	}
	cpu->next_rip = ip_mask(cpu, opsz, off);
	return X_OK;
}

static int far_call(struct cpu *cpu, int opsz, uint16_t sel, uint64_t off)
{
	uint64_t old_sp = cpu->s.gpr[RSP], cs = cpu->s.seg[SEG_CS].sel, ret = cpu->next_rip;
	struct cpu_seg save = cpu->s.seg[SEG_CS];
	int mode = cpu->mode;

	if (far_to(cpu, opsz, sel, off))
		return X_EXC;
	if (stack_push(cpu, opsz, cs) || stack_push(cpu, opsz, ret)) {
		cpu->s.gpr[RSP] = old_sp;
		cpu->s.seg[SEG_CS] = save;
		cpu->mode = mode;
		return X_EXC;
	}
	return X_OK;
}

/* 9A / EA: ptr16:16/32 */
int op_far_imm(struct cpu *cpu, const struct insn *in)
{
	if (in->op == 0x9a)
		return far_call(cpu, in->opsz, in->imm2, in->imm);
	return far_to(cpu, in->opsz, in->imm2, in->imm);
}

/* FF /3 CALL m16:xx, FF /5 JMP m16:xx */
int op_far_rm(struct cpu *cpu, const struct insn *in)
{
	uint64_t off, sel, ea = op_ea(cpu, in);

	if (in->mod == 3)
		return excp_ud(cpu);
	if (mem_read_u(cpu, in->seg, ea, in->opsz, &off) ||
	    mem_read_u(cpu, in->seg, addr_mask(in->adsz, ea + in->opsz), 2, &sel))
		return X_EXC;
	if ((in->reg & 7) == 3)
		return far_call(cpu, in->opsz, sel, off);
	return far_to(cpu, in->opsz, sel, off);
}

/* CB, CA iw: RETF, also to an outer privilege level */
int op_retf(struct cpu *cpu, const struct insn *in)
{
	uint64_t off, sel, sp, ss, old_sp = cpu->s.gpr[RSP];
	int opsz = in->opsz, cpl = cpu->s.cpl, rpl;
	uint16_t n = in->op == 0xca ? in->imm : 0;

	if (stack_pop(cpu, opsz, &off) || stack_pop(cpu, opsz, &sel))
		goto fault;
	rpl = sel & 3;
	if (!(cpu->s.cr0 & CR0_PE) || (cpu->s.rflags & FL_VM) || rpl == cpl) {
		cpu->s.gpr[RSP] = addr_mask(stack_size(cpu), cpu->s.gpr[RSP] + n);
		if (far_to(cpu, opsz, sel, off))
			goto fault;
		return X_OK;
	}
	if (rpl < cpl)
		return excp_gp(cpu, sel & 0xfffc);
	cpu->s.gpr[RSP] = addr_mask(stack_size(cpu), cpu->s.gpr[RSP] + n);
	if (stack_pop(cpu, opsz, &sp) || stack_pop(cpu, opsz, &ss))
		goto fault;
	if (seg_load_cs(cpu, sel, rpl))
		goto fault;
	cpu->next_rip = ip_mask(cpu, opsz, off);
	if (seg_load(cpu, SEG_SS, ss))
		return cpu_internal_error(cpu, "RETF: bad outer SS after CS was loaded");
	cpu->s.gpr[RSP] = sp + n;
	return X_OK;
fault:
	cpu->s.gpr[RSP] = old_sp;
	return X_EXC;
}

/* CD ib */
int op_int(struct cpu *cpu, const struct insn *in)
{
	int rc;

	if ((cpu->s.rflags & FL_VM) && (cpu->s.rflags & FL_IOPL) != FL_IOPL)
		return excp_gp(cpu, 0);
	rc = excp_deliver(cpu, in->imm & 0xff, false, 0, EXCP_SOFT, cpu->next_rip);
	if (rc == X_OK)
		cpu->next_rip = cpu->s.rip;
	return rc;
}

/* INT3, INTO, INT1: traps, so the exit bitmap sees them with RIP past them */
static int soft_trap(struct cpu *cpu, int vector)
{
	int rc;

	if (cpu->exit_bitmap & (1u << vector)) {
		cpu->exit.reason = CPU_EXIT_FAULT;
		cpu->exit.fault.vector = vector;
		cpu->exit.fault.has_error = false;
		cpu->exit.fault.error = 0;
		return X_EXIT_DONE;
	}
	rc = excp_deliver(cpu, vector, false, 0, vector != EXC_DB ? EXCP_SOFT : EXCP_CPU,
			  cpu->next_rip);
	if (rc == X_OK)
		cpu->next_rip = cpu->s.rip;
	return rc;
}

int op_int3(struct cpu *cpu, const struct insn *in)
{
	return soft_trap(cpu, EXC_BP);
}

int op_int1(struct cpu *cpu, const struct insn *in)
{
	return soft_trap(cpu, EXC_DB);
}

int op_into(struct cpu *cpu, const struct insn *in)
{
	if (!flags_cond(cpu, 0))
		return X_OK;
	return soft_trap(cpu, EXC_OF);
}

static int iret_real(struct cpu *cpu, const struct insn *in)
{
	uint64_t ip, cs, fl, m = flags_writable(cpu);

	if (stack_pop(cpu, in->opsz, &ip) || stack_pop(cpu, in->opsz, &cs) ||
	    stack_pop(cpu, in->opsz, &fl))
		return X_EXC;
	seg_load_real(cpu, SEG_CS, cs);
	cpu->next_rip = ip_mask(cpu, in->opsz, ip);
	flags_update(cpu, (in->opsz == 2 ? m & 0xffff : m) | FL_RF, fl);
	return X_OK;
}

/* Protected and long mode IRET: same level, or back to an outer level */
static int iret_prot(struct cpu *cpu, const struct insn *in)
{
	uint64_t ip, cs, fl, sp = 0, ss = 0, old_sp = cpu->s.gpr[RSP], m;
	int opsz = in->opsz, cpl = cpu->s.cpl, rpl;
	bool lm64 = cpu->mode == 64;

	if (flags_get(cpu) & FL_NT)
		return cpu_internal_error(cpu, "IRET with NT: task return not supported");
	if (stack_pop(cpu, opsz, &ip) || stack_pop(cpu, opsz, &cs) || stack_pop(cpu, opsz, &fl))
		goto fault;
	rpl = cs & 3;
	if (rpl < cpl) {
		cpu->s.gpr[RSP] = old_sp;
		return excp_gp(cpu, cs & 0xfffc);
	}
	if ((lm64 || rpl > cpl) && (stack_pop(cpu, opsz, &sp) || stack_pop(cpu, opsz, &ss)))
		goto fault;
	if ((fl & FL_VM) && cpl == 0 && !lm64)
		return cpu_internal_error(cpu, "IRET to virtual-8086 mode not supported");
	m = flags_writable(cpu);
	if (seg_load_cs(cpu, cs, rpl))
		goto fault;
	cpu->next_rip = ip_mask(cpu, opsz, ip);
	flags_update(cpu, (opsz == 2 ? m & 0xffff : m) | FL_RF, fl);
	if (lm64 || rpl > cpl) {
		if (seg_load(cpu, SEG_SS, ss))
			return cpu_internal_error(cpu, "IRET: bad SS after CS was loaded");
		cpu->s.gpr[RSP] = opsz == 2 ? (uint16_t)sp : opsz == 4 && !lm64 ? (uint32_t)sp : sp;
	}
	return X_OK;
fault:
	cpu->s.gpr[RSP] = old_sp;
	return X_EXC;
}

int op_iret(struct cpu *cpu, const struct insn *in)
{
	if (!(cpu->s.cr0 & CR0_PE))
		return iret_real(cpu, in);
	if (cpu->s.rflags & FL_VM)
		return cpu_internal_error(cpu, "IRET in virtual-8086 mode not supported");
	return iret_prot(cpu, in);
}
