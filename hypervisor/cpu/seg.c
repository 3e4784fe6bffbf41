/* Segmentation: descriptor tables, selector loads with the protected-mode
 * checks, the hidden descriptor caches, and the code size they imply. */
#include "hypervisor/cpu/cpu_int.h"

void seg_update_mode(struct cpu *cpu)
{
	const struct cpu_seg *cs = &cpu->s.seg[SEG_CS];

	if (!(cpu->s.cr0 & CR0_PE)) {
		cpu->mode = 16;
		cpu->s.cpl = 0;
		return;
	}
	if (cpu->s.rflags & FL_VM) {
		cpu->mode = 16;
		cpu->s.cpl = 3;
		return;
	}
	if ((cpu->s.efer & EFER_LMA) && (cs->attr & SEG_ATTR_L))
		cpu->mode = 64;
	else
		cpu->mode = (cs->attr & SEG_ATTR_DB) ? 32 : 16;
	cpu->s.cpl = cs->sel & 3;
}

void seg_load_real(struct cpu *cpu, int sreg, uint16_t sel)
{
	struct cpu_seg *s = &cpu->s.seg[sreg];

	s->sel = sel;
	s->base = (uint64_t)sel << 4;
	/* real mode keeps the cached limit and attributes (big real mode) */
	if (cpu->s.rflags & FL_VM) {
		s->limit = 0xffff;
		s->attr = 0xf3 | (sreg == SEG_CS ? 0x8 : 0);
	}
	if (sreg == SEG_CS)
		seg_update_mode(cpu);
}

void seg_from_desc(struct cpu_seg *s, uint16_t sel, const uint64_t desc[2])
{
	uint64_t d = desc[0];

	s->sel = sel;
	s->base = ((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000ull);
	if (!(d & (1ull << 44)))   /* system descriptor: 64-bit base in long mode */
		s->base |= desc[1] << 32;
	s->limit = (d & 0xffff) | ((d >> 32) & 0xf0000);
	s->attr = ((d >> 40) & 0xff) | (((d >> 52) & 0xf) << 12);
	if (s->attr & SEG_ATTR_G)
		s->limit = (s->limit << 12) | 0xfff;
}

int seg_read_desc(struct cpu *cpu, uint16_t sel, uint64_t desc[2], bool wide)
{
	const struct cpu_seg *ldt = &cpu->s.seg[SEG_LDTR];
	uint64_t base = (sel & 4) ? ldt->base : cpu->s.gdtr.base;
	uint32_t limit = (sel & 4) ? ldt->limit : cpu->s.gdtr.limit;
	uint32_t off = sel & ~7u;

	desc[1] = 0;
	if ((sel & 4) && !(ldt->attr & SEG_ATTR_P))
		return excp_gp(cpu, sel & 0xfffc);
	if (off + (wide ? 15 : 7) > limit)
		return excp_gp(cpu, sel & 0xfffc);
	if (mem_read_lin(cpu, base + off, 8, &desc[0], true))
		return X_EXC;
	if (wide && mem_read_lin(cpu, base + off + 8, 8, &desc[1], true))
		return X_EXC;
	return X_OK;
}

/* Set the accessed bit of a code/data descriptor, as a load does. */
static int seg_set_accessed(struct cpu *cpu, uint16_t sel, uint64_t *desc)
{
	uint64_t base = (sel & 4) ? cpu->s.seg[SEG_LDTR].base : cpu->s.gdtr.base;

	if (*desc & (1ull << 40))
		return X_OK;
	*desc |= 1ull << 40;
	return mem_write_lin(cpu, base + (sel & ~7u) + 5, 1, (uint8_t *)desc + 5, true);
}

static int seg_check_data(struct cpu *cpu, int sreg, uint16_t sel, uint64_t d)
{
	unsigned type = (d >> 40) & 0xf, dpl = (d >> 45) & 3, rpl = sel & 3;
	bool s = d & (1ull << 44), p = d & (1ull << 47);

	if (sreg == SEG_SS) {
		if (!s || (type & 8) || !(type & 2) || rpl != cpu->s.cpl || dpl != cpu->s.cpl)
			return excp_gp(cpu, sel & 0xfffc);
		if (!p)
			return excp_raise(cpu, EXC_SS, true, sel & 0xfffc);
		return X_OK;
	}
	if (!s || ((type & 8) && !(type & 2)))
		return excp_gp(cpu, sel & 0xfffc);
	if ((!(type & 8) || !(type & 4)) && (dpl < cpu->s.cpl || dpl < rpl))
		return excp_gp(cpu, sel & 0xfffc);
	if (!p)
		return excp_raise(cpu, EXC_NP, true, sel & 0xfffc);
	return X_OK;
}

int seg_load(struct cpu *cpu, int sreg, uint16_t sel)
{
	uint64_t desc[2];
	struct cpu_seg *s = &cpu->s.seg[sreg];

	if (!(cpu->s.cr0 & CR0_PE) || (cpu->s.rflags & FL_VM)) {
		seg_load_real(cpu, sreg, sel);
		return X_OK;
	}
	if ((sel & 0xfffc) == 0) {
		if (sreg == SEG_SS && !(cpu->mode == 64 && cpu->s.cpl < 3))
			return excp_gp(cpu, 0);
		s->sel = sel;
		s->base = 0;
		s->limit = 0;
		/* a null SS in 64-bit mode stays usable; others fault on use */
		s->attr = sreg == SEG_SS ? (0x93 | (cpu->s.cpl << 5) | SEG_ATTR_DB) : 0;
		return X_OK;
	}
	if (seg_read_desc(cpu, sel, desc, false) || seg_check_data(cpu, sreg, sel, desc[0]) ||
	    seg_set_accessed(cpu, sel, &desc[0]))
		return X_EXC;
	seg_from_desc(s, sel, desc);
	return X_OK;
}

int seg_load_cs(struct cpu *cpu, uint16_t sel, int new_cpl)
{
	uint64_t desc[2];
	struct cpu_seg *s = &cpu->s.seg[SEG_CS];

	if (!(cpu->s.cr0 & CR0_PE) || (cpu->s.rflags & FL_VM)) {
		seg_load_real(cpu, SEG_CS, sel);
		return X_OK;
	}
	if ((sel & 0xfffc) == 0)
		return excp_gp(cpu, 0);
	if (seg_read_desc(cpu, sel, desc, false))
		return X_EXC;
	if (!(desc[0] & (1ull << 44)) || !(desc[0] & (1ull << 43)))
		return excp_gp(cpu, sel & 0xfffc);
	if (!(desc[0] & (1ull << 47)))
		return excp_raise(cpu, EXC_NP, true, sel & 0xfffc);
	if (seg_set_accessed(cpu, sel, &desc[0]))
		return X_EXC;
	seg_from_desc(s, (sel & ~3) | new_cpl, desc);
	seg_update_mode(cpu);
	cpu->s.cpl = new_cpl;
	return X_OK;
}
