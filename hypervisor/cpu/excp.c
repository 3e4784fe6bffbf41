/* Exceptions and interrupts: recording a fault, and delivering it (or an
 * external/software interrupt) through the IVT (real mode), a 32-bit IDT or
 * a 64-bit IDT, with stack switches, error codes, and the double and triple
 * fault rules. Task gates are not implemented (an internal error). */
#include "hypervisor/cpu/cpu_int.h"
#include "hypervisor/cpu/optab.h"

int excp_raise(struct cpu *cpu, int vector, bool has_error, uint32_t error)
{
	cpu->exc.vector = vector;
	cpu->exc.has_error = has_error;
	cpu->exc.error = error;
	return X_EXC;
}

static int deliver_real(struct cpu *cpu, int vector, uint64_t ret)
{
	uint16_t ip = 0, cs = 0;
	uint64_t fl = flags_get(cpu);

	if (vector * 4 + 3 > cpu->s.idtr.limit)
		return excp_gp(cpu, vector * 8 + 2);
	if (mem_read_lin(cpu, cpu->s.idtr.base + vector * 4, 2, &ip, true) ||
	    mem_read_lin(cpu, cpu->s.idtr.base + vector * 4 + 2, 2, &cs, true))
		return X_EXC;
	if (stack_push(cpu, 2, fl) || stack_push(cpu, 2, cpu->s.seg[SEG_CS].sel) ||
	    stack_push(cpu, 2, ret))
		return X_EXC;
	flags_update(cpu, FL_IF | FL_TF | FL_AC | FL_RF, 0);
	seg_load_real(cpu, SEG_CS, cs);
	cpu->s.rip = ip;
	return X_OK;
}

/* New stack for a privilege change: from the TSS (or the IST in long mode). */
static int tss_stack(struct cpu *cpu, int dpl, int ist, uint64_t *sp, uint16_t *ss)
{
	const struct cpu_seg *tr = &cpu->s.seg[SEG_TR];
	uint32_t off;

	*ss = 0;
	*sp = 0;
	if (cpu->s.efer & EFER_LMA) {
		off = ist ? 0x24 + 8 * (ist - 1) : 4 + 8 * dpl;
		if (off + 7 > tr->limit)
			return excp_raise(cpu, EXC_TS, true, tr->sel & 0xfffc);
		*ss = dpl;
		return mem_read_lin(cpu, tr->base + off, 8, sp, true);
	}
	off = 4 + 8 * dpl;
	if (off + 5 > tr->limit)
		return excp_raise(cpu, EXC_TS, true, tr->sel & 0xfffc);
	if (mem_read_lin(cpu, tr->base + off, 4, sp, true) ||
	    mem_read_lin(cpu, tr->base + off + 4, 2, ss, true))
		return X_EXC;
	return X_OK;
}

struct gate {
	uint16_t sel;
	uint64_t off;
	unsigned type, dpl, ist;
	bool present;
};

static int read_gate(struct cpu *cpu, int vector, struct gate *g)
{
	bool lm = cpu->s.efer & EFER_LMA;
	int sz = lm ? 16 : 8;
	uint64_t d[2] = { 0, 0 };

	if ((uint32_t)vector * sz + sz - 1 > cpu->s.idtr.limit)
		return excp_gp(cpu, vector * 8 + 2);
	if (mem_read_lin(cpu, cpu->s.idtr.base + vector * sz, sz, d, true))
		return X_EXC;
	g->sel = d[0] >> 16;
	g->off = (d[0] & 0xffff) | ((d[0] >> 32) & 0xffff0000ull) | (lm ? d[1] << 32 : 0);
	g->type = (d[0] >> 40) & 0xf;
	g->dpl = (d[0] >> 45) & 3;
	g->present = d[0] & (1ull << 47);
	g->ist = lm ? (d[0] >> 32) & 7 : 0;
	return X_OK;
}

/* The frame the CPU pushes, in push order. */
static int push_frame(struct cpu *cpu, int size, const uint64_t *v, int n)
{
	for (int i = 0; i < n; i++)
		if (stack_push(cpu, size, v[i]))
			return X_EXC;
	return X_OK;
}

static int deliver_prot(struct cpu *cpu, int vector, bool has_error, uint32_t error,
			enum excp_src src, uint64_t ret)
{
	struct gate g = { 0 };
	uint64_t cs_desc[2], frame[6], old_sp = cpu->s.gpr[RSP], new_sp;
	uint16_t old_ss = cpu->s.seg[SEG_SS].sel, new_ss;
	bool lm = cpu->s.efer & EFER_LMA;
	int n = 0, size, dpl, old_cpl = cpu->s.cpl;
	struct cpu_seg save_ss = cpu->s.seg[SEG_SS];

	if (read_gate(cpu, vector, &g))
		return X_EXC;
	if ((g.type & 6) != 6 || (lm && (g.type & 8) == 0))
		return cpu_internal_error(cpu, "task gates and bad IDT gate types are not supported");
	if (src == EXCP_SOFT && g.dpl < cpu->s.cpl)
		return excp_gp(cpu, vector * 8 + 2);
	if (!g.present)
		return excp_raise(cpu, EXC_NP, true, vector * 8 + 2);
	if (seg_read_desc(cpu, g.sel, cs_desc, false))
		return X_EXC;
	dpl = (cs_desc[0] >> 45) & 3;
	if ((cs_desc[0] & (1ull << 42)) || dpl > cpu->s.cpl)   /* conforming: stay */
		dpl = cpu->s.cpl;
	size = lm ? 8 : (g.type & 8) ? 4 : 2;
	frame[n++] = flags_get(cpu) & ~(uint64_t)FL_RF;
	if (dpl < cpu->s.cpl || (lm && g.ist)) {
		if (tss_stack(cpu, dpl, g.ist, &new_sp, &new_ss))
			return X_EXC;
		if (lm) {
			cpu->s.seg[SEG_SS].sel = new_ss;
			cpu->s.seg[SEG_SS].attr = 0x93 | (dpl << 5) | SEG_ATTR_DB;
			cpu->s.seg[SEG_SS].base = 0;
			cpu->s.seg[SEG_SS].limit = 0xffffffff;
			new_sp &= ~15ull;
		} else {
			cpu->s.cpl = dpl;
			if (seg_load(cpu, SEG_SS, new_ss)) {
				cpu->s.cpl = old_cpl;
				return X_EXC;
			}
		}
		cpu->s.gpr[RSP] = new_sp;
		cpu->s.cpl = dpl;
	} else if (lm) {
		cpu->s.gpr[RSP] &= ~15ull;
	}
	if (lm || dpl < old_cpl) {
		uint64_t f = frame[0];

		n = 0;
		frame[n++] = old_ss;
		frame[n++] = old_sp;
		frame[n++] = f;
	}
	frame[n++] = cpu->s.seg[SEG_CS].sel;
	frame[n++] = ret;
	if (has_error)
		frame[n++] = error;
	if (push_frame(cpu, size, frame, n)) {
		cpu->s.seg[SEG_SS] = save_ss;
		cpu->s.gpr[RSP] = old_sp;
		cpu->s.cpl = old_cpl;
		return X_EXC;
	}
	seg_from_desc(&cpu->s.seg[SEG_CS], (g.sel & ~3) | dpl, cs_desc);
	seg_update_mode(cpu);
	cpu->s.rip = lm ? g.off : (uint32_t)g.off;
	flags_update(cpu, FL_TF | FL_NT | FL_RF | FL_VM | ((g.type & 1) ? 0 : FL_IF), 0);
	return X_OK;
}

static bool contributory(int v)
{
	return v == EXC_DE || (v >= EXC_TS && v <= EXC_GP);
}

int excp_deliver(struct cpu *cpu, int vector, bool has_error, uint32_t error,
		 enum excp_src src, uint64_t ret)
{
	int rc;

	cpu->halted = false;
	if (src == EXCP_CPU && vector < 32 && (cpu->exit_bitmap & (1u << vector))) {
		cpu->exit.reason = CPU_EXIT_FAULT;
		cpu->exit.fault.vector = vector;
		cpu->exit.fault.has_error = has_error;
		cpu->exit.fault.error = error;
		cpu->exit.fault.cr2 = cpu->s.cr2;
		return X_EXIT;
	}
	if (cpu->s.cr0 & CR0_PE)
		rc = deliver_prot(cpu, vector, has_error, error, src, ret);
	else
		rc = deliver_real(cpu, vector, ret);
	if (rc != X_EXC)
		return rc;
	/* a fault while delivering: double fault, then triple fault */
	if (vector == EXC_DF || cpu->nested_faults >= 2) {
		cpu->exit.reason = CPU_EXIT_SHUTDOWN;
		return X_EXIT;
	}
	cpu->nested_faults++;
	if ((contributory(vector) || vector == EXC_PF) &&
	    (contributory(cpu->exc.vector) || cpu->exc.vector == EXC_PF))
		rc = excp_deliver(cpu, EXC_DF, true, 0, EXCP_CPU, cpu->s.rip);
	else
		rc = excp_deliver(cpu, cpu->exc.vector, cpu->exc.has_error, cpu->exc.error,
				  EXCP_CPU, cpu->s.rip);
	cpu->nested_faults--;
	return rc;
}

/* Every encoding without a handler in optab.def. */
int op_ud(struct cpu *cpu, const struct insn *in)
{
	return excp_ud(cpu);
}
