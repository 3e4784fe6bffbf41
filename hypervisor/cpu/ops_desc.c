/* Descriptor tables and their registers: group 6 (0F 00: SLDT STR LLDT LTR
 * VERR VERW), group 7 memory forms (0F 01: SGDT SIDT LGDT LIDT SMSW LMSW
 * INVLPG), LAR and LSL. */
#include "hypervisor/cpu/cpu_int.h"

static bool prot(const struct cpu *cpu)
{
	return (cpu->s.cr0 & CR0_PE) && !(cpu->s.rflags & FL_VM);
}

static int lldt_ltr(struct cpu *cpu, int sreg, uint16_t sel)
{
	bool lm = cpu->s.efer & EFER_LMA;
	uint64_t d[2];
	unsigned type;

	if (cpu->s.cpl)
		return excp_gp(cpu, 0);
	if ((sel & 0xfffc) == 0) {
		if (sreg == SEG_TR)
			return excp_gp(cpu, 0);
		cpu->s.seg[SEG_LDTR] = (struct cpu_seg){ .sel = sel };
		return X_OK;
	}
	if (sel & 4)
		return excp_gp(cpu, sel & 0xfffc);
	if (seg_read_desc(cpu, sel, d, lm))
		return X_EXC;
	type = (d[0] >> 40) & 0x1f;   /* S bit included: system descriptors only */
	if (sreg == SEG_LDTR ? type != 2 : (type != 9 && type != 1))
		return excp_gp(cpu, sel & 0xfffc);
	if (!(d[0] & (1ull << 47)))
		return excp_raise(cpu, EXC_NP, true, sel & 0xfffc);
	seg_from_desc(&cpu->s.seg[sreg], sel, d);
	if (sreg == SEG_TR) {   /* mark the TSS busy */
		uint8_t b = ((d[0] >> 40) & 0xff) | 2;

		cpu->s.seg[SEG_TR].attr |= 2;
		return mem_write_lin(cpu, cpu->s.gdtr.base + (sel & ~7u) + 5, 1, &b, true);
	}
	return X_OK;
}

/* VERR/VERW: ZF = segment readable/writable from here */
static int verify(struct cpu *cpu, uint16_t sel, bool write)
{
	uint64_t d[2];
	bool ok = false;

	if ((sel & 0xfffc) && ((sel | 7) <= ((sel & 4) ? cpu->s.seg[SEG_LDTR].limit : cpu->s.gdtr.limit)) &&
	    !seg_read_desc(cpu, sel, d, false) && (d[0] & (1ull << 44))) {
		unsigned type = (d[0] >> 40) & 0xf, dpl = (d[0] >> 45) & 3;
		bool conforming = (type & 0xc) == 0xc;

		ok = write ? !(type & 8) && (type & 2) : !(type & 8) || (type & 2);
		if (!conforming && (dpl < cpu->s.cpl || dpl < (sel & 3u)))
			ok = false;
	}
	flags_update(cpu, FL_ZF, ok ? FL_ZF : 0);
	return X_OK;
}

int op_grp6(struct cpu *cpu, const struct insn *in)
{
	int r = in->reg & 7;
	uint64_t v;

	if (!prot(cpu))
		return excp_ud(cpu);
	switch (r) {
	case 0: return rm_write(cpu, in, in->mod == 3 ? in->opsz : 2, cpu->s.seg[SEG_LDTR].sel);
	case 1: return rm_write(cpu, in, in->mod == 3 ? in->opsz : 2, cpu->s.seg[SEG_TR].sel);
	case 2: case 3:
		if (rm_read(cpu, in, 2, &v))
			return X_EXC;
		return lldt_ltr(cpu, r == 2 ? SEG_LDTR : SEG_TR, v);
	case 4: case 5:
		if (rm_read(cpu, in, 2, &v))
			return X_EXC;
		return verify(cpu, v, r == 5);
	default: return excp_ud(cpu);
	}
}

static int dt_store(struct cpu *cpu, const struct insn *in, const struct cpu_dtable *t)
{
	uint64_t ea = op_ea(cpu, in);
	uint64_t base = cpu->mode == 64 ? t->base : (uint32_t)t->base;

	if (mem_write_u(cpu, in->seg, ea, 2, t->limit))
		return X_EXC;
	return mem_write_u(cpu, in->seg, addr_mask(in->adsz, ea + 2), cpu->mode == 64 ? 8 : 4, base);
}

static int dt_load(struct cpu *cpu, const struct insn *in, struct cpu_dtable *t)
{
	uint64_t ea = op_ea(cpu, in), limit, base;

	if (cpu->s.cpl)
		return excp_gp(cpu, 0);
	if (mem_read_u(cpu, in->seg, ea, 2, &limit) ||
	    mem_read_u(cpu, in->seg, addr_mask(in->adsz, ea + 2), cpu->mode == 64 ? 8 : 4, &base))
		return X_EXC;
	if (cpu->mode != 64 && in->opsz == 2)
		base &= 0xffffff;
	t->limit = limit;
	t->base = base;
	return X_OK;
}

/* 0F 01 with a memory operand (and SMSW/LMSW with a register) */
int op_grp7(struct cpu *cpu, const struct insn *in)
{
	uint64_t v;

	if (in->mod == 3 && (in->reg & 7) != 4 && (in->reg & 7) != 6)
		return excp_ud(cpu);
	switch (in->reg & 7) {
	case 0: return dt_store(cpu, in, &cpu->s.gdtr);
	case 1: return dt_store(cpu, in, &cpu->s.idtr);
	case 2: return dt_load(cpu, in, &cpu->s.gdtr);
	case 3: return dt_load(cpu, in, &cpu->s.idtr);
	case 4: return rm_write(cpu, in, in->mod == 3 ? in->opsz : 2, cpu->s.cr0);
	case 6:
		if (cpu->s.cpl)
			return excp_gp(cpu, 0);
		if (rm_read(cpu, in, 2, &v))
			return X_EXC;
		/* LMSW sets PE but never clears it */
		v = (cpu->s.cr0 & ~0xeull) | (v & 0xf) | (cpu->s.cr0 & CR0_PE);
		cpu->s.cr0 = v;
		seg_update_mode(cpu);
		return X_OK;
	case 7:
		if (cpu->s.cpl)
			return excp_gp(cpu, 0);
		v = op_ea(cpu, in);
		if (cpu->mode == 64)
			v += in->seg >= SEG_FS ? cpu->s.seg[in->seg].base : 0;
		else
			v = (uint32_t)(v + cpu->s.seg[in->seg].base);
		cpu->stats.invlpg[0]++;
		cpu->stats.invlpg[1] += tlb_flush_page(&cpu->tlb, v) > 0;
		icache_unlink(&cpu->icache);   /* block links assume the old mapping */
		return X_OK;
	default: return excp_ud(cpu);
	}
}

/* 0F 02 LAR, 0F 03 LSL */
int op_lar_lsl(struct cpu *cpu, const struct insn *in)
{
	uint64_t sel, d[2];
	unsigned type, dpl;
	bool ok;

	if (!prot(cpu))
		return excp_ud(cpu);
	if (rm_read(cpu, in, 2, &sel))
		return X_EXC;
	ok = (sel & 0xfffc) && (sel | 7) <= ((sel & 4) ? cpu->s.seg[SEG_LDTR].limit : cpu->s.gdtr.limit) &&
	     !seg_read_desc(cpu, sel, d, false);
	if (ok) {
		type = (d[0] >> 40) & 0x1f;
		dpl = (d[0] >> 45) & 3;
		if (!(type & 0x10))   /* system: LDT, TSS (and call gates for LAR) */
			ok = type == 2 || type == 1 || type == 3 || type == 9 || type == 11 ||
			     (in->op == 0x02 && (type == 4 || type == 12));
		if (ok && (type & 0x1c) != 0x1c && (dpl < cpu->s.cpl || dpl < (sel & 3)))
			ok = false;
	}
	if (ok) {
		struct cpu_seg s;

		seg_from_desc(&s, sel, d);
		reg_write(cpu, in, in->reg, in->opsz,
			  in->op == 0x02 ? (d[0] >> 32) & 0x00f0ff00 : s.limit);
	}
	flags_update(cpu, FL_ZF, ok ? FL_ZF : 0);
	return X_OK;
}
