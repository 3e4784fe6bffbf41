/* Stack instructions: PUSH/POP in all forms, PUSHF/POPF, PUSHA/POPA,
 * ENTER/LEAVE, and the stack primitives other groups use. */
#include "hypervisor/cpu/cpu_int.h"

int stack_size(const struct cpu *cpu)
{
	if (cpu->mode == 64)
		return 8;
	return (cpu->s.seg[SEG_SS].attr & SEG_ATTR_DB) ? 4 : 2;
}

static void sp_set(struct cpu *cpu, uint64_t sp)
{
	int ss = stack_size(cpu);

	if (ss == 8)
		cpu->s.gpr[RSP] = sp;
	else if (ss == 4)
		cpu->s.gpr[RSP] = (uint32_t)sp;
	else
		cpu->s.gpr[RSP] = (cpu->s.gpr[RSP] & ~0xffffull) | (sp & 0xffff);
}

int stack_push(struct cpu *cpu, int size, uint64_t v)
{
	uint64_t sp = addr_mask(stack_size(cpu), cpu->s.gpr[RSP] - size);

	if (mem_write_u(cpu, SEG_SS, sp, size, v))   /* inline TLB hit in 64-bit mode */
		return X_EXC;
	sp_set(cpu, sp);
	return X_OK;
}

int stack_pop(struct cpu *cpu, int size, uint64_t *v)
{
	uint64_t sp = addr_mask(stack_size(cpu), cpu->s.gpr[RSP]);

	if (mem_read_u(cpu, SEG_SS, sp, size, v))
		return X_EXC;
	sp_set(cpu, sp + size);
	return X_OK;
}

/* Read the stack `depth` bytes above SP without moving it. */
static int stack_peek(struct cpu *cpu, int size, int depth, uint64_t *v)
{
	*v = 0;
	return mem_read(cpu, SEG_SS, addr_mask(stack_size(cpu), cpu->s.gpr[RSP] + depth), size, v);
}

int op_push_r(struct cpu *cpu, const struct insn *in)
{
	return stack_push(cpu, in->opsz, reg_read(cpu, in, (in->op & 7) | ((in->rex & 1) << 3), in->opsz));
}

int op_pop_r(struct cpu *cpu, const struct insn *in)
{
	uint64_t v;

	if (stack_pop(cpu, in->opsz, &v))
		return X_EXC;
	reg_write(cpu, in, (in->op & 7) | ((in->rex & 1) << 3), in->opsz, v);
	return X_OK;
}

/* 68, 6A */
int op_push_i(struct cpu *cpu, const struct insn *in)
{
	return stack_push(cpu, in->opsz, in->imm);
}

/* 8F /0: the address is computed with the incremented stack pointer */
int op_pop_rm(struct cpu *cpu, const struct insn *in)
{
	uint64_t v, old = cpu->s.gpr[RSP];

	if (stack_pop(cpu, in->opsz, &v))
		return X_EXC;
	if (rm_write(cpu, in, in->opsz, v)) {
		cpu->s.gpr[RSP] = old;
		return X_EXC;
	}
	return X_OK;
}

/* FF /6 */
int op_push_rm(struct cpu *cpu, const struct insn *in)
{
	int size = in->mode == 64 ? (in->opsz == 2 ? 2 : 8) : in->opsz;
	uint64_t v;

	if (rm_read(cpu, in, size, &v))
		return X_EXC;
	return stack_push(cpu, size, v);
}

int op_pushf(struct cpu *cpu, const struct insn *in)
{
	if ((cpu->s.rflags & FL_VM) && (cpu->s.rflags & FL_IOPL) != FL_IOPL)
		return excp_gp(cpu, 0);
	return stack_push(cpu, in->opsz, flags_get(cpu) & ~(uint64_t)(FL_VM | FL_RF));
}

/* The RFLAGS bits POPF and IRET may change at the current privilege. */
uint64_t flags_writable(const struct cpu *cpu)
{
	uint64_t m = FL_ARITH | FL_TF | FL_DF | FL_NT | FL_AC | FL_ID;
	uint64_t iopl = (cpu->s.rflags & FL_IOPL) >> 12;

	if (cpu->s.cpl == 0)
		m |= FL_IOPL;
	if (cpu->s.cpl <= iopl)
		m |= FL_IF;
	return m;
}

int op_popf(struct cpu *cpu, const struct insn *in)
{
	uint64_t v, m = flags_writable(cpu);

	if ((cpu->s.rflags & FL_VM) && (cpu->s.rflags & FL_IOPL) != FL_IOPL)
		return excp_gp(cpu, 0);
	if (stack_pop(cpu, in->opsz, &v))
		return X_EXC;
	if (in->opsz == 2)
		m &= 0xffff;
	flags_update(cpu, m | FL_RF, v & ~(uint64_t)FL_RF);
	return X_OK;
}

/* 60 PUSHA: SP as it was before the first push */
int op_pusha(struct cpu *cpu, const struct insn *in)
{
	uint64_t sp = cpu->s.gpr[RSP];

	for (int r = RAX; r <= RDI; r++)
		if (stack_push(cpu, in->opsz, r == RSP ? sp : cpu->s.gpr[r])) {
			cpu->s.gpr[RSP] = sp;
			return X_EXC;
		}
	return X_OK;
}

int op_popa(struct cpu *cpu, const struct insn *in)
{
	uint64_t v[8];

	for (int r = RDI; r >= RAX; r--)
		if (stack_peek(cpu, in->opsz, (RDI - r) * in->opsz, &v[r]))
			return X_EXC;
	for (int r = RAX; r <= RDI; r++)
		if (r != RSP)
			reg_write(cpu, in, r, in->opsz, v[r]);
	sp_set(cpu, cpu->s.gpr[RSP] + 8 * in->opsz);
	return X_OK;
}

/* C8 ENTER size, level */
int op_enter(struct cpu *cpu, const struct insn *in)
{
	int size = in->opsz, level = in->imm2 & 31, ss = stack_size(cpu);
	uint64_t old_sp = cpu->s.gpr[RSP], bp = cpu->s.gpr[RBP], frame, v;

	if (stack_push(cpu, size, bp))
		return X_EXC;
	frame = cpu->s.gpr[RSP];
	for (int i = 1; i < level; i++) {
		bp = addr_mask(ss, bp - size);
		if (mem_read_u(cpu, SEG_SS, bp, size, &v) || stack_push(cpu, size, v))
			goto fault;
	}
	if (level && stack_push(cpu, size, frame))
		goto fault;
	if (in->imm && mem_write_u(cpu, SEG_SS, addr_mask(ss, cpu->s.gpr[RSP] - in->imm), 1, 0))
		goto fault;
	reg_write(cpu, in, RBP, size, frame);
	sp_set(cpu, cpu->s.gpr[RSP] - in->imm);
	return X_OK;
fault:
	cpu->s.gpr[RSP] = old_sp;
	return X_EXC;
}

int op_leave(struct cpu *cpu, const struct insn *in)
{
	uint64_t old = cpu->s.gpr[RSP], v;

	sp_set(cpu, cpu->s.gpr[RBP]);
	if (stack_pop(cpu, in->opsz, &v)) {
		cpu->s.gpr[RSP] = old;
		return X_EXC;
	}
	reg_write(cpu, in, RBP, in->opsz, v);
	return X_OK;
}

static int sreg_of(const struct insn *in)
{
	if (in->map == MAP_0F)
		return in->op < 0xa8 ? SEG_FS : SEG_GS;
	return (in->op >> 3) & 3;
}

/* 06 0E 16 1E, 0F A0 0F A8 */
int op_push_sreg(struct cpu *cpu, const struct insn *in)
{
	return stack_push(cpu, in->opsz, cpu->s.seg[sreg_of(in)].sel);
}

/* 07 17 1F, 0F A1 0F A9 */
int op_pop_sreg(struct cpu *cpu, const struct insn *in)
{
	uint64_t v, old = cpu->s.gpr[RSP];
	int sreg = sreg_of(in);

	if (stack_pop(cpu, in->opsz, &v))
		return X_EXC;
	if (seg_load(cpu, sreg, v)) {
		cpu->s.gpr[RSP] = old;
		return X_EXC;
	}
	if (sreg == SEG_SS)
		cpu->interrupt_shadow = true;
	return X_OK;
}
